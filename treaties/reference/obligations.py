"""Load the treaties' obligations (`data/obligations.csv`) and the Ottawa research's events about them.

The research's art. 4 and art. 5 rows become events (`obligation_met`, `deadline_missed`,
`deadline_extended`) checked by the same rules as the admin; a treaty whose obligations or
events changed is marked, so its stored obligation counts follow at once.
"""

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from countries.models import Country
from countries.reference import DATA_DIR, REASON, fingerprint, parse_date, read_csv, reference_dataset_apply
from ottawa_tracker.admin_base import UNVERIFIED
from ottawa_tracker.sync import sync_rows
from treaties.choices import DatePrecision, EventKind
from treaties.models import Obligation, StatusEvent, Treaty
from treaties.services.summaries import summary_mark
from treaties.validation import retracted_events, status_event_problems

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


def _obligations_sync(stats: Counter, data_dir: Path) -> set[int]:
    """Write obligations.csv; returns the ids of the treaties whose obligations it created or changed.

    Each treaty's rows are synced on their own so that the caller can mark exactly the treaties
    whose stored obligation counts are now stale (CCM and ATT have no research events to do it).
    """
    rows = read_csv("obligations.csv", data_dir)
    changed: set[int] = set()
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
        by_treaty: dict[int, list[dict]] = defaultdict(list)
        for value in values:
            by_treaty[value["treaty_id"]].append(value)
        for treaty_id, treaty_values in by_treaty.items():
            written = Counter()
            scope = Obligation.objects.filter(treaty_id=treaty_id)
            sync_rows(
                Obligation, key=["treaty_id", "slug"], rows=treaty_values, scope=scope, reason=REASON, stats=written
            )
            if written:
                changed.add(treaty_id)
                stats.update(written)
    return changed


def reference_obligations_load(stats: Counter, data_dir: Path = DATA_DIR) -> None:
    """The treaties' obligations, then the Ottawa research's events about them, each checked by the same
    rules as the admin; a second load writes nothing, and an event staff retracted stays retracted."""
    # The rows are written in bulk, not through the services: mark the treaties they change here, so that
    # every treaty's stored obligation counts (ObligationSummary) follow at once, not at the nightly recompute.
    marked = _obligations_sync(stats, data_dir)
    ottawa = Treaty.objects.filter(slug="ottawa").first()
    if ottawa is None:
        summary_mark(treaty_ids=marked, reason=REASON)
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
        marked.add(ottawa.pk)
    summary_mark(treaty_ids=marked, reason=REASON)


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
