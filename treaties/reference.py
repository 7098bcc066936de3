"""Load the shipped treaties and what their depositary prints: the participant tables, the declarations,
reservations and objections, and the end notes with their C.N. notification numbers.

`data/treaties.csv` lists the treaties (a protocol names its `parent`); each names its files in `data/`.
The threshold of entry into force is not typed in: it is the day the treaty's Nth instrument was
deposited, found from the table (and from the end notes for states that no longer exist).
"""

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from countries.models import Country
from countries.reference import DATA_DIR, REASON, fingerprint, parse_date, read_csv, reference_dataset_apply
from countries.reference.files import without_staff_names
from countries.selectors import country_lineage_map
from ottawa_tracker.admin_base import UNVERIFIED
from ottawa_tracker.sync import sync_rows
from treaties.choices import CONSENT_KINDS, STATEMENT_KINDS, VALUE_MAX_LENGTH, DatePrecision, EventKind
from treaties.depositary import parse_printed_date, statement_note
from treaties.models import Obligation, StatusEvent, Treaty
from treaties.services.summaries import summary_mark
from treaties.status import entry_into_force_date, withdrawal_effective_date
from treaties.validation import parent_acts_by_country, retracted_events, status_event_problems

# The official French and Spanish names (data/names/README.md); a name staff wrote in the admin stays.
TREATY_NAME_FIELDS = ("short_name_fr", "short_name_es", "title_fr", "title_es")
TREATY_FIELDS = (
    "short_name",
    "title",
    *TREATY_NAME_FIELDS,
    "adopted",
    "opened_for_signature",
    "signature_closes",
    "entry_into_force",
    "eif_instruments",
    "late_eif_unit",
    "late_eif_count",
    "withdrawal_unit",
    "withdrawal_count",
    "depositary",
    "reference",
    "url",
    "source",
    "provisional_application",
    "withdrawal_armed_conflict_hold",
    # Years a declared stance counts unless renewed (Ottawa: 3); blank: never lapses.
    "stance_lapse_years",
)
DATE_FIELDS = {"adopted", "opened_for_signature", "signature_closes", "entry_into_force"}
INT_FIELDS = {"eif_instruments", "late_eif_count", "withdrawal_count", "stance_lapse_years"}
BOOL_FIELDS = {"provisional_application", "withdrawal_armed_conflict_hold"}
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


def _treaty_values(row: dict[str, str], *, parents: Mapping[str, int], threshold: datetime.date | None) -> dict:
    values: dict = {"slug": row["slug"]}
    for field in TREATY_FIELDS:
        # A column added later may be missing from an older file: blank.
        raw = row.get(field, "").strip() if field not in {"title", "source"} else row[field]
        if field in DATE_FIELDS:
            values[field] = parse_date(raw)
        elif field in INT_FIELDS:
            values[field] = int(raw) if raw else None
        elif field in BOOL_FIELDS:
            values[field] = raw.lower() == "yes"
        else:
            values[field] = raw
    parent = row["parent"].strip()
    if parent and parent not in parents:
        raise CommandError(
            f"treaties.csv, treaty {row['slug']}: its parent {parent!r} is not a treaty loaded before it; "
            "list the parent first."
        )
    values["parent_id"] = parents.get(parent) if parent else None
    # The threshold only of a treaty in force (the model refuses one without the other date).
    values["eif_threshold_date"] = threshold if values["entry_into_force"] else None
    return values


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


