"""Load the General Assembly's yearly votes on the Ottawa Convention as `unga_vote` events.

Written in bulk (some 4,800 rows) and checked against the published totals first, so a typo in
the file stops the load rather than skewing a chart.
"""

from collections import Counter
from pathlib import Path

from django.core.management.base import CommandError
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from countries.models import Country
from countries.reference import DATA_DIR, REASON, fingerprint, parse_date, read_csv, reference_dataset_apply
from treaties.choices import EventKind
from treaties.models import StatusEvent, Treaty
from treaties.services.summaries import summary_mark
from treaties.validation import status_event_problems

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
