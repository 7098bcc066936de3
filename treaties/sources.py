"""Sources as a reader sees them: a short linked label for the primary source, the rest behind a disclosure.

A source is stored as staff or the shipped data wrote it (`StatusEvent.source`, `ForumMembership.source`),
and the admin shows it whole. A page shows a label instead: "UN Treaty Collection XXVI-5" linked to the
depositary's page, with the depositary's notification numbers (C.N.123.2025.TREATIES-XXVI.5) each linked to
its PDF; a plain URL as its host; a citation shortened. The shipped events keep their other sources in the
note ("<research notes> | Other sources: <url> | <url> | github:…", written by `treaties.reference`); those
become short linked labels, and the research notes plain text, both shown only on request.

Pure functions of the stored text: no queries, and no markup. Every string here is user text, rendered
by templates that escape it (templates/includes/source.html); nothing is marked safe.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

LABEL_LIMIT = 80  # a citation without a URL is shortened to about this many characters
GIST_LIMIT = 40  # the part of a secondary source's label after its host

# The depositary's notification numbers, as it prints them: C.N.360.2025.TREATIES-XXVI-5 (and
# .TREATIES.XXVI-8, .TREATIES-2, .TREATIES-XXVI.5). The suffix ends on a letter or digit, so a full stop
# after the number is not part of it.
CN_RE = re.compile(r"\bC\.N\.(?P<number>\d{1,5})\.(?P<year>(?:19|20)\d{2})(?:\.TREATIES(?:[-.][0-9A-Za-z]+)*)?")
# The depositary links each notification to its PDF under this address (see its status pages).
CN_URL = "https://treaties.un.org/doc/Publication/CN/{year}/CN.{number}.{year}-Eng.pdf"

URL_RE = re.compile(r"""https?://[^\s<>"'|]+""", re.IGNORECASE)
GITHUB_RE = re.compile(r"\bgithub:\s*(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)")
TRAILING = ".,;:!?'"

# The form `treaties.reference` writes for the depositary's tables, with the depositary's note numbers and
# notifications that the reader of its pages adds: "UN Treaty Collection, UNTC MTDSG XXVI-5, status as at
# 2026-02-03: https://… (depositary's notes 4)" or "(depositary's note 4: C.N.375.2025.TREATIES-XXVI.5)".
UNTC_NAME = "UN Treaty Collection"
UNTC_HOST = "treaties.un.org"
UNTC_RE = re.compile(
    r"^UN Treaty Collection,\s*(?:UNTC\s+)?(?:MTDSG\s+)?(?P<chapter>[IVXLC]+-[0-9A-Za-z-]+),\s*"
    r"status as at (?P<as_at>\d{4}-\d{2}-\d{2}):\s*(?P<url>https?://\S+?)"
    r"(?:\s*\((?P<extra>[^()]*)\))?\s*$"
)
UNTC_CHAPTER_RE = re.compile(r"\b(?:MTDSG\s+)?(?P<chapter>[IVXLC]+-\d+(?:-[a-z])?)\b")
UNTC_AS_AT_RE = re.compile(r"status as at (?P<as_at>\d{4}-\d{2}-\d{2})")
DEPOSITARY_NOTES_RE = re.compile(
    r"^depositary's notes?\s+(?P<numbers>\d+(?:\s*(?:,|and|&)\s*\d+)*)\s*(?::\s*(?P<rest>.*))?$"
)
CN_LIST_LEFTOVER_RE = re.compile(r"^[\s,;]*(?:and[\s,;]*)*$")

OTHER_SOURCES = "Other sources:"
NOTE_SEPARATOR = re.compile(r"\s*\|\|\s*")