# What a territorial application says, as the depositary words it: the first pattern that matches names the
# territories and whether the treaty is extended to them, excluded from them, or limited to them.
_NAMES = r"(?:the\s+)?(?P<names>[^.;,“”\"]+?)(?=\s+(?:until|unless|for whose)\b|[.;,“”\"]|$)"
_TERRITORIAL_PATTERNS = (
    # The UK, 2001: "Extension to the following territories … is responsible: Anguilla, Bermuda …".
    ("extension", re.compile(r"territories[^:]*?responsible:\s*(?P<names>.+?)(?=\.\s+On \d|\.?$)", re.I)),
    # Denmark: "the Convention shall not apply to the Faroe Islands"; New Zealand: "shall not extend to Tokelau".
    ("exclusion", re.compile(r"(?:shall|will|does)\s+not\s+(?:apply|extend)\s+to\s+" + _NAMES, re.I)),
    # The Netherlands, 2014: "the Territorial Application in respect of the Caribbean part of The Netherlands (…)".
    ("extension", re.compile(r"territorial application (?:to|in respect of)\s+(?:the\s+)?(?P<names>[^.;]+)", re.I)),
    # The UK, 2002: "Extension to the Bailiwick of Guernsey, Bailiwick of Jersey and the Isle of Man".
    ("extension", re.compile(r"extension to\s+(?:the\s+)?(?P<names>[^.;]+)", re.I)),
    # "be extended to the territory of the Isle of Man", "will apply to Curaçao", "applies to the Hong Kong …".
    ("extension", re.compile(r"(?:extended|extend|apply|applies)\s+to\s+(?:the\s+territory\s+of\s+)?" + _NAMES, re.I)),
    # The Netherlands' consent "For the Kingdom in Europe", "On behalf of the Kingdom in Europe".
    ("limited to", re.compile(r"^(?:on behalf of|for)\s+(?:the\s+)?(?P<names>[^.;]+)", re.I)),
)


def territorial_value(text: str) -> str:
    """The value of a territorial application: "extension: …", "exclusion: …" or "limited to: …" and the
    territories named, as far as a short value holds them (the full text stays in the note).

    "Until further notice, the Convention shall not apply to the Faroe Islands" gives
    "exclusion: Faroe Islands"; the UK's 2001 notice "extension: Anguilla, Bermuda …".
    """
    flat = " ".join(text.split())
    direction, names = "extension", flat
    for kind, pattern in _TERRITORIAL_PATTERNS:
        if match := pattern.search(flat):
            direction, names = kind, match["names"]
            break
    names = re.sub(r"^the\s+", "", names.strip(" .;:,…"), flags=re.IGNORECASE)
    value = f"{direction}: {names}"
    if len(value) > VALUE_MAX_LENGTH:
        cut = value[: VALUE_MAX_LENGTH - 1]
        head = len(direction) + 2
        value = cut[: cut.rfind(",")] if "," in cut[head:] else cut[: cut.rfind(" ")]
        value = value.rstrip(" ,;") + "…"
    return value


def _statement_date(row: dict[str, str], acts: Mapping[str, datetime.date]) -> datetime.date | None:
    """The date of a declaration: the one the depositary prints (the reader dates one made upon signature
    by the signature), else that of the State's act it was made with: its consent, else its signature."""
    if row["date"].strip():
        return parse_date(row["date"].strip())
    return acts.get("consent") or acts.get("signature")


