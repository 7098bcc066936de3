"""The member tables' positions beside the legal status: each member's latest General Assembly vote and
the export policy it has in force (`templates/includes/status_table.html` with `show_votes`).

Read by a tag so that the region and forum pages gain the column without a change to their views: one
query (`treaties.selectors.votes.latest_positions`) whatever the number of rows.
"""

from django import template
from django.utils.translation import gettext_lazy as _

from treaties.choices import VALUE_LABELS, EventKind, Stance, value_label
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
    "comprehensive": _("comprehensive export moratorium"),
    "limited": _("limited export moratorium"),
    "de_facto": _("no exports (de facto)"),
}
# A General Assembly vote's value in words, as the tables print it (the stored values are English codes).
VOTE_LABELS = VALUE_LABELS[EventKind.UNGA_VOTE]


@register.filter
def kind_word(kind: str) -> str:
    """A kind of act as a word in a sentence or a cell: "ratification", "adhésion" (the code for an unknown one).

    The status tables print the consent's kind beside its date; the codes are the English words in lower case.
    """
    try:
        return str(EventKind(kind).label).lower()
    except ValueError:
        return kind


@register.filter
def stance_word(stance: str) -> str:
    """A declared stance as a word: "supporter", "partisan", "partidario" (the code for an unknown one)."""
    try:
        return str(Stance(stance).label).lower()
    except ValueError:
        return stance


@register.filter
def vote_word(value: str) -> str:
    """A General Assembly vote as a word: "yes", "pour", "a favor" (the value itself for an unknown one)."""
    return str(VOTE_LABELS.get(value, value))


@register.filter
def policy_label(event) -> str:
    """ "comprehensive export moratorium", "limited export moratorium", "no exports (de facto)"."""
    if event is None:
        return ""
    return POLICY_LABELS.get(event.value, event.value)


@register.filter
def event_value(event) -> str:
    """An event's value in the page's language ("supporter", "partisan"; "yes", "pour"), as the timeline,
    the event list and the latest changes print it; free text and obligation slugs as written."""
    return value_label(event.kind, event.value)


@register.filter
def votes_in(events) -> bool:
    """Whether a list of events holds a General Assembly vote (the country page's vote history)."""
    return any(event.kind == EventKind.UNGA_VOTE for event in events or ())
