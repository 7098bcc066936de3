"""Reads: where countries stand under a treaty on a date, and the rows of its tables."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from countries.models import Country, Forum, Region
from countries.selectors import country_lineage_map
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
