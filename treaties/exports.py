"""CSV columns and row generators; `ottawa_tracker.csvio` streams them."""

import datetime
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

from countries.models import RegionScheme
from ottawa_tracker.csvio import copy_csv_chunks, csv_chunks, iso_date_sql, neutralised_sql
from treaties.choices import CONSENT_KINDS
from treaties.models import StatusEvent, Treaty
from treaties.selectors import EVENT_ORDER, StatusRow, SummaryRow
from treaties.status import entry_into_force_date
from treaties.summaries import REPORTED_FIGURES

STATUS_HEADER = (
    "iso3",
    "country",
    "status",
    "on_board",
    "signature_date",
    "consent_kind",
    "consent_date",
    "in_force_date",
    "withdrawal_notice_date",
    "withdrawal_effective_date",
)


def status_rows(rows: Iterable[StatusRow]) -> Iterator[tuple]:
    for row in rows:
        s = row.status
        yield (
            row.country.iso3,
            row.country.name,
            s.status,
            s.on_board,
            s.signature_date,
            s.consent_kind,
            s.consent_date,
            s.in_force_date,
            s.withdrawal_notice_date,
            s.withdrawal_effective_date,
        )


# The event CSV: the same columns for export and import (DESIGN.md, "Interfaces that stay put").
# `date_precision` is last and optional on import: a file without it imports as `day` (DESIGN.md, "Date precision").
EVENT_HEADER = (
    "iso3",
    "treaty",
    "kind",
    "value",
    "date",
    "effective_date",
    "end_date",
    "source",
    "note",
    "date_precision",
)
# The model field behind each column.
EVENT_FIELDS = (
    "country__iso3",
    "treaty__slug",
    "kind",
    "value",
    "date",
    "effective_date",
    "end_date",
    "source",
    "note",
    "date_precision",
)
EVENT_DATE_FIELDS = frozenset({"date", "effective_date", "end_date"})
# Lines end in LF, as PostgreSQL's COPY writes them; both paths must give the same bytes.
EVENT_NEWLINE = "\n"
ITERATOR_CHUNK = 5000


def event_export_queryset(queryset: QuerySet[StatusEvent]) -> QuerySet:
    """The export's rows in the export's order: one tuple of plain values per event."""
    return queryset.order_by(*EVENT_ORDER).values_list(*EVENT_FIELDS)


def event_copy_queryset(queryset: QuerySet[StatusEvent]) -> QuerySet:
    """The same rows with every cell computed in SQL as `csvio.cell` would write it."""
    cells = {
        f"csv_{column}": iso_date_sql(field) if field in EVENT_DATE_FIELDS else neutralised_sql(field)
        for column, field in zip(EVENT_HEADER, EVENT_FIELDS, strict=True)
    }
    return queryset.order_by(*EVENT_ORDER).annotate(**cells).values_list(*cells)


def event_rows(queryset: QuerySet[StatusEvent]) -> Iterator[tuple]:
    """Rows for the Python path, read in chunks (a server-side cursor on PostgreSQL)."""
    return event_export_queryset(queryset).iterator(chunk_size=ITERATOR_CHUNK)


# Appended on request (`names=1`), after the import columns: the country's name and, for a consent
# event, when the treaty enters into force for that state by the treaty's rule (empty before the
# treaty itself is in force, and for other kinds).
EVENT_NAMES_HEADER = (*EVENT_HEADER, "country_name", "in_force_date")


def event_rows_with_names(queryset: QuerySet[StatusEvent]) -> Iterator[tuple]:
    """The import columns, then the country's name and the consent's entry into force (the status rule's)."""
    rules = {treaty.pk: treaty.rule for treaty in Treaty.objects.all()}
    kind, date, effective = (EVENT_FIELDS.index(name) for name in ("kind", "date", "effective_date"))
    rows = queryset.order_by(*EVENT_ORDER).values_list(*EVENT_FIELDS, "country__name", "treaty_id")
    for *row, name, treaty_id in rows.iterator(chunk_size=ITERATOR_CHUNK):
        in_force = None
        if row[kind] in CONSENT_KINDS:
            in_force = entry_into_force_date(rules[treaty_id], row[date], recorded=row[effective])
        yield (*row, name, in_force)


def event_csv_uses_copy(queryset: QuerySet[StatusEvent]) -> bool:
    return connections[queryset.db].vendor == "postgresql" and settings.EVENT_EXPORT_COPY


def event_csv_chunks(
    queryset: QuerySet[StatusEvent], *, bom: bool = False, copy: bool | None = None, names: bool = False
) -> Iterator[bytes]:
    """The event CSV as UTF-8 chunks: PostgreSQL's COPY when available, else Python's csv writer.

    Both give the same bytes (a test holds them to it on PostgreSQL). `names` appends the
    EVENT_NAMES_HEADER columns; the entry into force comes from the status rule in Python, so
    that file always takes the Python path.
    """
    if names:
        return csv_chunks(EVENT_NAMES_HEADER, event_rows_with_names(queryset), bom=bom, newline=EVENT_NEWLINE)
    if copy if copy is not None else event_csv_uses_copy(queryset):
        return copy_csv_chunks(event_copy_queryset(queryset), header=EVENT_HEADER, bom=bom)
    return csv_chunks(EVENT_HEADER, event_rows(queryset), bom=bom, newline=EVENT_NEWLINE)


