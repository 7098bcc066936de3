"""`python manage.py import_events FILE --user USERNAME [--dry-run]`: the admin's CSV import from the command line.

Every change names who made it in the events' history, so a write needs `--user`; a dry run may omit it.
"""

import hashlib
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from treaties.imports import ImportFileError, status_event_csv_read
from treaties.services import status_event_import


class Command(BaseCommand):
    help = (
        "Import status events from a CSV file with the event export's columns "
        "(iso3,treaty,kind,value,date,effective_date,end_date,source,note). All rows or none: "
        "any bad row is named with its row number, nothing is changed and the exit status is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8).")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; change nothing.")
        parser.add_argument(
            "--user",
            help="Username recorded in each event's history as the importer (required unless --dry-run).",
        )

    def handle(self, *args, file: str, dry_run: bool, user: str | None, **options):
        importer = None
        if user:
            try:
                importer = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(
                    f"No user is called {user!r}. Give the username of a staff account (see the admin's Users page)."
                ) from None
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            rows = status_event_csv_read(data)
        except ImportFileError as exc:
            raise CommandError(f"{file}: {exc.message} Nothing was imported.") from None

        digest = hashlib.sha256(data).hexdigest()[:12]
        # Without a user only a check runs: its bad rows are reported as usual, and a good file is not written.
        anonymous = importer is None and not dry_run
        result = status_event_import(
            rows=rows,
            user=importer,
            dry_run=dry_run or anonymous,
            reason=f"CSV import {path.name} ({digest})",
            progress=self._progress if len(rows) >= 10_000 else None,
        )
        if result.errors:
            for error in result.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(
                f"{len(result.errors):,} of {result.rows:,} rows are bad; nothing was imported. "
                "Correct them and run the import again."
            )
        if anonymous:
            raise CommandError(
                "Say who is importing with --user USERNAME: every event created or changed records its author in "
                "the history. Nothing was imported. (A --dry-run changes nothing and needs no user.)"
            )
        created, changed, unchanged = len(result.created), len(result.changed), len(result.unchanged)
        if dry_run:
            self.stdout.write(
                f"Dry run of {result.rows:,} rows: {created:,} to create, {changed:,} to change, "
                f"{unchanged:,} unchanged. Nothing was changed."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {result.rows:,} rows: {created:,} created, {changed:,} changed, {unchanged:,} unchanged."
                )
            )

    def _progress(self, stage: str, done: int, total: int) -> None:
        verb = {"read": "read", "check": "checked", "write": "written"}[stage]
        self.stdout.write(f"  {done:,}/{total:,} rows {verb}")
