"""Writes: every change to treaties and status events, the CSV import and the stored summaries' marks.

- `events`: save, record, delete, retract and restore treaties and events, one at a time;
- `imports`: the CSV import of events, all rows or none;
- `summaries`: mark what a change moves, claim, recompute and sweep the stored summaries;
- `staging`: import files kept between their preview and their confirmation.

Callers import from here (`from treaties import services`); the names below are the package's.
"""

from treaties.services.events import (
    HISTORY_REASON_MAX,
    RETRACTION_REASON_MAX,
    status_event_delete,
    status_event_record,
    status_event_restore,
    status_event_retract,
    status_event_save,
    status_event_validate,
    treaty_delete,
    treaty_save,
)
from treaties.services.imports import (
    IMPORT_BATCH,
    IMPORT_CHANGE_FIELDS,
    PROGRESS_EVERY,
    ChangedEvent,
    ImportResult,
    Progress,
    status_event_import,
)
from treaties.services.staging import staged_import_drop, staged_import_get, staged_import_keep
from treaties.services.summaries import (
    SummaryClaimLost,
    SummaryRecomputeResult,
    summary_claim,
    summary_claim_renew,
    summary_mark,
    summary_mark_all,
    summary_mark_on_counting_change,
    summary_marks_process,
    summary_marks_sweep,
    summary_recompute,
)

__all__ = [
    "HISTORY_REASON_MAX",
    "IMPORT_BATCH",
    "IMPORT_CHANGE_FIELDS",
    "PROGRESS_EVERY",
    "RETRACTION_REASON_MAX",
    "ChangedEvent",
    "ImportResult",
    "Progress",
    "SummaryClaimLost",
    "SummaryRecomputeResult",
    "staged_import_drop",
    "staged_import_get",
    "staged_import_keep",
    "status_event_delete",
    "status_event_import",
    "status_event_record",
    "status_event_restore",
    "status_event_retract",
    "status_event_save",
    "status_event_validate",
    "summary_claim",
    "summary_claim_renew",
    "summary_mark",
    "summary_mark_all",
    "summary_mark_on_counting_change",
    "summary_marks_process",
    "summary_marks_sweep",
    "summary_recompute",
    "treaty_delete",
    "treaty_save",
]