def event_export_name(filters: dict, *, today: datetime.date) -> tuple[list[str], str]:
    """The event CSV's file name, from the filters' cleaned values: what, then which, then when.

    `ottawa-events-africa-ratification-1998-01-01-to-2000-12-31`: the treaties (or `all`), `events`,
    then the countries, regions, forums, kinds and search words chosen; last the date range, or
    today's date (the day the record was read) when no range was given.
    """

    def chosen(*names: str, attr: str) -> list[str]:
        values = {getattr(obj, attr) for name in names for obj in filters.get(name) or []}
        return sorted(values)

    treaties = chosen("treaty", "treaty_id", attr="slug")
    parts = [
        *(treaties or ["all"]),
        "events",
        *chosen("country", "country_id", attr="iso3"),
        *chosen("region", "region_id", attr="slug"),
        *chosen("forum", "forum_id", attr="slug"),
        *sorted(filters.get("kind") or []),
    ]
    if q := (filters.get("q") or "").strip():
        parts += ["search", q[:30]]
    after, before = filters.get("date_after"), filters.get("date_before")
    if before:
        when = f"{after.isoformat()}-to-{before.isoformat()}" if after else f"until-{before.isoformat()}"
    else:
        when = f"{after.isoformat()}-to-{today.isoformat()}" if after else today.isoformat()
    return parts, when


# The figures columns: those the pages report, in the same order (`summaries.REPORTED_FIGURES`).
REGION_SUMMARY_HEADER = ("scheme", "region", *REPORTED_FIGURES)
FORUM_SUMMARY_HEADER = ("forum", *REPORTED_FIGURES)


def _english_order(row: SummaryRow) -> tuple:
    """The rows' order in a CSV file: by English name, "no region" last, whatever the page's language."""
    return (row.is_no_region, row.label_en.casefold(), row.key)


def region_summary_rows(rows: Iterable[SummaryRow], scheme: RegionScheme) -> Iterator[tuple]:
    """`region` is the region's English name in the scheme, or "(no region)" for the participants it leaves out:
    a CSV file is the same in every language (the page may show the names in French or Spanish)."""
    for row in sorted(rows, key=_english_order):
        yield (scheme.slug, row.label_en, *(getattr(row, name) for name in REPORTED_FIGURES))


def forum_summary_rows(rows: Iterable[SummaryRow]) -> Iterator[tuple]:
    """`forum` is the forum's slug, as in `/forums/<slug>/`."""
    for row in sorted(rows, key=_english_order):
        yield (row.forum.slug, *(getattr(row, name) for name in REPORTED_FIGURES))


SERIES_HEADER = ("date", "grouping", "group", *REPORTED_FIGURES)


def summary_series_rows(rows: Iterable[SummaryRow], grouping: str) -> Iterator[tuple]:
    """`grouping` is `world`, `forums` or a scheme's slug; `group` a region's name or a forum's slug, as in
    `/regions.csv` and `/forums.csv`."""
    for row in rows:
        group = row.forum.slug if row.forum else row.label_en
        yield (row.date, grouping, group, *(getattr(row, name) for name in REPORTED_FIGURES))


def series_group_column(row: SummaryRow) -> str:
    """A group's column in the wide series: the slug of its page (`/forums/<slug>/`, `/regions/<scheme>/<slug>/`),
    `no-region` for the participants a scheme leaves out, `world` for all participants."""
    if row.forum is not None:
        return row.forum.slug
    if row.region is not None:
        return row.region.slug
    return "no-region" if row.is_no_region else row.key


def summary_series_wide(rows: Sequence[SummaryRow], figure: str) -> tuple[tuple[str, ...], list[tuple]]:
    """The series as a row per date and a column per group: (header, rows).

    `rows` are a panel's summaries by date (`summary_time_series`, perhaps cut to its year ends). The
    header is `date`, then each group's `series_group_column`, in the pages' order (by name, "no region"
    last); each cell is the group's `figure` (one of REPORTED_FIGURES) on the date, empty where the group
    has no summary. A "no region" group that never held a participant gets no column, as the pages
    leave out its empty row.
    """
    latest: dict[str, SummaryRow] = {}
    counted: set[str] = set()
    by_date: dict[datetime.date, dict[str, object]] = {}
    for row in rows:
        latest[row.key] = row
        if row.countries:
            counted.add(row.key)
        by_date.setdefault(row.date, {})[row.key] = getattr(row, figure)
    keys = sorted(
        (key for key, row in latest.items() if key in counted or not row.is_no_region),
        key=lambda key: _english_order(latest[key]),
    )
    header = ("date", *(series_group_column(latest[key]) for key in keys))
    return header, [(day, *(values.get(key) for key in keys)) for day, values in by_date.items()]
