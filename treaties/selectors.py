"""Reads: where countries stand under a treaty on a date, and the rows of its tables."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from countries.models import (
    Country,
    CountryFormerName,
    CountrySuccession,
    Forum,
    ForumMembership,
    Region,
    RegionAssignment,
    RegionScheme,
)
from countries.selectors import country_lineage_map, country_stand_ins
from treaties.choices import LEGAL_KINDS, STATUS_ORDER, EventKind
from treaties.models import StatusEvent, Treaty
from treaties.status import Act, CountryStatus, country_status

# The event list's order: a total order that depends only on what an event records, not on
# its id, so an export imported elsewhere and exported again gives the same file.
EVENT_ORDER = ("date", "country__name", "kind", "treaty__slug")

# The kinds the status rule reads: legal acts and stances.
RULE_KINDS = sorted(LEGAL_KINDS | {EventKind.STANCE})


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One participant and where it stands on the date."""

    country: Country
    status: CountryStatus


def treaty_acts_by_country(*, treaty: Treaty, on: datetime.date) -> dict[int, list[Act]]:
    """The acts the rule needs for a treaty on a date, in one query, keyed by country id.

    A recorded `withdrawal_effective` is read even when dated after `on`: it is known
    from the notice on and moves the computed date.
    """
    rows = (
        StatusEvent.objects.filter(treaty=treaty, kind__in=RULE_KINDS)
        .filter(Q(date__lte=on) | Q(kind=EventKind.WITHDRAWAL_EFFECTIVE))
        .values_list("country_id", "kind", "date", "value", "effective_date", "end_date")
    )
    acts: dict[int, list[Act]] = defaultdict(list)
    for country_id, kind, date, value, effective_date, end_date in rows:
        acts[country_id].append(Act(kind, date, value, effective_date, end_date))
    return acts


def treaty_status_rows(*, treaty: Treaty, on: datetime.date, count: str) -> list[StatusRow]:
    """Every participant that existed on `on`, with its status under `treaty`, by name.

    Three queries whatever the number of countries or events: the participants, the
    continuations between states, and the treaty's events.
    """
    countries = list(Country.objects.participants().existing_on(on).order_by("name"))
    lineage = country_lineage_map()
    acts = treaty_acts_by_country(treaty=treaty, on=on)
    rule = treaty.rule
    rows = []
    for country in countries:
        own = acts.get(country.pk, [])
        inherited = [act for ancestor in lineage.get(country.pk, ()) for act in acts.get(ancestor, [])]
        rows.append(StatusRow(country=country, status=country_status(rule, [*own, *inherited], on, count)))
    return rows


def status_counts(statuses: Iterable[CountryStatus]) -> dict[str, int | float]:
    """Counts by legal status, with `countries`, `parties` (in law), `on_board` and `on_board_share`."""
    counts: dict[str, int | float] = dict.fromkeys(STATUS_ORDER, 0)
    total = on_board = 0
    for status in statuses:
        counts[status.status] += 1
        total += 1
        on_board += status.on_board
    counts["countries"] = total
    counts["parties"] = counts["state_party"] + counts["withdrawal_pending"]
    counts["on_board"] = on_board
    counts["on_board_share"] = round(on_board / total, 4) if total else 0.0
    return counts


def status_event_list() -> QuerySet[StatusEvent]:
    """Every event with its country and treaty, in the order the event list and its CSV use."""
    return StatusEvent.objects.select_related("country", "treaty").order_by(*EVENT_ORDER)


def event_filter_choices() -> dict[str, list]:
    """What the event list's filter form offers: treaties, countries, regions by scheme, forums (four queries)."""
    return {
        "treaties": list(Treaty.objects.order_by("short_name")),
        "countries": list(Country.objects.order_by("name").only("iso3", "name")),
        "regions": list(Region.objects.select_related("scheme").order_by("scheme__name", "name")),
        "forums": list(Forum.objects.order_by("name")),
        "kinds": EventKind.choices,
    }


@dataclass(frozen=True, slots=True)
class MapShape:
    """One drawn map shape: the country it is, and the status row it shows (its own or its predecessor's)."""

    code: str
    country: Country | None
    row: StatusRow | None


