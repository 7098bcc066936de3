"""Load the shipped treaties (`data/treaties.csv`) with their depositary pages' events.

A protocol names its `parent`, which loads first; each treaty's events are checked by the same
rules as the admin and written all or none. The votes and the obligations load after the
treaties because they are events of them.
"""

import datetime
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from countries.reference import DATA_DIR, REASON, fingerprint, parse_date, read_csv, reference_dataset_apply
from countries.reference.files import without_staff_names
from countries.selectors import country_lineage_map
from ottawa_tracker.sync import sync_rows
from treaties.choices import CONSENT_KINDS
from treaties.models import StatusEvent, Treaty
from treaties.reference.declarations import declaration_events
from treaties.reference.obligations import reference_obligations_apply
from treaties.reference.tables import depositary_events, eif_threshold, former_state_instruments, read_endnotes
from treaties.reference.votes import reference_votes_apply
from treaties.services.summaries import summary_mark
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
