"""Reading an event CSV: the bytes staff upload, checked as a file before any row is.

The columns are the export's (`exports.EVENT_HEADER`), so an export imports back
unchanged. `services.status_event_import` checks and writes the rows.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

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
        return _("row %(number)s: ") % {"number": self.number} + " ".join(self.messages)


# Error messages name at most NAMES_SHOWN unexpected columns, each cut to NAME_SHOWN characters.
NAMES_SHOWN = 10
NAME_SHOWN = 40
# The longest cell an event can have: codes, slugs, kinds and dates are short; a source or note may be long.
SHORT_CELL_MAX_CHARS = 200
CELL_MAX_CHARS = {"source": 20_000, "note": 20_000}


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return _("%(size)s MiB") % {"size": f"{n / (1024 * 1024):.1f}"}
    return _("%(size)s bytes") % {"size": f"{n:,}"}


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
            _(
                "The file is %(size)s; the limit is %(limit)s (about %(events)s events). "
                "Split it into smaller files and import them one after the other."
            )
            % {"size": _size(len(data)), "limit": _size(limit), "events": f"{limit // 140:,}"}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not UTF-8 text: byte %(byte)s on line %(line)s is not valid UTF-8. "
                "In Excel choose “CSV UTF-8 (Comma delimited)” when saving; elsewhere choose the UTF-8 encoding."
            )
            % {"byte": f"0x{data[exc.start]:02x}", "line": line}
        ) from None
    if not text.strip():
        raise ImportFileError(
            _("The file is empty. The first row must name the columns: %(columns)s.")
            % {"columns": ",".join(EVENT_HEADER)}
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
        _check_header(header)
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problem = _("it has %(cells)s cells where the header has %(columns)s columns.") % {
                    "cells": f"{len(cells):,}",
                    "columns": f"{len(header):,}",
                }
                rows.append(CsvRow(number, {}, problem))
            else:
                row = dict(zip(header, cells, strict=True))
                problem = _cell_problem(row)
                rows.append(CsvRow(number, {} if problem else row, problem))
    except csv.Error as exc:
        raise ImportFileError(
            _("The file is not valid CSV near line %(line)s: %(error)s.") % {"line": reader.line_num, "error": exc}
        ) from None
    if not rows:
        raise ImportFileError(_("The file has a header row but no events."))
    return rows


# Columns a file may leave out: files written before `date_precision` existed import as `day`.
OPTIONAL_COLUMNS = frozenset({"date_precision"})


def _check_header(header: list[str]) -> None:
    expected = set(EVENT_HEADER)
    seen = Counter(header)
    missing = [name for name in EVENT_HEADER if name not in seen and name not in OPTIONAL_COLUMNS]
    extra = [name or _("(blank)") for name in header if name not in expected]
    repeated = [name for name in EVENT_HEADER if seen[name] > 1]
    if not (missing or extra or repeated):
        return
    parts = []
    if missing:
        parts.append(_("missing %(columns)s") % {"columns": ", ".join(missing)})
    if extra:
        parts.append(_("not expected %(columns)s") % {"columns": _some(extra)})
    if repeated:
        parts.append(_("given twice %(columns)s") % {"columns": ", ".join(repeated)})
    raise ImportFileError(
        _(
            "The header row must name exactly these columns: %(columns)s "
            "(the event export's header; %(optional)s may be left out). "
            "This file's header has %(count)s columns: %(problems)s."
        )
        % {
            "columns": ",".join(EVENT_HEADER),
            "optional": ", ".join(sorted(OPTIONAL_COLUMNS)),
            "count": f"{len(header):,}",
            "problems": "; ".join(parts),
        }
    )


def _some(names: list[str]) -> str:
    """The first few names, each shortened, and how many more: an error message stays small whatever the file."""
    shown = [name if len(name) <= NAME_SHOWN else name[: NAME_SHOWN - 1] + "…" for name in names[:NAMES_SHOWN]]
    more = len(names) - len(shown)
    return ", ".join(shown) + (_(" and %(more)s more") % {"more": f"{more:,}"} if more else "")


def _cell_problem(cells: dict[str, str]) -> str:
    """Why a row's cells are too long to be an event's, without repeating them; "" when they are not."""
    too_long = [
        _("%(column)s is %(length)s characters long (at most %(max)s)")
        % {
            "column": name,
            "length": f"{len(value):,}",
            "max": f"{CELL_MAX_CHARS.get(name, SHORT_CELL_MAX_CHARS):,}",
        }
        for name, value in cells.items()
        if len(value) > CELL_MAX_CHARS.get(name, SHORT_CELL_MAX_CHARS)
    ]
    return "; ".join(too_long) + "." if too_long else ""
