"""CSV columns and row generators; `ottawa_tracker.csvio` streams them."""

from collections.abc import Iterable, Iterator

from countries.models import RegionScheme
from treaties.selectors import StatusRow, SummaryRow

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


SUMMARY_FIGURES = (
    "countries",
    "parties",
    "state_party",
    "consented_not_in_force",
    "signatory",
    "withdrawal_pending",
    "withdrawn",
    "non_signatory",
    "on_board",
    "on_board_share",
)
REGION_SUMMARY_HEADER = ("scheme", "region", *SUMMARY_FIGURES)
FORUM_SUMMARY_HEADER = ("forum", *SUMMARY_FIGURES)


def region_summary_rows(rows: Iterable[SummaryRow], scheme: RegionScheme) -> Iterator[tuple]:
    """`region` is the region's name in the scheme, or "(no region)" for the participants it leaves out."""
    for row in rows:
        yield (scheme.slug, row.label, *(getattr(row, name) for name in SUMMARY_FIGURES))


def forum_summary_rows(rows: Iterable[SummaryRow]) -> Iterator[tuple]:
    """`forum` is the forum's slug, as in `/forums/<slug>/`."""
    for row in rows:
        yield (row.forum.slug, *(getattr(row, name) for name in SUMMARY_FIGURES))
