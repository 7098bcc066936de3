"""Reads: where countries stand under a treaty on a date, and the rows of its tables."""

import datetime
import functools
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from countries.choices import MembershipRole
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
from treaties.models import StatusEvent, Summary, SummaryMark, SummarySpan, Treaty
from treaties.status import Act, CountryStatus, country_status
from treaties.summaries import (
    BEGINNING,
    END,
    FIGURES,
    FORUMS_PANEL,
    NO_REGION_LABEL,
    WORLD_LABEL,
    WORLD_PANEL,
    Groupings,
    counts_of,
    scheme_panel,
    summary_dates,
)

logger = logging.getLogger(__name__)

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
    """Counts by legal status, with `countries`, `parties` (in law), `on_board` and `on_board_share`:
    the same figures, by the same function, as the stored summaries."""
    return counts_of(Counter((status.status, status.on_board) for status in statuses)).as_dict()


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


# Summaries ------------------------------------------------------------------------------

# On-demand answers stay in the cache this long; their keys change with every mark and recompute anyway.
CACHE_SECONDS = 24 * 3600
# After a cache error, pages skip the cache for this long rather than wait on a frozen Redis each time.
CACHE_PAUSE_SECONDS = 30.0
_cache_paused_until = 0.0
# One row of a panel as plain values (what the cache holds):
# (grouping key, region id, forum id, label, slug, *FIGURES).
PanelTuple = tuple


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One grouping's counts under a treaty on a date: a row of a regional or forum summary.

    `region` and `forum` are None for the world and for a scheme's "no region" row (whose
    `label` says so); they carry the id, name and slug the summary was computed with.
    `computed_at` is None when the row was computed on demand; `pending` says a recompute
    is waiting, so the figures may not show the latest changes yet.
    """

    key: str
    label: str
    date: datetime.date
    count: str
    scheme: RegionScheme | None
    region: Region | None
    forum: Forum | None
    countries: int
    state_party: int
    consented_not_in_force: int
    signatory: int
    withdrawal_pending: int
    withdrawn: int
    non_signatory: int
    on_board: int
    computed_at: datetime.datetime | None
    pending: bool

    @property
    def parties(self) -> int:
        """States Parties in law: a state whose withdrawal is pending still is one."""
        return self.state_party + self.withdrawal_pending

    @property
    def on_board_share(self) -> float:
        return round(self.on_board / self.countries, 4) if self.countries else 0.0

    @property
    def is_no_region(self) -> bool:
        return self.key.startswith("noregion:")


@dataclass(frozen=True, slots=True)
class SummaryFreshness:
    """When a treaty's stored summaries were computed, and whether a recompute is waiting."""

    computed_at: datetime.datetime | None
    pending: bool
    pending_since: datetime.datetime | None = None
    reason: str = ""
    version: int = 0


def summary_freshness(*, treaty: Treaty) -> SummaryFreshness:
    """The treaty's mark, in one query; a treaty never marked has never been computed.

    Raw SQL: every summary read starts here, and compiling the ORM query would cost more
    than running it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_MARK_SQL, [treaty.pk])
        mark = cursor.fetchone()
    if mark is None:
        return SummaryFreshness(computed_at=None, pending=False)
    computed_at, pending, pending_since, reason, version = mark
    return SummaryFreshness(_datetime(computed_at), bool(pending), _datetime(pending_since), reason, version)


def _datetime(value) -> datetime.datetime | None:
    """A timestamp read with raw SQL: SQLite gives it naive (in UTC) or as text, PostgreSQL aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def summary_groupings() -> Groupings:
    """Who is counted where, as plain values for the recompute: six queries."""
    participants = {
        pk: (start or BEGINNING, end or END)
        for pk, start, end in Country.objects.participants().values_list("pk", "valid_from", "valid_until")
    }
    region_of: dict[int, dict[int, int]] = defaultdict(dict)
    for scheme_id, country_id, region_id in RegionAssignment.objects.values_list(
        "scheme_id", "country_id", "region_id"
    ):
        region_of[scheme_id][country_id] = region_id
    members: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for forum_id, country_id, start, end in ForumMembership.objects.filter(role=MembershipRole.MEMBER).values_list(
        "forum_id", "country_id", "start_date", "end_date"
    ):
        members[forum_id][country_id].append((start or BEGINNING, end or END))
    return Groupings(
        participants=participants,
        lineage=country_lineage_map(),
        schemes=list(RegionScheme.objects.order_by("pk").values_list("pk", flat=True)),
        regions=list(Region.objects.order_by("pk").values_list("pk", "scheme_id", "name", "slug")),
        region_of=dict(region_of),
        forums=list(Forum.objects.order_by("pk").values_list("pk", "name", "slug")),
        members=members,
    )


