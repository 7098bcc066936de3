"""`python manage.py read_depositary_page FILE --treaty SLUG [--dry-run | --write-data]`: a depositary page, read.

Without `--write-data` the page is applied to the database as rows of the event CSV import
(`status_event_import`), so its events pass the same checks, versioning and history as any
import; `--dry-run` reports what would be created or changed and changes nothing. With
`--write-data` it (re)writes the shipped data files `data/untc/<slug>_*.csv` that
`load_reference_data` loads, and keeps a copy of the page in `data/sources/untc/<slug>.html`.
"""

import contextlib
import hashlib
import re
from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from countries.reference import DATA_DIR, read_csv
from treaties.depositary import (
    DepositaryPageError,
    PageEvent,
    StatusPage,
    UnplacedNamesError,
    acting_state_resolver,
    country_resolver,
    event_csv,
    event_rows,
    keep_recorded,
    page_events,
    place_names,
    read_status_page,
    recorded_events,
    write_data_files,
)
from treaties.exports import EVENT_HEADER
from treaties.imports import ImportFileError, status_event_csv_read
from treaties.models import Treaty
from treaties.reference import eif_threshold, former_state_instruments, territorial_value
from treaties.services import status_event_import, treaty_save
from treaties.status import withdrawal_effective_date

# Acts the depositary's table states: one recorded but missing from the page is pointed out.
TABLE_KINDS = frozenset(
    {
        "signature",
        "ratification",
        "acceptance",
        "approval",
        "accession",
        "succession",
        "withdrawal_notice",
        "provisional_application",
    }
)


