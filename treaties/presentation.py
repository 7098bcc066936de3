"""Presentation helpers over the selectors' rows: the treaty table's sort keys, the map's shapes,
and what a page says of a date outside a treaty's life.

No status rule and no summary here: how rows already read are ordered on a page, which
row each drawn map shape shows, and which notice a date calls for.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from countries.models import Country
from countries.selectors import country_stand_ins
from treaties.choices import STATUS_ORDER
from treaties.models import Treaty
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


def treaty_start(treaty: Treaty) -> datetime.date | None:
    """The day the treaty came into being: its adoption, else its opening for signature (None: unknown)."""
    return treaty.adopted or treaty.opened_for_signature


def treaty_not_yet(treaty: Treaty, on: datetime.date) -> bool:
    """Whether the treaty did not exist yet on `on`: no state could stand anywhere towards it."""
    start = treaty_start(treaty)
    return start is not None and on < start


@dataclass(frozen=True, slots=True)
class DateNotice:
    """What a page says of a date outside a treaty's life (templates/includes/date_notice.html).

    `not_yet`: the treaty did not exist on `on` (the page shows no status table, map or counts);
    else `on` is after `today` and the figures are the record as known today.
    """

    on: datetime.date
    today: datetime.date
    not_yet: bool
    treaty: Treaty | None = None
    start: datetime.date | None = None


def date_notice(*, on: datetime.date, today: datetime.date, treaty: Treaty | None = None) -> DateNotice | None:
    """The notice a page shows for `on`: before `treaty` existed, or in the future; None for any other date."""
    if treaty is not None and treaty_not_yet(treaty, on):
        return DateNotice(on=on, today=today, not_yet=True, treaty=treaty, start=treaty_start(treaty))
    if on > today:
        return DateNotice(on=on, today=today, not_yet=False, treaty=treaty)
    return None
