"""Checks shared by the summary tests: snapshots of what the recompute wrote, and the
comparison of stored and on-demand figures with the figures worked out from the events."""

import datetime

from countries.models import RegionScheme
from treaties.choices import CountBasis
from treaties.models import Summary, SummarySpan, Treaty
from treaties.selectors import FIGURES, summary_panel_from_events, summary_panel_from_spans
from treaties.services import summaries as summary_services
from treaties.summaries import FORUMS_PANEL, WORLD_PANEL, scheme_panel


def panels() -> list[str]:
    return [WORLD_PANEL, FORUMS_PANEL, *(scheme_panel(pk) for pk in RegionScheme.objects.values_list("pk", flat=True))]


def stored_snapshot(treaty: Treaty) -> dict[tuple, tuple]:
    """Every stored summary of the treaty, without `computed_at`."""
    fields = ("count", "date", "grouping", "panel", "scheme_id", "region_id", "forum_id", *FIGURES, "parties")
    rows = Summary.objects.filter(treaty=treaty).values_list(*fields, "on_board_share")
    return {row[:3]: row[3:] for row in rows}


def span_snapshot(treaty: Treaty) -> set[tuple]:
    fields = ("count", "panel", "grouping", "valid_from", "valid_until", *FIGURES)
    return set(SummarySpan.objects.filter(treaty=treaty).values_list(*fields))


def recompute_from_scratch(treaty: Treaty) -> None:
    """Throw away what was stored and recompute the treaty in full, as `recompute_summaries --full` does."""
    Summary.objects.filter(treaty=treaty).delete()
    SummarySpan.objects.filter(treaty=treaty).delete()
    summary_services.summary_mark_all(treaty_ids=[treaty.pk], reason="test: from scratch")
    summary_services.summary_marks_process(treaty_ids=[treaty.pk], settle=0.0)


def by_key(values) -> dict[str, tuple]:
    return {row[0]: tuple(row[5:]) for row in values}


def assert_spans_match_events(treaty: Treaty, days: list[datetime.date], only: list[str] | None = None) -> None:
    """On each day, every panel (or those in `only`) read from the spans equals the panel worked out from the events."""
    for day in days:
        for panel in only or panels():
            for count in CountBasis.values:
                from_spans = by_key(summary_panel_from_spans(treaty=treaty, panel=panel, on=day, count=count))
                from_events = by_key(summary_panel_from_events(treaty=treaty, panel=panel, on=day, count=count))
                assert from_spans == from_events, (day, panel, count)


def assert_stored_match_events(treaty: Treaty, days: list[datetime.date], only: list[str] | None = None) -> None:
    """On each stored day, the stored rows of every panel (or of `only`) equal the panel worked out from the events."""
    for day in days:
        for panel in only or panels():
            for count in CountBasis.values:
                stored = {
                    grouping: figures
                    for grouping, *figures in Summary.objects.filter(
                        treaty=treaty, panel=panel, count=count, date=day
                    ).values_list("grouping", *FIGURES)
                }
                stored = {k: tuple(v) for k, v in stored.items()}
                assert stored, (day, panel, count)
                from_events = by_key(summary_panel_from_events(treaty=treaty, panel=panel, on=day, count=count))
                assert stored == from_events, (day, panel, count)
