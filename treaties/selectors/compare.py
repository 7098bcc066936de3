"""Reads: several treaties side by side, a row per participant and a column per treaty (`/compare/`)."""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from countries.choices import MembershipRole
from countries.models import Country, Forum, ForumMembership, Region, RegionAssignment
from countries.selectors import country_lineage_map
from treaties.choices import STATUS_ORDER, LegalStatus
from treaties.models import Treaty
from treaties.selectors.status_rows import acts_by_treaty_and_country, stance_since
from treaties.status import CountryStatus, country_status
from treaties.summaries import Counts, counts_of

# What a column can be narrowed to: URL value → (label, test on a status). "party" is a State Party in law
# (a pending withdrawal still is one), the figure the depositary's header counts.
COMPARE_FILTERS: dict[str, tuple[str, Callable[[CountryStatus], bool]]] = {
    "party": ("State Party", lambda s: s.is_party),
    "not_party": ("not a State Party", lambda s: not s.is_party),
    "on_board": ("on board", lambda s: s.on_board),
    "not_on_board": ("not on board", lambda s: not s.on_board),
    "signatory": ("signatory, not yet bound", lambda s: s.status == LegalStatus.SIGNATORY),
    "non_signatory": ("never signed nor joined", lambda s: s.status == LegalStatus.NON_SIGNATORY),
    "withdrawn": ("withdrawn", lambda s: s.status == LegalStatus.WITHDRAWN),
}


@dataclass(frozen=True, slots=True)
class CompareRow:
    """One participant and its status under each treaty compared, in the order of the columns."""

    country: Country
    statuses: tuple[CountryStatus, ...]
    stance_dates: tuple[datetime.date | None, ...]

    def cells(self) -> list[tuple[CountryStatus, datetime.date | None]]:
        return list(zip(self.statuses, self.stance_dates, strict=True))


@dataclass(frozen=True)
class Comparison:
    treaties: list[Treaty]
    rows: list[CompareRow]
    # The figures of each treaty's column over the rows shown (before any per-column filter narrows them).
    counts: list[Counts]


def compare_rows(
    *,
    treaties: Sequence[Treaty],
    on: datetime.date,
    count: str,
    region: Region | None = None,
    forum: Forum | None = None,
) -> Comparison:
    """Every participant existing on `on` (narrowed to a region's countries or a forum's members), with its status
    under each treaty, by name.

    Queries: the participants, the continuations, the region or forum if asked, and the events of every
    treaty compared in one: the same number whatever the rows or columns.
    """
    countries = list(Country.objects.participants().existing_on(on).order_by("name"))
    lineage = country_lineage_map()
    if region is not None:
        inside = set(RegionAssignment.objects.filter(region=region).values_list("country_id", flat=True))
        countries = [c for c in countries if c.pk in inside]
    if forum is not None:
        seated = set(
            ForumMembership.objects.active_on(on)
            .filter(forum=forum, role=MembershipRole.MEMBER)
            .values_list("country_id", flat=True)
        )
        # A continued state's seat counts for its continuator, as on the forum's page.
        countries = [c for c in countries if c.pk in seated or seated.intersection(lineage.get(c.pk, ()))]
    by_treaty = acts_by_treaty_and_country(treaties=treaties, on=on)
    columns = []
    for treaty in treaties:
        acts = by_treaty.get(treaty.pk, {})
        rule = treaty.rule
        column = []
        for country in countries:
            own = acts.get(country.pk, [])
            country_acts = [*own, *(a for ancestor in lineage.get(country.pk, ()) for a in acts.get(ancestor, []))]
            status = country_status(rule, country_acts, on, count)
            since = stance_since(country_acts, on, rule.stance_lapse_years) if status.stance else None
            column.append((status, since))
        columns.append(column)
    rows = [
        CompareRow(
            country=country,
            statuses=tuple(column[i][0] for column in columns),
            stance_dates=tuple(column[i][1] for column in columns),
        )
        for i, country in enumerate(countries)
    ]
    counts = [_counts(row.statuses[index] for row in rows) for index in range(len(treaties))]
    return Comparison(treaties=list(treaties), rows=rows, counts=counts)


def _counts(statuses: Iterable[CountryStatus]) -> Counts:
    return counts_of(Counter((status.status, status.on_board) for status in statuses))


def filter_compare_rows(rows: Sequence[CompareRow], conditions: Sequence[tuple[int, str]]) -> list[CompareRow]:
    """The rows whose status meets every (column index, COMPARE_FILTERS key) condition."""
    tests = [(index, COMPARE_FILTERS[key][1]) for index, key in conditions]
    return [row for row in rows if all(test(row.statuses[index]) for index, test in tests)]


def sort_compare_rows(rows: Sequence[CompareRow], *, column: int | None, descending: bool) -> list[CompareRow]:
    """By country name (column None), or by a treaty's status in the depositary's order, then by name."""
    if column is None:
        return sorted(rows, key=lambda r: r.country.name, reverse=descending)
    ranked = sorted(rows, key=lambda r: r.country.name)
    return sorted(ranked, key=lambda r: STATUS_ORDER.index(r.statuses[column].status), reverse=descending)
