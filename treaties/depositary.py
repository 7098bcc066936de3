"""Reading the depositary's own status page (UN Treaty Collection, "STATUS AS AT …") into the project's data.

`read_status_page` is pure: HTML in, a `StatusPage` out (header, participants with each act and
its mark, the declarations/reservations/objections section, the end notes with their C.N.
notification numbers), or `DepositaryPageError` saying what the page lacks. It reads the
column headings to know which column is which, since they differ from page to page.

`place_names` turns the page's names into ISO codes through a resolver (`country_resolver`
reads the country table and its former names); a name it cannot place is an error naming
every such name. The rest turns a placed page into the shipped data files
(`data/untc/<slug>_*.csv`) or into rows of the event CSV import, so that a newer copy of a
page goes through the same checks as every other writer (`read_depositary_page`).
"""

import csv
import datetime
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# The page as a tree: the depositary's HTML is generated and loose (stray `</n>`, `</i></p>`),
# so end tags close only what they match, and never across a cell, row, table or division.

_VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "col", "area", "base", "wbr", "source", "param"})
_SCOPE = frozenset({"div", "td", "th", "tr", "table", "body", "html"})
_SKIPPED = frozenset({"script", "style", "select", "option", "iframe", "noscript", "head"})
_CLOSES_PARAGRAPH = frozenset({"p", "div", "table", "ul", "ol", "center"})
_BLOCKS = frozenset({"p", "div", "tr", "table", "center", "li", "ul", "ol"})


class _Element:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: list[tuple[str, str | None]]):
        self.tag = tag
        self.attrs = {name: value or "" for name, value in attrs}
        self.children: list[_Element | str] = []

    @property
    def id(self) -> str:
        return self.attrs.get("id", "")

    def iter(self) -> Iterator["_Element"]:
        yield self
        for child in self.children:
            if isinstance(child, _Element):
                yield from child.iter()

    def elements(self, tag: str | None = None) -> list["_Element"]:
        """The direct child elements (of one tag)."""
        return [c for c in self.children if isinstance(c, _Element) and (tag is None or c.tag == tag)]

    def find_id(self, suffix: str) -> "_Element | None":
        """The first element whose id ends with `suffix` (ASP.NET prefixes every id with its containers)."""
        return next((e for e in self.iter() if e.id.endswith(suffix)), None)

    def find_all_id(self, pattern: re.Pattern) -> list["_Element"]:
        return [e for e in self.iter() if pattern.search(e.id)]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Element("#root", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        if tag in _CLOSES_PARAGRAPH:
            self._close_paragraph()  # a block closes an open paragraph, as browsers do
        element = _Element(tag, attrs)
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def _close_paragraph(self) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == "p":
                del self.stack[index:]
                return
            if self.stack[index].tag in _SCOPE:
                return

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Element(tag, attrs))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            current = self.stack[index]
            if current.tag == tag:
                del self.stack[index:]
                return
            if current.tag in _SCOPE:
                return  # a stray end tag: ignored

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _tree(html: str) -> _Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _raw_text(element: _Element | str, *, footnotes: bool = True) -> str:
    """The text as printed: `<br>` and blocks become line breaks; with `footnotes=False` the
    superscript note numbers are left out."""
    out: list[str] = []

    def walk(node: _Element | str) -> None:
        if isinstance(node, str):
            out.append(node)
            return
        if node.tag in _SKIPPED or (not footnotes and node.tag in ("sup", "superscript")):
            return
        if node.tag == "br":
            out.append("\n")
            return
        block = node.tag in _BLOCKS
        if block:
            out.append("\n")
        for child in node.children:
            walk(child)
        if block:
            out.append("\n")

    walk(element)
    return "".join(out)


def normalise_space(text: str) -> str:
    """Runs of spaces (including no-break spaces and tabs) to one, lines trimmed, blank lines dropped."""
    lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in text.replace("\r", "").split("\n"))
    return "\n".join(line for line in lines if line)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _text(element: _Element | None, *, footnotes: bool = True) -> str:
    return "" if element is None else _one_line(_raw_text(element, footnotes=footnotes))


def _footnote_numbers(element: _Element) -> tuple[int, ...]:
    numbers: list[int] = []
    for sup in element.iter():
        if sup.tag in ("sup", "superscript"):
            numbers += [int(n) for n in re.findall(r"\d+", _raw_text(sup))]
    return tuple(dict.fromkeys(numbers))


# ---------------------------------------------------------------------------------------------
# Dates as the depositary prints them: "11 Sep 2002" in the table, "27 June 2025" in notes,
# "03-02-2026" in the status line.

