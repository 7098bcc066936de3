"""Load the shipped reference data: countries, region schemes, forums and their members.

Codes and names come from pycountry (ISO 3166-1 and, for former states, ISO 3166-3);
everything else from the CSV files in `data/`, whose sources README.md lists.
"""

import csv
import datetime
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pycountry
from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.text import slugify

from countries.choices import CountryKind
from countries.models import (
    Country,
    CountryFormerName,
    CountrySuccession,
    Forum,
    ForumMembership,
    ReferenceDataset,
    Region,
    RegionAssignment,
    RegionScheme,
    seat_start_problem,
)
from countries.signals import counting_changed
from ottawa_tracker.sync import sync_rows
from ottawa_tracker.text import SOURCE_NOT_VISIBLE, has_visible_text

DATA_DIR: Path = settings.BASE_DIR / "data"
REASON = "load_reference_data"
PYCOUNTRY = f"pycountry {pycountry.__version__ if hasattr(pycountry, '__version__') else ''}"
ISO_SOURCE = "ISO 3166-1 codes and names from the pycountry package"

UN_GROUPS = {
    "african": "African Group",
    "asia_pacific": "Asia-Pacific Group",
    "eastern_european": "Eastern European Group",
    "grulac": "Latin American and Caribbean Group (GRULAC)",
    "weog": "Western European and Others Group (WEOG)",
}
FORUM_SHORT_NAMES = {
    "cd": "CD",
    "arf": "ARF",
    "asean": "ASEAN",
    "osce": "OSCE",
    "oas": "OAS",
    "commonwealth": "Commonwealth",
    "oif": "OIF",
}


