"""Reads: where each participant stands under a treaty on a date, and the event list."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from countries.models import Country, Forum, Region, RegionAssignment, RegionScheme
from countries.selectors import country_lineage_map
from treaties.choices import STATEMENT_KINDS, STATUS_KINDS, EventKind
from treaties.models import StatusEvent, Treaty
from treaties.presentation import family_order
from treaties.status import Act, CountryStatus, country_status, current_stance, stance_lapse_date
from treaties.summaries import counts_of

# The event list's order: a total order that depends only on what an event records, not on
# its id, so an export imported elsewhere and exported again gives the same file.
EVENT_ORDER = ("date", "country__name", "kind", "treaty__slug")

# The kinds the status rule reads: the acts that make the status, provisional application, and stances
# (a declaration or territorial application changes no status, so it is not read).
RULE_KINDS = sorted(STATUS_KINDS | {EventKind.STANCE})

# The URL slug of a scheme's row for participants in none of its regions.
NO_REGION = "no-region"


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One participant and where it stands on the date."""

    country: Country
    status: CountryStatus
    # Since when the stance in `status.stance` has been held (None without a current stance).
    stance_date: datetime.date | None = None


def stance_since(acts: Iterable[Act], on: datetime.date, lapse_years: int | None = None) -> datetime.date | None:
    """Since when the stance in force on `on` has been held: the first of the unbroken run of
    declarations of that same value that ends with the latest one (None when no stance holds).
    A declaration that had lapsed (`lapse_years`, the treaty's) before the next one breaks the run.
    Pure: it reads the acts the status rule already has."""
    stances = sorted((a for a in acts if a.kind == EventKind.STANCE and a.date <= on), key=lambda a: a.date)
    if not current_stance(stances, on, lapse_years):
        return None
    since = stances[-1]
    for earlier in reversed(stances[:-1]):
        lapsed = stance_lapse_date(earlier.date, lapse_years)
        if (
            earlier.value != since.value
            or (earlier.end_date is not None and earlier.end_date <= since.date)
            or (lapsed is not None and lapsed <= since.date)
        ):
            break
        since = earlier
    return since.date


def treaty_acts_by_country(*, treaty: Treaty, on: datetime.date) -> dict[int, list[Act]]:
    """The acts the rule needs for a treaty on a date, in one query, keyed by country id.

    A recorded `withdrawal_effective` is read even when dated after `on`: it is known
    from the notice on and moves the computed date.
    """
    return acts_by_treaty_and_country(treaties=[treaty], on=on).get(treaty.pk, {})


def acts_by_treaty_and_country(*, treaties: Iterable[Treaty], on: datetime.date) -> dict[int, dict[int, list[Act]]]:
    """`treaty_acts_by_country` for several treaties in the same one query: treaty id → country id → acts."""
    rows = (
        StatusEvent.objects.filter(treaty__in=[t.pk for t in treaties], kind__in=RULE_KINDS)
        .filter(Q(date__lte=on) | Q(kind=EventKind.WITHDRAWAL_EFFECTIVE))
        .values_list("treaty_id", "country_id", "kind", "date", "value", "effective_date", "end_date")
    )
    acts: dict[int, dict[int, list[Act]]] = defaultdict(lambda: defaultdict(list))
    for treaty_id, country_id, kind, date, value, effective_date, end_date in rows:
        acts[treaty_id][country_id].append(Act(kind, date, value, effective_date, end_date))
    return acts


def treaty_status_rows(
    *, treaty: Treaty, on: datetime.date, count: str, lineage: dict[int, tuple[int, ...]] | None = None
) -> list[StatusRow]:
    """Every participant that existed on `on`, with its status under `treaty`, by name.

    Three queries whatever the number of countries or events: the participants, the
    continuations between states (unless the caller passes the `lineage` it already read),
    and the treaty's events. Each row carries since when its stance has been held, from the same events.
    """
    countries = list(Country.objects.participants().existing_on(on).order_by("name"))
    if lineage is None:
        lineage = country_lineage_map()
    acts = treaty_acts_by_country(treaty=treaty, on=on)
    rule = treaty.rule
    rows = []
    for country in countries:
        own = acts.get(country.pk, [])
        inherited = [act for ancestor in lineage.get(country.pk, ()) for act in acts.get(ancestor, [])]
        country_acts = [*own, *inherited]
        status = country_status(rule, country_acts, on, count)
        since = stance_since(country_acts, on, rule.stance_lapse_years) if status.stance else None
        rows.append(StatusRow(country=country, status=status, stance_date=since))
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
        "treaties": family_order(Treaty.objects.all()),
        "countries": list(Country.objects.order_by("name").only("iso3", "name", "name_fr", "name_es")),
        "regions": list(Region.objects.select_related("scheme").order_by("scheme__name", "name")),
        "forums": list(Forum.objects.order_by("name")),
        "kinds": EventKind.choices,
    }


def latest_events(*, treaty: Treaty, on: datetime.date, limit: int = 10) -> list[StatusEvent]:
    """The most recent legal acts and positions recorded for a treaty up to `on`, with their sources."""
    return list(
        StatusEvent.objects.filter(treaty=treaty, date__lte=on)
        .exclude(kind=EventKind.UNGA_VOTE)
        .select_related("country")
        .order_by("-date", "country__name")[:limit]
    )


def region_country_rows(
    *, treaty: Treaty, scheme: RegionScheme, region: Region | None, on: datetime.date, count: str
) -> list[StatusRow]:
    """The participants of one region of a scheme on `on` (region None: those in no region), with status."""
    assigned = dict(RegionAssignment.objects.filter(scheme=scheme).values_list("country_id", "region_id"))
    wanted = region.pk if region is not None else None
    return [
        row for row in treaty_status_rows(treaty=treaty, on=on, count=count) if assigned.get(row.country.pk) == wanted
    ]


# What the depositary prints below its table, state by state: statements and territorial applications.
FOOTNOTE_KINDS = sorted(STATEMENT_KINDS | {EventKind.TERRITORIAL_APPLICATION})


def treaty_statements(*, treaty: Treaty, on: datetime.date) -> list[tuple[Country, list[StatusEvent]]]:
    """Each State's declarations, reservations, objections and territorial applications made by `on`,
    by country name then date, as the depositary lists them under its table: one query."""
    events = (
        StatusEvent.objects.filter(treaty=treaty, kind__in=FOOTNOTE_KINDS, date__lte=on)
        .select_related("country")
        .order_by("country__name", "date", "kind")
    )
    grouped: dict[int, tuple[Country, list[StatusEvent]]] = {}
    for event in events:
        grouped.setdefault(event.country_id, (event.country, []))[1].append(event)
    return list(grouped.values())