_MONTHS = {
    month: number
    for number, month in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_DATE = r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})"
DATE_RE = re.compile(_DATE)


def _date(day: str, month: str, year: str) -> datetime.date | None:
    number = _MONTHS.get(month[:3].lower())
    if number is None:
        return None
    try:
        return datetime.date(int(year), number, int(day))
    except ValueError:
        return None


def parse_printed_date(text: str) -> datetime.date | None:
    """The first date printed in `text` ("3 Dec 1997", "27 June 2025"), or None."""
    for match in DATE_RE.finditer(text):
        if (found := _date(*match.groups())) is not None:
            return found
    return None


# ---------------------------------------------------------------------------------------------
# What the page says.


class DepositaryPageError(ValueError):
    """The page cannot be read as a depositary status page; the message says what is missing or wrong."""


class UnplacedNamesError(DepositaryPageError):
    """Names on the page that no country matches."""

    def __init__(self, names: list[str], origin: str):
        self.names = names
        self.origin = origin
        where = f" on {origin}" if origin else ""
        super().__init__(
            f"{len(names)} name{'s' if len(names) != 1 else ''}{where} match no country or former name: "
            + "; ".join(names)
            + ". Add the name to the country's former names (admin) or correct the country table, then run again."
        )


# Event kinds as strings (EventKind's values), so reading a page needs no models.
SIGNATURE = "signature"
RATIFICATION = "ratification"
ACCEPTANCE = "acceptance"
APPROVAL = "approval"
ACCESSION = "accession"
SUCCESSION = "succession"
PROVISIONAL_APPLICATION = "provisional_application"
WITHDRAWAL_NOTICE = "withdrawal_notice"
DECLARATION = "declaration"
RESERVATION = "reservation"
OBJECTION = "objection"
TERRITORIAL_APPLICATION = "territorial_application"
# Kinds whose note is the depositary's text: the page, not the record, is their source.
TEXT_KINDS = frozenset({DECLARATION, RESERVATION, OBJECTION, TERRITORIAL_APPLICATION})

# The words of a column heading, and the kind of act they name. "Consent to be bound" (mark P)
# is how a State joins a CCW protocol: a notification, not preceded by a signature, which
# the model records as an accession (a consent that needs no signature).
HEADING_KINDS = {
    "ratification": RATIFICATION,
    "acceptance": ACCEPTANCE,
    "approval": APPROVAL,
    "accession": ACCESSION,
    "succession": SUCCESSION,
    "consent to be bound": ACCESSION,
}
CONSENT_TO_BE_BOUND_KIND = ACCESSION

COLUMN_PARTICIPANT = "participant"
COLUMN_SIGNATURE = "signature"
COLUMN_CONSENT = "consent"
COLUMN_PROVISIONAL = "provisional_application"
COLUMN_WITHDRAWAL = "withdrawal"

# End-note classes.
NOTE_WITHDRAWAL = "withdrawal"
NOTE_TERRITORIAL = "territorial_application"
NOTE_PROVISIONAL = "provisional_application"
NOTE_COMMUNICATION = "communication"
NOTE_OTHER = "other"

CN_RE = re.compile(r"C\.N\.\d+\.\d{4}(?:\.TREATIES-[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*)?")


@dataclass(frozen=True)
class PageHeader:
    title: str
    reference: str  # "XXVI-5"
    chapter: int  # 26
    adopted: datetime.date
    adopted_place: str
    entry_into_force: datetime.date | None
    signatories: int  # 0 where the page prints none (CCW protocols: no signature)
    parties: int
    status_as_at: datetime.date
    signatories_printed: bool = True

    @property
    def url(self) -> str:
        return (
            f"https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no={self.reference}"
            f"&chapter={self.chapter}"
        )


@dataclass(frozen=True)
class PageColumn:
    heading: str
    role: str  # COLUMN_*
    marks: Mapping[str, str]  # mark ("" for none) -> kind


@dataclass(frozen=True)
class PageAct:
    date: datetime.date
    mark: str  # as printed: "", "a", "A", "AA", "d", "P", "n"
    kind: str
    bracketed: bool = False


@dataclass(frozen=True)
class PageParticipant:
    name: str  # as printed, without footnote numbers
    notes: tuple[int, ...] = ()
    bracketed: bool = False  # printed in brackets: the State has withdrawn
    signature: PageAct | None = None
    consent: PageAct | None = None
    provisional_application: PageAct | None = None
    withdrawal: PageAct | None = None


