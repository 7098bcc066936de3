"""Reading a status page: `read_status_page` turns the HTML into a `StatusPage`.

It reads the column headings to know which column is which, since they differ from page to
page; the declarations section has its own reader (`declarations.py`).
"""

import datetime
import re

from treaties.depositary.declarations import _read_declarations
from treaties.depositary.page import (
    CN_RE,
    COLUMN_CONSENT,
    COLUMN_PARTICIPANT,
    COLUMN_PROVISIONAL,
    COLUMN_SIGNATURE,
    COLUMN_WITHDRAWAL,
    HEADING_KINDS,
    NOTE_COMMUNICATION,
    NOTE_OTHER,
    NOTE_PROVISIONAL,
    NOTE_TERRITORIAL,
    NOTE_WITHDRAWAL,
    PROVISIONAL_APPLICATION,
    SIGNATURE,
    WITHDRAWAL_NOTICE,
    DepositaryPageError,
    PageAct,
    PageColumn,
    PageEndNote,
    PageHeader,
    PageParticipant,
    PageTable,
    StatusPage,
)
from treaties.depositary.text import (
    _DATE,
    _date,
    _Element,
    _footnote_numbers,
    _is_territorial,
    _one_line,
    _raw_text,
    _text,
    _tree,
    normalise_space,
    parse_printed_date,
)

# ---------------------------------------------------------------------------------------------
# Reading.