def declaration_events(
    treaty: Treaty,
    rows: list[dict[str, str]],
    participants: list[dict[str, str]],
    *,
    lineage: dict[int, tuple[int, ...]],
    endnotes: Mapping[str, Endnote] | None = None,
) -> list[StatusEvent]:
    """Turn a depositary page's declarations, reservations, objections and territorial applications
    (`<slug>_declarations.csv`: iso3,country,kind,date,text,notes) into events with their text in `note`,
    their source citing the end notes they come from (`notes`) with their C.N. numbers.

    An undated one was made with the State's act (its consent, else its signature). Several of one
    kind made by a State on one day are one event, their texts in the depositary's order.
    """
    countries = {c.iso3: c for c in Country.objects.all()}
    by_id = {c.pk: c for c in countries.values()}
    acts: dict[str, dict[str, datetime.date]] = defaultdict(dict)
    for row in participants:
        if row["signature_date"]:
            acts[row["iso3"]]["signature"] = parse_date(row["signature_date"])
        if row["consent_date"]:
            acts[row["iso3"]]["consent"] = parse_date(row["consent_date"])
    merged: dict[tuple, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        kind = row["kind"].strip()
        if kind not in STATEMENT_KINDS | {EventKind.TERRITORIAL_APPLICATION}:
            raise CommandError(f"{row['iso3']} ({row['country']}): unknown kind {kind!r} in the declarations file")
        country = countries.get(row["iso3"])
        if country is None:
            raise CommandError(f"{row['iso3']} ({row['country']}) is not a known country code")
        date = _statement_date(row, acts.get(row["iso3"], {}))
        if date is None:
            raise CommandError(
                f"{country} ({treaty.slug}): an undated {kind} and no signature or consent to date it by"
            )
        merged[(country.iso3, kind, date)].append(row)
    events = []
    for (iso3, kind, date), group in merged.items():
        country = countries[iso3]
        note = statement_note(r["text"] for r in group)
        numbers = list(dict.fromkeys(n for r in group for n in note_numbers(r.get("notes", ""))))
        events.append(
            StatusEvent(
                treaty=treaty,
                country=_acting_state(country, date, by_id, lineage),
                kind=kind,
                value=territorial_value(note) if kind == EventKind.TERRITORIAL_APPLICATION else "",
                date=date,
                source=_with_notes(_depositary_source(treaty), numbers, endnotes or {}),
                note=note,
            )
        )
    return events


def _treaty_checked(values: dict) -> dict:
    """The treaty's values, refused with the admin's words if its own dates contradict each other."""
    try:
        Treaty(**values).clean()  # unsaved: the dates and source only; the events are checked below
    except ValidationError as exc:
        messages = "; ".join(f"{field}: {m}" for field, ms in exc.message_dict.items() for m in ms)
        raise CommandError(f"treaties.csv, treaty {values['slug']}: {messages}") from exc
    return values


# The columns of treaties.csv naming the files a treaty may have beside its participant table.
OPTIONAL_FILES = ("declarations_file", "endnotes_file")


def _files(treaty_row: dict[str, str]) -> list[str]:
    """The data files of one treaty: its participant table, and its declarations and end notes if it has them."""
    return [name for name in (treaty_row[f] for f in ("participants_file", *OPTIONAL_FILES)) if name]


def reference_treaty_load(treaty_row: dict[str, str], stats: Counter, data_dir: Path = DATA_DIR) -> None:
    """One treaty and the events of its depositary page, each checked by the same rules as the admin.

    1. The treaty, its threshold found from the table: the day of its Nth instrument.
    2. The participants' acts, their sources citing the end notes and their C.N. numbers; the
       declarations, reservations, objections and territorial applications, with their text.
    3. Each new event checked against the record (a consent to a protocol against the parent's);
       all are written, or none. A shipped event that staff retracted stays retracted: it is
       matched by its identity and neither recreated nor counted in the checks.
    """
    participants = read_csv(treaty_row["participants_file"], data_dir)
    notes = read_endnotes(treaty_row.get("endnotes_file", ""), data_dir)
    deposits = [parse_date(row["consent_date"]) for row in participants if row["consent_date"]]
    threshold = eif_threshold(
        instruments=int(treaty_row["eif_instruments"]) if treaty_row["eif_instruments"] else None,
        deposits=deposits + former_state_instruments(notes),
    )
    parents = dict(Treaty.objects.values_list("slug", "pk"))
    written_before = sum(stats.values())
    treaty = sync_rows(
        Treaty,
        key=["slug"],
        rows=without_staff_names(
            Treaty,
            [_treaty_checked(_treaty_values(treaty_row, parents=parents, threshold=threshold))],
            key=["slug"],
            fields=TREATY_NAME_FIELDS,
        ),
        scope=Treaty.objects.filter(slug=treaty_row["slug"]),
        reason=REASON,
        stats=stats,
    )[(treaty_row["slug"],)]
    lineage_map = country_lineage_map()
    events = depositary_events(
        treaty, participants, lineage=lineage_map, endnotes=notes if treaty_row.get("endnotes_file") else None
    )
    if treaty_row.get("declarations_file"):
        declarations = read_csv(treaty_row["declarations_file"], data_dir)
        events += declaration_events(treaty, declarations, participants, lineage=lineage_map, endnotes=notes)
    existing = list(StatusEvent.objects.filter(treaty=treaty).select_related("country", "treaty"))
    retracted = retracted_events(treaty_id=treaty.pk, country_ids={e.country_id for e in events})
    known = {(e.country_id, e.kind, e.date) for e in existing} | set(retracted)
    parent_acts = parent_acts_by_country(
        treaty=treaty, country_ids={e.country_id for e in events if e.kind in CONSENT_KINDS}
    )
    accepted: list[StatusEvent] = list(existing)
    errors = []
    for event in sorted(events, key=lambda e: e.date):
        if (event.country_id, event.kind, event.date) in known:
            continue
        lineage = {event.country_id, *lineage_map.get(event.country_id, ())}
        others = [e for e in accepted if e.country_id in lineage]
        problems = status_event_problems(event, others=others, retracted=retracted, parent_acts=parent_acts)
        if problems:
            errors.append(f"{event}: " + "; ".join(m for ms in problems.values() for m in ms))
        accepted.append(event)
    if errors:
        raise CommandError(f"The shipped data of {treaty_row['slug']} contradicts the record:\n" + "\n".join(errors))
    sync_rows(
        StatusEvent,
        key=["treaty_id", "country_id", "kind", "date"],
        rows=[
            {
                "treaty_id": e.treaty_id,
                "country_id": e.country_id,
                "kind": e.kind,
                "date": e.date,
                "value": e.value,
                "effective_date": e.effective_date,
                "source": e.source,
                "note": e.note,
            }
            for e in events
        ],
        scope=StatusEvent.all_objects.filter(treaty=treaty),
        reason=REASON,
        stats=stats,
    )
    # The rows were written in bulk, not through the services: mark the summaries here, if anything changed.
    if sum(stats.values()) != written_before:
        summary_mark(treaty_ids=[treaty.pk], reason=REASON)


def treaties_in_load_order(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows of treaties.csv with every parent before its protocols, otherwise in the file's order."""
    slugs = {row["slug"] for row in rows}
    ordered: list[dict[str, str]] = []
    placed: set[str] = set()
    pending = list(rows)
    while pending:
        ready = [r for r in pending if not r["parent"] or r["parent"] in placed or r["parent"] not in slugs]
        if not ready:
            names = ", ".join(f"{r['slug']} (parent {r['parent']})" for r in pending)
            raise CommandError(f"treaties.csv: these treaties are each other's parents: {names}")
        for row in ready:
            ordered.append(row)
            placed.add(row["slug"])
        pending = [r for r in pending if r["slug"] not in placed]
    return ordered


def reference_treaties_apply(*, force: bool, stats: Counter, data_dir: Path = DATA_DIR) -> list[str]:
    """Load every treaty of treaties.csv whose files changed, parents first; the names of those loaded."""
    loaded = []
    for row in treaties_in_load_order(read_csv("treaties.csv", data_dir)):
        name = f"treaty:{row['slug']}"
        row_text = "|".join(row.values())
        if reference_dataset_apply(
            name=name,
            fingerprint=fingerprint(*_files(row), extra=row_text, data_dir=data_dir),
            load=lambda s, row=row: reference_treaty_load(row, s, data_dir),
            force=force,
            stats=stats,
        ):
            loaded.append(name)
    # The General Assembly's votes are events of the Ottawa Convention: loaded once it is.
    loaded += reference_votes_apply(force=force, stats=stats, data_dir=data_dir)
    # The treaties' obligations and the research's events about them: loaded once the treaties are.
    loaded += reference_obligations_apply(force=force, stats=stats, data_dir=data_dir)
    return loaded


# The General Assembly's yearly vote on the Ottawa Convention (data/README: `unga_ottawa_votes.csv`).
VOTES_TREATY = "ottawa"
VOTES_FILE = "unga_ottawa_votes.csv"
VOTES_TOTALS_FILE = "unga_ottawa_totals.csv"
VOTE_COUNTED = ("yes", "no", "abstain")
VOTE_FIELDS = ("value", "source", "note")


def vote_totals_problems(votes: list[dict[str, str]], totals: list[dict[str, str]]) -> list[str]:
    """Where the votes disagree with a year's published totals, one line per year.

    A totals row may give only some of yes/no/abstain (the ICBL's FAQ gives the yes votes):
    each figure it gives must equal the count of the votes of that year and resolution.
    """
    counts = Counter((row["year"], row["resolution"], row["vote"]) for row in votes)
    problems = []
    for row in totals:
        wrong = [
            f"{vote} {counts[(row['year'], row['resolution'], vote)]} (published {row[vote]})"
            for vote in VOTE_COUNTED
            if row[vote].strip() and int(row[vote]) != counts[(row["year"], row["resolution"], vote)]
        ]
        if wrong:
            problems.append(f"{row['year']} ({row['resolution']}): " + ", ".join(wrong))
    return problems


def reference_votes_load(stats: Counter, data_dir: Path = DATA_DIR) -> None:
    """The votes as `unga_vote` events of the Ottawa Convention, checked against the published totals.

    A vote is a position, not a legal act: any existing member votes, and a former state (Yugoslavia,
    Serbia and Montenegro) votes as itself, with no walk along its lineage. Some 4,800 rows load on
    every changed file, so they are written in bulk (with their history) rather than row by row, and
    only those that are new or differ; a retracted vote stays retracted.
    """
    votes = read_csv(VOTES_FILE, data_dir)
    if problems := vote_totals_problems(votes, read_csv(VOTES_TOTALS_FILE, data_dir)):
        raise CommandError(f"{VOTES_FILE} disagrees with the published totals:\n" + "\n".join(problems))
    treaty = Treaty.objects.filter(slug=VOTES_TREATY).first()
    if treaty is None:
        raise CommandError(f"{VOTES_FILE}: the treaty {VOTES_TREATY!r} is not loaded")
    countries = {c.iso3: c for c in Country.objects.all()}
    events = []
    for row in votes:
        country = countries.get(row["iso3"])
        if country is None:
            raise CommandError(f"{VOTES_FILE}, {row['year']}: {row['iso3']} is not a known country code")
        events.append(
            StatusEvent(
                treaty=treaty,
                country=country,
                kind=EventKind.UNGA_VOTE,
                value=row["vote"],
                date=parse_date(row["date"]),
                source=row["source"],
                note=row["resolution"],
            )
        )
    existing = {
        (e.country_id, e.date): e
        for e in StatusEvent.all_objects.filter(treaty=treaty, kind=EventKind.UNGA_VOTE).only(
            "pk", "country_id", "date", "retracted_at", *VOTE_FIELDS
        )
    }
    created, changed, errors = [], [], []
    for event in events:
        old = existing.get((event.country_id, event.date))
        if old is None:
            problems = status_event_problems(event, others=[], retracted={})
            if problems:
                errors.append(f"{event}: " + "; ".join(m for ms in problems.values() for m in ms))
            created.append(event)
        elif old.retracted_at is None and any(getattr(old, f) != getattr(event, f) for f in VOTE_FIELDS):
            for f in VOTE_FIELDS:
                setattr(old, f, getattr(event, f))
            changed.append(old)
    if errors:
        raise CommandError(f"{VOTES_FILE} contradicts the record:\n" + "\n".join(errors))
    label = StatusEvent._meta.verbose_name_plural
    if created:
        bulk_create_with_history(created, StatusEvent, batch_size=1000, default_change_reason=REASON)
        stats[f"{label} created"] += len(created)
    if changed:
        bulk_update_with_history(
            changed, StatusEvent, fields=list(VOTE_FIELDS), batch_size=1000, default_change_reason=REASON
        )
        stats[f"{label} updated"] += len(changed)
    if created or changed:
        summary_mark(treaty_ids=[treaty.pk], reason=REASON)


def reference_votes_apply(*, force: bool, stats: Counter, data_dir: Path = DATA_DIR) -> list[str]:
    """Load the General Assembly votes if their files changed (after the treaties: they are Ottawa's events)."""
    if not (data_dir / VOTES_FILE).exists():
        return []
    name = f"votes:{VOTES_TREATY}"
    if reference_dataset_apply(
        name=name,
        fingerprint=fingerprint(VOTES_FILE, VOTES_TOTALS_FILE, data_dir=data_dir),
        load=lambda s: reference_votes_load(s, data_dir),
        force=force,
        stats=stats,
    ):
        return [name]
    return []


# The obligations of the treaties (data/obligations.csv) and the research on Ottawa's art. 4 and art. 5
# deadlines (copied from the research's data with their sources; see data/README and the README).
OBLIGATION_FILES = ("obligations.csv", "ottawa_article4.csv", "ottawa_article5.csv")
OBLIGATION_INT_FIELDS = ("order", "period_count", "yearly_month", "yearly_day")
# Words by which the research marks a value as inferred or unconfirmed: the event's source then starts with
# "recall, unverified" so that staff find it with the admin's filter (*source checked: unverified*).
UNCONFIRMED_RE = re.compile(r"infer|not confirmed|unconfirmed|\bbefore\b", re.IGNORECASE)
PARTIAL_DATE_RE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2}))?(?:-(?P<day>\d{2}))?")


