"""The region schemes: UN M49 regions and subregions, and the UN regional groups."""

from collections import Counter
from pathlib import Path

from django.utils.text import slugify

from countries.models import Region, RegionAssignment, RegionScheme
from countries.reference.files import DATA_DIR, REASON, countries_by_code, read_csv, read_names, without_staff_names
from countries.signals import counting_changed
from ottawa_tracker.sync import sync_rows

UN_GROUPS = {
    "african": "African Group",
    "asia_pacific": "Asia-Pacific Group",
    "eastern_european": "Eastern European Group",
    "grulac": "Latin American and Caribbean Group (GRULAC)",
    "weog": "Western European and Others Group (WEOG)",
}


NAME_FIELDS = ("name_fr", "name_es")


def _names(row: dict[str, str] | None) -> dict[str, str]:
    """The French and Spanish names of a names file's row (blank: the pages show the English)."""
    return {field: (row or {}).get(field, "") for field in NAME_FIELDS}


def _scheme(slug: str, name: str, description: str, source: str, stats: Counter, data_dir: Path) -> RegionScheme:
    names = _names(next((row for row in read_names("schemes.csv", data_dir) if row["scheme"] == slug), None))
    rows = [{"slug": slug, "name": name, **names, "description": description, "source": source}]
    return sync_rows(
        RegionScheme,
        key=["slug"],
        rows=without_staff_names(RegionScheme, rows, key=["slug"], fields=NAME_FIELDS),
        scope=RegionScheme.objects.filter(slug=slug),
        reason=REASON,
        stats=stats,
    )[(slug,)]


def _assign(
    scheme: RegionScheme, assignments: list[tuple[str, str, str, str, str]], stats: Counter, data_dir: Path
) -> None:
    """Regions of a scheme and each country's region: (iso3, region code, region name, note, source)."""
    names = {(row["scheme"], row["code"]): row for row in read_names("regions.csv", data_dir)}
    rows = [
        {
            "scheme_id": scheme.pk,
            "slug": slugify(name),
            "name": name,
            **_names(names.get((scheme.slug, code))),
            "code": code,
        }
        for code, name in sorted({(code, name) for _, code, name, _, _ in assignments})
    ]
    regions = sync_rows(
        Region,
        key=["scheme_id", "slug"],
        rows=without_staff_names(Region, rows, key=["scheme_id", "slug"], fields=NAME_FIELDS),
        scope=Region.objects.filter(scheme=scheme),
        reason=REASON,
        stats=stats,
    )
    countries = countries_by_code()
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
    scheme = _scheme(
        "m49", "UN M49 regions", "The five geographic regions of the UN M49 standard.", m49_source, stats, data_dir
    )
    _assign(scheme, regions, stats, data_dir)

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
        data_dir,
    )
    _assign(scheme, sub, stats, data_dir)

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
        data_dir,
    )
    _assign(scheme, groups, stats, data_dir)
    counting_changed.send(sender=RegionAssignment, instance=REASON, action="loaded")
