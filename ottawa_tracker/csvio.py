"""Streaming CSV responses: UTF-8, a header row, ISO dates, formula cells neutralised.

Views pass a header and an iterable of rows; the rows are written through
`csv.writer` into a pass-through buffer and sent in large chunks, so memory
stays flat whatever the row count (Django's "Streaming large CSV files" how-to,
NetBox utilities/export.py).
"""

import contextlib
import csv
import datetime
import fcntl
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence

from django.db import connections
from django.db.models import Case, Expression, F, Func, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, NullIf
from django.http import StreamingHttpResponse
from django.utils.text import slugify

# Text a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
# The same rule as a regular expression, for PostgreSQL's COPY path (its text never holds NUL).
# The leading apostrophes make the rule reversible; see `neutralise`.
FORMULA_PATTERN_SQL = "^'*[-=+@\t\r]"
CHUNK_ROWS = 1000


def _is_formula(text: str) -> bool:
    """Starts with a formula character, possibly after apostrophes that an earlier neutralising added."""
    if text.startswith(FORMULA_PREFIXES):
        return True
    return text.startswith("'") and text.lstrip("'").startswith(FORMULA_PREFIXES)


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; leave numbers and dates alone.

    Text that already starts with apostrophes before a formula character (`'=1`) gets one
    more, so that `unneutralise` can always undo it exactly: an export imports back unchanged.
    Other text starting with an apostrophe (`'Tis`) is left alone.
    """
    if isinstance(value, str) and _is_formula(value):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """Undo `neutralise`: the text as it was before export."""
    if text.startswith("'") and _is_formula(text[1:]):
        return text[1:]
    return text


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


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False, newline: str = "\r\n"
) -> Iterator[bytes]:
    """Encode the header and rows as UTF-8 CSV, yielding about CHUNK_ROWS rows at a time.

    `newline="\n"` ends lines as PostgreSQL's COPY does. The writer still ends its lines in
    CRLF, so that a cell holding a lone carriage return is quoted (as COPY quotes it), and
    the CR is then dropped from the line end.
    """
    if newline not in ("\r\n", "\n"):
        raise ValueError(f"newline must be CRLF or LF, not {newline!r}")
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    line = writer.writerow if newline == "\r\n" else lambda cells: writer.writerow(cells)[:-2] + "\n"
    buffer = ["\ufeff" if bom else "", line(header)]
    for row in rows:
        buffer.append(line([cell(value) for value in row]))
        if len(buffer) >= CHUNK_ROWS:
            yield "".join(buffer).encode()
            buffer.clear()
    if buffer:
        yield "".join(buffer).encode()


def csv_header(header: Sequence[str], *, bom: bool = False, newline: str = "\r\n") -> bytes:
    """The header line alone, as `csv_chunks` writes it (for a body produced elsewhere, e.g. by COPY)."""
    return next(csv_chunks(header, (), bom=bom, newline=newline))


def csv_response(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    filename: str,
    bom: bool = False,
    newline: str = "\r\n",
) -> StreamingHttpResponse:
    return csv_stream_response(csv_chunks(header, rows, bom=bom, newline=newline), filename=filename)


def csv_stream_response(chunks: Iterable[bytes], *, filename: str) -> StreamingHttpResponse:
    """A CSV attachment from chunks of UTF-8 bytes."""
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# File names stay well inside what every file system and browser accepts.
MAX_FILENAME = 120


def _slug(part: object) -> str:
    # Punctuation separates words (d'Ivoire: d-ivoire) rather than vanishing between them.
    return slugify(re.sub(r"[^\w\s-]+|_", " ", str(part))).strip("-")


def export_filename(*parts: str, on: datetime.date | str | None = None) -> str:
    """A file name that says what, which and when: ottawa-events-africa-1998-01-01-to-2000-12-31.csv.

    Every part is slugified (ASCII letters, digits, hyphens), empty parts are dropped, and the name
    is cut to MAX_FILENAME characters; `on` (a date, or a date range already written out) always
    ends it whole.
    """
    tail = _slug(on.isoformat() if isinstance(on, datetime.date) else on or "")
    room = MAX_FILENAME - len(".csv") - (len(tail) + 1 if tail else 0)
    head = "-".join(slug for slug in map(_slug, parts) if slug)[:room].rstrip("-") or "export"
    return f"{head}-{tail}.csv" if tail else f"{head}.csv"


def neutralised_sql(field: str) -> Expression:
    """`cell()` of a text column, computed by the database: formula text neutralised, empty text as NULL.

    COPY writes NULL as an empty cell and an empty string as `""`; the Python path writes
    both as an empty cell, so empty text becomes NULL here.
    """
    return NullIf(
        Case(
            When(**{f"{field}__regex": FORMULA_PATTERN_SQL}, then=Concat(Value("'"), F(field))),
            default=F(field),
            output_field=TextField(),
        ),
        Value(""),
        output_field=TextField(),
    )


def iso_date_sql(field: str) -> Expression:
    """`cell()` of a date column, computed by the database: YYYY-MM-DD whatever the session's DateStyle."""
    return Func(F(field), Value("YYYY-MM-DD"), function="to_char", output_field=TextField())


# The pipe between the COPY thread and the response; Linux allows up to 1 MiB without privileges.
PIPE_BYTES = 1 << 20
READ_BYTES = 1 << 18


def copy_csv_chunks(queryset: QuerySet, *, header: Sequence[str], bom: bool = False) -> Iterator[bytes]:
    """Stream PostgreSQL's `COPY (queryset) TO STDOUT WITH CSV` after our own header line.

    The queryset must already produce the cells as `csv_chunks` would write them
    (see `neutralised_sql` and `iso_date_sql`); COPY ends lines in LF. The SQL is built
    here, before the first byte is sent, so a bad query fails as an ordinary error.
    """
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        raise ValueError("COPY streaming needs PostgreSQL")
    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    statement = f"COPY ({connection.ops.compose_sql(sql, params)}) TO STDOUT WITH (FORMAT csv)"
    return _copy_out(connection, statement, first=csv_header(header, bom=bom, newline="\n"))


def _copy_out(connection, statement: str, *, first: bytes) -> Iterator[bytes]:
    """Run COPY TO STDOUT on a thread that writes into a pipe, and yield what the pipe holds.

    psycopg2's `copy_expert` only writes into a file and returns at the end, so a thread
    runs it against the request's own connection (psycopg2 connections may be shared
    between threads; the request thread does not touch it until the thread has ended).
    Memory stays at the size of the pipe and the buffers, whatever the row count. If the
    client goes away, the query is cancelled and the connection is not reused.
    """
    connection.ensure_connection()
    raw = connection.connection
    read_fd, write_fd = os.pipe()
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            with os.fdopen(write_fd, "wb", buffering=1 << 16) as sink, raw.cursor() as cursor:
                cursor.copy_expert(statement, sink, size=1 << 16)
        except BaseException as exc:  # reported by the consumer, on the request's thread
            failure.append(exc)

    source = os.fdopen(read_fd, "rb", buffering=0)
    thread = threading.Thread(target=produce, name="csv-copy", daemon=True)
    thread.start()
    completed = False
    try:
        yield first
        while chunk := source.read(READ_BYTES):
            yield chunk
        completed = True
    finally:
        source.close()  # if the client went away, the writer now fails at once instead of waiting
        if not completed and thread.is_alive():
            raw.cancel()
        thread.join()
        if failure or not completed:
            # The connection may be left inside an aborted COPY: never hand it to the next query.
            if connection.in_atomic_block:
                connection.needs_rollback = True
            else:
                connection.close()
    if failure:
        raise failure[0]
