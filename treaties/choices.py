from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    SIGNATURE = "signature", _("Signature")
    RATIFICATION = "ratification", _("Ratification")
    ACCEPTANCE = "acceptance", _("Acceptance")
    APPROVAL = "approval", _("Approval")
    ACCESSION = "accession", _("Accession")
    SUCCESSION = "succession", _("Succession")
    WITHDRAWAL_NOTICE = "withdrawal_notice", _("Withdrawal notified")
    WITHDRAWAL_EFFECTIVE = "withdrawal_effective", _("Withdrawal took effect")
    # A government says it will leave but has deposited nothing (a decree, a "suspension"): political, not
    # legal. Not on board from its date; the legal status is unchanged (treaties/status.py).
    WITHDRAWAL_ANNOUNCED = "withdrawal_announced", _("Withdrawal announced")
    STANCE = "stance", _("Stance")
    UNGA_VOTE = "unga_vote", _("UN General Assembly vote")
    EXPORT_MORATORIUM = "export_moratorium", _("Export moratorium")
    PRODUCTION_HALTED = "production_halted", _("Production halted")
    STOCKPILE_DESTROYED = "stockpile_destroyed", _("Stockpile destroyed")
    # Acts the depositary records beside a State's signature or consent (DESIGN.md, "More kinds of record").
    PROVISIONAL_APPLICATION = "provisional_application", _("Provisional application")
    DECLARATION = "declaration", _("Declaration")
    RESERVATION = "reservation", _("Reservation")
    OBJECTION = "objection", _("Objection")
    TERRITORIAL_APPLICATION = "territorial_application", _("Territorial application")
    # What a State did about one of the treaty's obligations (treaties/obligations.py); the obligation's
    # slug is the value. An extension carries its new deadline in `effective_date`.
    OBLIGATION_MET = "obligation_met", _("Obligation met")
    DEADLINE_EXTENDED = "deadline_extended", _("Deadline extended")
    OBLIGATION_NOT_APPLICABLE = "obligation_not_applicable", _("Obligation not applicable")
    # The research reports the deadline passed unmet (ottawa_article4.csv `missed`): dated on the deadline,
    # it says the State owed the obligation, where the record of the others is partial.
    DEADLINE_MISSED = "deadline_missed", _("Deadline missed (reported)")


CONSENT_KINDS = frozenset(
    {EventKind.RATIFICATION, EventKind.ACCEPTANCE, EventKind.APPROVAL, EventKind.ACCESSION, EventKind.SUCCESSION}
)
# Consent that comes after a signature where there is one; accession and succession need none.
CONSENT_AFTER_SIGNATURE_KINDS = frozenset({EventKind.RATIFICATION, EventKind.ACCEPTANCE, EventKind.APPROVAL})
# Consent that needs a signature before it. Acceptance and approval serve either way: with a signature
# like a ratification, without one like an accession (UN Treaty Handbook; the CCW's Chile, "15 Oct 2003 A",
# never signed).
CONSENT_NEEDING_SIGNATURE_KINDS = frozenset({EventKind.RATIFICATION})
WITHDRAWAL_KINDS = frozenset({EventKind.WITHDRAWAL_NOTICE, EventKind.WITHDRAWAL_EFFECTIVE})
# What a State says with its act, as the depositary prints it: the text is in `note`; no change of status.
STATEMENT_KINDS = frozenset({EventKind.DECLARATION, EventKind.RESERVATION, EventKind.OBJECTION})
# Depositary acts that accompany the State's own act: recorded by the depositary, shown with that act, and
# never changing the legal status. Provisional application puts a State on board (treaties/status.py);
# the others change nothing a count reads.
DEPOSITARY_ACT_KINDS = frozenset(
    {EventKind.PROVISIONAL_APPLICATION, EventKind.TERRITORIAL_APPLICATION} | STATEMENT_KINDS
)
# The acts that make the legal status (signature, consent, withdrawal) and provisional application, which
# puts a State on board: what the status rule reads.
STATUS_KINDS = frozenset(
    {EventKind.SIGNATURE, EventKind.PROVISIONAL_APPLICATION, EventKind.WITHDRAWAL_ANNOUNCED}
    | CONSENT_KINDS
    | WITHDRAWAL_KINDS
)
# Every act recorded with the depositary: only a treaty participant makes one, and none precedes the
# treaty's adoption. The checks of the order of acts (`validation._check_sequence`) read only
# signatures, consents and withdrawals among them, so a declaration never breaks signature → consent.
LEGAL_KINDS = frozenset({EventKind.SIGNATURE} | CONSENT_KINDS | WITHDRAWAL_KINDS | DEPOSITARY_ACT_KINDS)
POSITION_KINDS = frozenset(
    {
        EventKind.STANCE,
        EventKind.UNGA_VOTE,
        EventKind.EXPORT_MORATORIUM,
        EventKind.PRODUCTION_HALTED,
        EventKind.STOCKPILE_DESTROYED,
        EventKind.WITHDRAWAL_ANNOUNCED,
    }
)

