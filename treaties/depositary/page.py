"""What a depositary status page says, as plain frozen values (no models, no HTML).

The kinds of act are strings (EventKind's values) so that reading a page needs no Django;
the reader (`reader.py`) builds these, everything else in the package consumes them.
"""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from treaties.depositary.text import _DATE, _date, _dated_statements, _is_territorial, _sentences, parse_printed_date

# ---------------------------------------------------------------------------------------------
# What the page says.


class DepositaryPageError(ValueError):
    """The page cannot be read as a depositary status page; the message says what is missing or wrong."""


class UnplacedNamesError(DepositaryPageError):
    """Names on the page that no country matches."""

    def __init__(self, names: list[str], origin: str):
        self.names = names
        self.origin = origin
        where = f" on {origin}" if origin else ""
        super().__init__(
            f"{len(names)} name{'s' if len(names) != 1 else ''}{where} match no country or former name: "
            + "; ".join(names)
            + ". Add the name to the country's former names (admin) or correct the country table, then run again."
        )


# Event kinds as strings (EventKind's values), so reading a page needs no models.
SIGNATURE = "signature"
RATIFICATION = "ratification"
ACCEPTANCE = "acceptance"
APPROVAL = "approval"
ACCESSION = "accession"
SUCCESSION = "succession"
PROVISIONAL_APPLICATION = "provisional_application"
WITHDRAWAL_NOTICE = "withdrawal_notice"
DECLARATION = "declaration"
RESERVATION = "reservation"
OBJECTION = "objection"
TERRITORIAL_APPLICATION = "territorial_application"
# Kinds whose note is the depositary's text: the page, not the record, is their source.
TEXT_KINDS = frozenset({DECLARATION, RESERVATION, OBJECTION, TERRITORIAL_APPLICATION})

# The words of a column heading, and the kind of act they name. "Consent to be bound" (mark P)
# is how a State joins a CCW protocol: a notification, not preceded by a signature, which
# the model records as an accession (a consent that needs no signature).
HEADING_KINDS = {
    "ratification": RATIFICATION,
    "acceptance": ACCEPTANCE,
    "approval": APPROVAL,
    "accession": ACCESSION,
    "succession": SUCCESSION,
    "consent to be bound": ACCESSION,
}
CONSENT_TO_BE_BOUND_KIND = ACCESSION

COLUMN_PARTICIPANT = "participant"
COLUMN_SIGNATURE = "signature"
COLUMN_CONSENT = "consent"
COLUMN_PROVISIONAL = "provisional_application"
COLUMN_WITHDRAWAL = "withdrawal"

# End-note classes.
NOTE_WITHDRAWAL = "withdrawal"
NOTE_TERRITORIAL = "territorial_application"
NOTE_PROVISIONAL = "provisional_application"
NOTE_COMMUNICATION = "communication"
NOTE_OTHER = "other"

CN_RE = re.compile(r"C\.N\.\d+\.\d{4}(?:\.TREATIES-[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*)?")


@dataclass(frozen=True)
class PageHeader:
    title: str
    reference: str  # "XXVI-5"
    chapter: int  # 26
    adopted: datetime.date
    adopted_place: str
    entry_into_force: datetime.date | None
    signatories: int  # 0 where the page prints none (CCW protocols: no signature)
    parties: int
    status_as_at: datetime.date
    signatories_printed: bool = True

    @property
    def url(self) -> str:
        return (
            f"https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no={self.reference}"
            f"&chapter={self.chapter}"
        )


@dataclass(frozen=True)
class PageColumn:
    heading: str
    role: str  # COLUMN_*
    marks: Mapping[str, str]  # mark ("" for none) -> kind


@dataclass(frozen=True)
class PageAct:
    date: datetime.date
    mark: str  # as printed: "", "a", "A", "AA", "d", "P", "n"
    kind: str
    bracketed: bool = False