def read_csv(name: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with open(data_dir / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def fingerprint(*names: str, extra: str = "", data_dir: Path = DATA_DIR) -> str:
    digest = hashlib.sha256(extra.encode())
    for name in names:
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()


def parse_date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


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


def reference_dataset_apply(
    *, name: str, fingerprint: str, load: Callable[[Counter], None], force: bool, stats: Counter
) -> bool:
    """Load one data set unless it was loaded before from the same files; True if it was loaded.

    Skipping an unchanged data set keeps staff corrections made since in place.
    """
    dataset = ReferenceDataset.objects.filter(name=name).first()
    if dataset and dataset.fingerprint == fingerprint and not force:
        return False
    own = Counter()
    with transaction.atomic():
        load(own)
        if dataset is None or dataset.fingerprint != fingerprint:
            summary = ", ".join(f"{v} {k}" for k, v in sorted(own.items())) or "no changes"
            ReferenceDataset.objects.update_or_create(
                name=name, defaults={"fingerprint": fingerprint, "summary": summary}
            )
    stats.update(own)
    return True


def countries_rows(data_dir: Path) -> Iterable[dict]:
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
    countries = sync_rows(Country, key=["iso3"], rows=countries_rows(data_dir), reason=REASON, stats=stats)
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


def _countries_by_code() -> dict[str, Country]:
    countries = {}
    for country in Country.objects.all():
        countries[country.iso2] = country
        countries[country.iso3] = country
    return countries


def _scheme(slug: str, name: str, description: str, source: str, stats: Counter) -> RegionScheme:
    return sync_rows(
        RegionScheme,
        key=["slug"],
        rows=[{"slug": slug, "name": name, "description": description, "source": source}],
        scope=RegionScheme.objects.filter(slug=slug),
        reason=REASON,
        stats=stats,
    )[(slug,)]


def _assign(scheme: RegionScheme, assignments: list[tuple[str, str, str, str, str]], stats: Counter) -> None:
    """Regions of a scheme and each country's region: (iso3, region code, region name, note, source)."""
    regions = sync_rows(
        Region,
        key=["scheme_id", "slug"],
        rows=[
            {"scheme_id": scheme.pk, "slug": slugify(name), "name": name, "code": code}
            for code, name in sorted({(code, name) for _, code, name, _, _ in assignments})
        ],
        scope=Region.objects.filter(scheme=scheme),
        reason=REASON,
        stats=stats,
    )
    countries = _countries_by_code()
    sync_rows(
        RegionAssignment,
        key=["scheme_id", "country_id"],
        rows=[
            {
                "scheme_id": scheme.pk,
                "country_id": countries[iso3].pk,
                "region_id": regions[(scheme.pk, slugify(name))].pk,
                "note": note,
                "source": source,
            }
            for iso3, _, name, note, source in assignments
        ],
        scope=RegionAssignment.objects.filter(scheme=scheme),
        reason=REASON,
        stats=stats,
    )


def reference_regions_load(stats: Counter, data_dir: Path = DATA_DIR) -> None:
    """The schemes `m49`, `m49-subregions` and `un-groups`."""
    m49_source = (
        "UN Statistics Division, Standard country or area codes for statistical use (M49), "
        "as shipped by hdx-python-country 4.2.5"
    )
    m49 = read_csv("m49_regions.csv", data_dir)
    former = read_csv("former_state_regions.csv", data_dir)
    names = {}
    for row in m49:
        names[row["region_code"]] = row["region_name"]
        names[row["subregion_code"]] = row["subregion_name"]
        names[row["intermediate_region_code"]] = row["intermediate_region_name"]

    regions = [(r["iso3"], r["region_code"], r["region_name"], "", m49_source) for r in m49 if r["region_code"]]
    regions += [(r["iso3"], r["m49_region_code"], names[r["m49_region_code"]], "", r["source"]) for r in former]
    scheme = _scheme("m49", "UN M49 regions", "The five geographic regions of the UN M49 standard.", m49_source, stats)
    _assign(scheme, regions, stats)

    # The 22 geographic subregions: M49's intermediate region where it has one (e.g. Eastern
    # Africa inside Sub-Saharan Africa, South America inside Latin America), else its subregion.
    sub = [
        (
            r["iso3"],
            r["intermediate_region_code"] or r["subregion_code"],
            r["intermediate_region_name"] or r["subregion_name"],
            "",
            m49_source,
        )
        for r in m49
        if r["subregion_code"]
    ]
    sub += [(r["iso3"], r["m49_subregion_code"], names[r["m49_subregion_code"]], "", r["source"]) for r in former]
    scheme = _scheme(
        "m49-subregions",
        "UN M49 subregions",
        "The geographic subregions of the UN M49 standard (intermediate regions where M49 has them).",
        m49_source,
        stats,
    )
    _assign(scheme, sub, stats)

    groups = [
        (r["iso3"], r["group"], UN_GROUPS[r["group"]], r["note"], r["source"])
        for r in read_csv("un_regional_groups.csv", data_dir)
    ]
    groups += [(r["iso3"], r["un_group"], UN_GROUPS[r["un_group"]], "", r["source"]) for r in former]
    scheme = _scheme(
        "un-groups",
        "UN Regional Groups",
        "The five regional groups of UN member states that diplomats use for elections and statements.",
        "UN Department for General Assembly and Conference Management (DGACM), regional groups of Member States",
        stats,
    )
    _assign(scheme, groups, stats)
    counting_changed.send(sender=RegionAssignment, instance=REASON, action="loaded")


def _membership_row_problems(rows: list[dict[str, str]], countries: dict[str, Country]) -> list[str]:
    """The rows of forum_memberships.csv that cannot be loaded, in words, by line number."""
    problems = []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        where = f"forum_memberships.csv line {line} ({row['forum']}, {row['iso3']}, {row['start_date'] or 'undated'})"
        country = countries.get(row["iso3"])
        if country is None:
            problems.append(f"{where}: no country has the code {row['iso3']!r}.")
            continue
        try:
            start = parse_date(row["start_date"])
        except ValueError:
            problems.append(f"{where}: {row['start_date']!r} is not a date (YYYY-MM-DD).")
            continue
        if problem := seat_start_problem(country, start):
            problems.append(f"{where}: {problem}")
        if not has_visible_text(row["source"]):
            problems.append(f"{where}: {SOURCE_NOT_VISIBLE}")
    return problems


def _retire_dropped_memberships(file_keys: set[tuple], stats: Counter) -> None:
    """Delete the seats an earlier shipped file had and this one no longer has, where no one
    but the loader ever wrote them (a seat staff added or changed stays)."""
    for membership in ForumMembership.objects.all():
        key = (membership.forum_id, membership.country_id, membership.role, membership.start_date)
        if key in file_keys:
            continue
        reasons = set(membership.history.values_list("history_change_reason", flat=True))
        if reasons == {REASON}:
            membership._change_reason = REASON
            membership.delete()
            stats[f"{ForumMembership._meta.verbose_name_plural} retired"] += 1


def reference_forums_load(stats: Counter, data_dir: Path = DATA_DIR) -> None:
    """The forums and their dated memberships.

    A file with a seat that starts on a day its country did not exist is refused, naming
    the line: such a seat belongs to the state that held it then.
    """
    rows = read_csv("forum_memberships.csv", data_dir)
    countries = _countries_by_code()
    if problems := _membership_row_problems(rows, countries):
        raise CommandError("forum_memberships.csv cannot be loaded:\n" + "\n".join(problems))
    forums = sync_rows(
        Forum,
        key=["slug"],
        rows=[
            {
                "slug": slug,
                "name": name,
                "short_name": FORUM_SHORT_NAMES.get(slug, ""),
                "description": "",
                "source": "forum_memberships.csv (see README: sources per membership)",
            }
            for slug, name in sorted({(r["forum"], r["forum_name"]) for r in rows})
        ],
        reason=REASON,
        stats=stats,
    )
    memberships = sync_rows(
        ForumMembership,
        key=["forum_id", "country_id", "role", "start_date"],
        rows=[
            {
                "forum_id": forums[(r["forum"],)].pk,
                "country_id": countries[r["iso3"]].pk,
                "role": r["role"],
                "start_date": parse_date(r["start_date"]),
                "start_precision": r["start_precision"],
                "end_date": parse_date(r["end_date"]),
                "end_note": r["end_note"],
                "source": r["source"],
                "start_source": r["start_source"],
                "note": r["note"],
            }
            for r in rows
        ],
        reason=REASON,
        stats=stats,
    )
    file_keys = {
        (forums[(r["forum"],)].pk, countries[r["iso3"]].pk, r["role"], parse_date(r["start_date"])) for r in rows
    }
    if len(memberships) > len(file_keys):
        _retire_dropped_memberships(file_keys, stats)
    counting_changed.send(sender=ForumMembership, instance=REASON, action="loaded")


def reference_countries_apply(*, force: bool, stats: Counter, data_dir: Path = DATA_DIR) -> list[str]:
    """Load every countries-side data set that changed; returns the names of those loaded."""
    steps = [
        (
            "countries",
            fingerprint(
                "un_regional_groups.csv",
                "non_member_participants.csv",
                "state_lifespans.csv",
                "successions.csv",
                "other_entities.csv",
                extra=PYCOUNTRY,
                data_dir=data_dir,
            ),
            reference_countries_load,
        ),
        (
            "regions",
            fingerprint("m49_regions.csv", "un_regional_groups.csv", "former_state_regions.csv", data_dir=data_dir),
            reference_regions_load,
        ),
        ("forums", fingerprint("forum_memberships.csv", data_dir=data_dir), reference_forums_load),
    ]
    loaded = []
    for name, print_, load in steps:
        if reference_dataset_apply(
            name=name, fingerprint=print_, load=lambda s, load=load: load(s, data_dir), force=force, stats=stats
        ):
            loaded.append(name)
    return loaded
