"""The CSV import of status events: every row checked against the record and the file, then all written or none.

`treaties.imports.status_event_csv_read` reads the file; `status_event_import` checks and
writes its rows.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from countries.models import Country
from countries.selectors import country_lineage_map
from ottawa_tracker.versioning import stale_edit
from treaties.forms import StatusEventImportForm
from treaties.imports import CsvRow, RowError
from treaties.models import StatusEvent, Treaty
from treaties.services.summaries import summary_mark
from treaties.validation import (
    KINDS_CHECKED_AGAINST,
    parent_acts_by_country,
    retracted_events,
    status_event_problems,
)

# Fields an import may change on an existing event; the others make up its identity.
IMPORT_CHANGE_FIELDS = ("value", "effective_date", "end_date", "date_precision", "source", "note")
IMPORT_BATCH = 2000
PROGRESS_EVERY = 10_000


@dataclass
class ChangedEvent:
    number: int
    event: StatusEvent
    changes: dict[str, tuple[object, object]]
    version: int = 0  # of the event as read: the write checks it is still this one


@dataclass
class ImportResult:
    """What an import did, or would do in a dry run, row by row."""

    rows: int = 0
    created: list[tuple[int, StatusEvent]] = field(default_factory=list)
    changed: list[ChangedEvent] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


Progress = Callable[[str, int, int], None]


def status_event_import(
    *,
    rows: Sequence[CsvRow],
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    reason: str = "CSV import",
    progress: Progress | None = None,
    expected_versions: Mapping[str, int] | None = None,
) -> ImportResult:
    """Import event rows (from `imports.status_event_csv_read`): all of them, or none.

    A row's identity is (country, treaty, kind, date): a row matching an event with the
    same values leaves it unchanged, one with other values changes it, any other row
    creates an event. Steps:

    1. Each row is read with `StatusEventImportForm` against countries and treaties
       loaded once; a row repeating another row's identity is an error.
    2. Treaty by treaty (so memory follows the file, not the record): the events the rows
       name are looked up in one query, which classifies the rows as create, change or
       unchanged; then every new or changed row is checked by `status_event_problems`
       against the recorded events of its country and the states it continues, and the
       file's other rows. The file is checked as a whole, whatever the order of its rows,
       with the same words as the admin.
    3. With no bad row, creates and changes are written in one transaction with a history
       entry each naming `user`; a dry run rolls them back. Each change is written only if
       its event is still at the version read in step 2 (`versioned_save`'s rule, in bulk).

    `expected_versions` (`{str(pk): version}`, the events a preview said it would change)
    makes this the confirmation of that preview: a row whose event changed since, or that
    would now change an event the preview did not (one created since, say), is refused with
    who changed it, and nothing is written.
    """
    report = progress or (lambda stage, done, total: None)
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    countries = {c.iso3: c for c in Country.objects.all()}
    treaties = {t.slug: t for t in Treaty.objects.all()}
    lineage = country_lineage_map()
    today = timezone.localdate()

    # 1. Each row on its own.
    accepted: dict[tuple, tuple[int, StatusEvent]] = {}
    for done, row in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            report("read", done, len(rows))
        if row.problem:
            result.errors.append(RowError(row.number, [row.problem]))
            continue
        form = StatusEventImportForm(row.cells, countries=countries, treaties=treaties)
        if not form.is_valid():
            result.errors.append(RowError(row.number, _form_messages(form, row.cells)))
            continue
        event = form.event()
        key = (event.treaty_id, event.country_id, event.kind, event.date)
        if key in accepted:
            first = accepted[key][0]
            same = f"{event.country.iso3}, {event.treaty.slug}, {event.kind}, {event.date}"
            message = _("It repeats row %(first)s (%(same)s): one row per event.") % {"first": first, "same": same}
            result.errors.append(RowError(row.number, [message]))
            continue
        accepted[key] = (row.number, event)
    report("read", len(rows), len(rows))
    by_treaty: dict[int, list[tuple[int, StatusEvent]]] = defaultdict(list)
    for number, event in accepted.values():
        by_treaty[event.treaty_id].append((number, event))
    del accepted

    with transaction.atomic():
        # 2. Against the record and the rest of the file, a treaty at a time.
        checked = 0
        seen: set[int] = set()
        for treaty_id, items in by_treaty.items():
            to_check = _classify_rows(result, treaty_id, items, expected=expected_versions, seen=seen)
            result.errors.extend(
                _check_rows(treaty_id, items, to_check, lineage=lineage, today=today, file_rows=by_treaty)
            )
            checked += len(items)
            report("check", checked, len(rows))
        if expected_versions is not None:
            result.errors.extend(_vanished_since_preview(expected_versions, seen))
        result.created.sort(key=lambda item: item[0])
        result.changed.sort(key=lambda item: item.number)
        result.unchanged.sort()
        result.errors.sort(key=lambda e: e.number)
        if result.errors:
            return result

        # 3. Write, with history, all or nothing.
        try:
            with transaction.atomic():
                _write(result, user=user, reason=reason, report=report)
                if dry_run:
                    transaction.set_rollback(True)
        except _StaleRows as exc:
            result.errors.extend(exc.errors)
            return result
        except DatabaseError as exc:
            message = _("The database refused the file, so nothing was imported: %(error)s") % {"error": exc}
            result.errors.append(RowError(0, [message]))
            return result
        result.written = not dry_run
    return result


def _classify_rows(
    result: ImportResult,
    treaty_id: int,
    items: list[tuple[int, StatusEvent]],
    *,
    expected: Mapping[str, int] | None = None,
    seen: set[int] | None = None,
) -> list[int]:
    """Classify one treaty's rows as created, changed or unchanged; the indexes of the rows to check.

    A changed row carries the version of the event it changes, for the write to check. With
    `expected` (a preview's versions), a change the preview did not foresee is an error.
    """
    country_ids = {event.country_id for _n, event in items}
    dates = {event.date for _n, event in items}
    recorded = {
        (e.country_id, e.kind, e.date): e
        for e in StatusEvent.objects.filter(treaty_id=treaty_id, country_id__in=country_ids, date__in=dates)
    }
    to_check = []
    for index, (number, event) in enumerate(items):
        before = recorded.get((event.country_id, event.kind, event.date))
        if before is None:
            result.created.append((number, event))
        else:
            changes = {
                name: (getattr(before, name), getattr(event, name))
                for name in IMPORT_CHANGE_FIELDS
                if getattr(before, name) != getattr(event, name)
            }
            if seen is not None:
                seen.add(before.pk)
            if not changes:
                result.unchanged.append(number)
                continue
            if expected is not None and expected.get(str(before.pk)) != before.version:
                result.errors.append(_changed_since_preview(number, before, expected.get(str(before.pk))))
                continue
            event.pk, event.created_at = before.pk, before.created_at
            result.changed.append(ChangedEvent(number, event, changes, before.version))
        to_check.append(index)
    return to_check


def _check_rows(
    treaty_id: int,
    items: list[tuple[int, StatusEvent]],
    to_check: list[int],
    *,
    lineage: dict[int, tuple[int, ...]],
    today: datetime.date,
    file_rows: Mapping[int, list[tuple[int, StatusEvent]]] | None = None,
) -> list[RowError]:
    """Check the new and changed rows of one treaty against its record, as the file would leave it."""
    if not to_check:
        return []
    country_ids = set()
    for index in to_check:
        event = items[index][1]
        country_ids.update((event.country_id, *lineage.get(event.country_id, ())))
    # The record as the file leaves it: recorded events, replaced or joined by the file's rows.
    # Recorded positions are not read: no check looks at them, and a file's exact duplicates
    # of recorded events were classified as changes already.
    after: dict[int, dict[tuple, StatusEvent]] = defaultdict(dict)
    recorded = StatusEvent.objects.filter(
        treaty_id=treaty_id, country_id__in=country_ids, kind__in=sorted(KINDS_CHECKED_AGAINST)
    )
    for event in recorded.iterator(chunk_size=IMPORT_BATCH):
        after[event.country_id][(event.kind, event.date)] = event
    for _number, event in items:
        if event.country_id in country_ids:
            after[event.country_id][(event.kind, event.date)] = event
    treaty = items[0][1].treaty
    parent_acts = None
    if treaty.parent_id is not None:
        parent_acts = parent_acts_by_country(
            treaty=treaty,
            country_ids=country_ids,
            pending=[event for _n, event in (file_rows or {}).get(treaty.parent_id, ())],
        )
    errors = []
    # A new row with the identity of a retracted event is told to restore it (one query).
    retracted = retracted_events(treaty_id=treaty_id, country_ids={items[i][1].country_id for i in to_check})
    for index in to_check:
        number, event = items[index]
        others = [
            other
            for country_id in (event.country_id, *lineage.get(event.country_id, ()))
            for other in after.get(country_id, {}).values()
            if other is not event
        ]
        problems = status_event_problems(
            event, others=others, today=today, retracted=retracted, parent_acts=parent_acts
        )
        if problems:
            errors.append(RowError(number, _problem_messages(problems)))
    return errors


def _write(result: ImportResult, *, user: AbstractBaseUser | None, reason: str, report: Progress) -> None:
    created = [event for _number, event in result.created]
    total = len(created) + len(result.changed)
    for start in range(0, len(created), IMPORT_BATCH):
        batch = created[start : start + IMPORT_BATCH]
        bulk_create_with_history(
            batch, StatusEvent, batch_size=IMPORT_BATCH, default_user=user, default_change_reason=reason
        )
        report("write", start + len(batch), total)
    now = timezone.now()
    changed = [item.event for item in result.changed]
    for start in range(0, len(changed), IMPORT_BATCH):
        batch = changed[start : start + IMPORT_BATCH]
        items = result.changed[start : start + IMPORT_BATCH]
        _claim_versions(items)
        for item in items:
            item.event.updated_at = now
            item.event.version = item.version + 1
        bulk_update_with_history(
            batch,
            StatusEvent,
            fields=[*IMPORT_CHANGE_FIELDS, "updated_at", "version"],
            batch_size=IMPORT_BATCH,
            default_user=user,
            default_change_reason=reason,
        )
        report("write", len(created) + start + len(batch), total)
    # Written in bulk, not through `status_event_save`: mark the treaties' summaries here, in the
    # same transaction (a dry run rolls the marks back with the rows).
    treaty_ids = {event.treaty_id for event in created} | {event.treaty_id for event in changed}
    summary_mark(treaty_ids=treaty_ids, reason=f"{reason}: {total} events")


class _StaleRows(Exception):
    """Rows whose events changed between their check and their write: the write is rolled back."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} rows changed since they were read")
        self.errors = errors


def _claim_versions(items: list[ChangedEvent]) -> None:
    """Bump the version of each event about to be changed, if it is still the version read; else `_StaleRows`.

    The rows are locked and read first (PostgreSQL), to name any that moved; then one
    conditional UPDATE per version read (`... WHERE id IN (...) AND version = v`) claims them.
    """
    pks = [item.event.pk for item in items]
    current = dict(StatusEvent.all_objects.select_for_update().filter(pk__in=pks).values_list("pk", "version"))
    moved = [item for item in items if current.get(item.event.pk) != item.version]
    claimed = 0
    if not moved:
        by_version: dict[int, list[int]] = defaultdict(list)
        for item in items:
            by_version[item.version].append(item.event.pk)
        for version, group in by_version.items():
            claimed += StatusEvent.all_objects.filter(pk__in=group, version=version).update(version=version + 1)
    if moved or claimed != len(items):
        moved = moved or items  # a writer slipped in between the read and the UPDATE (SQLite): name them all
        raise _StaleRows(
            [
                RowError(item.number, [stale_edit(StatusEvent, item.event.pk, item.version, **_SINCE_READ).message])
                for item in moved
            ]
        )


_SINCE_READ = {
    "since": gettext_lazy("while the file was being imported"),
    "advice": gettext_lazy("Import the file again."),
}
_SINCE_PREVIEW = {"since": gettext_lazy("since your preview"), "advice": gettext_lazy("Preview the file again.")}


def _changed_since_preview(number: int, before: StatusEvent, previewed: int | None) -> RowError:
    if previewed is None:
        # The preview would have created this event, or left it unchanged: name its latest change.
        return RowError(
            number,
            [
                _("The preview did not change this event, but this row would change it now: ")
                + stale_edit(StatusEvent, before.pk, before.version - 1, **_SINCE_PREVIEW).message
            ],
        )
    return RowError(number, [stale_edit(StatusEvent, before.pk, previewed, **_SINCE_PREVIEW).message])


def _vanished_since_preview(expected: Mapping[str, int], seen: set[int]) -> list[RowError]:
    """Events the preview would change that no row of the file names now (deleted, retracted or moved since)."""
    errors = []
    for key, version in expected.items():
        if not key.isdigit() or int(key) in seen:
            continue
        message = stale_edit(StatusEvent, int(key), version, **_SINCE_PREVIEW).message
        message = _("An event the preview would change (id %(id)s) no longer matches a row: %(message)s") % {
            "id": key,
            "message": message,
        }
        errors.append(RowError(0, [message]))
    return errors


def _form_messages(form, cells: dict[str, str]) -> list[str]:
    messages = []
    for name, errors in form.errors.items():
        raw = cells.get(name, "")
        shown = f"{raw[:40]!r}" if raw else _("blank")
        messages.extend(f"{name} ({shown}): {message}" for message in errors)
    return messages


def _problem_messages(problems: dict[str, list[str]]) -> list[str]:
    return [message if name == "__all__" else f"{name}: {message}" for name, ms in problems.items() for message in ms]