@dataclass(frozen=True)
class PageDeclaration:
    participant: str
    notes: tuple[int, ...]
    kind: str  # declaration, reservation, objection, territorial_application
    text: str
    date: datetime.date | None  # printed beside the text; None: made with the act (see `occasion`)
    occasion: str  # "signature" or "consent": the act it was made with when no date is printed
    section: str  # the section's heading, e.g. "Declarations and Reservations"


@dataclass(frozen=True)
class PageEndNote:
    number: int
    text: str
    cn_numbers: tuple[str, ...]
    kind: str  # NOTE_*

    @property
    def withdrawal_dates(self) -> tuple[datetime.date | None, datetime.date | None]:
        """(notice, effective) of a withdrawal note, as its text gives them."""
        if self.kind != NOTE_WITHDRAWAL:
            return None, None
        notice = effective = None
        for sentence in _sentences(self.text):
            if "notification of withdrawal" in sentence.lower() and notice is None:
                notice = parse_printed_date(sentence)
            if match := re.search(r"(?:took|take|takes) effect\b.*?\bon " + _DATE, sentence):
                effective = _date(*match.groups()[-3:])
        return notice, effective


@dataclass(frozen=True)
class PageTable:
    """A further table the page prints (the CCW's consent to Protocols I, II and III)."""

    caption: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class StatusPage:
    header: PageHeader
    columns: tuple[PageColumn, ...]
    participants: tuple[PageParticipant, ...]
    declarations: tuple[PageDeclaration, ...]
    end_notes: tuple[PageEndNote, ...]
    tables: tuple[PageTable, ...] = ()
    origin: str = ""

    def participant(self, name: str) -> PageParticipant:
        for participant in self.participants:
            if participant.name == name:
                return participant
        raise KeyError(name)

    @property
    def notes(self) -> dict[int, PageEndNote]:
        return {note.number: note for note in self.end_notes}

    def names(self) -> list[str]:
        """Every State the page names, in the order it names them."""
        seen = dict.fromkeys(p.name for p in self.participants)
        seen.update(dict.fromkeys(d.participant for d in self.declarations))
        return list(seen)

    def withdrawal_of(self, participant: PageParticipant) -> tuple[datetime.date | None, datetime.date | None]:
        """(notice, effective) from the participant's withdrawal column or its end notes."""
        notice = participant.withdrawal.date if participant.withdrawal else None
        effective = None
        notes = self.notes
        for number in participant.notes:
            note = notes.get(number)
            if note is not None and note.kind == NOTE_WITHDRAWAL:
                found_notice, found_effective = note.withdrawal_dates
                notice = notice or found_notice
                effective = effective or found_effective
        return notice, effective

    def territorial_applications(self) -> list[PageDeclaration]:
        """Extensions and exclusions of territories: from the end notes on a participant's name
        (the UK's extensions of 2001 and 2002 to Ottawa), one per dated statement, and from the
        declarations section where a declaration is one."""
        found = [d for d in self.declarations if d.kind == TERRITORIAL_APPLICATION]
        notes = self.notes
        for participant in self.participants:
            for number in participant.notes:
                note = notes.get(number)
                if note is None or note.kind != NOTE_TERRITORIAL:
                    continue
                for date, text in _dated_statements(note.text):
                    if _is_territorial(text):
                        found.append(
                            PageDeclaration(
                                participant=participant.name,
                                notes=(number,),
                                kind=TERRITORIAL_APPLICATION,
                                text=text,
                                date=date,
                                occasion="consent",
                                section=f"End note {number}",
                            )
                        )
        return found


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


# ---- end notes --------------------------------------------------------------------------------

_TERRITORIAL_RE = re.compile(
    r"territorial application|\bextension (?:of .{0,80}?)?to\b|\bextended to\b|\bshall (?:not )?(?:apply|extend) to\b"
    r"|\bwill apply to\b|\bapplies to the\b|\bnot (?:apply|extend) to\b|kingdom in europe|\bfor the european part\b",
    re.IGNORECASE,
)


