"""Reads: who sat in a forum on a date, and where each of them stood under a treaty."""

import datetime
from dataclasses import dataclass

from countries.models import Country, Forum, ForumMembership
from countries.selectors import country_lineage_map
from treaties.models import Treaty
from treaties.selectors.status_rows import StatusRow, treaty_status_rows
from treaties.status import CountryStatus


@dataclass(frozen=True, slots=True)
class ForumMemberRow:
    """A participant seated in a forum on a date, its role, and its status under the treaty."""

    country: Country
    membership: ForumMembership
    status: CountryStatus
    stance_date: datetime.date | None = None


@dataclass(frozen=True)
class ForumMembers:
    rows: list[ForumMemberRow]
    # Seats held by entities that are never counted, such as the European Union.
    not_counted: list[ForumMembership]

    def by_role(self, role: str) -> list[ForumMemberRow]:
        return [row for row in self.rows if row.membership.role == role]


def forum_member_rows(*, treaty: Treaty, forum: Forum, on: datetime.date, count: str) -> ForumMembers:
    """Who sat in a forum on `on`, with role and status; a continued state's seat counts for its continuator.

    Four queries whatever the size of the forum: the seats, the continuations between states
    (read once, for the status rows and the seats), the participants and the treaty's events.
    """
    seats = list(ForumMembership.objects.active_on(on).filter(forum=forum).select_related("country"))
    lineage = country_lineage_map()
    return _seated(seats, treaty_status_rows(treaty=treaty, on=on, count=count, lineage=lineage), lineage)


def _seated(
    seats: list[ForumMembership], status_rows: list[StatusRow], lineage: dict[int, tuple[int, ...]]
) -> ForumMembers:
    by_holder: dict[int, ForumMembership] = {}
    for seat in seats:
        by_holder.setdefault(seat.country_id, seat)
    rows = []
    for status_row in status_rows:
        country_id = status_row.country.pk
        seat = by_holder.get(country_id) or next(
            (by_holder[a] for a in lineage.get(country_id, ()) if a in by_holder), None
        )
        if seat is not None:
            rows.append(
                ForumMemberRow(
                    country=status_row.country,
                    membership=seat,
                    status=status_row.status,
                    stance_date=status_row.stance_date,
                )
            )
    counted = {row.membership.pk for row in rows}
    not_counted = [s for s in seats if s.pk not in counted and not s.country.participant]
    return ForumMembers(rows=rows, not_counted=not_counted)