def status_map_shapes(*, rows: list[StatusRow], codes: Iterable[str]) -> list[MapShape]:
    """Match map shapes (ISO alpha-2 codes) to status rows; a state that did not exist yet shows its predecessor."""
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


@dataclass(frozen=True, slots=True)
class TreatyStanding:
    treaty: Treaty
    status: CountryStatus


@dataclass(frozen=True)
class CountryProfile:
    """Everything the country page shows, read in a fixed number of queries."""

    country: Country
    exists: bool
    standings: list[TreatyStanding]
    events: list[StatusEvent]
    regions: list[RegionAssignment]
    memberships: list[ForumMembership]
    predecessors: list[CountrySuccession]
    successors: list[CountrySuccession]
    former_names: list[CountryFormerName]


def country_profile(*, country: Country, on: datetime.date, count: str) -> CountryProfile:
    """A country's status under every treaty on `on`, its events (and those of the states it continues),
    regions, forum seats over time and the states before and after it."""
    ids = [country.pk, *country_lineage_map().get(country.pk, ())]
    events = list(
        StatusEvent.objects.filter(country_id__in=ids).select_related("country", "treaty").order_by("date", "kind")
    )
    acts: dict[int, list[Act]] = defaultdict(list)
    for e in events:
        if e.date <= on or e.kind == EventKind.WITHDRAWAL_EFFECTIVE:
            acts[e.treaty_id].append(Act(e.kind, e.date, e.value, e.effective_date, e.end_date))
    standings = [
        TreatyStanding(treaty=treaty, status=country_status(treaty.rule, acts.get(treaty.pk, []), on, count))
        for treaty in Treaty.objects.order_by("short_name")
    ]
    successions = list(
        CountrySuccession.objects.filter(Q(predecessor=country) | Q(successor=country)).select_related(
            "predecessor", "successor"
        )
    )
    return CountryProfile(
        country=country,
        exists=country.exists_on(on),
        standings=standings,
        events=events,
        regions=list(RegionAssignment.objects.filter(country=country).select_related("region", "scheme")),
        memberships=list(
            ForumMembership.objects.filter(country_id__in=ids)
            .select_related("forum", "country")
            .order_by("forum__name", "start_date")
        ),
        predecessors=[s for s in successions if s.successor_id == country.pk],
        successors=[s for s in successions if s.predecessor_id == country.pk],
        former_names=list(country.former_names.all()),
    )


def latest_events(*, treaty: Treaty, on: datetime.date, limit: int = 10) -> list[StatusEvent]:
    """The most recent legal acts and positions recorded for a treaty up to `on`, with their sources."""
    return list(
        StatusEvent.objects.filter(treaty=treaty, date__lte=on)
        .exclude(kind=EventKind.UNGA_VOTE)
        .select_related("country")
        .order_by("-date", "country__name")[:limit]
    )


# The treaty table's sortable columns: URL value → the value sorted on (None sorts last).
STATUS_SORTS = {
    "country": lambda r: r.country.name,
    "status": lambda r: STATUS_ORDER.index(r.status.status),
    "signature": lambda r: r.status.signature_date,
    "consent": lambda r: r.status.consent_date,
    "in_force": lambda r: r.status.in_force_date,
    "withdrawal": lambda r: r.status.withdrawal_notice_date,
}


def sort_status_rows(rows: list[StatusRow], sort: str) -> list[StatusRow]:
    """Rows sorted by a column of STATUS_SORTS (`-` prefix: descending), then by name; blanks last."""
    key = STATUS_SORTS[sort.removeprefix("-")]
    present = [r for r in rows if key(r) is not None]
    present.sort(key=lambda r: (key(r), r.country.name), reverse=sort.startswith("-"))
    return present + sorted((r for r in rows if key(r) is None), key=lambda r: r.country.name)


# The URL slug of a scheme's row for participants in none of its regions.
NO_REGION = "no-region"