def region_summary_rows(*, treaty: Treaty, scheme: RegionScheme, on: datetime.date, count: str) -> list[SummaryRow]:
    """A row per region of `scheme` (by name), then one for the participants it leaves out, if any."""
    return _panel_rows(treaty=treaty, panel=scheme_panel(scheme.pk), on=on, count=count, scheme=scheme)


def forum_summary_rows(*, treaty: Treaty, on: datetime.date, count: str) -> list[SummaryRow]:
    """A row per forum (by name), counting its members (role `member`) on the date; observers are not counted."""
    return _panel_rows(treaty=treaty, panel=FORUMS_PANEL, on=on, count=count)


def world_summary(*, treaty: Treaty, on: datetime.date, count: str) -> SummaryRow:
    """Every participant existing on the date: the overview's figures."""
    return _panel_rows(treaty=treaty, panel=WORLD_PANEL, on=on, count=count)[0]


def summary_time_series(
    *, treaty: Treaty, count: str, panel: str = WORLD_PANEL, scheme: RegionScheme | None = None
) -> list[SummaryRow]:
    """The stored summaries of a panel (all participants by default), by date then grouping:
    the points of a "states parties over time" chart and of the time-series export."""
    freshness = summary_freshness(treaty=treaty)
    stored = (
        Summary.objects.filter(treaty=treaty, panel=panel, count=count)
        .order_by("date", "label")
        .values_list("date", *_STORED_COLUMNS, "computed_at")
    )
    return [
        _row(values[1:-1], on=values[0], count=count, scheme=scheme, computed_at=values[-1], pending=freshness.pending)
        for values in stored
    ]


def summary_panel_from_events(*, treaty: Treaty, panel: str, on: datetime.date, count: str) -> list[PanelTuple]:
    """A panel computed straight from the events with the status rule, as plain values.

    The definition the stored summaries and spans must agree with; used for a treaty whose
    summaries were never computed. A constant number of queries: the status rows (three),
    then the groupings of the panel (two or three).
    """
    statuses = {row.country.pk: row.status for row in treaty_status_rows(treaty=treaty, on=on, count=count)}
    members: dict[str, list[int]] = defaultdict(list)
    meta: dict[str, tuple] = {}
    if panel == WORLD_PANEL:
        meta["world"] = (None, None, WORLD_LABEL, "")
        members["world"] = list(statuses)
    elif panel == FORUMS_PANEL:
        for pk, name, slug in Forum.objects.values_list("pk", "name", "slug"):
            meta[f"forum:{pk}"] = (None, pk, name, slug)
        lineage = country_lineage_map()
        seats = defaultdict(set)
        for forum_id, holder in (
            ForumMembership.objects.active_on(on)
            .filter(role=MembershipRole.MEMBER)
            .values_list("forum_id", "country_id")
        ):
            seats[holder].add(forum_id)
        for country in statuses:
            for forum_id in set().union(*(seats[holder] for holder in (country, *lineage.get(country, ())))):
                members[f"forum:{forum_id}"].append(country)
    else:
        scheme_id = int(panel.split(":")[1])
        meta[f"noregion:{scheme_id}"] = (None, None, NO_REGION_LABEL, "")
        for pk, name, slug in Region.objects.filter(scheme_id=scheme_id).values_list("pk", "name", "slug"):
            meta[f"region:{pk}"] = (pk, None, name, slug)
        region_of = dict(RegionAssignment.objects.filter(scheme_id=scheme_id).values_list("country_id", "region_id"))
        for country in statuses:
            region_id = region_of.get(country)
            members[f"noregion:{scheme_id}" if region_id is None else f"region:{region_id}"].append(country)
    result = []
    for key, fields in meta.items():
        tally: dict = defaultdict(int)
        for country in members.get(key, ()):
            tally[(statuses[country].status, statuses[country].on_board)] += 1
        figures = counts_of(tally)
        result.append((key, *fields, *(getattr(figures, name) for name in FIGURES)))
    return result


