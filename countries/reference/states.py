"""The countries: ISO codes and names (pycountry), lifespans, former names and successions."""

import datetime
import functools
import gettext
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pycountry

from countries.choices import CountryKind
from countries.models import Country, CountryFormerName, CountrySuccession
from countries.reference.files import DATA_DIR, REASON, parse_date, read_csv, read_names, without_staff_names
from countries.signals import counting_changed
from ottawa_tracker.sync import sync_rows

PYCOUNTRY = f"pycountry {pycountry.__version__ if hasattr(pycountry, '__version__') else ''}"
ISO_SOURCE = "ISO 3166-1 codes and names from the pycountry package"
# The UN's short names in French and Spanish where they differ from ISO's (data/names/README.md).
UN_NAMES_FILE = "names/countries_un.csv"
NAME_FIELDS = ("name_fr", "name_es")


@functools.cache
def _catalogue(domain: str, language: str) -> gettext.NullTranslations:
    """pycountry's own translation of ISO 3166 (`iso3166-1`, `iso3166-3`) into a language."""
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def short_name(record) -> str:
    """A readable short name from an ISO record: `Congo, The Democratic Republic of the` reads
    `Democratic Republic of the Congo`, `Palestine, State of` reads `State of Palestine`."""
    common = getattr(record, "common_name", None)
    if common:
        return common
    name = record.name
    if ", " not in name:
        return name
    official = getattr(record, "official_name", "") or ""
    if official and ", " not in official:
        return official.removeprefix("the ")
    head, tail = name.split(", ", 1)
    if tail.endswith((" of", " of the")):
        return f"{tail.removeprefix('The ')} {head}"
    return name


def translated_short_name(record, language: str, domain: str = "iso3166-1") -> str:
    """The short name of an ISO record in `language` from pycountry's catalogue, read as `short_name` reads
    the English: the common name where ISO gives one (`Bolivie`), else the name, put the right way round
    where the catalogue inverts it (`Moldova, République de` reads `République de Moldova`).

    The catalogue's msgids are the English `name`, `common_name` and `official_name`.
    """
    catalogue = _catalogue(domain, language)
    known = getattr(catalogue, "_catalog", {})
    common = getattr(record, "common_name", None)
    if common and common in known:
        return catalogue.gettext(common)
    name = catalogue.gettext(record.name)
    if domain == "iso3166-3":
        return name.split(",")[0]
    if ", " not in name:
        return name
    official = getattr(record, "official_name", "") or ""
    if official and official in known and ", " not in catalogue.gettext(official):
        return catalogue.gettext(official)
    head, tail = name.split(", ", 1)
    if not tail.endswith((" de", " d'", " du", " del")):
        return name
    space = "" if tail.endswith("'") else " "
    return f"{tail[0].upper()}{tail[1:]}{space}{head}"


def countries_rows(data_dir: Path) -> Iterable[dict]:
    """Every country as the loader writes it, its French and Spanish names the UN's where the names file
    gives them, else pycountry's."""
    un_names = {row["iso3"]: row for row in read_names("countries_un.csv", data_dir)}
    for row in _countries_rows(data_dir):
        record = pycountry.countries.get(alpha_3=row["iso3"])
        domain = "iso3166-1"
        if record is None:
            record, domain = pycountry.historic_countries.get(alpha_3=row["iso3"]), "iso3166-3"
        un = un_names.get(row["iso3"], {})
        for field in NAME_FIELDS:
            language = field.removeprefix("name_")
            row[field] = un.get(field) or (translated_short_name(record, language, domain) if record else "")
        yield row