@dataclass(frozen=True)
class PageParticipant:
    name: str  # as printed, without footnote numbers
    notes: tuple[int, ...] = ()
    bracketed: bool = False  # printed in brackets: the State has withdrawn
    signature: PageAct | None = None
    consent: PageAct | None = None
    provisional_application: PageAct | None = None
    withdrawal: PageAct | None = None


@dataclass(frozen=True)
class PageDeclaration:
    participant: str
    notes: tuple[int, ...]
    kind: str  # declaration, reservation, objection, territorial_application
    text: str
    date: datetime.date | None  # printed beside the text; None: made with the act (see `occasion`)
    occasion: str  # "signature" or "consent": the act it was made with when no date is printed
    section: str  # the section's heading, e.g. "Declarations and Reservations"


@dataclass(frozen=True)
class PageEndNote:
    number: int
    text: str
    cn_numbers: tuple[str, ...]
    kind: str  # NOTE_*

    @property
    def withdrawal_dates(self) -> tuple[datetime.date | None, datetime.date | None]:
        """(notice, effective) of a withdrawal note, as its text gives them."""
        if self.kind != NOTE_WITHDRAWAL:
            return None, None
        notice = effective = None
        for sentence in _sentences(self.text):
            if "notification of withdrawal" in sentence.lower() and notice is None:
                notice = parse_printed_date(sentence)
            if match := re.search(r"(?:took|take|takes) effect\b.*?\bon " + _DATE, sentence):
                effective = _date(*match.groups()[-3:])
        return notice, effective


@dataclass(frozen=True)
class PageTable:
    """A further table the page prints (the CCW's consent to Protocols I, II and III)."""

    caption: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class StatusPage:
    header: PageHeader
    columns: tuple[PageColumn, ...]
    participants: tuple[PageParticipant, ...]
    declarations: tuple[PageDeclaration, ...]
    end_notes: tuple[PageEndNote, ...]
    tables: tuple[PageTable, ...] = ()
    origin: str = ""

    def participant(self, name: str) -> PageParticipant:
        for participant in self.participants:
            if participant.name == name:
                return participant
        raise KeyError(name)

    @property
    def notes(self) -> dict[int, PageEndNote]:
        return {note.number: note for note in self.end_notes}

    def names(self) -> list[str]:
        """Every State the page names, in the order it names them."""
        seen = dict.fromkeys(p.name for p in self.participants)
        seen.update(dict.fromkeys(d.participant for d in self.declarations))
        return list(seen)

    def withdrawal_of(self, participant: PageParticipant) -> tuple[datetime.date | None, datetime.date | None]:
        """(notice, effective) from the participant's withdrawal column or its end notes."""
        notice = participant.withdrawal.date if participant.withdrawal else None
        effective = None
        notes = self.notes
        for number in participant.notes:
            note = notes.get(number)
            if note is not None and note.kind == NOTE_WITHDRAWAL:
                found_notice, found_effective = note.withdrawal_dates
                notice = notice or found_notice
                effective = effective or found_effective
        return notice, effective

    def territorial_applications(self) -> list[PageDeclaration]:
        """Extensions and exclusions of territories: from the end notes on a participant's name
        (the UK's extensions of 2001 and 2002 to Ottawa), one per dated statement, and from the
        declarations section where a declaration is one."""
        found = [d for d in self.declarations if d.kind == TERRITORIAL_APPLICATION]
        notes = self.notes
        for participant in self.participants:
            for number in participant.notes:
                note = notes.get(number)
                if note is None or note.kind != NOTE_TERRITORIAL:
                    continue
                for date, text in _dated_statements(note.text):
                    if _is_territorial(text):
                        found.append(
                            PageDeclaration(
                                participant=participant.name,
                                notes=(number,),
                                kind=TERRITORIAL_APPLICATION,
                                text=text,
                                date=date,
                                occasion="consent",
                                section=f"End note {number}",
                            )
                        )
        return found