class Command(BaseCommand):
    help = (
        "Read a UN Treaty Collection status page (saved HTML) for the treaty SLUG. Without --write-data its "
        "signatures, consents, provisional applications, withdrawals, declarations, reservations, objections and "
        "territorial applications are imported as events through the CSV import's checks (all or none; "
        "--dry-run reports what would be created or changed). An act already recorded keeps its source and note. "
        "With --write-data the data files data/untc/SLUG_participants.csv, SLUG_declarations.csv and "
        "SLUG_endnotes.csv are written instead (a treaty whose participants file is kept by hand, as Ottawa's, "
        "keeps it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The status page, saved as HTML.")
        parser.add_argument("--treaty", required=True, help="The treaty's slug, e.g. ccm.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; change nothing.")
        parser.add_argument(
            "--write-data", action="store_true", help="Write the data files for load_reference_data instead."
        )
        parser.add_argument(
            "--data-dir", default=str(DATA_DIR), help="The data folder for --write-data (default: the project's)."
        )
        parser.add_argument(
            "--user", help="Username recorded in each event's history (required unless --dry-run or --write-data)."
        )

    def handle(self, *args, file: str, treaty: str, dry_run: bool, write_data: bool, data_dir: str, **options):
        self.verbosity = options.get("verbosity", 1)
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            page = read_status_page(data.decode("utf-8-sig"), origin=file)
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text: save the page as HTML (UTF-8).") from None
        except DepositaryPageError as exc:
            raise CommandError(str(exc)) from None
        try:
            places = place_names(page, country_resolver())
        except UnplacedNamesError as exc:
            raise CommandError(str(exc)) from None
        self._describe(page)
        if write_data:
            self._write_data(page, places, path=path, data=data, slug=treaty, data_dir=Path(data_dir))
        else:
            self._apply(page, places, path=path, data=data, slug=treaty, dry_run=dry_run, user=options.get("user"))

    def _describe(self, page: StatusPage) -> None:
        h = page.header
        signed = sum(1 for p in page.participants if p.signature and not p.bracketed)
        consented = sum(1 for p in page.participants if p.consent and not p.bracketed)
        self.stdout.write(
            f"{page.origin}: {h.reference}, {h.title[:80]}, status as at {h.status_as_at}: "
            f"{len(page.participants)} participants, {len(page.declarations)} declarations, "
            f"{len(page.end_notes)} end notes. Header: signatories {h.signatories}, parties {h.parties}; "
            f"the table: {signed} signed, {consented} consented (not in brackets)."
        )
        if (signed, consented) != (h.signatories, h.parties):
            self.stderr.write(
                self.style.WARNING(
                    "The table's counts differ from the header's: check the page is whole and read as expected."
                )
            )

    def _write_data(
        self, page: StatusPage, places: dict[str, str], *, path: Path, data: bytes, slug: str, data_dir: Path
    ) -> None:
        own_file = f"untc/{slug}_participants.csv"
        kept_by_hand = ""
        # A data folder without treaties.csv (or without the treaty): the treaty's files are all the page's.
        with contextlib.suppress(OSError, KeyError):
            kept_by_hand = next(
                (r["participants_file"] for r in read_csv("treaties.csv", data_dir) if r["slug"] == slug), ""
            )
        participants = kept_by_hand in ("", own_file)
        written = write_data_files(page, places, slug=slug, data_dir=data_dir, participants=participants)
        sources = (data_dir / "sources").resolve()
        if not path.resolve().is_relative_to(sources):
            copy = data_dir / "sources" / "untc" / f"{slug}.html"
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(data)
            written.append(copy)
        for written_path in written:
            self.stdout.write(f"  wrote {written_path}")
        if not participants:
            self.stdout.write(f"  kept {data_dir / kept_by_hand}: the treaty's participants are kept by hand.")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files for {slug}."))

    def _apply(
        self,
        page: StatusPage,
        places: dict[str, str],
        *,
        path: Path,
        data: bytes,
        slug: str,
        dry_run: bool,
        user: str | None,
    ) -> None:
        treaty = Treaty.objects.filter(slug=slug).first()
        if treaty is None:
            raise CommandError(f"No treaty has the slug {slug!r}: create it first (admin, Treaties), then run again.")
        references = re.findall(r"\b[IVXLC]+-\d+(?:-[a-z])?\b", treaty.reference)
        if references and page.header.reference not in references:
            raise CommandError(
                f"The page is the status of {page.header.reference}, but {treaty} is {treaty.reference!r}: "
                "is this the right page for the treaty?"
            )
        importer = None
        if user:
            try:
                importer = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user is called {user!r}. Give the username of a staff account.") from None

        rule = treaty.rule
        events, problems = page_events(
            page,
            places,
            withdrawal_effective=lambda notice: withdrawal_effective_date(rule, notice),
            territorial_value=territorial_value,
        )
        rows = event_rows(
            page,
            events,
            treaty_slug=treaty.slug,
            reference=f"UNTC MTDSG {page.header.reference}",
            url=page.header.url,
            acting=acting_state_resolver(),
        )
        recorded = recorded_events(treaty)
        rows = keep_recorded(rows, recorded)
        for problem in problems:
            self.stderr.write(f"{page.origin}: {problem}")
        try:
            csv_rows = status_event_csv_read(event_csv(rows, EVENT_HEADER))
        except ImportFileError as exc:
            raise CommandError(f"{page.origin}: {exc.message} Nothing was imported.") from None

        digest = hashlib.sha256(data).hexdigest()[:12]
        anonymous = importer is None and not dry_run
        result = status_event_import(
            rows=csv_rows,
            user=importer,
            dry_run=dry_run or anonymous or bool(problems),
            reason=f"Depositary page {path.name} ({digest})",
        )

        def who(number: int) -> str:
            if not 2 <= number < len(events) + 2:
                return "The page"
            event: PageEvent = events[number - 2]
            return f"{event.participant} ({rows[number - 2]['iso3']}), {event.kind} {event.date}"

        for error in result.errors:
            self.stderr.write(f"{page.origin}: {who(error.number)}: {' '.join(error.messages)}")
        on_page = {(r["iso3"], r["kind"], r["date"]) for r in rows}
        missing = sorted(key for key in recorded if key[1] in TABLE_KINDS and key not in on_page)
        for iso3, kind, date in missing:
            self.stdout.write(f"  recorded, not on the page (left as it is): {iso3} {kind} {date}")
        by_kind = Counter(event.kind for _number, event in result.created)
        if by_kind:
            self.stdout.write("  to create: " + ", ".join(f"{n} {kind}" for kind, n in sorted(by_kind.items())))
        if self.verbosity >= 2:
            for number, _event in result.created:
                self.stdout.write(f"  create: {who(number)}")
        for item in result.changed:
            changes = "; ".join(f"{name}: {old!r} → {new!r}" for name, (old, new) in item.changes.items())
            self.stdout.write(f"  change: {who(item.number)}: {changes[:300]}")

        errors = len(result.errors) + len(problems)
        created, changed, unchanged = len(result.created), len(result.changed), len(result.unchanged)
        counts = f"{created} to create, {changed} to change, {unchanged} unchanged, {errors} errors"
        if errors:
            raise CommandError(f"{page.origin}: {counts}; nothing was changed. Correct the record or the page.")
        if anonymous:
            raise CommandError(
                "Say who is importing with --user USERNAME: every event created or changed records its author. "
                f"Checked: {counts}. Nothing was imported."
            )
        if dry_run:
            self.stdout.write(f"Dry run of {result.rows} events: {counts}. Nothing was changed.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Applied {result.rows} events: {created} created, {changed} changed, {unchanged} unchanged."
                )
            )
        self._treaty_dates(treaty, page, dry_run=dry_run, user=importer, reason=f"Depositary page {path.name}")

    def _treaty_dates(self, treaty: Treaty, page: StatusPage, *, dry_run: bool, user, reason: str) -> None:
        """The treaty's own dates against the page: its entry into force, and the threshold found from the table.

        A blank threshold is filled in (through `treaty_save`, so with history and a recompute); one that
        differs from the table, or an entry into force that differs from the header, is reported for staff
        to look at, not overwritten.
        """
        deposits = [p.consent.date for p in page.participants if p.consent]
        notes = {str(n.number): n for n in page.end_notes}
        threshold = eif_threshold(
            instruments=treaty.eif_instruments, deposits=deposits + former_state_instruments(notes)
        )
        stated = page.header.entry_into_force
        if stated and treaty.entry_into_force != stated:
            self.stderr.write(
                self.style.WARNING(
                    f"The page says {treaty} entered into force on {stated}; the treaty says "
                    f"{treaty.entry_into_force or 'nothing'}: correct it in the admin if the page is right."
                )
            )
        if threshold is None or not treaty.entry_into_force:
            return
        ordinal = treaty.eif_instruments
        if treaty.eif_threshold_date is None:
            if dry_run:
                self.stdout.write(
                    f"  threshold: instrument no. {ordinal} was deposited on {threshold}; would be recorded."
                )
                return
            treaty.eif_threshold_date = threshold
            treaty_save(treaty=treaty, user=user, reason=reason)
            self.stdout.write(f"  threshold: instrument no. {ordinal} was deposited on {threshold}; recorded.")
        elif treaty.eif_threshold_date != threshold:
            self.stderr.write(
                self.style.WARNING(
                    f"The table's instrument no. {ordinal} was deposited on {threshold}; the treaty's threshold is "
                    f"{treaty.eif_threshold_date}. Left as it is: check which is right."
                )
            )
