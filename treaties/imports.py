"""Reading an event CSV: the bytes staff upload, checked as a file before any row is.

The columns are the export's (`exports.EVENT_HEADER`), so an export imports back
unchanged. `services.status_event_import` checks and writes the rows.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from treaties.exports import EVENT_HEADER


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing in it is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row of the file. `number` is the row a spreadsheet shows: the header is row 1."""

    number: int
    cells: dict[str, str]
    problem: str = ""


@dataclass
class RowError:
    number: int
    messages: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"row {self.number}: " + " ".join(self.messages)


# Error messages name at most NAMES_SHOWN unexpected columns, each cut to NAME_SHOWN characters.
NAMES_SHOWN = 10
NAME_SHOWN = 40
# The longest cell an event can have: codes, slugs, kinds and dates are short; a source or note may be long.
SHORT_CELL_MAX_CHARS = 200
CELL_MAX_CHARS = {"source": 20_000, "note": 20_000}


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


def max_import_bytes() -> int:
    """The upload limit (EVENT_IMPORT_MAX_BYTES), read when asked: by the upload form, the admin and the reader."""
    return settings.EVENT_IMPORT_MAX_BYTES


def status_event_csv_read(data: bytes, *, max_bytes: int | None = None) -> list[CsvRow]:
    """The file's data rows, or ImportFileError saying in words why the file cannot be read.

    1. Size: at most `EVENT_IMPORT_MAX_BYTES` (20 MiB by default, about 150,000 events).
    2. Encoding: UTF-8, with or without the byte-order mark Excel writes.
    3. Header: exactly the export's columns, in any order; `date_precision` may be left out (`day`).
    4. Rows: blank rows are skipped; a row with the wrong number of cells, or a cell longer than an
       event's field can sensibly be, is reported with the others (in words, without repeating it).
    """
    limit = max_import_bytes() if max_bytes is None else max_bytes
    if len(data) > limit:
        raise ImportFileError(
            f"The file is {_size(len(data))}; the limit is {_size(limit)} (about {limit // 140:,} events). "
            "Split it into smaller files and import them one after the other."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line} is not valid UTF-8. "
            "In Excel choose “CSV UTF-8 (Comma delimited)” when saving; elsewhere choose the UTF-8 encoding."
        ) from None
    if not text.strip():
        raise ImportFileError(f"The file is empty. The first row must name the columns: {','.join(EVENT_HEADER)}.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
        _check_header(header)
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problem = f"it has {len(cells):,} cells where the header has {len(header):,} columns."
                rows.append(CsvRow(number, {}, problem))
            else:
                row = dict(zip(header, cells, strict=True))
                problem = _cell_problem(row)
                rows.append(CsvRow(number, {} if problem else row, problem))
    except csv.Error as exc:
        raise ImportFileError(f"The file is not valid CSV near line {reader.line_num}: {exc}.") from None
    if not rows:
        raise ImportFileError("The file has a header row but no events.")
    return rows


# Columns a file may leave out: files written before `date_precision` existed import as `day`.
OPTIONAL_COLUMNS = frozenset({"date_precision"})


def _check_header(header: list[str]) -> None:
    expected = set(EVENT_HEADER)
    seen = Counter(header)
    missing = [name for name in EVENT_HEADER if name not in seen and name not in OPTIONAL_COLUMNS]
    extra = [name or "(blank)" for name in header if name not in expected]
    repeated = [name for name in EVENT_HEADER if seen[name] > 1]
    if not (missing or extra or repeated):
        return
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("not expected " + _some(extra))
    if repeated:
        parts.append("given twice " + ", ".join(repeated))
    raise ImportFileError(
        f"The header row must name exactly these columns: {','.join(EVENT_HEADER)} "
        f"(the event export's header; {', '.join(sorted(OPTIONAL_COLUMNS))} may be left out). "
        f"This file's header has {len(header):,} columns: {'; '.join(parts)}."
    )


def _some(names: list[str]) -> str:
    """The first few names, each shortened, and how many more: an error message stays small whatever the file."""
    shown = [name if len(name) <= NAME_SHOWN else name[: NAME_SHOWN - 1] + "…" for name in names[:NAMES_SHOWN]]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more:,} more" if more else "")


def _cell_problem(cells: dict[str, str]) -> str:
    """Why a row's cells are too long to be an event's, without repeating them; "" when they are not."""
    too_long = [
        f"{name} is {len(value):,} characters long (at most {CELL_MAX_CHARS.get(name, SHORT_CELL_MAX_CHARS):,})"
        for name, value in cells.items()
        if len(value) > CELL_MAX_CHARS.get(name, SHORT_CELL_MAX_CHARS)
    ]
    return "; ".join(too_long) + "." if too_long else ""