# The values each kind accepts; a kind missing here takes no value.
KIND_VALUES: dict[str, tuple[str, ...]] = {
    EventKind.STANCE: ("supporter", "undecided", "opposed"),
    # `absent`: a member present in the record who did not vote (the UN Digital Library's "non-voting").
    EventKind.UNGA_VOTE: ("yes", "no", "abstain", "absent"),
    # `de_facto`: a practice with no formal moratorium (China, "no exports since 1994").
    EventKind.EXPORT_MORATORIUM: ("comprehensive", "limited", "de_facto"),
    # A withdrawal normally leaves the treaty; `consent` withdraws only the consent to be
    # bound, and the state stays a signatory (Russia and the CTBT, 2023).
    EventKind.WITHDRAWAL_NOTICE: ("", "consent"),
}
# The events about an obligation: their value is the obligation's slug (checked against the treaty's
# obligations by `validation.status_event_problems`).
OBLIGATION_KINDS = frozenset(
    {
        EventKind.OBLIGATION_MET,
        EventKind.DEADLINE_EXTENDED,
        EventKind.OBLIGATION_NOT_APPLICABLE,
        EventKind.DEADLINE_MISSED,
    }
)
# Kinds whose value is free text rather than one of a list: the territories a territorial
# application extends the treaty to, or excludes from it ("exclusion: Faroe Islands"); an obligation's slug.
FREE_VALUE_KINDS = frozenset({EventKind.TERRITORIAL_APPLICATION} | OBLIGATION_KINDS)
# Kinds whose value is required (the others may be blank).
KINDS_REQUIRING_VALUE = frozenset(
    {EventKind.STANCE, EventKind.UNGA_VOTE, EventKind.EXPORT_MORATORIUM, EventKind.TERRITORIAL_APPLICATION}
    | OBLIGATION_KINDS
)
# Kinds whose `note` carries the text itself and so is required.
KINDS_REQUIRING_NOTE = STATEMENT_KINDS
# The longest value: a territorial application names territories; the event CSV's short cells hold 200 characters.
VALUE_MAX_LENGTH = 200


class LegalStatus(models.TextChoices):
    STATE_PARTY = "state_party", _("State party")
    CONSENTED_NOT_IN_FORCE = "consented_not_in_force", _("Consented, not yet in force")
    SIGNATORY = "signatory", _("Signatory")
    WITHDRAWAL_PENDING = "withdrawal_pending", _("Withdrawal pending")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NON_SIGNATORY = "non_signatory", _("Non-signatory")


# Column order of every summary and export.
STATUS_ORDER = (
    LegalStatus.STATE_PARTY,
    LegalStatus.CONSENTED_NOT_IN_FORCE,
    LegalStatus.SIGNATORY,
    LegalStatus.WITHDRAWAL_PENDING,
    LegalStatus.WITHDRAWN,
    LegalStatus.NON_SIGNATORY,
)


class CountBasis(models.TextChoices):
    """Whether a state counts as a party from entry into force (the default) or from deposit."""

    IN_FORCE = "in_force", _("from entry into force")
    DEPOSIT = "deposit", _("from deposit of the instrument")


class Stance(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter")
    UNDECIDED = "undecided", _("Undecided")
    OPPOSED = "opposed", _("Opposed")


# The listed values of `KIND_VALUES` in words, as the pages print them beside the kind ("Vote de l'Assemblée
# générale des Nations Unies (pour)"): the stored values are English codes, which CSV and the API keep.
# Lower case, as they follow the kind's label in a sentence or a cell.
VALUE_LABELS: dict[str, dict[str, str]] = {
    EventKind.STANCE: {
        "supporter": _("supporter"),
        "undecided": _("undecided"),
        "opposed": _("opposed"),
    },
    # As the General Assembly's records put them: "pour", "contre", "abstention", "non-votant".
    EventKind.UNGA_VOTE: {
        "yes": pgettext_lazy("General Assembly vote", "yes"),
        "no": pgettext_lazy("General Assembly vote", "no"),
        "abstain": pgettext_lazy("General Assembly vote", "abstain"),
        "absent": pgettext_lazy("General Assembly vote", "absent"),
    },
    EventKind.EXPORT_MORATORIUM: {
        "comprehensive": pgettext_lazy("export moratorium", "comprehensive"),
        "limited": pgettext_lazy("export moratorium", "limited"),
        "de_facto": pgettext_lazy("export moratorium", "de facto"),
    },
    EventKind.WITHDRAWAL_NOTICE: {"consent": pgettext_lazy("withdrawal of the consent to be bound only", "consent")},
}


def value_label(kind: str, value: str) -> str:
    """An event's value in the page's language: a listed value's label, any other (a territorial application's
    territories, an obligation's slug) as written, since it is data rather than one of the UI's words."""
    return str(VALUE_LABELS.get(kind, {}).get(value, value))


class PeriodUnit(models.TextChoices):
    """How a treaty counts the delay before entry into force or withdrawal for one state."""

    DAYS = "days", _("days after the act (the Nth day following)")
    MONTHS = "months", _("months after the act (same day of the month)")
    MONTH_START = "month_start", _("first day of the Nth month after the act")


class DatePrecision(models.TextChoices):
    """How precisely an event's date is known (DESIGN.md, "Date precision")."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class ObligationClock(models.TextChoices):
    """How an obligation's deadline is counted (DESIGN.md, "Obligations, as data")."""

    AFTER_ENTRY_INTO_FORCE = "after_entry_into_force", _("a period after entry into force for the State")
    YEARLY = "yearly", _("every year on a calendar date")


class ObligationState(models.TextChoices):
    """Where one State stands on one obligation on a date (treaties/obligations.py)."""

    PENDING = "pending", _("Pending")
    EXTENDED = "extended", _("Extended")
    MET = "met", _("Met")
    MET_LATE = "met_late", _("Met late")
    OVERDUE = "overdue", _("Overdue")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    # Past due and nothing recorded about it, where the obligation's record is partial
    # (`Obligation.complete_record` unticked): the data cannot say met or overdue.
    UNRECORDED = "unrecorded", _("Past due, not recorded")


OBLIGATION_STATE_ORDER = tuple(ObligationState)