def read_status_page(html: str, *, origin: str = "") -> StatusPage:
    """The status page read, or DepositaryPageError naming what it lacks (`origin` names the file in messages)."""
    where = f" ({origin})" if origin else ""
    root = _tree(html)
    missing: list[str] = []
    header = _read_header(root, missing)
    grid = root.find_id("_tblgrid")
    if grid is None:
        missing.append("the participant table (id …_tblgrid)")
    if missing:
        raise DepositaryPageError(
            f"This is not a readable UN Treaty Collection status page{where}: missing " + "; ".join(missing) + "."
        )
    columns, participants = _read_participants(grid, where)
    end_notes = _read_end_notes(root)
    declarations = _read_declarations(root, {n.number: n for n in end_notes})
    return StatusPage(
        header=header,
        columns=columns,
        participants=participants,
        declarations=declarations,
        end_notes=end_notes,
        tables=_read_tables(root),
        origin=origin,
    )


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(numeral: str) -> int:
    total = 0
    for index, letter in enumerate(numeral):
        value = _ROMAN[letter]
        following = _ROMAN[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _read_header(root: _Element, missing: list[str]) -> PageHeader | None:
    status = _text(root.find_id("_div3"))
    as_at = re.search(r"STATUS AS AT\s*:\s*(\d{2})-(\d{2})-(\d{4})", status)
    if not as_at:
        missing.append('the "STATUS AS AT : DD-MM-YYYY" line')
    chapter = re.search(r"CHAPTER\s+([IVXLC]+)\b", _text(root.find_id("_rptHead_ctl00_tcHead")))
    treaty = _text(root.find_id("_rptTreaty_ctl00_tcTreaty"))
    number = re.match(r"(\d+)\.\s*([a-z])?\b\s*(.*)", treaty)
    if not chapter or not number:
        missing.append("the chapter and treaty number (e.g. CHAPTER XXVI, 5.)")
    adoption = _text(root.find_id("_rptTreaty_ctl00_tcText"))
    adopted = parse_printed_date(adoption)
    if adopted is None:
        missing.append('the place and date of adoption (e.g. "Oslo, 18 September 1997")')
    eif_text = _text(root.find_id("_rptEIF_ctl00_tcText"))
    counts = _text(root.find_id("_rptStatus_ctl00_tcText"))
    parties = re.search(r"Parties\s*:\s*(\d+)", counts)
    signatories = re.search(r"Signatories\s*:\s*(\d+)", counts)
    if not parties:
        missing.append('the status line "Parties : N"')
    if missing:
        return None
    reference = f"{chapter.group(1)}-{number.group(1)}" + (f"-{number.group(2)}" if number.group(2) else "")
    return PageHeader(
        title=number.group(3).strip(),
        reference=reference,
        chapter=_roman(chapter.group(1)),
        adopted=adopted,
        adopted_place=adoption.split(",")[0].strip(),
        entry_into_force=parse_printed_date(eif_text),
        signatories=int(signatories.group(1)) if signatories else 0,
        signatories_printed=signatories is not None,
        parties=int(parties.group(1)),
        status_as_at=datetime.date(int(as_at.group(3)), int(as_at.group(2)), int(as_at.group(1))),
    )


def _cells(row: _Element) -> list[_Element]:
    return [c for c in row.elements() if c.tag in ("td", "th")]


def _rows(table: _Element) -> list[_Element]:
    """The table's rows, not those of a table nested in it."""
    rows: list[_Element] = []

    def walk(node: _Element) -> None:
        for child in node.elements():
            if child.tag == "tr":
                rows.append(child)
            elif child.tag != "table":
                walk(child)

    walk(table)
    return rows


def read_column_heading(heading: str) -> PageColumn:
    """What a column of the participant table holds, from its heading, e.g.
    "Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"."""
    text = _one_line(heading)
    lower = text.lower()
    if lower.startswith("participant"):
        return PageColumn(text, COLUMN_PARTICIPANT, {})
    if "provisional application" in lower:
        mark = re.search(r"\((\w+)\)\s*$", text)
        return PageColumn(text, COLUMN_PROVISIONAL, {mark.group(1) if mark else "": PROVISIONAL_APPLICATION})
    if lower.startswith(("withdrawal", "denunciation", "notification of withdrawal")):
        return PageColumn(text, COLUMN_WITHDRAWAL, {"": WITHDRAWAL_NOTICE})
    if lower.strip(" .") == "signature" or lower.startswith("signature"):
        return PageColumn(text, COLUMN_SIGNATURE, {"": SIGNATURE})
    marks: dict[str, str] = {}
    for part in text.split(","):
        match = re.fullmatch(r"\s*(.*?)\s*(?:\(\s*(\w+)\s*\))?\s*", part)
        label, mark = match.group(1).lower(), match.group(2) or ""
        kind = HEADING_KINDS.get(label)
        if kind is None or mark in marks:
            raise DepositaryPageError(
                f"The participant table has a column headed {text!r}: {part.strip()!r} is not a kind of act "
                f"this reader knows ({', '.join(HEADING_KINDS)}, each with its mark in brackets)."
            )
        marks[mark] = kind
    return PageColumn(text, COLUMN_CONSENT, marks)


_ACT_RE = re.compile(r"(\[)?\s*" + _DATE + r"\s*([A-Za-z]{0,2})\s*(\])?")


def _read_act(text: str, column: PageColumn, participant: str, where: str) -> PageAct | None:
    text = _one_line(text)
    if not text:
        return None
    match = _ACT_RE.fullmatch(text)
    if not match:
        raise DepositaryPageError(
            f"{participant}{where}: the cell {text!r} under {column.heading!r} is not a date with an optional mark."
        )
    date = _date(*match.group(2, 3, 4))
    if date is None:
        raise DepositaryPageError(f"{participant}{where}: {text!r} under {column.heading!r} is not a real date.")
    mark = match.group(5)
    if mark not in column.marks:
        known = ", ".join(repr(m) for m in column.marks if m) or "none"
        raise DepositaryPageError(
            f"{participant}{where}: the mark {mark!r} in {text!r} is not one the column {column.heading!r} "
            f"explains (its marks: {known})."
        )
    return PageAct(date=date, mark=mark, kind=column.marks[mark], bracketed=bool(match.group(1) or match.group(6)))


def _read_participants(grid: _Element, where: str) -> tuple[tuple[PageColumn, ...], tuple[PageParticipant, ...]]:
    rows = _rows(grid)
    if not rows:
        raise DepositaryPageError(f"The participant table{where} has no rows.")
    columns = tuple(read_column_heading(_text(cell)) for cell in _cells(rows[0]))
    roles = [c.role for c in columns]
    if roles[:1] != [COLUMN_PARTICIPANT] or COLUMN_CONSENT not in roles:
        raise DepositaryPageError(
            f"The participant table{where} must have a Participant column and a column of consents; "
            f"its headings are: {' | '.join(c.heading for c in columns)}."
        )
    participants = []
    for row in rows[1:]:
        cells = _cells(row)
        if not cells or not _text(cells[0]):
            continue
        if len(cells) != len(columns):
            raise DepositaryPageError(
                f"A row of the participant table{where} has {len(cells)} cells where the headings name "
                f"{len(columns)}: {_text(row)!r}."
            )
        printed = _text(cells[0], footnotes=False)
        name = printed.strip("[] ")
        acts: dict[str, PageAct | None] = {}
        for column, cell in zip(columns[1:], cells[1:], strict=True):
            acts[column.role] = _read_act(_raw_text(cell), column, name, where)
        bracketed = printed.startswith("[") or any(a.bracketed for a in acts.values() if a)
        participants.append(
            PageParticipant(
                name=name,
                notes=_footnote_numbers(cells[0]),
                bracketed=bracketed,
                signature=acts.get(COLUMN_SIGNATURE),
                consent=acts.get(COLUMN_CONSENT),
                provisional_application=acts.get(COLUMN_PROVISIONAL),
                withdrawal=acts.get(COLUMN_WITHDRAWAL),
            )
        )
    names = [p.name for p in participants]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DepositaryPageError(f"The participant table{where} lists {', '.join(repeated)} more than once.")
    if not participants:
        raise DepositaryPageError(f"The participant table{where} lists no participant.")
    return columns, tuple(participants)


def _read_tables(root: _Element) -> tuple[PageTable, ...]:
    """The "special table" some pages print below the participants (the CCW's Protocols I-III)."""
    table = root.find_id("_ContentPlaceHolderInnerPage_Table1")
    if table is None or "none" in table.attrs.get("style", "").replace(" ", "").lower():
        return ()
    rows = _rows(table)
    if not rows:
        return ()
    caption = _text(root.find_id("_Repeater1_ctl00_tcText"), footnotes=False)
    headings = tuple(_text(c) for c in _cells(rows[0]))
    body = tuple(tuple(_text(c, footnotes=False) for c in _cells(r)) for r in rows[1:] if _cells(r))
    return (PageTable(caption=caption, headings=headings, rows=body),)


def classify_end_note(text: str) -> str:
    """withdrawal, territorial_application, provisional_application, communication or other, from the note's words."""
    lower = text.lower()
    if "notification of withdrawal" in lower or re.search(r"\bwithdrawal (?:took|will take) effect", lower):
        return NOTE_WITHDRAWAL
    if _is_territorial(text):
        return NOTE_TERRITORIAL
    if "provisional application" in lower:
        return NOTE_PROVISIONAL
    if re.search(
        r"\bcommunication\b|\bcommunicated the following|\binformed the secretary-general"
        r"|\bnotified the secretary-general (?:of the following|that|as follows)",
        lower,
    ):
        return NOTE_COMMUNICATION
    return NOTE_OTHER


def _read_end_notes(root: _Element) -> tuple[PageEndNote, ...]:
    notes = []
    for cell in root.find_all_id(re.compile(r"_dgNotesAll_ctl\d+_divNotesAll$")):
        anchor = next((e for e in cell.iter() if e.tag == "a" and e.attrs.get("name", "").isdigit()), None)
        raw = normalise_space(_raw_text(cell))
        if anchor is not None:
            number = int(anchor.attrs["name"])
            raw = re.sub(rf"^\s*{number}\s*", "", raw, count=1)
        else:
            match = re.match(r"\s*(\d+)\s*", raw)
            if not match:
                continue
            number, raw = int(match.group(1)), raw[match.end() :]
        text = normalise_space(raw)
        cn_numbers = tuple(dict.fromkeys(m.rstrip(".-") for m in CN_RE.findall(_one_line(text))))
        notes.append(PageEndNote(number=number, text=text, cn_numbers=cn_numbers, kind=classify_end_note(text)))
    return tuple(sorted(notes, key=lambda n: n.number))
