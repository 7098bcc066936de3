"""Presentation helpers over the selectors' rows: the status tables' sort keys and filters, the map's
shapes, and what a page says of a date outside a treaty's life.

No status rule and no summary here: how rows already read are ordered and narrowed on a page
(the treaty, forum, region and compare tables alike, through `views.mixins.StatusTableMixin`),
which row each drawn map shape shows, and which notice a date calls for.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.utils.translation import gettext_lazy as _

from countries.choices import MembershipRole
from countries.models import Country
from countries.selectors import country_stand_ins
from treaties.choices import STATUS_ORDER, LegalStatus, Stance
from treaties.models import Treaty
from treaties.status import CountryStatus


class StatusRowLike(Protocol):
    """What these helpers read of a row: a participant and its status (`selectors.StatusRow`)."""

    @property
    def country(self) -> Country: ...

    @property
    def status(self) -> CountryStatus: ...


R = TypeVar("R", bound=StatusRowLike)


def _order(values) -> dict[str, int]:
    """Each value's place in a choices order, for sorting by it."""
    return {str(value): place for place, value in enumerate(values)}


_STATUS_PLACE = _order(STATUS_ORDER)
_STANCE_PLACE = _order(Stance)
_ROLE_PLACE = _order(MembershipRole)


def _role(row) -> int | None:
    """A forum seat's role (members, observers, partners); None for a row without a seat."""
    membership = getattr(row, "membership", None)
    return _ROLE_PLACE.get(membership.role, len(_ROLE_PLACE)) if membership is not None else None


def _stance(row: StatusRowLike) -> int | None:
    """The declared stance (supporters, undecided, opposed); None without one."""
    stance = row.status.stance
    return _STANCE_PLACE.get(stance, len(_STANCE_PLACE)) if stance else None


# The per-country status table's sortable columns, in the table's order: URL value → the value
# sorted on (None sorts last). `on_board` sorts "no" before "yes"; `role` needs rows with a
# forum seat (`ROLE_SORT`), so only a forum's table offers it.
STATUS_SORTS = {
    "country": lambda r: r.country.name,
    "role": _role,
    "status": lambda r: _STATUS_PLACE[r.status.status],
    "on_board": lambda r: r.status.on_board,
    "stance": _stance,
    "signature": lambda r: r.status.signature_date,
    "consent": lambda r: r.status.consent_date,
    "in_force": lambda r: r.status.in_force_date,
    "withdrawal": lambda r: r.status.withdrawal_notice_date,
}
ROLE_SORT = "role"
DEFAULT_SORT = "country"

# How the sort menu names each column's two orders: key → (column, ascending, descending).
SORT_LABELS = {
    "country": (_("Country"), _("A to Z"), _("Z to A")),
    "role": (_("Role"), _("members first"), _("partners first")),
    "status": (_("Status"), _("States Parties first"), _("non-signatories first")),
    "on_board": (_("On board"), _("not on board first"), _("on board first")),
    "stance": (_("Stance"), _("supporters first"), _("opposed first")),
    "signature": (_("Signature"), _("earliest first"), _("latest first")),
    "consent": (_("Consent"), _("earliest first"), _("latest first")),
    "in_force": (_("Entry into force"), _("earliest first"), _("latest first")),
    "withdrawal": (_("Withdrawal"), _("earliest first"), _("latest first")),
}


def status_sorts(*, role: bool = False) -> list[str]:
    """The sort keys a status table offers: every column, `role` only where rows have a forum seat."""
    return [key for key in STATUS_SORTS if role or key != ROLE_SORT]


def status_sort_choices(*, role: bool = False) -> list[tuple[str, str]]:
    """The sort menu: each key ascending, then `-key` descending, labelled in words."""
    choices = []
    for key in status_sorts(role=role):
        column, ascending, descending = SORT_LABELS[key]
        choices += [(key, f"{column}, {ascending}"), (f"-{key}", f"{column}, {descending}")]
    return choices


def sort_status_rows(rows: Sequence[R], sort: str, *, name: Callable[[R], str] | None = None) -> list[R]:
    """Rows sorted by a column of STATUS_SORTS (`-` prefix: descending); ties and blanks by name, A to Z;
    blanks last either way. `name` is the country's place in alphabetical order (default: the English name;
    a page in French or Spanish orders by the name it prints)."""
    name = name or STATUS_SORTS["country"]
    column = sort.removeprefix("-")
    key = name if column == "country" else STATUS_SORTS[column]
    by_name = sorted(rows, key=name)
    present = [r for r in by_name if key(r) is not None]
    present.sort(key=key, reverse=sort.startswith("-"))  # stable: ties keep the name order
    return present + [r for r in by_name if key(r) is None]


# What a status table can be narrowed to (`?show=`): URL value → label. The default shows every row.
SHOW_ALL = "all"
SHOW_CHOICES = {
    SHOW_ALL: _("All"),
    "on_board": _("On board"),
    "not_on_board": _("Not on board"),
    **{str(status): LegalStatus(status).label for status in STATUS_ORDER},
}
# The ones offered as one-click links above the table.
SHOW_QUICK = (SHOW_ALL, "on_board", "not_on_board")


def filter_status_rows(rows: Iterable[R], show: str) -> list[R]:
    """The rows `show` keeps (a SHOW_CHOICES key): all, on board or not, or one legal status; order kept."""
    if show == SHOW_ALL:
        return list(rows)
    if show in ("on_board", "not_on_board"):
        wanted = show == "on_board"
        return [r for r in rows if r.status.on_board == wanted]
    if show not in SHOW_CHOICES:
        raise ValueError(f"unknown show {show!r}")
    return [r for r in rows if r.status.status == show]


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
    countries = {c.iso2.lower(): c for c in Country.objects.only("pk", "iso2", "iso3", "name", "name_fr", "name_es")}
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


def family_order(treaties: Iterable[Treaty]) -> list[Treaty]:
    """Treaties by short name, each protocol right after its parent."""
    ordered = sorted(treaties, key=lambda t: t.short_name.casefold())
    top = [t for t in ordered if t.parent_id is None]
    result = []
    for treaty in top:
        result.append(treaty)
        result.extend(t for t in ordered if t.parent_id == treaty.pk)
    placed = {t.pk for t in result}
    return result + [t for t in ordered if t.pk not in placed]
