"""The benchmark's plain query (bench/summaries.py) keeps the status rule in SQL: it must agree with the real one.

`make bench` times the as-of summaries against that query; a query that drifted from
`treaties/status.py` would make the comparison meaningless. Here both answer on synthetic
treaties (each kind of late entry into force and withdrawal period) and the real record, on
dates around each treaty's milestones, counted from entry into force and from deposit.
PostgreSQL only (the query uses DISTINCT ON and interval arithmetic).
"""

import datetime
import random

import pytest
from django.db import connection

from bench.summaries import plain_figures, plain_sql
from bench.synthetic import synthetic_generate
from countries.models import RegionScheme
from countries.selectors import country_lineage_map
from tests.treaties.conftest import services_required
from treaties.choices import CountBasis
from treaties.models import Treaty
from treaties.selectors import summary_panel_from_events
from treaties.summaries import FIGURES, FORUMS_PANEL, scheme_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        if services_required():
            pytest.fail("CI_REQUIRE_SERVICES is set but the tests run on SQLite: set DATABASE_URL to PostgreSQL")
        pytest.skip("the benchmark's plain query is PostgreSQL's SQL (set DATABASE_URL; CI does)")


def milestone_dates(treaty: Treaty, rng: random.Random) -> list[datetime.date]:
    """The day before opening, around the threshold and entry into force, today, and a few at random."""
    today = datetime.date.today()  # noqa: DTZ011 - synthetic dates are plain dates up to today
    opened = treaty.opened_for_signature
    days = {opened - datetime.timedelta(days=1), opened, today}
    for milestone in (treaty.eif_threshold_date, treaty.entry_into_force):
        if milestone:
            days |= {milestone - datetime.timedelta(days=1), milestone, milestone + datetime.timedelta(days=1)}
    days |= {opened + datetime.timedelta(days=rng.randrange((today - opened).days)) for _ in range(10)}
    return sorted(days)


def real_figures(*, treaty: Treaty, panel: str, on: datetime.date, count: str) -> dict:
    """The status rule's figures (what the stored summaries are checked against), keyed as the plain query's."""
    values = summary_panel_from_events(treaty=treaty, panel=panel, on=on, count=count)
    column = 2 if panel == FORUMS_PANEL else 1  # (key, region_id, forum_id, label, slug, *FIGURES)
    return {row[column]: tuple(row[5:]) for row in values if row[5]}  # the plain query has no empty groups


def test_the_benchmarks_plain_query_agrees_with_the_status_rule(postgresql, reference_data):
    synthetic_generate(events=6000, treaties=6, seed=2026, say=lambda _: None)
    treaties = list(Treaty.objects.filter(slug__startswith="syn-")) + [Treaty.objects.get(slug="ottawa")]
    assert {t.late_eif_unit for t in treaties} >= {"days", "months", "month_start"}
    scheme = RegionScheme.objects.get(slug="m49")
    lineage = country_lineage_map()
    rng = random.Random(9)
    disagreements = []
    compared = 0
    for treaty in treaties:
        for panel in (scheme_panel(scheme.pk), FORUMS_PANEL):
            sql = plain_sql(treaty, panel, lineage)
            for on in milestone_dates(treaty, rng):
                for count in CountBasis.values:
                    with connection.cursor() as cursor:
                        params = {"treaty": treaty.pk, "on": on, "deposit": count == "deposit", "scheme": scheme.pk}
                        cursor.execute(sql, params)
                        plain = plain_figures(cursor.fetchall())
                    real = real_figures(treaty=treaty, panel=panel, on=on, count=count)
                    compared += 1
                    if plain != real:
                        disagreements.append((treaty.slug, panel, on, count, real, plain))
    assert compared > 200
    assert not disagreements, f"{len(disagreements)} of {compared} disagree ({FIGURES}); first: {disagreements[0]}"