# Known publishers of primary sources, by host: their name reads better than their host.
KNOWN_HOSTS = {"the-monitor.org": "Landmine Monitor", UNTC_HOST: UNTC_NAME}
# Host prefixes that say nothing: www.the-monitor.org, archives2.the-monitor.org and the-monitor.org are one site.
HOST_PREFIX_RE = re.compile(r"^(?:www\d*|new|old|archives?\d*|m|amp)\.(?=[^.]+\.[^.]+)")
# Path segments that say nothing of the page: languages, site sections, page kinds.
PATH_NOISE = {
    "amp", "announce", "article", "articles", "asset_publisher", "content", "cp", "custom", "default", "detail",
    "display", "doc", "docs", "en", "en-gb", "en-us", "fr", "es", "home", "index", "library", "lm", "membership",
    "mine-ban-policy", "news", "news-and-events", "news-articles", "newsroom", "page", "pages", "post", "posts",
    "press-releases", "print_profile", "print_theme", "publication", "publications", "rat", "region_profiles",
    "report", "reports", "states-parties", "status_pages", "story", "theme", "un", "universal", "uploads",
    "view", "views", "whats-happening", "world", "wp-content",
}  # fmt: skip
EXTENSION_RE = re.compile(r"\.(?:s?html?|aspx?|php|jsp|pdf|cfm)$", re.IGNORECASE)
YEAR_RE = re.compile(r"^(?:19|20)\d{2}$")
SLUG_RE = re.compile(r"^[^\W\d_][\w-]*$")
SMALL_WORDS = {"a", "an", "and", "at", "by", "de", "du", "for", "from", "in", "la", "of", "on", "the", "to"}


# An ISO date in running text, not inside a URL (…/2025/12/28/ or …/2025-07-01/ stay part of their link).
ISO_DATE_RE = re.compile(r"(?<![\w/.-])(\d{4}-\d{2}-\d{2})(?![\w/-])")