def _is_territorial(text: str) -> bool:
    return bool(_TERRITORIAL_RE.search(text))


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


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+(?=[A-Z(])|\n", text) if s.strip()]


_STATEMENT_START = re.compile(r"(?:^|(?<=[.\n]))\s*(?:Subsequently,\s*)?[Oo]n\s+" + _DATE)


def _dated_statements(text: str) -> list[tuple[datetime.date | None, str]]:
    """A note cut where a new statement begins with "On <date>" or "Subsequently, on <date>"; each
    with that date (None for what precedes the first)."""
    statements: list[tuple[datetime.date | None, str]] = []
    starts = list(_STATEMENT_START.finditer(text))
    head = text[: starts[0].start()] if starts else text
    if head.strip():
        statements.append((None, _one_line(head)))
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        statements.append((_date(*match.groups()), _one_line(text[match.start() : end])))
    return statements


# ---- declarations, reservations, objections ----------------------------------------------------

_OCCASION_RE = re.compile(
    r"^(?:made |confirmed |declarations? (?:and reservations? )?(?:made )?|reservations? (?:made )?)?"
    r"(?:upon|on|at the time of)\s+(?:the\s+)?(signature|signing|ratification|accession|acceptance|approval|"
    r"succession|consent|formal confirmation|provisional application|notification)",
    re.IGNORECASE,
)
_ANY_OCCASION_RE = re.compile(r"\b(?:made |confirmed )?upon (signature|signing)\b", re.IGNORECASE)


def _heading_kind(heading: str) -> str | None:
    lower = heading.lower()
    if "objection" in lower:
        return OBJECTION
    if re.search(r"reservation", lower) and not re.search(
        r"(?:with regard|in respect|relating) to the reservation", lower
    ):
        return RESERVATION
    if re.search(r"declar|understanding|statement|interpret", lower):
        return DECLARATION
    return None


def _heading_occasion(heading: str) -> str | None:
    match = _OCCASION_RE.search(heading.strip()) or _ANY_OCCASION_RE.search(heading)
    if not match:
        return None
    return "signature" if match.group(1).lower() in ("signature", "signing") else "consent"


def _is_heading(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and (stripped.endswith(":") or _heading_occasion(stripped) is not None)


def _declaration_tokens(element: _Element) -> list[tuple[str, object]]:
    """The entry as (kind, value) tokens: ("date", date), ("heading", text), ("text", text), ("break", None)."""
    tokens: list[tuple[str, object]] = []

    def walk(node: _Element | str) -> None:
        if isinstance(node, str):
            tokens.append(("text", node))
            return
        if node.tag in _SKIPPED:
            return
        if node.tag == "p" and "invisible" in node.attrs.get("class", ""):
            return  # the State's name, repeated for screen readers
        if node.tag == "br":
            tokens.append(("break", None))
            return
        if node.tag == "p" and node.attrs.get("align", "").lower() == "right":
            printed = _text(node)
            date = parse_printed_date(printed)
            if date is not None and DATE_RE.fullmatch(printed.strip()):
                tokens.append(("date", date))
                return
        if node.tag == "i":
            italic = _one_line(_raw_text(node))
            if _is_heading(italic):
                tokens.append(("break", None))
                tokens.append(("heading", italic))
                tokens.append(("break", None))
                return
        block = node.tag in _BLOCKS
        if block:
            tokens.append(("break", None))
        for child in node.children:
            walk(child)
        if block:
            tokens.append(("break", None))

    walk(element)
    return tokens


@dataclass
class _Segment:
    date: datetime.date | None = None
    occasion: str | None = None
    kind: str | None = None
    parts: list[str] = field(default_factory=list)
    has_body: bool = False

    def text(self) -> str:
        return normalise_space("".join(self.parts))


def _segments(tokens: list[tuple[str, object]], *, section_kind: str | None) -> list[_Segment]:
    """Cut an entry where its date, occasion (upon signature / upon ratification) or kind changes."""
    segments = [_Segment()]
    for part, value in tokens:
        current = segments[-1]
        if part == "date":
            if current.has_body or current.date is not None:
                segments.append(_Segment(date=value))
            else:
                current.date = value
        elif part == "heading":
            occasion = _heading_occasion(value)
            kind = section_kind or _heading_kind(value)
            new_occasion = occasion is not None and current.occasion is not None and occasion != current.occasion
            new_kind = kind is not None and current.kind is not None and kind != current.kind
            if current.has_body and (new_occasion or new_kind):
                current = _Segment(date=current.date if not new_occasion else None)
                segments.append(current)
            current.occasion = occasion or current.occasion
            current.kind = kind or current.kind
            current.parts += ["\n", value, "\n"]
        elif part == "break":
            current.parts.append("\n")
        else:
            current.parts.append(value)
            if str(value).strip():
                current.has_body = True
    return [s for s in segments if s.has_body or s.parts and s.text()]


def _section_title(root: _Element, *ids: str) -> str:
    return " ".join(t for t in (_text(root.find_id(i), footnotes=False) for i in ids) if t)


# The declaration sections of a page: the grid's id, the ids of its heading and sub-heading.
_SECTIONS = (
    ("_dgDec", ("_divMainDecTilte", "_divDecTilte"), None),
    ("_dgObj", ("_divMainObjTitle", "_divObjTitle"), OBJECTION),
    ("_dgDecUnderArticle", ("_divMainDecArt", "_divDecArt"), None),
)


def _read_declarations(root: _Element, notes: Mapping[int, PageEndNote]) -> tuple[PageDeclaration, ...]:
    declarations: list[PageDeclaration] = []
    for grid_id, title_ids, section_kind in _SECTIONS:
        title = _section_title(root, *title_ids)
        entry_re = re.compile(re.escape(grid_id) + r"_ctl\d+_divParticipant$")
        for name_cell in root.find_all_id(entry_re):
            text_cell = root.find_id(name_cell.id.removesuffix("_divParticipant") + "_divText")
            name = _text(name_cell, footnotes=False).strip("[] ")
            numbers = _footnote_numbers(name_cell)
            segments = _segments(_declaration_tokens(text_cell), section_kind=section_kind) if text_cell else []
            if not segments:
                # Printed with no text of its own: the text is the end note it points to (Latvia's
                # deferral in Amended Protocol II), or the section's heading (Ottawa's art. 18 list).
                referred = "\n".join(notes[n].text for n in numbers if n in notes)
                segments = [_Segment(parts=[referred or title], has_body=True)]
            for segment in segments:
                text = segment.text()
                kind = section_kind or segment.kind or DECLARATION
                if kind == DECLARATION and _is_territorial(text) and _territorial_only(text):
                    kind = TERRITORIAL_APPLICATION
                declarations.append(
                    PageDeclaration(
                        participant=name,
                        notes=numbers,
                        kind=kind,
                        text=text,
                        date=segment.date,
                        occasion=segment.occasion or "consent",
                        section=title,
                    )
                )
    return tuple(declarations)


def _territorial_only(text: str) -> bool:
    """A declaration that only says where the treaty applies (China's for Hong Kong and Macao)."""
    body = re.sub(r"^(?:declarations?|statement)\s*:\s*", "", text.strip(), flags=re.IGNORECASE)
    return len(body) < 1200 and bool(
        re.search(r"\b(?:shall|will|does) (?:not )?apply to\b|\bapplies to\b|\bshall not extend to\b", body)
    )


# ---------------------------------------------------------------------------------------------
# Names to ISO codes.

Resolve = Callable[[str], str | None]


def name_keys(name: str) -> list[str]:
    """The forms a name may take, most exact first: "Bolivia (Plurinational State of)" gives
    "bolivia plurinational state of", "plurinational state of bolivia" and "bolivia";
    "Korea, Republic of" gives "republic of korea"."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold().replace("’", "'")
    plain = re.sub(r"\s+", " ", plain).strip()
    plain = re.sub(r"\bst\.? ", "saint ", plain)  # "St. Lucia" is "Saint Lucia"
    forms = [plain]
    paren = re.fullmatch(r"(.*?)\s*\((.*?)\)\s*", plain)
    if paren:
        head, inner = paren.groups()
        forms += [f"{inner} {head}", head]
    comma = re.fullmatch(r"(.*?),\s*(.*)", plain)
    if comma:
        head, tail = comma.groups()
        forms += [f"{tail} {head}", head]
    keys = []
    for form in forms:
        key = re.sub(r"[^\w' ]+", " ", form)
        key = re.sub(r"^the ", "", re.sub(r"\s+", " ", key).strip())
        if key and key not in keys:
            keys.append(key)
    return keys


def names_resolver(names: Iterable[tuple[str, str]]) -> Resolve:
    """A resolver from (name, iso3) pairs: a name's exact form wins over a looser one, and a
    loose form two countries share places neither."""
    exact: dict[str, set[str]] = defaultdict(set)
    loose: dict[str, set[str]] = defaultdict(set)
    for name, iso3 in names:
        keys = name_keys(name)
        exact[keys[0]].add(iso3)
        for key in keys[1:]:
            loose[key].add(iso3)

    def resolve(name: str) -> str | None:
        keys = name_keys(name)
        for table in (exact, loose):
            for key in keys:
                found = table.get(key, set())
                if len(found) == 1:
                    return next(iter(found))
        return None

    return resolve


def country_resolver() -> Resolve:
    """Names to ISO alpha-3 codes from the country table: each country's name, official name and
    former names, read in two queries. A name not found there is looked up among the ISO names
    pycountry knows (the UNTC prints "Lao People's Democratic Republic" where the table says
    "Laos"), if that code is in the table."""
    from countries.models import Country, CountryFormerName

    pairs: list[tuple[str, str]] = []
    codes: set[str] = set()
    for iso3, name, official in Country.objects.values_list("iso3", "name", "official_name"):
        codes.add(iso3)
        pairs += [(name, iso3)] + ([(official, iso3)] if official else [])
    pairs += list(CountryFormerName.objects.values_list("name", "country__iso3"))
    from_table = names_resolver(pairs)

    def resolve(name: str) -> str | None:
        found = from_table(name)
        if found is None:
            found = _iso_lookup(name)
        return found if found in codes else None

    return resolve


@functools.cache
def _iso_names() -> Resolve:
    """The ISO names pycountry knows (name, official and common names, and former countries'), built once."""
    import pycountry

    pairs = []
    for record in list(pycountry.countries) + list(pycountry.historic_countries):
        for attr in ("name", "official_name", "common_name"):
            value = getattr(record, attr, None)
            if value:
                pairs.append((value, record.alpha_3))
    return names_resolver(pairs)


def _iso_lookup(name: str) -> str | None:
    return _iso_names()(name)


def place_names(page: StatusPage, resolve: Resolve) -> dict[str, str]:
    """Every name on the page with its ISO alpha-3 code, or UnplacedNamesError listing every name not placed."""
    places: dict[str, str] = {}
    unplaced: list[str] = []
    for name in page.names():
        iso3 = resolve(name)
        if iso3:
            places[name] = iso3
        else:
            unplaced.append(name)
    if unplaced:
        raise UnplacedNamesError(unplaced, page.origin or f"the status page of {page.header.reference}")
    return places


# ---------------------------------------------------------------------------------------------
# The page as the project's data files.

PARTICIPANT_COLUMNS = (
    "country",
    "iso3",
    "signature_date",
    "consent_date",
    "consent_kind",
    "withdrawal_notice_date",
    "withdrawal_effective_date",
    "stated_entry_into_force",
    "untc_bracketed",
    "untc_notes",
    "other_sources",
    "research_notes",
    "provisional_application_date",
)
DECLARATION_COLUMNS = ("iso3", "country", "kind", "date", "text", "notes")
END_NOTE_COLUMNS = ("number", "kind", "cn_numbers", "text")


def _iso(date: datetime.date | None) -> str:
    return date.isoformat() if date else ""


def notes_text(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def participant_rows(page: StatusPage, places: Mapping[str, str]) -> list[dict[str, str]]:
    """The participant table in the columns of data/ottawa_participants.csv, plus `provisional_application_date`.

    Only States that made an act the table dates are listed; a withdrawal comes from the
    withdrawal column or the participant's end notes.
    """
    rows = []
    for p in page.participants:
        notice, effective = page.withdrawal_of(p)
        rows.append(
            {
                "country": p.name,
                "iso3": places[p.name],
                "signature_date": _iso(p.signature.date if p.signature else None),
                "consent_date": _iso(p.consent.date if p.consent else None),
                "consent_kind": p.consent.kind if p.consent else "",
                "withdrawal_notice_date": _iso(notice),
                "withdrawal_effective_date": _iso(effective),
                "stated_entry_into_force": "",
                "untc_bracketed": "yes" if p.bracketed else "",
                "untc_notes": notes_text(p.notes),
                "other_sources": "",
                "research_notes": "",
                "provisional_application_date": _iso(
                    p.provisional_application.date if p.provisional_application else None
                ),
            }
        )
    return rows


def declaration_date(page: StatusPage, declaration: PageDeclaration) -> datetime.date | None:
    """The date printed beside the text; for one made upon signature, the signature's date; else None
    (made with the State's consent)."""
    if declaration.date is not None:
        return declaration.date
    if declaration.occasion == "signature":
        try:
            signature = page.participant(declaration.participant).signature
        except KeyError:
            return None
        return signature.date if signature else None
    return None


def page_declarations(page: StatusPage) -> list[PageDeclaration]:
    """The declarations section, then the territorial applications (the section's and the end notes')."""
    return [d for d in page.declarations if d.kind != TERRITORIAL_APPLICATION] + page.territorial_applications()


def declaration_rows(page: StatusPage, places: Mapping[str, str]) -> list[dict[str, str]]:
    return [
        {
            "iso3": places[d.participant],
            "country": d.participant,
            "kind": d.kind,
            "date": _iso(declaration_date(page, d)),
            "text": d.text,
            "notes": notes_text(d.notes),
        }
        for d in page_declarations(page)
    ]


def end_note_rows(page: StatusPage) -> list[dict[str, str]]:
    return [
        {"number": str(n.number), "kind": n.kind, "cn_numbers": " ".join(n.cn_numbers), "text": n.text}
        for n in page.end_notes
    ]


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_data_files(
    page: StatusPage, places: Mapping[str, str], *, slug: str, data_dir: Path, participants: bool = True
) -> list[Path]:
    """Write data_dir/untc/<slug>_participants.csv (unless `participants` is False, as for Ottawa,
    whose richer file stays), <slug>_declarations.csv and <slug>_endnotes.csv; the paths written."""
    folder = data_dir / "untc"
    written = []
    if participants:
        path = folder / f"{slug}_participants.csv"
        _write_csv(path, PARTICIPANT_COLUMNS, participant_rows(page, places))
        written.append(path)
    path = folder / f"{slug}_declarations.csv"
    _write_csv(path, DECLARATION_COLUMNS, declaration_rows(page, places))
    written.append(path)
    path = folder / f"{slug}_endnotes.csv"
    _write_csv(path, END_NOTE_COLUMNS, end_note_rows(page))
    written.append(path)
    return written


# ---------------------------------------------------------------------------------------------
# The page as rows of the event CSV import (treaties/imports.py), for `status_event_import`.


def depositary_source(
    *, reference: str, status_as_at: datetime.date, url: str, notes: Iterable[PageEndNote] = ()
) -> str:
    """The source of an event read from the page: "UN Treaty Collection, UNTC MTDSG XXVI-5, status as at
    2026-02-03: <url>", and the C.N. numbers of the end notes behind it."""
    source = f"UN Treaty Collection, {reference}, status as at {status_as_at.isoformat()}: {url}"
    cited = [f"depositary's note {n.number}" + (f": {', '.join(n.cn_numbers)}" if n.cn_numbers else "") for n in notes]
    if cited:
        source += " (" + "; ".join(cited) + ")"
    return source


@dataclass(frozen=True)
class PageEvent:
    """One event the page records, before it is a CSV row: who (the name as printed), what, when."""

    participant: str
    iso3: str
    kind: str
    date: datetime.date
    effective_date: datetime.date | None = None
    value: str = ""
    note: str = ""
    notes: tuple[int, ...] = ()


def statement_note(texts: Iterable[str]) -> str:
    """The note of a declaration-like event: its texts, each with its paragraphs on their own lines,
    a blank line between texts, as the loader writes them from `<slug>_declarations.csv`."""
    return "\n\n".join(dict.fromkeys(normalise_space(t) for t in texts))


def page_events(
    page: StatusPage,
    places: Mapping[str, str],
    *,
    withdrawal_effective: Callable[[datetime.date], datetime.date] | None = None,
    territorial_value: Callable[[str], str] | None = None,
) -> tuple[list[PageEvent], list[str]]:
    """The events the page records, and the problems that keep some from being events (by participant).

    A withdrawal's effective date is given only where it differs from `withdrawal_effective(notice)`
    (the treaty's rule), as the loader does. A declaration made with the State's consent is dated
    with the consent (with the signature when the State only signed); those of one kind a State
    made on one day are one event, their texts one after the other. `territorial_value(text)`
    names the territories of a territorial application (its value).
    """
    events: list[PageEvent] = []
    problems: list[str] = []
    for p in page.participants:
        iso3 = places[p.name]
        for act in (p.signature, p.consent, p.provisional_application):
            if act is not None:
                events.append(PageEvent(p.name, iso3, act.kind, act.date, notes=p.notes))
        notice, effective = page.withdrawal_of(p)
        if notice is not None:
            if effective is not None and withdrawal_effective and withdrawal_effective(notice) == effective:
                effective = None
            events.append(PageEvent(p.name, iso3, WITHDRAWAL_NOTICE, notice, effective_date=effective, notes=p.notes))
        elif p.bracketed:
            problems.append(
                f"{p.name}: printed in brackets (withdrawn), but neither a withdrawal column nor its end notes "
                f"({notes_text(p.notes) or 'none'}) give the date of its notification."
            )
    groups: dict[tuple[str, str, datetime.date], list[PageDeclaration]] = defaultdict(list)
    for d in page_declarations(page):
        date = declaration_date(page, d)
        if date is None:
            participant = next((p for p in page.participants if p.name == d.participant), None)
            act = participant and (participant.consent or participant.signature)
            date = act.date if act else None
        if date is None:
            problems.append(
                f"{d.participant}: its {d.kind} has no date, and the table dates no act of it to date it by."
            )
            continue
        groups[(d.participant, d.kind, date)].append(d)
    for (name, kind, date), group in groups.items():
        texts = [d.text for d in group]
        value = ""
        if kind == TERRITORIAL_APPLICATION and territorial_value is not None:
            value = territorial_value(" ".join(_one_line(t) for t in dict.fromkeys(texts)))
        events.append(
            PageEvent(
                name,
                places[name],
                kind,
                date,
                value=value,
                note=statement_note(texts),
                notes=tuple(dict.fromkeys(n for d in group for n in d.notes)),
            )
        )
    return events, problems


def event_rows(
    page: StatusPage,
    events: Iterable[PageEvent],
    *,
    treaty_slug: str,
    reference: str,
    url: str,
    acting: Callable[[str, datetime.date], str] = lambda iso3, date: iso3,
) -> list[dict[str, str]]:
    """Rows of the event CSV (`exports.EVENT_HEADER`), each with the page and its end notes as source.

    `acting(iso3, date)` names the State that existed on the date: the UNTC lists Serbia for the
    accession Serbia and Montenegro deposited in 2003.
    """
    notes = page.notes
    rows = []
    for event in events:
        cited = [notes[n] for n in event.notes if n in notes]
        rows.append(
            {
                "iso3": acting(event.iso3, event.date),
                "treaty": treaty_slug,
                "kind": event.kind,
                "value": event.value,
                "date": event.date.isoformat(),
                "effective_date": _iso(event.effective_date),
                "end_date": "",
                "source": depositary_source(
                    reference=reference, status_as_at=page.header.status_as_at, url=url, notes=cited
                ),
                "note": event.note,
            }
        )
    return rows


def acting_state_resolver() -> Callable[[str, datetime.date], str]:
    """iso3 and date → the iso3 of the State that made the act then: the State itself if it existed,
    else the nearest State it continues that did (Serbia → Serbia and Montenegro → Yugoslavia)."""
    from countries.models import Country
    from countries.selectors import country_lineage_map

    countries = {c.pk: c for c in Country.objects.only("pk", "iso3", "valid_from", "valid_until")}
    by_iso3 = {c.iso3: c for c in countries.values()}
    lineage = country_lineage_map()

    def acting(iso3: str, date: datetime.date) -> str:
        country = by_iso3.get(iso3)
        if country is None:
            return iso3
        for candidate in (country.pk, *lineage.get(country.pk, ())):
            if countries[candidate].exists_on(date):
                return countries[candidate].iso3
        return iso3

    return acting


@dataclass(frozen=True)
class RecordedEvent:
    """What the record holds for an act the page also states: kept where the page says nothing."""

    source: str
    note: str
    effective_date: datetime.date | None
    value: str = ""


def keep_recorded(
    rows: list[dict[str, str]], recorded: Mapping[tuple[str, str, str], RecordedEvent]
) -> list[dict[str, str]]:
    """The rows, where an act with the same identity (iso3, kind, ISO date) is recorded, with what the
    page does not state kept as recorded: its source, note and value (the record may cite richer
    sources than the page: Ottawa's research notes), and its effective date where the page gives none
    (a succession dated from independence). The note of a declaration, reservation, objection or
    territorial application is the depositary's text: the page's wins, unless the recorded text
    says the same in other spacing."""
    kept = []
    for row in rows:
        before = recorded.get((row["iso3"], row["kind"], row["date"]))
        if before is not None:
            row = dict(row)
            row["source"] = before.source
            if row["kind"] not in TEXT_KINDS or _one_line(before.note) == _one_line(row["note"]):
                # The page states neither the value of an act nor, for the same text, a better
                # summary of its territories than staff may have written.
                row["note"], row["value"] = before.note, before.value
            if not row["effective_date"] and before.effective_date:
                row["effective_date"] = before.effective_date.isoformat()
        kept.append(row)
    return kept


def recorded_events(treaty) -> dict[tuple[str, str, str], RecordedEvent]:
    """The treaty's active events by identity (iso3, kind, ISO date): one query."""
    from treaties.models import StatusEvent

    found = StatusEvent.objects.filter(treaty=treaty).values_list(
        "country__iso3", "kind", "date", "source", "note", "effective_date", "value"
    )
    return {
        (iso3, kind, date.isoformat()): RecordedEvent(source, note, effective, value)
        for iso3, kind, date, source, note, effective, value in found
    }


def event_csv(rows: Iterable[Mapping[str, str]], header: Iterable[str]) -> bytes:
    """Rows as the bytes of an event CSV file, for the import's own reader."""
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
