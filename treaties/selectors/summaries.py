"""Reads: the summary panels (world, regions of a scheme, forums) on a date, and their freshness.

A stored date reads the stored summaries; any other date reads the spans the last recompute
wrote, or, for a treaty never computed, the events themselves (cached).
"""

import datetime
import functools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from countries.choices import MembershipRole
from countries.models import (
    Country,
    Forum,
    ForumMembership,
    Region,
    RegionAssignment,
    RegionScheme,
    name_language,
)
from countries.selectors import country_lineage_map, names_in_language
from ottawa_tracker.cache import cached
from treaties.models import Summary, SummaryMark, SummarySpan, Treaty
from treaties.selectors.status_rows import treaty_status_rows
from treaties.summaries import (
    BEGINNING,
    END,
    FIGURES,
    FORUMS_PANEL,
    NO_REGION_LABEL,
    WORLD_LABEL,
    WORLD_PANEL,
    Counts,
    Groupings,
    counts_of,
    scheme_panel,
    summary_dates,
)

# On-demand answers stay in the cache this long; their version changes with every mark and recompute anyway.
CACHE_SECONDS = 24 * 3600
# One row of a panel as plain values (what the cache holds): grouping key, region id, forum id, label, slug,
# then the FIGURES.
PanelValues = tuple[str, int | None, int | None, str, str, *tuple[int, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryRow(Counts):
    """One grouping's counts under a treaty on a date: a row of a regional or forum summary.

    The figures (and `parties`, `on_board_share`) are those of `Counts`. `region` and `forum`
    are None for the world and for a scheme's "no region" row (whose `label` says so); they
    carry the id, name and slug the summary was computed with. `label` is the name in the
    active language (the region's or forum's French or Spanish name, read by its id when the
    page is in French or Spanish), `label_en` the English name stored with the summary, which
    CSV files and the API print whatever the language. `computed_at` is None when the
    row was computed on demand; `pending` says a recompute is waiting, so the figures may not
    show the latest changes yet.
    """

    key: str
    label: str
    label_en: str
    date: datetime.date
    count: str
    scheme: RegionScheme | None
    region: Region | None
    forum: Forum | None
    computed_at: datetime.datetime | None
    pending: bool

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
    """The treaty's mark, in one query; a treaty never marked has never been computed."""
    mark = (
        SummaryMark.objects.filter(pk=treaty.pk)
        .values_list("computed_at", "pending", "pending_since", "reason", "version")
        .first()
    )
    if mark is None:
        return SummaryFreshness(computed_at=None, pending=False)
    return SummaryFreshness(*mark)


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
        .values_list("date", *_COLUMNS, "computed_at")
    )
    stored = list(stored)
    local = _local_names([values[1:-1] for values in stored])
    return [
        _row(
            values[1:-1],
            on=values[0],
            count=count,
            scheme=scheme,
            computed_at=values[-1],
            pending=freshness.pending,
            local=local,
        )
        for values in stored
    ]


def group_time_series(
    *, treaty: Treaty, count: str, panel: str, key: str, scheme: RegionScheme | None = None
) -> list[SummaryRow]:
    """One grouping's stored summaries, oldest first: a forum's or a region's "over time" chart and table.

    `key` is the grouping (`forum:<id>`, `region:<id>` or `noregion:<scheme id>`), `panel` the panel
    it belongs to (`scheme_panel(scheme.pk)` or FORUMS_PANEL). One query, whatever the number of
    dates: only that grouping's rows are read, and the mark's `pending` comes with them.
    """
    return _stored_series(treaty=treaty, count=count, panel=panel, scheme=scheme, grouping=key)


def forum_time_series(*, treaty: Treaty, count: str, forum: Forum) -> list[SummaryRow]:
    """A forum's members over time (role `member`), from the stored summaries: one query."""
    return group_time_series(treaty=treaty, count=count, panel=FORUMS_PANEL, key=f"forum:{forum.pk}")


def region_time_series(*, treaty: Treaty, count: str, scheme: RegionScheme, region: Region | None) -> list[SummaryRow]:
    """A region's participants over time, or (region None) those the scheme leaves out: one query."""
    key = f"region:{region.pk}" if region is not None else f"noregion:{scheme.pk}"
    return group_time_series(treaty=treaty, count=count, panel=scheme_panel(scheme.pk), key=key, scheme=scheme)


def panel_time_series(
    *, treaty: Treaty, count: str, panel: str, scheme: RegionScheme | None = None
) -> dict[str, list[SummaryRow]]:
    """Every grouping of a panel over time: its key to its stored summaries, oldest first. One query.

    In the pages' order (by name, "no region" last); a "no region" grouping that never held a
    participant is left out, as the dashboards leave out its empty row.
    """
    by_key: dict[str, list[SummaryRow]] = defaultdict(list)
    for row in _stored_series(treaty=treaty, count=count, panel=panel, scheme=scheme):
        by_key[row.key].append(row)
    kept = [
        (key, rows) for key, rows in by_key.items() if not (rows[0].is_no_region and not any(r.countries for r in rows))
    ]
    kept.sort(key=lambda item: (item[1][-1].is_no_region, name_order(item[1][-1].label), item[0]))
    return dict(kept)


def _stored_series(
    *, treaty: Treaty, count: str, panel: str, scheme: RegionScheme | None, grouping: str | None = None
) -> list[SummaryRow]:
    """Stored summaries of a panel (or one grouping of it) by date then label, in one query.

    The mark's `pending` is read in the same statement (a subquery), not by `summary_freshness`,
    so that a page adding a chart adds one query.
    """
    stored = Summary.objects.filter(treaty=treaty, panel=panel, count=count)
    if grouping is not None:
        stored = stored.filter(grouping=grouping)
    mark = SummaryMark.objects.filter(pk=OuterRef("treaty_id")).values("pending")[:1]
    values = (
        stored.annotate(mark_pending=Coalesce(Subquery(mark), Value(False), output_field=BooleanField()))
        .order_by("date", "label")
        .values_list("date", *_COLUMNS, "computed_at", "mark_pending")
    )
    values = list(values)
    local = _local_names([v[1:-2] for v in values])
    return [
        _row(v[1:-2], on=v[0], count=count, scheme=scheme, computed_at=v[-2], pending=bool(v[-1]), local=local)
        for v in values
    ]


def summary_panel_from_events(*, treaty: Treaty, panel: str, on: datetime.date, count: str) -> list[PanelValues]:
    """A panel computed straight from the events with the status rule, as plain values.

    The definition the stored summaries and spans must agree with; used for a treaty whose
    summaries were never computed. A constant number of queries: the status rows (three),
    then the groupings of the panel (one or two).
    """
    lineage = country_lineage_map()
    rows = treaty_status_rows(treaty=treaty, on=on, count=count, lineage=lineage)
    statuses = {row.country.pk: row.status for row in rows}
    members: dict[str, list[int]] = defaultdict(list)
    meta: dict[str, tuple] = {}
    if panel == WORLD_PANEL:
        meta["world"] = (None, None, WORLD_LABEL, "")
        members["world"] = list(statuses)
    elif panel == FORUMS_PANEL:
        for pk, name, slug in Forum.objects.values_list("pk", "name", "slug"):
            meta[f"forum:{pk}"] = (None, pk, name, slug)
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


def summary_panel_from_spans(*, treaty: Treaty, panel: str, on: datetime.date, count: str) -> list[PanelValues]:
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


def _panel_rows(
    *, treaty: Treaty, panel: str, on: datetime.date, count: str, scheme: RegionScheme | None = None
) -> list[SummaryRow]:
    """A panel's rows: stored ones when the date is stored, else on demand (cached).

    1. The treaty's mark (one query): when its summaries were computed, whether a
       recompute waits, and the version that keys the cache.
    2. A stored date: the stored rows (one query).
    3. Any other date: the spans holding it (one query), or, for a treaty never computed,
       the events themselves; either is cached with the mark's version as the cache
       version, which every mark and every recompute changes.
    """
    freshness = summary_freshness(treaty=treaty)
    if freshness.computed_at is not None:
        computed_on = timezone.localdate(freshness.computed_at)
        if on in _stored_dates(treaty.opened_for_signature, computed_on):
            stored = list(
                Summary.objects.filter(treaty=treaty, count=count, date=on, panel=panel).values_list(
                    *_COLUMNS, "computed_at"
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
    values = cached(
        f"summary:{treaty.pk}:{panel}:{on.isoformat()}:{count}",
        lambda: compute(treaty=treaty, panel=panel, on=on, count=count),
        version=freshness.version,
        timeout=CACHE_SECONDS,
    )
    return _rows(values, on=on, count=count, scheme=scheme, computed_at=None, pending=freshness.pending)


@functools.lru_cache(maxsize=256)
def _stored_dates(opened: datetime.date | None, today: datetime.date) -> frozenset[datetime.date]:
    return frozenset(summary_dates(opened=opened, today=today))


def _row(
    values: PanelValues,
    *,
    on: datetime.date,
    count: str,
    scheme: RegionScheme | None = None,
    computed_at: datetime.datetime | None,
    pending: bool,
    local: dict[str, dict[str, str]],
) -> SummaryRow:
    key, region_id, forum_id, label, slug = values[:5]
    names = local.get(key, {})
    return SummaryRow(
        *values[5:],
        key=key,
        label=names.get("label", label),
        label_en=label,
        date=on,
        count=count,
        scheme=scheme,
        region=None
        if region_id is None
        else Region(pk=region_id, scheme=scheme, name=label, slug=slug, **names.get("fields", {})),
        forum=None if forum_id is None else Forum(pk=forum_id, name=label, slug=slug, **names.get("fields", {})),
        computed_at=computed_at,
        pending=pending,
    )


def _local_names(values: Iterable[PanelValues]) -> dict[str, dict]:
    """The groupings' names in the active language by grouping key; {} in English, with no query.

    Summaries store the English name; a page in French or Spanish reads the regions' or forums'
    names by id (one query: a panel holds regions or forums), so a staff edit shows without a recompute.
    """
    language = name_language()
    if language is None:
        return {}
    local: dict[str, dict] = {}
    ids: dict[type, set[int]] = {Region: set(), Forum: set()}
    for key, region_id, forum_id, label, _slug in (v[:5] for v in values):
        if region_id is not None or forum_id is not None:
            ids[Region if region_id is not None else Forum].add(region_id or forum_id)
        else:  # the world, a scheme's "no region": the catalogue's words
            local[key] = {"label": gettext(label)}
    for model, prefix in ((Region, "region"), (Forum, "forum")):
        for pk, name in names_in_language(model, ids[model], language).items() if ids[model] else ():
            local[f"{prefix}:{pk}"] = {"fields": {f"name_{language}": name}, **({"label": name} if name else {})}
    return local


def _rows(values: Iterable[PanelValues], **kwargs) -> list[SummaryRow]:
    """Rows in display order (by name in the active language, "no region" last), leaving out an empty
    "no region" row."""
    values = list(values)
    local = _local_names(values)
    rows = [_row(v, local=local, **kwargs) for v in values]
    rows = [row for row in rows if not (row.is_no_region and row.countries == 0)]
    return sorted(rows, key=lambda row: (row.is_no_region, name_order(row.label), row.key))


def name_order(name: str) -> str:
    """A name's place in alphabetical order in any of the languages: accents aside (África before Américas)."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