def region_country_rows(
    *, treaty: Treaty, scheme: RegionScheme, region: Region | None, on: datetime.date, count: str
) -> list[StatusRow]:
    """The participants of one region of a scheme on `on` (region None: those in no region), with status."""
    assigned = dict(RegionAssignment.objects.filter(scheme=scheme).values_list("country_id", "region_id"))
    wanted = region.pk if region is not None else None
    return [
        row for row in treaty_status_rows(treaty=treaty, on=on, count=count) if assigned.get(row.country.pk) == wanted
    ]


@dataclass(frozen=True, slots=True)
class ForumMemberRow:
    """A participant seated in a forum on a date, its role, and its status under the treaty."""

    country: Country
    membership: ForumMembership
    status: CountryStatus


@dataclass(frozen=True)
class ForumMembers:
    rows: list[ForumMemberRow]
    # Seats held by entities that are never counted, such as the European Union.
    not_counted: list[ForumMembership]

    def by_role(self, role: str) -> list[ForumMemberRow]:
        return [row for row in self.rows if row.membership.role == role]


def forum_member_rows(*, treaty: Treaty, forum: Forum, on: datetime.date, count: str) -> ForumMembers:
    """Who sat in a forum on `on`, with role and status; a continued state's seat counts for its continuator.

    Four queries whatever the size of the forum: the seats, plus the status rows.
    """
    seats = list(ForumMembership.objects.active_on(on).filter(forum=forum).select_related("country"))
    return _seated(seats, treaty_status_rows(treaty=treaty, on=on, count=count), country_lineage_map())


def _seated(
    seats: list[ForumMembership], status_rows: list[StatusRow], lineage: dict[int, tuple[int, ...]]
) -> ForumMembers:
    by_holder: dict[int, ForumMembership] = {}
    for seat in seats:
        by_holder.setdefault(seat.country_id, seat)
    rows = []
    for status_row in status_rows:
        country_id = status_row.country.pk
        seat = by_holder.get(country_id) or next(
            (by_holder[a] for a in lineage.get(country_id, ()) if a in by_holder), None
        )
        if seat is not None:
            rows.append(ForumMemberRow(country=status_row.country, membership=seat, status=status_row.status))
    counted = {row.membership.pk for row in rows}
    not_counted = [s for s in seats if s.pk not in counted and not s.country.participant]
    return ForumMembers(rows=rows, not_counted=not_counted)


@dataclass(frozen=True)
class GroupRow:
    """One row of a regional or forum dashboard: a grouping and its counts on the date."""

    label: str
    slug: str
    counts: dict
    url: str = ""


def region_dashboard_rows(*, treaty: Treaty, scheme: RegionScheme, on: datetime.date, count: str) -> list[GroupRow]:
    """Counts per region of a scheme, with a row for participants in none of its regions."""
    rows = treaty_status_rows(treaty=treaty, on=on, count=count)
    assigned = dict(RegionAssignment.objects.filter(scheme=scheme).values_list("country_id", "region_id"))
    by_region: dict[int | None, list[CountryStatus]] = defaultdict(list)
    for row in rows:
        by_region[assigned.get(row.country.pk)].append(row.status)
    result = [
        GroupRow(label=region.name, slug=region.slug, counts=status_counts(by_region.get(region.pk, [])))
        for region in Region.objects.filter(scheme=scheme).order_by("name")
    ]
    if by_region.get(None):
        result.append(GroupRow(label="In no region", slug=NO_REGION, counts=status_counts(by_region[None])))
    return result


def forum_dashboard_rows(*, treaty: Treaty, on: datetime.date, count: str) -> list[GroupRow]:
    """Counts per forum: members (not observers) seated on the date."""
    status_rows = treaty_status_rows(treaty=treaty, on=on, count=count)
    lineage = country_lineage_map()
    seats: dict[int, list[ForumMembership]] = defaultdict(list)
    for seat in ForumMembership.objects.active_on(on).select_related("country"):
        seats[seat.forum_id].append(seat)
    rows = []
    for forum in Forum.objects.order_by("name"):
        members = _seated(seats[forum.pk], status_rows, lineage).by_role("member")
        rows.append(GroupRow(label=forum.name, slug=forum.slug, counts=status_counts(m.status for m in members)))
    return rows
