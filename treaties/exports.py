"""CSV columns and row generators; `ottawa_tracker.csvio` streams them."""

from collections.abc import Iterable, Iterator

from treaties.selectors import StatusRow

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
