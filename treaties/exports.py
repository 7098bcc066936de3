"""CSV columns and row generators; `ottawa_tracker.csvio` streams them."""

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

from countries.models import RegionScheme
from ottawa_tracker.csvio import copy_csv_chunks, csv_chunks, iso_date_sql, neutralised_sql
from treaties.models import StatusEvent
from treaties.selectors import EVENT_ORDER, StatusRow, SummaryRow
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
EVENT_HEADER = ("iso3", "treaty", "kind", "value", "date", "effective_date", "end_date", "source", "note")
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


def event_csv_uses_copy(queryset: QuerySet[StatusEvent]) -> bool:
    return connections[queryset.db].vendor == "postgresql" and settings.EVENT_EXPORT_COPY


def event_csv_chunks(
    queryset: QuerySet[StatusEvent], *, bom: bool = False, copy: bool | None = None
) -> Iterator[bytes]:
    """The event CSV as UTF-8 chunks: PostgreSQL's COPY when available, else Python's csv writer.

    Both give the same bytes (a test holds them to it on PostgreSQL).
    """
    if copy if copy is not None else event_csv_uses_copy(queryset):
        return copy_csv_chunks(event_copy_queryset(queryset), header=EVENT_HEADER, bom=bom)
    return csv_chunks(EVENT_HEADER, event_rows(queryset), bom=bom, newline=EVENT_NEWLINE)


# The figures columns: those the pages report, in the same order (`summaries.REPORTED_FIGURES`).
REGION_SUMMARY_HEADER = ("scheme", "region", *REPORTED_FIGURES)
FORUM_SUMMARY_HEADER = ("forum", *REPORTED_FIGURES)


def region_summary_rows(rows: Iterable[SummaryRow], scheme: RegionScheme) -> Iterator[tuple]:
    """`region` is the region's name in the scheme, or "(no region)" for the participants it leaves out."""
    for row in rows:
        yield (scheme.slug, row.label, *(getattr(row, name) for name in REPORTED_FIGURES))


def forum_summary_rows(rows: Iterable[SummaryRow]) -> Iterator[tuple]:
    """`forum` is the forum's slug, as in `/forums/<slug>/`."""
    for row in rows:
        yield (row.forum.slug, *(getattr(row, name) for name in REPORTED_FIGURES))


SERIES_HEADER = ("date", "grouping", "group", *REPORTED_FIGURES)


def summary_series_rows(rows: Iterable[SummaryRow], grouping: str) -> Iterator[tuple]:
    """`grouping` is `world`, `forums` or a scheme's slug; `group` a region's name or a forum's slug, as in
    `/regions.csv` and `/forums.csv`."""
    for row in rows:
        group = row.forum.slug if row.forum else row.label
        yield (row.date, grouping, group, *(getattr(row, name) for name in REPORTED_FIGURES))
