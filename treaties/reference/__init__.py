"""Load the shipped treaties and what their depositary prints: the participant tables, the declarations,
reservations and objections, and the end notes with their C.N. notification numbers.

`data/treaties.csv` lists the treaties (a protocol names its `parent`); each names its files in `data/`.
The threshold of entry into force is not typed in: it is the day the treaty's Nth instrument was
deposited, found from the table (and from the end notes for states that no longer exist).

`treaties.py` loads the treaties in order, `tables.py` and `declarations.py` turn a treaty's files
into events, `votes.py` and `obligations.py` load the data sets that are events of loaded treaties;
`reference_treaties_apply` runs those that changed. Every public name is re-exported here, so
`from treaties.reference import …` keeps working.
"""

from treaties.reference.declarations import declaration_events, territorial_value
from treaties.reference.obligations import (
    OBLIGATION_FILES,
    OBLIGATION_INT_FIELDS,
    PARTIAL_DATE_RE,
    UNCONFIRMED_RE,
    ottawa_research_events,
    partial_date,
    reference_obligations_apply,
    reference_obligations_load,
)
from treaties.reference.tables import (
    FORMER_INSTRUMENT_RE,
    STATUS_AS_AT,
    Endnote,
    depositary_events,
    eif_threshold,
    former_state_instruments,
    note_numbers,
    read_endnotes,
)
from treaties.reference.treaties import (
    BOOL_FIELDS,
    DATE_FIELDS,
    INT_FIELDS,
    OPTIONAL_FILES,
    TREATY_FIELDS,
    TREATY_NAME_FIELDS,
    reference_treaties_apply,
    reference_treaty_load,
    treaties_in_load_order,
)
from treaties.reference.votes import (
    VOTE_COUNTED,
    VOTE_FIELDS,
    VOTES_FILE,
    VOTES_TOTALS_FILE,
    VOTES_TREATY,
    reference_votes_apply,
    reference_votes_load,
    vote_totals_problems,
)

__all__ = [
    "BOOL_FIELDS",
    "DATE_FIELDS",
    "Endnote",
    "FORMER_INSTRUMENT_RE",
    "INT_FIELDS",
    "OBLIGATION_FILES",
    "OBLIGATION_INT_FIELDS",
    "OPTIONAL_FILES",
    "PARTIAL_DATE_RE",
    "STATUS_AS_AT",
    "TREATY_FIELDS",
    "TREATY_NAME_FIELDS",
    "UNCONFIRMED_RE",
    "VOTES_FILE",
    "VOTES_TOTALS_FILE",
    "VOTES_TREATY",
    "VOTE_COUNTED",
    "VOTE_FIELDS",
    "declaration_events",
    "depositary_events",
    "eif_threshold",
    "former_state_instruments",
    "note_numbers",
    "ottawa_research_events",
    "partial_date",
    "read_endnotes",
    "reference_obligations_apply",
    "reference_obligations_load",
    "reference_treaties_apply",
    "reference_treaty_load",
    "reference_votes_apply",
    "reference_votes_load",
    "territorial_value",
    "treaties_in_load_order",
    "vote_totals_problems",
]
