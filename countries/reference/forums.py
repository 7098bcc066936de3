"""The forums and their dated memberships (data/forum_memberships.csv)."""

from collections import Counter
from pathlib import Path

from django.core.management.base import CommandError

from countries.models import Country, Forum, ForumMembership, seat_start_problem
from countries.reference.files import (
    DATA_DIR,
    REASON,
    countries_by_code,
    parse_date,
    read_csv,
    read_names,
    without_staff_names,
)
from countries.signals import counting_changed
from ottawa_tracker.sync import sync_rows
from ottawa_tracker.text import SOURCE_NOT_VISIBLE, has_visible_text

# The forums' names in French and Spanish (data/names/forums.csv).
NAME_FIELDS = ("name_fr", "name_es", "short_name_fr", "short_name_es")
FORUM_SHORT_NAMES = {
    "cd": "CD",
    "arf": "ARF",
    "asean": "ASEAN",
    "osce": "OSCE",
    "oas": "OAS",
    "commonwealth": "Commonwealth",
    "oif": "OIF",
}


def _membership_row_problems(rows: list[dict[str, str]], countries: dict[str, Country]) -> list[str]:
    """The rows of forum_memberships.csv that cannot be loaded, in words, by line number."""
    problems = []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        where = f"forum_memberships.csv line {line} ({row['forum']}, {row['iso3']}, {row['start_date'] or 'undated'})"
        country = countries.get(row["iso3"])
        if country is None:
            problems.append(f"{where}: no country has the code {row['iso3']!r}.")
            continue
        try:
            start = parse_date(row["start_date"])
        except ValueError:
            problems.append(f"{where}: {row['start_date']!r} is not a date (YYYY-MM-DD).")
            continue
        if problem := seat_start_problem(country, start):
            problems.append(f"{where}: {problem}")
        if not has_visible_text(row["source"]):
            problems.append(f"{where}: {SOURCE_NOT_VISIBLE}")
    return problems


def _retire_dropped_memberships(file_keys: set[tuple], stats: Counter) -> None:
    """Delete the seats an earlier shipped file had and this one no longer has, where no one
    but the loader ever wrote them (a seat staff added or changed stays)."""
    for membership in ForumMembership.objects.all():
        key = (membership.forum_id, membership.country_id, membership.role, membership.start_date)
        if key in file_keys:
            continue
        reasons = set(membership.history.values_list("history_change_reason", flat=True))
        if reasons == {REASON}:
            membership._change_reason = REASON
            membership.delete()
            stats[f"{ForumMembership._meta.verbose_name_plural} retired"] += 1


def reference_forums_load(stats: Counter, data_dir: Path = DATA_DIR) -> None:
    """The forums and their dated memberships.

    A file with a seat that starts on a day its country did not exist is refused, naming
    the line: such a seat belongs to the state that held it then.
    """
    rows = read_csv("forum_memberships.csv", data_dir)
    countries = countries_by_code()
    if problems := _membership_row_problems(rows, countries):
        raise CommandError("forum_memberships.csv cannot be loaded:\n" + "\n".join(problems))
    names = {row["forum"]: row for row in read_names("forums.csv", data_dir)}
    forum_rows = [
        {
            "slug": slug,
            "name": name,
            "short_name": FORUM_SHORT_NAMES.get(slug, ""),
            **{field: names.get(slug, {}).get(field, "") for field in NAME_FIELDS},
            "description": "",
            "source": "forum_memberships.csv (see README: sources per membership)",
        }
        for slug, name in sorted({(r["forum"], r["forum_name"]) for r in rows})
    ]
    forums = sync_rows(
        Forum,
        key=["slug"],
        rows=without_staff_names(Forum, forum_rows, key=["slug"], fields=NAME_FIELDS),
        reason=REASON,
        stats=stats,
    )
    memberships = sync_rows(
        ForumMembership,
        key=["forum_id", "country_id", "role", "start_date"],
        rows=[
            {
                "forum_id": forums[(r["forum"],)].pk,
                "country_id": countries[r["iso3"]].pk,
                "role": r["role"],
                "start_date": parse_date(r["start_date"]),
                "start_precision": r["start_precision"],
                "end_date": parse_date(r["end_date"]),
                "end_note": r["end_note"],
                "source": r["source"],
                "start_source": r["start_source"],
                "note": r["note"],
            }
            for r in rows
        ],
        reason=REASON,
        stats=stats,
    )
    file_keys = {
        (forums[(r["forum"],)].pk, countries[r["iso3"]].pk, r["role"], parse_date(r["start_date"])) for r in rows
    }
    if len(memberships) > len(file_keys):
        _retire_dropped_memberships(file_keys, stats)
    counting_changed.send(sender=ForumMembership, instance=REASON, action="loaded")