def _countries_rows(data_dir: Path) -> Iterable[dict]:
    un_members = {row["iso3"] for row in read_csv("un_regional_groups.csv", data_dir)}
    others = {row["iso3"] for row in read_csv("non_member_participants.csv", data_dir)}
    lifespans = {row["iso3"]: row for row in read_csv("state_lifespans.csv", data_dir)}
    participants = un_members | others
    for record in pycountry.countries:
        iso3 = record.alpha_3
        life = lifespans.get(iso3, {})
        yield {
            "iso2": record.alpha_2,
            "iso3": iso3,
            "m49": record.numeric,
            "name": short_name(record),
            "official_name": getattr(record, "official_name", "") or "",
            "kind": CountryKind.STATE if iso3 in participants else CountryKind.TERRITORY,
            "participant": iso3 in participants,
            "valid_from": parse_date(life.get("valid_from", "")),
            "valid_until": parse_date(life.get("valid_until", "")),
            "source": "; ".join(filter(None, [ISO_SOURCE, life.get("source", "")])),
        }
    for row in lifespans.values():
        record = pycountry.historic_countries.get(alpha_3=row["iso3"])
        if record is None:
            continue  # a current state: its dates were given above
        yield {
            "iso2": record.alpha_2,
            "iso3": record.alpha_3,
            "m49": getattr(record, "numeric", "") or "",
            "name": _former_state_name(record),
            "official_name": "",
            "kind": CountryKind.STATE,
            "participant": True,
            "valid_from": parse_date(row["valid_from"]),
            "valid_until": parse_date(row["valid_until"]),
            "source": f"ISO 3166-3 codes from the pycountry package; {row['source']}",
        }
    for row in read_csv("other_entities.csv", data_dir):
        yield {
            "iso2": row["iso2"],
            "iso3": row["iso3"],
            "m49": "",
            "name": row["name"],
            "official_name": row["official_name"],
            "kind": row["kind"],
            "participant": False,
            "valid_from": None,
            "valid_until": None,
            "source": row["source"],
        }


def _former_state_name(record) -> str:
    # ISO 3166-3 names the code's whole life: "Yugoslavia, (Socialist) Federal Republic of".
    return record.name.split(",")[0]


def reference_countries_load(stats: Counter, data_dir: Path = DATA_DIR) -> None:
    """Countries with their codes, lifespans, former names and successions."""
    rows = without_staff_names(Country, countries_rows(data_dir), key=["iso3"], fields=NAME_FIELDS)
    countries = sync_rows(Country, key=["iso3"], rows=rows, reason=REASON, stats=stats)
    by_iso3 = {k[0]: v for k, v in countries.items()}
    by_m49 = {c.m49: c for c in by_iso3.values() if c.m49 and c.valid_until is None and c.kind == CountryKind.STATE}

    former = []
    for record in pycountry.historic_countries:
        heir = by_m49.get(getattr(record, "numeric", None))
        if heir is None or record.alpha_3 in by_iso3:
            continue
        former.append(
            {
                "country_id": heir.pk,
                "name": short_name(record),
                "until": _iso_date(getattr(record, "withdrawal_date", "")),
                "source": f"ISO 3166-3 (pycountry): code {record.alpha_3} withdrawn on {record.withdrawal_date}",
            }
        )
    sync_rows(CountryFormerName, key=["country_id", "name"], rows=former, reason=REASON, stats=stats)

    successions = [
        {
            "predecessor_id": by_iso3[row["predecessor"]].pk,
            "successor_id": by_iso3[row["successor"]].pk,
            "date": parse_date(row["date"]),
            "continuation": row["continuation"] == "yes",
            "source": row["source"],
        }
        for row in read_csv("successions.csv", data_dir)
    ]
    sync_rows(CountrySuccession, key=["predecessor_id", "successor_id"], rows=successions, reason=REASON, stats=stats)
    # Written in bulk, not through the services: tell the treaties' summaries here.
    counting_changed.send(sender=Country, instance=REASON, action="loaded")


def _iso_date(value: str) -> datetime.date | None:
    """ISO 3166-3 gives a day where known, else only a year (kept as its last day)."""
    if len(value) == 4:
        return datetime.date(int(value), 12, 31)
    return parse_date(value)