def summary_panel_from_spans(*, treaty: Treaty, panel: str, on: datetime.date, count: str) -> list[PanelTuple]:
    """A panel on any date from the spans the last recompute wrote: one indexed range query.

    Raw SQL on one table, because the statement is fixed and hot: it is the whole cost of an
    uncached summary on a date that is not stored, and compiling or planning joins would be
    most of it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_SPAN_SQL, [treaty.pk, count, panel, on, on])
        return cursor.fetchall()


_COLUMNS = ("grouping", "region_id", "forum_id", "label", "slug", *FIGURES)
# Table and column names come from the models, never from a request; every value is a parameter.
_SPAN_SQL = (
    f"SELECT {', '.join(_COLUMNS)} FROM {SummarySpan._meta.db_table} "  # noqa: S608
    "WHERE treaty_id = %s AND count = %s AND panel = %s AND valid_from <= %s AND valid_until > %s"
)
_MARK_SQL = (
    "SELECT computed_at, pending, pending_since, reason, version "  # noqa: S608
    f"FROM {SummaryMark._meta.db_table} WHERE treaty_id = %s"
)
_STORED_COLUMNS = _COLUMNS


def _panel_rows(
    *, treaty: Treaty, panel: str, on: datetime.date, count: str, scheme: RegionScheme | None = None
) -> list[SummaryRow]:
    """A panel's rows: stored ones when the date is stored, else on demand (cached).

    1. The treaty's mark (one query): when its summaries were computed, whether a
       recompute waits, and the version that keys the cache.
    2. A stored date: the stored rows (one query).
    3. Any other date: the spans holding it (one query), or, for a treaty never computed,
       the events themselves; either is cached under a key holding the version, which
       every mark and every recompute changes.
    """
    freshness = summary_freshness(treaty=treaty)
    if freshness.computed_at is not None:
        computed_on = timezone.localdate(freshness.computed_at)
        if on in _stored_dates(treaty.opened_for_signature, computed_on):
            stored = list(
                Summary.objects.filter(treaty=treaty, count=count, date=on, panel=panel).values_list(
                    *_STORED_COLUMNS, "computed_at"
                )
            )
            if stored:
                return _rows(
                    [values[:-1] for values in stored],
                    on=on,
                    count=count,
                    scheme=scheme,
                    computed_at=stored[0][-1],
                    pending=freshness.pending,
                )
        compute = summary_panel_from_spans
    else:
        compute = summary_panel_from_events
    key = f"summary:{treaty.pk}:{freshness.version}:{panel}:{on.isoformat()}:{count}"
    values = _cached(key, lambda: compute(treaty=treaty, panel=panel, on=on, count=count))
    return _rows(values, on=on, count=count, scheme=scheme, computed_at=None, pending=freshness.pending)


@functools.lru_cache(maxsize=256)
def _stored_dates(opened: datetime.date | None, today: datetime.date) -> frozenset[datetime.date]:
    return frozenset(summary_dates(opened=opened, today=today))


def _row(
    values: PanelTuple,
    *,
    on: datetime.date,
    count: str,
    scheme: RegionScheme | None = None,
    computed_at: datetime.datetime | None,
    pending: bool,
) -> SummaryRow:
    key, region_id, forum_id, label, slug = values[:5]
    region = None if region_id is None else Region(pk=region_id, scheme=scheme, name=label, slug=slug)
    forum = None if forum_id is None else Forum(pk=forum_id, name=label, slug=slug)
    return SummaryRow(
        key,
        label,
        on,
        count,
        scheme,
        region,
        forum,
        *values[5:],
        computed_at=computed_at,
        pending=pending,
    )


def _rows(values: Iterable[PanelTuple], **kwargs) -> list[SummaryRow]:
    """Rows in display order (by name, "no region" last), leaving out an empty "no region" row."""
    rows = [_row(v, **kwargs) for v in values]
    rows = [row for row in rows if not (row.is_no_region and row.countries == 0)]
    return sorted(rows, key=lambda row: (row.is_no_region, row.label.casefold(), row.key))


def _cached(key: str, compute):
    """`compute()`, through the cache; a cache that fails is skipped for a while, never fatal.

    A frozen or stopped Redis makes every call wait for its socket timeout and then raise,
    so after one failure this process serves from the database for CACHE_PAUSE_SECONDS.
    """
    global _cache_paused_until
    if time.monotonic() < _cache_paused_until:
        return compute()
    try:
        value = cache.get(key)
    except Exception:  # any cache backend error: redis-py's, a socket's
        logger.warning("cache unavailable; serving summaries from the database", exc_info=True)
        _cache_paused_until = time.monotonic() + CACHE_PAUSE_SECONDS
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, CACHE_SECONDS)
        except Exception:
            logger.warning("cache unavailable; serving summaries from the database", exc_info=True)
            _cache_paused_until = time.monotonic() + CACHE_PAUSE_SECONDS
    return value
