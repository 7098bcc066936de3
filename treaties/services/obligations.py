"""Writes: the obligations' stored counts for the recompute (`models.ObligationSummary`), and the record of
when each State fell overdue on an obligation (`models.ObligationOverdue`).

The obligation rule says who is overdue on a date, not since when anyone noticed, nor who was overdue
last week and has since met the deadline: the page's "newly overdue this week" needs a record. The daily
job (`tasks.obligations_overdue_record_all`) and every summary recompute bring it up to date on today.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q

from ottawa_tracker.http_cache import data_version_changed
from treaties import obligation_counts, summaries
from treaties.choices import ObligationState
from treaties.models import ObligationOverdue, Treaty
from treaties.models.obligation_summaries import STATE_COLUMNS
from treaties.obligations import obligation_rules
from treaties.selectors.obligations import obligation_events_by_country, obligation_standings, treaty_obligations

ONE_DAY = datetime.timedelta(days=1)


# The columns of `obligation_summary_rows`' rows, in order.
OBLIGATION_SUMMARY_COLUMNS = (
    "treaty_id",
    "obligation_id",
    "date",
    "panel",
    "grouping",
    "scheme_id",
    "region_id",
    "forum_id",
    "label",
    "slug",
    *STATE_COLUMNS,
    "parties",
    "computed_at",
)


def obligation_summary_rows(
    *,
    treaty: Treaty,
    acts: dict,
    lineage: dict[int, tuple[int, ...]],
    groupings: list[summaries.Grouping],
    today: datetime.date,
    stamp,
) -> list[tuple]:
    """The obligation summaries' rows for the recompute (`services.summaries`), adapted for `rows_insert`,
    from the acts and groupings it has read: two queries (the obligations, their events).

    A treaty without obligations has none. The world row of each stored date is written even when no
    State is a party, so that a reader can tell a stored date from one to compute; the other groupings
    only where they count a State Party, as the obligations page lists only those regions.
    """
    obligations = treaty_obligations(treaty)
    if not obligations:
        return []
    rules = obligation_rules(obligations)
    dates = obligation_counts.obligation_summary_dates(in_force=treaty.entry_into_force, today=today)
    counts = obligation_counts.obligation_counts(
        rule=treaty.rule,
        obligations=[rules[item.slug] for item in obligations],
        acts=acts,
        events=obligation_events_by_country(treaty=treaty),
        lineage=lineage,
        groupings=groupings,
        dates=dates,
    )
    adapt = connection.ops.adapt_datefield_value
    rows = []
    for day in dates:
        day_value = adapt(day)
        for grouping in groupings:
            for item in obligations:
                tally = counts.get((day, grouping.key, item.slug))
                if tally is None and grouping.panel != summaries.WORLD_PANEL:
                    continue
                states = tuple((tally or {}).get(column, 0) for column in STATE_COLUMNS)
                rows.append(
                    (
                        treaty.pk,
                        item.pk,
                        day_value,
                        grouping.panel,
                        grouping.key,
                        grouping.scheme_id,
                        grouping.region_id,
                        grouping.forum_id,
                        grouping.label,
                        grouping.slug,
                        *states,
                        sum(states),
                        stamp,
                    )
                )
    return rows


@dataclass(frozen=True, slots=True)
class OverdueRecordResult:
    opened: int = 0
    cleared: int = 0
    reopened: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.cleared or self.reopened)


def obligations_overdue_record(*, treaty: Treaty, today: datetime.date) -> OverdueRecordResult:
    """Sync a treaty's overdue record with the States Parties' standings on `today`.

    1. The standings on `today` (the obligation rule): who is `overdue`, on which deadline. A State past
       due with nothing recorded (`unrecorded`, partial research) is not overdue and is not recorded.
    2. A deadline newly overdue gets a row: `since` the day after it, `recorded_on` today.
    3. An open row whose deadline is no longer overdue (met, extended to a later date, waived, the State
       withdrawn or gone) is cleared: `cleared_on` today. A yearly report's row is cleared when the next
       report falls due, overdue or not: the rule follows the latest report only.
    4. A cleared row whose deadline is overdue again (the event that met it was deleted or retracted) is
       reopened: `cleared_on` back to empty, `since` and `recorded_on` kept, so it does not count as
       newly overdue again unless its deadline did just pass.
    Runs in one transaction; rows created concurrently (the job and a recompute at once) are skipped.
    Five queries to read, one per kind of write.
    """
    obligations = treaty_obligations(treaty)
    if not obligations:
        return OverdueRecordResult()
    standings = obligation_standings(treaty=treaty, obligations=obligations, on=today)
    overdue = {
        (row.obligation.pk, row.country.pk, row.standing.due_date)
        for row in standings
        if row.standing.state == ObligationState.OVERDUE
    }
    with transaction.atomic():
        known = ObligationOverdue.objects.filter(treaty=treaty).filter(
            Q(cleared_on__isnull=True) | Q(due_date__in=sorted({due for _, _, due in overdue}))
        )
        rows = {
            (obligation_id, country_id, due): (pk, cleared_on)
            for pk, obligation_id, country_id, due, cleared_on in known.select_for_update().values_list(
                "pk", "obligation_id", "country_id", "due_date", "cleared_on"
            )
        }
        to_clear = [pk for key, (pk, cleared_on) in rows.items() if cleared_on is None and key not in overdue]
        to_reopen = [pk for key, (pk, cleared_on) in rows.items() if cleared_on is not None and key in overdue]
        new = [
            ObligationOverdue(
                treaty=treaty,
                obligation_id=obligation_id,
                country_id=country_id,
                due_date=due,
                since=due + ONE_DAY,
                recorded_on=today,
            )
            for obligation_id, country_id, due in sorted(overdue)
            if (obligation_id, country_id, due) not in rows
        ]
        if new:
            ObligationOverdue.objects.bulk_create(new, ignore_conflicts=True)
        if to_clear:
            ObligationOverdue.objects.filter(pk__in=to_clear).update(cleared_on=today)
        if to_reopen:
            ObligationOverdue.objects.filter(pk__in=to_reopen).update(cleared_on=None)
    result = OverdueRecordResult(opened=len(new), cleared=len(to_clear), reopened=len(to_reopen))
    if result.changed:
        data_version_changed()  # the obligations page reads the record: cached copies are stale
    return result
