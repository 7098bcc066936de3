"""The exact number of queries each public page and CSV export makes, in one table (NetBox's query_counts).

A change in either direction fails `test_query_counts.py`: fewer queries is good news to record,
more is a regression to explain. Update a number on purpose, in the same change as the code.

Counts are taken with a cold cache (the on-demand summaries are cached) and pinned per backend
where they differ: PostgreSQL streams `/events.csv` through COPY, which Django's query log does
not see. A date that is stored (2010-12-31, a year end) reads the stored rows; one that is not
(2010-12-30) reads the spans; both are listed where a page shows summaries.
"""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from countries.choices import MembershipRole
from countries.models import Country, Forum
from tests.factories import ForumMembershipFactory, StatusEventFactory, TreatyFactory
from treaties.choices import EventKind
from treaties.models import Treaty

STORED = "2010-12-31"
ON_DEMAND = "2010-12-30"


def both(sqlite: int, postgresql: int) -> dict[str, int]:
    """A count that differs between the backends."""
    return {"sqlite": sqlite, "postgresql": postgresql}


# URL → queries. One number when both backends agree. Pairs that differ only in how many rows they show
# (un-groups: 6 regions, m49-subregions: 22) have the same count; test_query_counts.py adds rows to all.
QUERY_COUNTS: dict[str, int | dict[str, int]] = {
    # Pages (without a date: today, a stored date)
    # "N States overdue on stockpile destruction" (H12): on a stored date one query, the obligation with its
    # stored world count (9); on another, that one and the participants, continuations and events (12).
    "/": 9,
    f"/?date={STORED}": 9,
    f"/?date={ON_DEMAND}": 12,
    f"/?treaty=ottawa&date={ON_DEMAND}&count=deposit": 12,
    f"/treaties/ottawa/?date={STORED}": 9,  # with the declarations printed under the table
    f"/treaties/ottawa/?date={ON_DEMAND}&sort=-consent": 9,
    f"/treaties/ottawa/?date={STORED}&show=not_on_board&sort=-stance": 9,
    "/treaties/ottawa/map.svg?date=2026-11-27": 6,
    # Obligations (H12): treaty, schemes, obligations, participants, assignments, continuations, events (7);
    # the page adds the stored counts (read on any date, found on a stored one) and the overdue record's
    # first day (9); from that day on, the record's newly overdue too (10: without a date, today, which
    # the tests' recompute recorded). The CSV reads no figures: 7.
    "/treaties/ottawa/obligations/?date=2010-01-01": 9,
    f"/treaties/ottawa/obligations/?date={STORED}": 9,
    "/treaties/ottawa/obligations/": 10,
    "/treaties/ottawa/obligations/?date=2010-01-01&scheme=m49-subregions&obligation=mine-clearance&state=extended": 9,
    "/treaties/ottawa/obligations.csv?date=2010-01-01": 7,
    "/treaties/ottawa/obligations.csv?obligation=stockpile-destruction&state=overdue": 7,
    # The General Assembly's votes (H13): treaty, schemes, votes, acts, continuations, assignments, regions.
    "/treaties/ottawa/votes/": 7,
    "/treaties/ottawa/votes/?year=2021&scheme=un-groups": 7,
    "/treaties/ottawa/votes.csv?year=2021": 7,
    "/treaties/ottawa/votes.csv?scheme=m49-subregions": 7,
    # 11 with the country's obligations (H12: obligations, continuations, events).
    "/countries/FRA/?date=2026-11-27": 11,
    "/countries/SRB/?date=1999-03-01": 11,
    "/countries/fra/": 11,
    f"/regions/?scheme=un-groups&date={STORED}": 8,  # 8 with the groups over time (one query)
    f"/regions/?scheme=m49-subregions&date={STORED}": 8,
    f"/regions/?scheme=m49-subregions&date={ON_DEMAND}&sort=-share": 8,
    f"/regions/m49/africa/?date={STORED}": 10,  # 9 with the region over time (one query), 10 with votes and moratoria
    f"/regions/un-groups/no-region/?date={ON_DEMAND}": 9,
    f"/forums/?date={STORED}": 6,  # 6 with the forums over time (one query)
    f"/forums/?date={ON_DEMAND}&sort=parties": 6,
    f"/forums/cd/?date={STORED}": 9,  # 8 with the forum over time (one query), 9 with votes and moratoria
    f"/forums/cd/?date={STORED}&show=not_on_board&sort=-role": 9,  # as without: filter and order are in Python
    "/forums/oas/?date=2026-11-27": 9,
    "/forums/": 6,
    "/events/": 6,
    "/events/?treaty=ottawa&kind=signature&kind=ratification&page=2": 7,
    "/events/?treaty=ottawa&region=m49:asia&forum=cd&q=a&date_after=1997-01-01": 9,
    # The family: every treaty with its figures, and treaties side by side (the same count for any number of either).
    "/treaties/": 4,
    f"/treaties/?date={ON_DEMAND}&count=deposit": 4,
    "/compare/": 7,
    "/compare/?treaties=ottawa,ccm&region=m49:africa&where=ottawa:party&sort=-ottawa": 9,
    "/compare/?treaties=ottawa&forum=cd": 9,
    # CSV exports. /events.csv on PostgreSQL: the rows come through COPY, which the query log does not list.
    "/events.csv": both(1, 0),
    "/events.csv?treaty=ottawa&region=m49:asia&forum=cd&q=a": both(4, 3),
    "/treaties/ottawa/status.csv?date=2026-11-27": 4,
    "/treaties/ottawa/status.csv?bom=1": 4,
    "/treaties/ottawa/status.csv?date=2026-11-27&show=on_board&sort=-withdrawal": 4,
    "/treaties/ottawa/series.csv": 3,
    "/treaties/ottawa/series.csv?scheme=forums&count=deposit": 3,
    "/treaties/ottawa/series.csv?scheme=m49-subregions": 4,
    "/treaties/ottawa/series.csv?scheme=forums&points=year_end&shape=wide": 3,
    "/treaties/ottawa/series.csv?scheme=m49-subregions&points=year_end&shape=wide&figure=parties": 4,
    "/treaties/ottawa/series.csv?scheme=forums&group=cd&points=year_end": 3,  # one group: its rows only
    "/treaties/ottawa/series.csv?scheme=m49&group=africa": 4,
    f"/regions/m49/africa/countries.csv?date={STORED}": 7,
    f"/regions/m49/africa/countries.csv?date={STORED}&show=state_party&sort=-stance": 7,
    f"/regions/un-groups/no-region/countries.csv?date={ON_DEMAND}": 6,
    f"/forums/cd/members.csv?date={STORED}": 6,
    f"/forums/cd/members.csv?date={STORED}&show=not_on_board&sort=role": 6,
    f"/regions.csv?scheme=un-groups&date={STORED}": 4,
    f"/regions.csv?scheme=m49-subregions&date={STORED}": 4,
    f"/regions.csv?scheme=m49-subregions&date={ON_DEMAND}": 4,
    f"/forums.csv?date={STORED}": 3,
    f"/forums.csv?date={ON_DEMAND}": 3,
    "/compare.csv?treaties=ottawa,ccm,att&where=ccm:not_party": 4,
    # Atom feeds (H15): the subject, then the newest entries with their country and treaty.
    "/treaties/ottawa/feed/": 2,
    "/countries/CAN/feed/": 2,
    "/regions/m49/africa/feed/": 2,
    "/forums/cd/feed/": 2,
}


