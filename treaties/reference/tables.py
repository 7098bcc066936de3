"""The depositary's participant tables and end notes (`data/untc/<slug>_*.csv`) as status events.

Each event's source cites the page and the end notes it rests on, with their C.N. numbers; an
act is credited to the State that existed on its date. The threshold of entry into force is not
typed in: it is the day the treaty's Nth instrument was deposited, found from the table (and
from the end notes for states that no longer exist).
"""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError

from countries.models import Country
from countries.reference import DATA_DIR, parse_date, read_csv
from treaties.choices import EventKind
from treaties.depositary import parse_printed_date
from treaties.models import StatusEvent, Treaty
from treaties.status import entry_into_force_date, withdrawal_effective_date

# The day the depositary's pages were read ("STATUS AS AT : 03-02-2026").
STATUS_AS_AT = "2026-02-03"

# An end note on a state that no longer exists and deposited an instrument the table does not list (CCW
# note 4: "The German Democratic Republic had signed and ratified the Convention on 10 April 1981 and
# 20 July 1982, respectively"): its instrument counted towards the treaty's entry into force.
FORMER_INSTRUMENT_RE = re.compile(
    r"had signed and ratified the (?:Convention|Treaty|Protocol)\b[^.]*?\bon (?P<signed>\d{1,2} [A-Z][a-z]+ \d{4}) "
    r"and (?P<ratified>\d{1,2} [A-Z][a-z]+ \d{4}),? respectively"
)


@dataclass(frozen=True, slots=True)
class Endnote:
    """One numbered end note of a depositary page: its kind, its C.N. notification numbers, its text."""

    number: str
    kind: str
    cn_numbers: tuple[str, ...]
    text: str


def read_endnotes(name: str, data_dir: Path = DATA_DIR) -> dict[str, Endnote]:
    """The end notes of a treaty's `<slug>_endnotes.csv` (number,kind,cn_numbers,text), by number; {} without one."""
    if not name:
        return {}
    notes = {}
    for row in read_csv(name, data_dir):
        # The notifications as the reader writes them, "C.N.360.2025.TREATIES-XXVI-5", one after another.
        numbers = tuple(dict.fromkeys(t for t in re.split(r"[\s;,]+", row["cn_numbers"]) if t.startswith("C.N.")))
        notes[row["number"].strip()] = Endnote(row["number"].strip(), row["kind"], numbers, row["text"])
    return notes


def note_numbers(text: str) -> list[str]:
    """The note numbers of a participant's `untc_notes` cell ("4", "10, 11", "10;11")."""
    return re.findall(r"\d+", text or "")


def former_state_instruments(notes: Mapping[str, Endnote]) -> list[datetime.date]:
    """The instruments of states that no longer exist, which the end notes date and the table does not list."""
    found = []
    for note in notes.values():
        if match := FORMER_INSTRUMENT_RE.search(" ".join(note.text.split())):
            found.append(parse_printed_date(match["ratified"]))
    return found


def eif_threshold(*, instruments: int | None, deposits: list[datetime.date]) -> datetime.date | None:
    """The day the treaty's Nth instrument of consent was deposited (the 40th for Ottawa), None before it was."""
    if not instruments or len(deposits) < instruments:
        return None
    return sorted(deposits)[instruments - 1]


def _depositary_source(treaty: Treaty) -> str:
    return f"UN Treaty Collection, {treaty.reference}, status as at {STATUS_AS_AT}: {treaty.url}"


def _with_notes(source: str, numbers: list[str], notes: Mapping[str, Endnote]) -> str:
    """The source with the depositary's end notes it rests on and their C.N. notifications, as the reader
    of the depositary's pages writes them (`treaties.depositary.depositary_source`):
    "(depositary's note 4: C.N.362.2025.TREATIES-XXVI-5)", "(depositary's note 10: …; depositary's note 11: …)"."""
    cited = []
    for number in numbers:
        cns = notes[number].cn_numbers if number in notes else ()
        cited.append(f"depositary's note {number}" + (f": {', '.join(cns)}" if cns else ""))
    return f"{source} ({'; '.join(cited)})" if cited else source


def _acting_state(country: Country, on, by_id: dict[int, Country], lineage: dict[int, tuple[int, ...]]) -> Country:
    """The state that made an act on `on`: the depositary lists Serbia for the accession
    that Serbia and Montenegro deposited in 2003, so walk back the states it continues."""
    for candidate_id in (country.pk, *lineage.get(country.pk, ())):
        candidate = by_id[candidate_id]
        if candidate.exists_on(on):
            return candidate
    return country


def depositary_events(
    treaty: Treaty,
    rows: list[dict[str, str]],
    *,
    lineage: dict[int, tuple[int, ...]],
    endnotes: Mapping[str, Endnote] | None = None,
) -> list[StatusEvent]:
    """Turn a depositary table (one row per state) into status events, oldest first per state.

    A date is recorded as an effective date only where it differs from what the
    treaty's rule gives (South Sudan's succession, effective from independence).
    `lineage` is `country_lineage_map()`, read once by the caller; `endnotes` the page's end
    notes, whose C.N. numbers each source cites beside the note numbers.
    """
    countries = {c.iso3: c for c in Country.objects.all()}
    by_id = {c.pk: c for c in countries.values()}
    rule = treaty.rule
    events = []
    for row in rows:
        country = countries.get(row["iso3"])
        if country is None:
            raise CommandError(f"{row['iso3']} ({row['country']}) is not a known country code")
        if endnotes is None:
            source = _depositary_source(treaty)
            if row["untc_notes"]:
                source += f" (depositary's notes {row['untc_notes']})"
        else:
            source = _with_notes(_depositary_source(treaty), note_numbers(row["untc_notes"]), endnotes)
        notes = " | ".join(
            filter(
                None, [row["research_notes"], f"Other sources: {row['other_sources']}" if row["other_sources"] else ""]
            )
        )

        def event(kind: str, date_text: str, effective=None, *, country=country, source=source, notes=notes):
            date = parse_date(date_text)
            return StatusEvent(
                treaty=treaty,
                country=_acting_state(country, date, by_id, lineage),
                kind=kind,
                date=date,
                effective_date=effective,
                source=source,
                note=notes,
            )

        if row["signature_date"]:
            events.append(event(EventKind.SIGNATURE, row["signature_date"]))
        if row["consent_date"]:
            deposit = parse_date(row["consent_date"])
            stated = parse_date(row["stated_entry_into_force"])
            effective = None
            if (
                row["consent_kind"] == EventKind.SUCCESSION
                and stated
                and stated != entry_into_force_date(rule, deposit)
            ):
                effective = stated
            events.append(event(row["consent_kind"], row["consent_date"], effective))
        if row.get("provisional_application_date"):
            events.append(event(EventKind.PROVISIONAL_APPLICATION, row["provisional_application_date"]))
        if row["withdrawal_notice_date"]:
            notice = parse_date(row["withdrawal_notice_date"])
            stated = parse_date(row["withdrawal_effective_date"])
            effective = stated if stated and stated != withdrawal_effective_date(rule, notice) else None
            events.append(event(EventKind.WITHDRAWAL_NOTICE, row["withdrawal_notice_date"], effective))
    return events
