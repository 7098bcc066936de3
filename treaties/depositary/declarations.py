"""Reading the declarations, reservations and objections sections of a status page.

An entry mixes dates, italic headings ("Upon ratification:") and text; it is cut into one
declaration per date, occasion and kind, kept apart from `reader.py` because the cutting
rules are the part of the reader that changes most.
"""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from treaties.depositary.page import (
    DECLARATION,
    OBJECTION,
    RESERVATION,
    TERRITORIAL_APPLICATION,
    PageDeclaration,
    PageEndNote,
)
from treaties.depositary.text import (
    _BLOCKS,
    _SKIPPED,
    DATE_RE,
    _Element,
    _footnote_numbers,
    _is_territorial,
    _one_line,
    _raw_text,
    _text,
    normalise_space,
    parse_printed_date,
)

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