def expected_queries(url: str) -> int:
    """The table's count for `url` on the database the tests run on."""
    expected = QUERY_COUNTS[url]
    return expected[connection.vendor] if isinstance(expected, dict) else expected


def count_queries(client: Client, url: str) -> tuple[int, list[str]]:
    """The queries one GET of `url` makes (a streamed body read to the end), with a cold cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries), [query["sql"] for query in queries.captured_queries]


def assert_exact_queries(client: Client, url: str) -> None:
    """`url` makes exactly the table's number of queries; the message lists them when it does not."""
    count, statements = count_queries(client, url)
    expected = expected_queries(url)
    assert count == expected, (
        f"{url} made {count} queries on {connection.vendor}, the table says {expected} "
        f"(tests/treaties/query_counts.py):\n" + "\n".join(f"  {i}. {sql[:300]}" for i, sql in enumerate(statements, 1))
    )


def add_rows() -> None:
    """Many more rows behind every page: events under the Ottawa Convention and three more treaties
    for 150 states (the status tables, country pages, event list), and 40 more seats at the CD."""
    day = datetime.date
    treaties = [Treaty.objects.get(slug="ottawa"), *(TreatyFactory(slug=f"more-{n}") for n in range(3))]
    countries = list(Country.objects.filter(participant=True, valid_until__isnull=True).order_by("iso3")[:150])
    for country in countries:
        for treaty in treaties:
            StatusEventFactory(
                treaty=treaty, country=country, kind=EventKind.STANCE, value="supporter", date=day(2001, 1, 3)
            )
            StatusEventFactory(
                treaty=treaty, country=country, kind=EventKind.UNGA_VOTE, value="yes", date=day(2002, 12, 9)
            )
    cd = Forum.objects.get(slug="cd")
    seated = set(cd.memberships.values_list("country_id", flat=True))
    for country in [c for c in countries if c.pk not in seated][:40]:
        ForumMembershipFactory(forum=cd, country=country, role=MembershipRole.OBSERVER, start_date=day(2000, 1, 1))
