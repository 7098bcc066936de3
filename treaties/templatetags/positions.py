"""The member tables' positions beside the legal status: each member's latest General Assembly vote and
the export policy it has in force (`templates/includes/status_table.html` with `show_votes`).

Read by a tag so that the region and forum pages gain the column without a change to their views: one
query (`treaties.selectors.votes.latest_positions`) whatever the number of rows.
"""

from django import template

from treaties.choices import EventKind
from treaties.selectors.votes import Positions, latest_positions

register = template.Library()
NONE = Positions()


@register.simple_tag
def member_positions(treaty, on) -> dict:
    """Each country's latest vote and export moratorium on `on`, by country id (one query)."""
    return latest_positions(treaty=treaty, on=on)


@register.filter
def positions_of(positions: dict, country) -> Positions:
    """One country's positions from `member_positions` (none recorded: a blank Positions)."""
    return positions.get(getattr(country, "pk", None), NONE) if positions else NONE


@register.simple_tag
def moratorium_count(positions: dict, rows) -> dict:
    """Among the table's rows, the States outside the treaty (not parties in law) and how many of them
    have an export moratorium in force: "N of the M States outside the treaty have an export moratorium"."""
    outside = [row for row in rows if not row.status.is_party]
    with_moratorium = sum(1 for row in outside if positions_of(positions, row.country).moratorium is not None)
    return {"outside": len(outside), "moratorium": with_moratorium}


# An export moratorium's value in words: national policy on the treaty's subject, not an act under it.
POLICY_LABELS = {
    "comprehensive": "comprehensive export moratorium",
    "limited": "limited export moratorium",
    "de_facto": "no exports (de facto)",
}


@register.filter
def policy_label(event) -> str:
    """ "comprehensive export moratorium", "limited export moratorium", "no exports (de facto)"."""
    if event is None:
        return ""
    return POLICY_LABELS.get(event.value, event.value)


@register.filter
def votes_in(events) -> bool:
    """Whether a list of events holds a General Assembly vote (the country page's vote history)."""
    return any(event.kind == EventKind.UNGA_VOTE for event in events or ())