def partial_date(text: str) -> tuple[datetime.date, str] | None:
    """The first date of a research cell and how precisely it is known: "2008-11" → (2008-11-01, month),
    "2010-11/12" → (2010-11-01, month), "2013 (at 13MSP …)" → (2013-01-01, year); None without one."""
    match = PARTIAL_DATE_RE.search(text or "")
    if match is None:
        return None
    year, month, day = match["year"], match["month"], match["day"]
    if day:
        return datetime.date(int(year), int(month), int(day)), DatePrecision.DAY
    if month:
        return datetime.date(int(year), int(month), 1), DatePrecision.MONTH
    return datetime.date(int(year), 1, 1), DatePrecision.YEAR


def _research_source(source: str, *, flagged: bool, why: str = "") -> str:
    if not flagged:
        return source
    return f"{UNVERIFIED} ({why or 'inferred or unconfirmed in the research'}): {source}"


def _obligation_values(row: dict[str, str], treaties: Mapping[str, int]) -> dict:
    if row["treaty"] not in treaties:
        raise CommandError(f"obligations.csv: unknown treaty {row['treaty']!r} (obligation {row['slug']})")
    values: dict = {"treaty_id": treaties[row["treaty"]], "slug": row["slug"].strip()}
    for field in ("name", "article", "clock", "period_unit", "covers", "source"):
        values[field] = row[field].strip()
    for field in OBLIGATION_INT_FIELDS:
        values[field] = int(row[field]) if row[field].strip() else (0 if field == "order" else None)
    for field in ("extendable", "complete_record"):
        values[field] = row[field].strip().lower() == "yes"
    return values


