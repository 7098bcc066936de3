"""Reads of "newly overdue this week": from the overdue record the daily job keeps
(`models.ObligationOverdue`) from the day that record starts, derived from the rule before it.

Kept beside `obligations.py` (which calls these when it works out an obligation's figures) because
the record is its own source, with its own start date and queries.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Min, Q

from countries.models import Country
from treaties.models import ObligationOverdue, Treaty

if TYPE_CHECKING:
    from treaties.selectors.obligations import ObligationRow, ObligationSummary

# "Newly overdue": fell overdue within this many days up to the date (the day after the deadline).
NEWLY_OVERDUE_DAYS = 7


@dataclass(frozen=True, slots=True)
class NewlyOverdue:
    """One State that fell overdue on one deadline in the week up to the date (from the record or derived)."""

    country: Country
    obligation_id: int
    due_date: datetime.date
    since: datetime.date
    # From the record: still overdue on the date, or the day the job found it no longer overdue.
    cleared_on: datetime.date | None = None


def newly_overdue_derived(overdue: Sequence["ObligationRow"]) -> list[NewlyOverdue]:
    """Those overdue on the date whose deadline passed in the week up to it, from the rule alone."""
    return [
        NewlyOverdue(
            country=row.country,
            obligation_id=row.obligation.pk,
            due_date=row.standing.due_date,
            since=row.standing.due_date + datetime.timedelta(days=1),
        )
        for row in sorted(overdue, key=lambda row: (row.standing.due_date, row.country.name), reverse=False)
        if (row.standing.days_late or 0) <= NEWLY_OVERDUE_DAYS
    ]


def newly_overdue_from_record(
    *, treaty: Treaty, on: datetime.date, summaries: list["ObligationSummary"]
) -> tuple[datetime.date | None, bool]:
    """Replace each summary's derived "newly overdue" by the record's, from the day the record starts.

    The record says who fell overdue (`since`) in the week up to `on` and was not found cleared by then,
    as the daily job saw it. Before its first day it cannot answer: a State overdue then and met since
    was cleared before the record began and has no row. There the derived list stays (complete for any
    past date, from the events as recorded now) and the page says when the record starts. Returns that
    first day and whether the record was read: one query, two from the first day on.
    """
    record = ObligationOverdue.objects.filter(treaty=treaty)
    starts = record.aggregate(first=Min("recorded_on"))["first"]
    if starts is None or on < starts or not summaries:
        return starts, False
    by_obligation: dict[int, list[NewlyOverdue]] = defaultdict(list)
    rows = (
        record.filter(
            Q(cleared_on__isnull=True) | Q(cleared_on__gt=on),
            obligation__in=[summary.obligation.pk for summary in summaries],
            since__gt=on - datetime.timedelta(days=NEWLY_OVERDUE_DAYS),
            since__lte=on,
        )
        .select_related("country")
        .order_by("since", "country__name")
    )
    for row in rows:
        by_obligation[row.obligation_id].append(
            NewlyOverdue(
                country=row.country,
                obligation_id=row.obligation_id,
                due_date=row.due_date,
                since=row.since,
                cleared_on=row.cleared_on,
            )
        )
    for summary in summaries:
        summary.newly_overdue = by_obligation.get(summary.obligation.pk, [])
    return starts, True
