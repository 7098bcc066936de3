"""Reads, by concern: status rows (`status_rows`), the country page (`profile`), forum seating (`forums`)
and the summary panels (`summaries`). Callers import from `treaties.selectors`."""

# The presentation helpers live in `treaties.presentation`; re-exported for callers that import them from here.
from treaties.presentation import STATUS_SORTS, MapShape, sort_status_rows, status_map_shapes
from treaties.selectors.forums import ForumMemberRow, ForumMembers, forum_member_rows
from treaties.selectors.profile import CountryProfile, TreatyStanding, country_profile
from treaties.selectors.status_rows import (
    EVENT_ORDER,
    NO_REGION,
    RULE_KINDS,
    StatusRow,
    event_filter_choices,
    latest_events,
    region_country_rows,
    status_counts,
    status_event_list,
    treaty_acts_by_country,
    treaty_status_rows,
)
from treaties.selectors.summaries import (
    CACHE_SECONDS,
    PanelValues,
    SummaryFreshness,
    SummaryRow,
    forum_summary_rows,
    region_summary_rows,
    summary_freshness,
    summary_groupings,
    summary_panel_from_events,
    summary_panel_from_spans,
    summary_time_series,
    world_summary,
)
from treaties.summaries import FIGURES

__all__ = [
    "CACHE_SECONDS",
    "EVENT_ORDER",
    "FIGURES",
    "NO_REGION",
    "RULE_KINDS",
    "STATUS_SORTS",
    "CountryProfile",
    "ForumMemberRow",
    "ForumMembers",
    "MapShape",
    "PanelValues",
    "StatusRow",
    "SummaryFreshness",
    "SummaryRow",
    "TreatyStanding",
    "country_profile",
    "event_filter_choices",
    "forum_member_rows",
    "forum_summary_rows",
    "latest_events",
    "region_country_rows",
    "region_summary_rows",
    "sort_status_rows",
    "status_counts",
    "status_event_list",
    "status_map_shapes",
    "summary_freshness",
    "summary_groupings",
    "summary_panel_from_events",
    "summary_panel_from_spans",
    "summary_time_series",
    "treaty_acts_by_country",
    "treaty_status_rows",
    "world_summary",
]