def ottawa_research_events(
    treaty: Treaty, article4: list[dict[str, str]], article5: list[dict[str, str]]
) -> list[StatusEvent]:
    """The research's Ottawa art. 4 and art. 5 rows as events about the obligations:

    - art. 4 `completed_date` → `obligation_met` of stockpile-destruction ("before 2008-04-02": dated on
      the source's day, an upper bound, flagged); `missed` = yes with a deadline → `deadline_missed` dated
      on it (the research says the State owed it and missed it);
    - art. 5 a grant with a new deadline → `deadline_extended` dated on the grant (to the month where that
      is all that is known), the meeting named in its source; a grant without a new deadline cannot be
      recorded as an extension and is left out; `completed_date` → `obligation_met` of mine-clearance.

    A row the research marks inferred or unconfirmed gets "recall, unverified" in its source.
    """
    countries = {c.iso3: c for c in Country.objects.all()}
    events: list[StatusEvent] = []

    def add(row, kind, slug, found, source, *, effective=None, flagged=False, why=""):
        country = countries.get(row["iso3"])
        if country is None:
            raise CommandError(f"{row['iso3']} ({row['country']}) is not a known country code")
        date, precision = found
        events.append(
            StatusEvent(
                treaty=treaty,
                country=country,
                kind=kind,
                value=slug,
                date=date,
                date_precision=precision,
                effective_date=effective,
                source=_research_source(source, flagged=flagged, why=why),
                note=row["notes"],
            )
        )

    for row in article4:
        completed, deadline = row["completed_date"].strip(), row["deadline"].strip()
        if found := partial_date(completed):
            before = completed.lower().startswith("before")
            add(
                row,
                EventKind.OBLIGATION_MET,
                "stockpile-destruction",
                found,
                row["source"],
                flagged=before or bool(UNCONFIRMED_RE.search(completed)),
                why="completed before this date; the day is not known" if before else "",
            )
        if row["missed"].strip() == "yes" and (found := partial_date(deadline)) and found[1] == DatePrecision.DAY:
            add(row, EventKind.DEADLINE_MISSED, "stockpile-destruction", found, row["source"])
    for row in article5:
        granted, new = partial_date(row["extension_granted_date"]), row["new_deadline"].strip()
        if granted and new:
            meeting = row["extension_granted_at"].strip()
            add(
                row,
                EventKind.DEADLINE_EXTENDED,
                "mine-clearance",
                granted,
                f"{meeting}: {row['source']}",
                effective=parse_date(new),
                flagged=bool(UNCONFIRMED_RE.search(meeting) or UNCONFIRMED_RE.search(row["notes"])),
            )
        if found := partial_date(row["completed_date"]):
            add(
                row,
                EventKind.OBLIGATION_MET,
                "mine-clearance",
                found,
                row["source"],
                flagged=bool(UNCONFIRMED_RE.search(row["completed_date"])),
            )
    return events


