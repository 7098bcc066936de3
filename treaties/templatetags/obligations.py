"""The obligations beside the pages that already exist: a country's obligations on its page and the
overview's "N States overdue on stockpile destruction".

Read by tags so that the country page and the overview gain them without a change to their views; each
reads through `treaties.selectors.obligations`, a fixed number of queries whatever the number of rows.
"""

from django import template

from treaties.selectors.obligations import HEADLINE_OBLIGATION, country_obligations, overdue_headline

register = template.Library()


@register.inclusion_tag("includes/obligations_country.html")
def obligations_of_country(country, on) -> dict:
    """The country's obligations under every treaty that lists some, on `on` (three queries)."""
    return {"country": country, "on": on, "rows": country_obligations(country=country, on=on)}


@register.inclusion_tag("includes/obligations_headline.html")
def obligations_headline(treaty, on) -> dict:
    """How many States are overdue on the treaty's stockpile destruction on `on` (one query on a stored
    date, read from the stored world count; four on another; nothing shown for a treaty without it)."""
    overdue, listed = overdue_headline(treaty=treaty, on=on)
    return {"treaty": treaty, "on": on, "overdue": overdue, "listed": listed, "slug": HEADLINE_OBLIGATION}
