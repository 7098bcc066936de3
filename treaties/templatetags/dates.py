"""Dates as they are known: an event known only to the month or the year is shown as written.

`{{ event|event_date }}` gives "1994" for a year-precision event, "March 2004" for a month, and the ISO
date (Y-m-d) otherwise (DESIGN.md, "Date precision"). The stored date is the first day of the period,
and everything that counts reads that; only the words change.
"""

import datetime

from django import template
from django.utils.dates import MONTHS
from django.utils.html import format_html

from treaties.choices import DatePrecision

register = template.Library()


def date_as_written(day: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """ "1994", "March 2004" or "2004-03-17": the date as precisely as it is known."""
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(day.year)
    if precision == DatePrecision.MONTH:
        return f"{MONTHS[day.month]} {day.year}"
    return day.isoformat()


@register.filter
def event_date(event) -> str:
    """An event's date as written (its `date` and `date_precision`); blank for None."""
    if event is None:
        return ""
    return date_as_written(event.date, getattr(event, "date_precision", DatePrecision.DAY) or DatePrecision.DAY)


@register.filter
def event_time(event) -> str:
    """The same in a `<time>` element that never wraps (class "date"), its machine date the first day."""
    if event is None or event.date is None:
        return ""
    return format_html('<time class="date" datetime="{}">{}</time>', event.date.isoformat(), event_date(event))
