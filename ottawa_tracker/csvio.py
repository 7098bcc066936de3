"""Streaming CSV responses: UTF-8, a header row, ISO dates, formula cells neutralised.

Views pass a header and an iterable of rows; the rows are written through
`csv.writer` into a pass-through buffer and sent in large chunks, so memory
stays flat whatever the row count (Django's "Streaming large CSV files" how-to,
NetBox utilities/export.py).
"""

import csv
import datetime
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

# Text a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
CHUNK_ROWS = 1000


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; leave numbers and dates alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell(value: object) -> object:
    """One CSV cell: ISO dates, empty for None, booleans as true/false, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(value)


class _Echo:
    """A file-like object whose write returns what it was given, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False) -> Iterator[bytes]:
    """Encode the header and rows as UTF-8 CSV, yielding about CHUNK_ROWS rows at a time."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    buffer = ["\ufeff" if bom else "", writer.writerow(header)]
    for row in rows:
        buffer.append(writer.writerow([cell(value) for value in row]))
        if len(buffer) >= CHUNK_ROWS:
            yield "".join(buffer).encode()
            buffer.clear()
    if buffer:
        yield "".join(buffer).encode()


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, filename: str, bom: bool = False
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(header, rows, bom=bom), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_filename(*parts: str, on: datetime.date) -> str:
    """A file name that says what and when: ottawa-events-2026-11-27.csv."""
    return "-".join([*parts, on.isoformat()]) + ".csv"
