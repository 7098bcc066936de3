"""Presentation helpers over the selectors' rows: the treaty table's sort keys and the map's shapes.

No status rule and no summary here: how rows already read are ordered on a page, and which
row each drawn map shape shows.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from countries.models import Country
from countries.selectors import country_stand_ins
from treaties.choices import STATUS_ORDER
from treaties.status import CountryStatus


class StatusRowLike(Protocol):
    """What these helpers read of a row: a participant and its status (`selectors.StatusRow`)."""

    @property
    def country(self) -> Country: ...

    @property
    def status(self) -> CountryStatus: ...


R = TypeVar("R", bound=StatusRowLike)

# The treaty table's sortable columns: URL value → the value sorted on (None sorts last).
STATUS_SORTS = {
    "country": lambda r: r.country.name,
    "status": lambda r: STATUS_ORDER.index(r.status.status),
    "signature": lambda r: r.status.signature_date,
    "consent": lambda r: r.status.consent_date,
    "in_force": lambda r: r.status.in_force_date,
    "withdrawal": lambda r: r.status.withdrawal_notice_date,
}


def sort_status_rows(rows: Sequence[R], sort: str) -> list[R]:
    """Rows sorted by a column of STATUS_SORTS (`-` prefix: descending), then by name; blanks last."""
    key = STATUS_SORTS[sort.removeprefix("-")]
    present = [r for r in rows if key(r) is not None]
    present.sort(key=lambda r: (key(r), r.country.name), reverse=sort.startswith("-"))
    return present + sorted((r for r in rows if key(r) is None), key=lambda r: r.country.name)


@dataclass(frozen=True, slots=True)
class MapShape:
    """One drawn map shape: the country it is, and the status row it shows (its own or its predecessor's)."""

    code: str
    country: Country | None
    row: StatusRowLike | None


def status_map_shapes(*, rows: Iterable[StatusRowLike], codes: Iterable[str]) -> list[MapShape]:
    """Match map shapes (ISO alpha-2 codes) to status rows; a state that did not exist yet shows its predecessor.

    Two queries: the successions between states and the countries' codes.
    """
    rows_by_id = {row.country.pk: row for row in rows}
    stand_ins = country_stand_ins(existing=set(rows_by_id))
    countries = {c.iso2.lower(): c for c in Country.objects.only("pk", "iso2", "iso3", "name")}
    shapes = []
    for code in codes:
        country = countries.get(code)
        row = None
        if country is not None:
            row = rows_by_id.get(country.pk) or rows_by_id.get(stand_ins.get(country.pk, 0))
        shapes.append(MapShape(code=code, country=country, row=row))
    return shapes
