"""The one place that decides whether a status event contradicts the record.

The service, the admin form and the CSV import all call `status_event_problems` (events.py),
so staff see the same words whichever way they write. `dates.py` checks its dates, `family.py` a consent to a protocol
against its parent treaty, `obligations.py` an event about an obligation. Every public name is
re-exported here, so `from treaties.validation import …` keeps working.
"""

from treaties.validation.dates import EARLIEST_DATE, NOT_BOUND_BY_OPENING, POSITION_LEAD_YEARS, earliest_date
from treaties.validation.events import KINDS_CHECKED_AGAINST, retracted_events, status_event_problems
from treaties.validation.family import parent_acts_by_country

__all__ = [
    "EARLIEST_DATE",
    "KINDS_CHECKED_AGAINST",
    "NOT_BOUND_BY_OPENING",
    "POSITION_LEAD_YEARS",
    "earliest_date",
    "parent_acts_by_country",
    "retracted_events",
    "status_event_problems",
]
