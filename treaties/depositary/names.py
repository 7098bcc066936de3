"""Placing the page's names: State names as printed to ISO alpha-3 codes.

A name no country matches is an error naming every such name, so a page is never applied
with a State silently missing.
"""

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable

from treaties.depositary.page import StatusPage, UnplacedNamesError

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
