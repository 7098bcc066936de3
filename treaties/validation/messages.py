"""Words shared by every check: a kind's label and its indefinite article.

The article is chosen per kind, not per first letter, so French and Spanish can give each
act its gender ("une adhésion", "un retrait"); the English is the old "a"/"an" rule written out.
"""

from django.utils.translation import pgettext_lazy

from treaties.choices import EventKind

# Each kind with its indefinite article, as the start of a sentence about one act of that kind.
_INDEFINITE = {
    EventKind.SIGNATURE: pgettext_lazy("one act of this kind", "a signature"),
    EventKind.RATIFICATION: pgettext_lazy("one act of this kind", "a ratification"),
    EventKind.ACCEPTANCE: pgettext_lazy("one act of this kind", "an acceptance"),
    EventKind.APPROVAL: pgettext_lazy("one act of this kind", "an approval"),
    EventKind.ACCESSION: pgettext_lazy("one act of this kind", "an accession"),
    EventKind.SUCCESSION: pgettext_lazy("one act of this kind", "a succession"),
    EventKind.WITHDRAWAL_NOTICE: pgettext_lazy("one act of this kind", "a withdrawal notified"),
    EventKind.WITHDRAWAL_EFFECTIVE: pgettext_lazy("one act of this kind", "a withdrawal took effect"),
    EventKind.WITHDRAWAL_ANNOUNCED: pgettext_lazy("one act of this kind", "a withdrawal announced"),
    EventKind.STANCE: pgettext_lazy("one act of this kind", "a stance"),
    EventKind.UNGA_VOTE: pgettext_lazy("one act of this kind", "an un general assembly vote"),
    EventKind.EXPORT_MORATORIUM: pgettext_lazy("one act of this kind", "an export moratorium"),
    EventKind.PRODUCTION_HALTED: pgettext_lazy("one act of this kind", "a production halted"),
    EventKind.STOCKPILE_DESTROYED: pgettext_lazy("one act of this kind", "a stockpile destroyed"),
    EventKind.PROVISIONAL_APPLICATION: pgettext_lazy("one act of this kind", "a provisional application"),
    EventKind.DECLARATION: pgettext_lazy("one act of this kind", "a declaration"),
    EventKind.RESERVATION: pgettext_lazy("one act of this kind", "a reservation"),
    EventKind.OBJECTION: pgettext_lazy("one act of this kind", "an objection"),
    EventKind.TERRITORIAL_APPLICATION: pgettext_lazy("one act of this kind", "a territorial application"),
    EventKind.OBLIGATION_MET: pgettext_lazy("one act of this kind", "an obligation met"),
    EventKind.DEADLINE_EXTENDED: pgettext_lazy("one act of this kind", "a deadline extended"),
    EventKind.OBLIGATION_NOT_APPLICABLE: pgettext_lazy("one act of this kind", "an obligation not applicable"),
    EventKind.DEADLINE_MISSED: pgettext_lazy("one act of this kind", "a deadline missed (reported)"),
}


def _label(kind: str) -> str:
    return str(EventKind(kind).label).lower() if kind in EventKind.values else kind


def _a(kind: str) -> str:
    """One act of `kind` with its indefinite article: "an accession", "a signature"."""
    if kind in _INDEFINITE:
        return str(_INDEFINITE[kind])
    label = _label(kind)
    return f"an {label}" if label[:1] in "aeiou" else f"a {label}"