def _obligations_sync(stats: Counter, data_dir: Path) -> None:
    rows = read_csv("obligations.csv", data_dir)
    treaties = dict(Treaty.objects.values_list("slug", "pk"))
    # Those that follow another after it, so that the one followed exists when they are written.
    for pass_rows in ([r for r in rows if not r["follows"].strip()], [r for r in rows if r["follows"].strip()]):
        by_key = {(o.treaty_id, o.slug): o.pk for o in Obligation.objects.all()}
        values = []
        for row in pass_rows:
            value = _obligation_values(row, treaties)
            follows = row["follows"].strip()
            if follows and (value["treaty_id"], follows) not in by_key:
                raise CommandError(f"obligations.csv, {row['treaty']} {row['slug']}: follows unknown {follows!r}")
            value["follows_id"] = by_key[(value["treaty_id"], follows)] if follows else None
            try:
                Obligation(**value).clean_fields(exclude=["treaty", "follows"])
            except ValidationError as exc:
                raise CommandError(f"obligations.csv, {row['treaty']} {row['slug']}: {exc.messages}") from exc
            values.append(value)
        sync_rows(Obligation, key=["treaty_id", "slug"], rows=values, reason=REASON, stats=stats)


def reference_obligations_load(stats: Counter, data_dir: Path = DATA_DIR) -> None:
    """The treaties' obligations, then the Ottawa research's events about them, each checked by the same
    rules as the admin; a second load writes nothing, and an event staff retracted stays retracted."""
    _obligations_sync(stats, data_dir)
    ottawa = Treaty.objects.filter(slug="ottawa").first()
    if ottawa is None:
        return
    events = ottawa_research_events(
        ottawa, read_csv("ottawa_article4.csv", data_dir), read_csv("ottawa_article5.csv", data_dir)
    )
    obligations = {o.slug: o for o in Obligation.objects.filter(treaty=ottawa)}
    country_ids = {e.country_id for e in events}
    existing = list(StatusEvent.objects.filter(treaty=ottawa, country_id__in=country_ids).select_related("treaty"))
    retracted = retracted_events(treaty_id=ottawa.pk, country_ids=country_ids)
    known = {(e.country_id, e.kind, e.date) for e in existing} | set(retracted)
    accepted, errors, seen = list(existing), [], set()
    for event in sorted(events, key=lambda e: e.date):
        identity = (event.country_id, event.kind, event.date)
        if identity in seen:
            errors.append(f"{event}: two rows of the research give this event the same day")
        seen.add(identity)
        if identity in known:
            continue
        others = [e for e in accepted if e.country_id == event.country_id]
        problems = status_event_problems(event, others=others, retracted=retracted, obligations=obligations)
        if problems:
            errors.append(f"{event}: " + "; ".join(m for ms in problems.values() for m in ms))
        accepted.append(event)
    if errors:
        raise CommandError("The Ottawa research on obligations contradicts the record:\n" + "\n".join(errors))
    written_before = sum(stats.values())
    fields = ("value", "date_precision", "effective_date", "source", "note")
    sync_rows(
        StatusEvent,
        key=["treaty_id", "country_id", "kind", "date"],
        rows=[
            {"treaty_id": e.treaty_id, "country_id": e.country_id, "kind": e.kind, "date": e.date}
            | {f: getattr(e, f) for f in fields}
            for e in events
        ],
        scope=StatusEvent.all_objects.filter(treaty=ottawa, kind__in=sorted({e.kind for e in events})),
        reason=REASON,
        stats=stats,
    )
    if sum(stats.values()) != written_before:
        summary_mark(treaty_ids=[ottawa.pk], reason=REASON)


def reference_obligations_apply(*, force: bool, stats: Counter, data_dir: Path = DATA_DIR) -> list[str]:
    """Load the obligations and the Ottawa research on them if their files changed (after the treaties)."""
    if reference_dataset_apply(
        name="obligations",
        fingerprint=fingerprint(*OBLIGATION_FILES, data_dir=data_dir),
        load=lambda s: reference_obligations_load(s, data_dir),
        force=force,
        stats=stats,
    ):
        return ["obligations"]
    return []
