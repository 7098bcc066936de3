"""The depositary's page as a tree and as text, and its dates and dated statements.

The HTML is generated and loose, so it gets its own forgiving tree builder; the text helpers
and the date patterns are shared by the reader (`reader.py`, `declarations.py`) and by the
page's own methods (`page.py`), which is why they sit below both.
"""

import datetime
import re
from collections.abc import Iterator
from html.parser import HTMLParser

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


# ---- end notes --------------------------------------------------------------------------------

_TERRITORIAL_RE = re.compile(
    r"territorial application|\bextension (?:of .{0,80}?)?to\b|\bextended to\b|\bshall (?:not )?(?:apply|extend) to\b"
    r"|\bwill apply to\b|\bapplies to the\b|\bnot (?:apply|extend) to\b|kingdom in europe|\bfor the european part\b",
    re.IGNORECASE,
)


def _is_territorial(text: str) -> bool:
    return bool(_TERRITORIAL_RE.search(text))


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
