"""Load the shipped treaties and their depositary tables (for now the Ottawa Convention)."""

from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from countries.models import Country
from countries.reference import DATA_DIR, REASON, fingerprint, parse_date, read_csv, reference_dataset_apply
from countries.selectors import country_lineage_map
from ottawa_tracker.sync import sync_rows
from treaties.choices import EventKind
from treaties.models import StatusEvent, Treaty
from treaties.services.summaries import summary_mark
from treaties.status import entry_into_force_date, withdrawal_effective_date
from treaties.validation import retracted_events, status_event_problems

TREATY_FIELDS = (
    "short_name",
    "title",
    "adopted",
    "opened_for_signature",
    "signature_closes",
    "entry_into_force",
    "eif_instruments",
    "eif_threshold_date",
    "late_eif_unit",
    "late_eif_count",
    "withdrawal_unit",
    "withdrawal_count",
    "depositary",
    "reference",
    "url",
    "source",
)
DATE_FIELDS = {"adopted", "opened_for_signature", "signature_closes", "entry_into_force", "eif_threshold_date"}
INT_FIELDS = {"eif_instruments", "late_eif_count", "withdrawal_count"}


def _treaty_values(row: dict[str, str]) -> dict:
    values: dict = {"slug": row["slug"]}
    for field in TREATY_FIELDS:
        raw = row[field]
        if field in DATE_FIELDS:
            values[field] = parse_date(raw)
        elif field in INT_FIELDS:
            values[field] = int(raw) if raw else None
        else:
            values[field] = raw
    return values


def _depositary_source(treaty: Treaty) -> str:
    return f"UN Treaty Collection, {treaty.reference}, status as at 2026-02-03: {treaty.url}"


def _acting_state(country: Country, on, by_id: dict[int, Country], lineage: dict[int, tuple[int, ...]]) -> Country:
    """The state that made an act on `on`: the depositary lists Serbia for the accession
    that Serbia and Montenegro deposited in 2003, so walk back the states it continues."""
    for candidate_id in (country.pk, *lineage.get(country.pk, ())):
        candidate = by_id[candidate_id]
        if candidate.exists_on(on):
            return candidate
    return country


def depositary_events(
    treaty: Treaty, rows: list[dict[str, str]], *, lineage: dict[int, tuple[int, ...]]
) -> list[StatusEvent]:
    """Turn a depositary table (one row per state) into status events, oldest first per state.

    A date is recorded as an effective date only where it differs from what the
    treaty's rule gives (South Sudan's succession, effective from independence).
    `lineage` is `country_lineage_map()`, read once by the caller.
    """
    countries = {c.iso3: c for c in Country.objects.all()}
    by_id = {c.pk: c for c in countries.values()}
    rule = treaty.rule
    events = []
    for row in rows:
        country = countries.get(row["iso3"])
        if country is None:
            raise CommandError(f"{row['iso3']} ({row['country']}) is not a known country code")
        source = _depositary_source(treaty)
        if row["untc_notes"]:
            source += f" (depositary's notes {row['untc_notes']})"
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
        if row["withdrawal_notice_date"]:
            notice = parse_date(row["withdrawal_notice_date"])
            stated = parse_date(row["withdrawal_effective_date"])
            effective = stated if stated and stated != withdrawal_effective_date(rule, notice) else None
            events.append(event(EventKind.WITHDRAWAL_NOTICE, row["withdrawal_notice_date"], effective))
    return events


def _treaty_checked(values: dict) -> dict:
    """The treaty's values, refused with the admin's words if its own dates contradict each other."""
    try:
        Treaty(**values).clean()  # unsaved: the dates and source only; the events are checked below
    except ValidationError as exc:
        messages = "; ".join(f"{field}: {m}" for field, ms in exc.message_dict.items() for m in ms)
        raise CommandError(f"treaties.csv, treaty {values['slug']}: {messages}") from exc
    return values


def reference_treaty_load(treaty_row: dict[str, str], stats: Counter, data_dir: Path = DATA_DIR) -> None:
    """One treaty and the events of its depositary table, each checked by the same rules as the admin.

    A shipped event that staff retracted stays retracted: it is matched by its identity and
    neither recreated nor counted in the checks.
    """
    treaty = sync_rows(
        Treaty,
        key=["slug"],
        rows=[_treaty_checked(_treaty_values(treaty_row))],
        scope=Treaty.objects.filter(slug=treaty_row["slug"]),
        reason=REASON,
        stats=stats,
    )[(treaty_row["slug"],)]
    lineage_map = country_lineage_map()
    events = depositary_events(treaty, read_csv(treaty_row["participants_file"], data_dir), lineage=lineage_map)
    existing = list(StatusEvent.objects.filter(treaty=treaty).select_related("country", "treaty"))
    retracted = retracted_events(treaty_id=treaty.pk, country_ids={e.country_id for e in events})
    known = {(e.country_id, e.kind, e.date) for e in existing} | set(retracted)
    accepted: list[StatusEvent] = list(existing)
    errors = []
    for event in sorted(events, key=lambda e: e.date):
        if (event.country_id, event.kind, event.date) in known:
            continue
        lineage = {event.country_id, *lineage_map.get(event.country_id, ())}
        others = [e for e in accepted if e.country_id in lineage]
        problems = status_event_problems(event, others=others, retracted=retracted)
        if problems:
            errors.append(f"{event}: " + "; ".join(m for ms in problems.values() for m in ms))
        accepted.append(event)
    if errors:
        raise CommandError("The shipped data contradicts the record:\n" + "\n".join(errors))
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
    # The rows were written in bulk, not through the services: mark the summaries here.
    summary_mark(treaty_ids=[treaty.pk], reason=REASON)


def reference_treaties_apply(*, force: bool, stats: Counter, data_dir: Path = DATA_DIR) -> list[str]:
    loaded = []
    for row in read_csv("treaties.csv", data_dir):
        name = f"treaty:{row['slug']}"
        row_text = "|".join(row.values())
        if reference_dataset_apply(
            name=name,
            fingerprint=fingerprint(row["participants_file"], extra=row_text, data_dir=data_dir),
            load=lambda s, row=row: reference_treaty_load(row, s, data_dir),
            force=force,
            stats=stats,
        ):
            loaded.append(name)
    return loaded
