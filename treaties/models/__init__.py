"""The treaties app's models, by concern: the record (`records`), obligations (`obligations`), the
summaries (`summaries`), the obligations' stored counts and overdue record (`obligation_summaries`) and
operational rows (`operations`). Callers import from `treaties.models`."""

from treaties.models.obligation_summaries import ObligationOverdue, ObligationSummary
from treaties.models.obligations import Obligation
from treaties.models.operations import StagedImport, WorkerHeartbeat
from treaties.models.records import ActiveEventManager, StatusEvent, Treaty
from treaties.models.summaries import (
    GROUPING_LENGTH,
    LABEL_LENGTH,
    Summary,
    SummaryFigures,
    SummaryMark,
    SummarySpan,
)

__all__ = [
    "GROUPING_LENGTH",
    "LABEL_LENGTH",
    "ActiveEventManager",
    "Obligation",
    "ObligationOverdue",
    "ObligationSummary",
    "StagedImport",
    "StatusEvent",
    "Summary",
    "SummaryFigures",
    "SummaryMark",
    "SummarySpan",
    "Treaty",
    "WorkerHeartbeat",
]