def date_segments(text: str) -> tuple[tuple[str, bool], ...]:
    """`text` cut around its ISO dates, each piece with whether it is one: the template keeps a date on one
    line (class "date") without marking any of the text safe."""
    pieces = ISO_DATE_RE.split(text)
    return tuple((piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece)


class SourceLink(NamedTuple):
    """One source as a short label, linked where it has an address; `text` is what it was made from."""

    label: str
    url: str | None = None
    text: str = ""

    @property
    def segments(self) -> tuple[tuple[str, bool], ...]:
        return date_segments(self.label)


@dataclass(frozen=True)
class SourceParts:
    """A stored source (and note) split for a page: see `source_parts`."""

    primary: SourceLink
    # The depositary's status date and note numbers, shown small after its label (empty when not given).
    as_at: str = ""
    depositary_notes: tuple[str, ...] = ()
    notifications: tuple[SourceLink, ...] = ()
    secondary: tuple[SourceLink, ...] = ()
    notes: str = ""
    # The whole primary source, when its label leaves something out (a shortened citation, text around a URL).
    full_source: str = ""

    @property
    def note_items(self) -> list[str]:
        """The research notes, one item per "||"-separated finding."""
        return [item for item in NOTE_SEPARATOR.split(self.notes) if item]

    @property
    def note_segments(self) -> list[tuple[tuple[str, bool], ...]]:
        return [date_segments(item) for item in self.note_items]

    @property
    def full_source_segments(self) -> tuple[tuple[str, bool], ...]:
        return date_segments(self.full_source)

    @property
    def has_more(self) -> bool:
        """Whether there is anything for the disclosure to show."""
        return bool(self.secondary or self.notes or self.full_source)


def shorten(text: str, limit: int = LABEL_LIMIT) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters (with an ellipsis)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—(") + "…"


def _clean_url(url: str) -> str:
    """A URL found in running text, without the punctuation that ends the sentence around it."""
    while url and url[-1] in TRAILING + ")]":
        closing = url[-1]
        if closing == ")" and url.count("(") >= url.count(")"):
            break
        if closing == "]" and url.count("[") >= url.count("]"):
            break
        url = url[:-1]
    return url


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # a malformed address (an unclosed IPv6 bracket): show it as text
        return ""
    return HOST_PREFIX_RE.sub("", host)


def _gist(url: str) -> str:
    """The words of a URL's path that say what the page is: "Lithuania 2023" for the Monitor's report."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    segments = [s for s in parts.path.split("/") if s]
    # Old sites pass the page in the query string: display?url=lm/2000/andorra.html
    for _key, value in parse_qsl(parts.query):
        segments.extend(s for s in value.split("/") if s)
    segments = [EXTENSION_RE.sub("", s) for s in segments]
    year = next((s for s in segments if YEAR_RE.match(s)), "")
    words = [s for s in segments if _is_words(s) and s.lower() not in PATH_NOISE]
    if words:
        gist = _slug_words(words[-1])
        if year and year not in gist:
            gist = f"{shorten(gist, GIST_LIMIT - 5)} {year}"
        return shorten(gist, GIST_LIMIT)
    # No words: a short document number says which page (trb-2003-112), a long id or a bare year does not.
    last = segments[-1] if segments else ""
    if last and not last.isdigit() and "-" in last and len(last) <= 24 and last.lower() not in PATH_NOISE:
        return last
    return year


def _is_words(segment: str) -> bool:
    """A path segment made of words (a slug), not an id: mostly letters, starting with one."""
    letters = sum(c.isalpha() for c in segment)
    digits = sum(c.isdigit() for c in segment)
    return bool(SLUG_RE.match(segment)) and letters >= 3 and digits * 3 <= letters


def _slug_words(slug: str) -> str:
    """ "democratic-republic-of-the-congo" → "Democratic Republic of the Congo"; a headline's slug is
    capitalised only at its start, and a trailing id ("…-treaty-1571813") is dropped."""
    words = [w for w in re.split(r"[-_]+", slug) if w]
    while len(words) > 1 and any(c.isdigit() for c in words[-1]):
        words.pop()
    if sum(w.lower() not in SMALL_WORDS for w in words) <= 4:  # a name
        words = [w if (i and w.lower() in SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words)]
    else:  # a headline
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def _github(repo: str) -> SourceLink:
    return SourceLink(f"github: {repo}", f"https://github.com/{repo}")


def url_label(url: str, description: str = "", *, known: bool = False) -> str:
    """A URL as its host and the gist of its path or `description`: "the-monitor.org · Lithuania 2023".

    With `known`, a publisher named in KNOWN_HOSTS is called by its name ("Landmine Monitor · …").
    """
    host = _host(url)
    if not host:
        return shorten(url)
    if host.startswith("github.com"):
        path = [s for s in urlsplit(url).path.split("/") if s]
        if len(path) >= 2:
            return f"github: {path[0]}/{path[1]}"
    name = host
    if known:
        name = next((label for site, label in KNOWN_HOSTS.items() if host == site or host.endswith("." + site)), host)
    gist = shorten(description, GIST_LIMIT) if description else _gist(url)
    return f"{name} · {gist}" if gist else name


def _parenthetical(text: str) -> str:
    """The description in brackets right after a URL: "https://… (HRW press release, 2025-07-01)"."""
    match = re.match(r"[\s.…]*\((?P<text>[^()]*)\)", text)
    return match.group("text").strip() if match else ""


def source_link(text: str) -> SourceLink:
    """One secondary source (an item of "Other sources: a | b | …") as a short label.

    A URL gives its host and a gist; "github:owner/repo path (…)" gives "github: owner/repo"; a citation
    without an address stays whole (it is shown in the disclosure, where there is room for it).
    """
    text = " ".join(text.split())
    url_match = URL_RE.search(text)
    github = GITHUB_RE.search(text)
    if url_match and (not github or url_match.start() < github.start()):
        url = _clean_url(url_match.group())
        rest = text[url_match.start() + len(url) :]
        before = text[: url_match.start()].strip(" ,;:-–—(")
        description = _parenthetical(rest) or before
        return SourceLink(url_label(url, description), url, text)
    if github:
        return _github(github.group("repo"))._replace(text=text)
    return SourceLink(text, None, text)


def _notifications(text: str) -> tuple[SourceLink, ...]:
    seen: dict[str, SourceLink] = {}
    for match in CN_RE.finditer(text):
        label = match.group()
        if label not in seen:
            seen[label] = SourceLink(label, CN_URL.format(number=match["number"], year=match["year"]), label)
    return tuple(seen.values())


def _depositary_extra(extra: str) -> tuple[tuple[str, ...], bool]:
    """The note numbers of "(depositary's notes 4, 7: C.N.…)", and whether that was all the bracket said."""
    match = DEPOSITARY_NOTES_RE.match(" ".join(extra.split()))
    if not match:
        return (), False
    numbers = tuple(re.findall(r"\d+", match["numbers"]))
    rest = match["rest"] or ""
    return numbers, bool(CN_LIST_LEFTOVER_RE.match(CN_RE.sub("", rest)))


def _primary(source: str) -> tuple[SourceLink, dict, list[SourceLink]]:
    """The primary source's label, its extras (as_at, depositary_notes, full_source) and any further
    addresses it holds, which are listed with the secondary sources."""
    text = " ".join(source.split())
    if not text:
        return SourceLink("No source given", None, ""), {}, []

    # The depositary, in the form the reference data writes.
    if match := UNTC_RE.match(text):
        url = _clean_url(match["url"])
        numbers, whole = _depositary_extra(match["extra"] or "") if match["extra"] else ((), True)
        extras = {"as_at": match["as_at"], "depositary_notes": numbers}
        if not whole:
            extras["full_source"] = text
        return SourceLink(f"{UNTC_NAME} {match['chapter']}", url, text), extras, []

    urls = [_clean_url(m.group()) for m in URL_RE.finditer(text)]
    github = GITHUB_RE.search(text)
    others = [SourceLink(url_label(u), u, u) for u in urls[1:]]

    # The depositary cited some other way: its name and chapter, its page if given.
    if text.startswith(UNTC_NAME) or (urls and _host(urls[0]) == UNTC_HOST and not text.startswith("http")):
        chapter = UNTC_CHAPTER_RE.search(text)
        label = f"{UNTC_NAME} {chapter['chapter']}" if chapter else UNTC_NAME
        as_at = UNTC_AS_AT_RE.search(text)
        extras = {"as_at": as_at["as_at"] if as_at else "", "full_source": text}
        return SourceLink(label, urls[0] if urls else None, text), extras, others

    if urls:
        url = urls[0]
        start = text.find(url)
        before = text[:start].strip(" ,;:-–—(")
        after = text[start + len(url) :]
        description = _parenthetical(after)
        label = shorten(before) if before else url_label(url, description, known=True)
        # The label and its link say it all for words and a URL, a bare URL, or one with a short description.
        ends = not after.strip(TRAILING + " ")
        if before:
            said = ends and label == before
        else:
            said = ends or (after.strip() == f"({description})" and shorten(description, GIST_LIMIT) == description)
        said = said and not others
        return SourceLink(label, url, text), ({} if said else {"full_source": text}), others

    if github:  # a citation of a repository: "CIA World Factbook JSON (github:factbook/factbook.json, …), …"
        before = text[: github.start()].strip(" ,;:-–—(")
        label = shorten(before) if before else _github(github["repo"]).label
        return SourceLink(label, _github(github["repo"]).url, text), {"full_source": text}, []

    label = shorten(text)
    return SourceLink(label, None, text), ({} if label == text else {"full_source": text}), []


def _split_note(note: str) -> tuple[str, list[str]]:
    """The research notes, and the items of "Other sources: a | b" that the reference data appends."""
    index = note.find(OTHER_SOURCES)
    if index < 0:
        return note.strip(), []
    research = note[:index].strip().rstrip("|").strip()
    items = [item.strip() for item in note[index + len(OTHER_SOURCES) :].split("|")]
    return research, [item for item in items if item]


@lru_cache(maxsize=2048)
def source_parts(source: str, note: str = "", *, also: str = "") -> SourceParts:
    """A stored source and note, split for a page.

    `primary`: the source's short label and link; `notifications`: the depositary's C.N. numbers found in
    the source, each linked to its notification; `secondary`: the other sources (further addresses in the
    source, `also` — e.g. a forum seat's source for its start date — and the note's "Other sources:"),
    each a short label; `notes`: the note's research notes. Many events share one source text, hence
    the cache (the result is immutable).
    """
    source = source or ""
    primary, extras, others = _primary(source)
    research, items = _split_note(note or "")
    secondary = [*others, *(source_link(item) for item in (also or "").split("|") if item.strip())]
    secondary.extend(source_link(item) for item in items)
    return SourceParts(
        primary=primary,
        notifications=_notifications(source),
        secondary=tuple(secondary),
        notes=research,
        **extras,
    )
