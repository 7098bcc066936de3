"""Summaries kept current by Celery: a real worker over Redis, bursts, and a broker that is down or frozen.

The worker tests run against the local PostgreSQL and Redis (CI sets DATABASE_URL and
REDIS_URL); outside CI on SQLite they are skipped, and under CI_REQUIRE_SERVICES=1 a missing
service fails them. The broker-down tests need neither and run everywhere.
"""

import datetime
import logging
import time

import pytest
from django.test import override_settings
from django.utils import timezone

from countries.models import Country
from tests.treaties.conftest import broker, wait_for
from tests.treaties.summary_checks import recompute_from_scratch, span_snapshot, stored_snapshot
from treaties import selectors, services, tasks
from treaties.choices import CountBasis, EventKind, LegalStatus
from treaties.models import StatusEvent, Summary, SummaryMark, Treaty
from treaties.selectors import forum_summary_rows, treaty_status_rows

D = datetime.date


def non_signatory_today(treaty: Treaty) -> Country:
    rows = treaty_status_rows(treaty=treaty, on=timezone.localdate(), count="in_force")
    return next(r.country for r in rows if r.status.status == LegalStatus.NON_SIGNATORY)


def parties_today(treaty: Treaty) -> int:
    return Summary.objects.get(
        treaty=treaty, grouping="world", count=CountBasis.DEPOSIT, date=timezone.localdate()
    ).parties


def accede(treaty: Treaty, country: Country) -> StatusEvent:
    return services.status_event_record(
        treaty=treaty, country=country, kind=EventKind.ACCESSION, date=D(2024, 1, 5), source="test accession"
    )


def settled(treaty: Treaty, since: datetime.datetime) -> bool:
    mark = SummaryMark.objects.get(pk=treaty.pk)
    return not mark.pending and mark.claimed_at is None and mark.computed_at is not None and mark.computed_at >= since


# A broker that is down or frozen ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", ["closed port", "frozen Redis"])
def test_saving_an_event_commits_within_two_seconds_when_the_broker_is_down(
    reference_data, failure, closed_port, frozen_server, caplog
):
    ottawa = Treaty.objects.get(slug="ottawa")
    country = non_signatory_today(ottawa)
    before = parties_today(ottawa)
    port = closed_port if failure == "closed port" else frozen_server
    caplog.set_level(logging.ERROR, logger="django.db.backends.base")
    with broker(f"redis://127.0.0.1:{port}/0"):
        started = time.monotonic()
        event = accede(ottawa, country)
        took = time.monotonic() - started
    assert took < 2.0, f"saving took {took:.2f}s with the broker {failure}"
    assert StatusEvent.objects.filter(pk=event.pk).exists()  # committed, in another connection's view too
    assert SummaryMark.objects.get(pk=ottawa.pk).pending  # the mark stays
    assert parties_today(ottawa) == before
    assert "on_commit" in caplog.text  # the failed wake-up was logged, not raised
    # The broker is back (here the embedded mode: tasks run in-process); beat's sweep wakes the recompute.
    tasks.summary_marks_sweep.delay()
    assert parties_today(ottawa) == before + 1
    assert not SummaryMark.objects.get(pk=ottawa.pk).pending


@pytest.mark.django_db
def test_a_frozen_cache_is_skipped_and_pages_come_from_the_database(client, reference_data, frozen_server):
    frozen = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{frozen_server}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    ottawa = Treaty.objects.get(slug="ottawa")
    expected = [
        (r.label, r.countries, r.parties) for r in forum_summary_rows(treaty=ottawa, on=D(2003, 3, 3), count="in_force")
    ]
    try:
        with override_settings(CACHES=frozen):
            for _ in range(2):
                response = client.get("/forums.csv", {"date": "2003-03-03"})
                assert response.status_code == 200
                body = b"".join(response.streaming_content).decode()
                assert len(body.splitlines()) == 1 + len(expected)
            rows = forum_summary_rows(treaty=ottawa, on=D(2003, 3, 3), count="in_force")
            assert [(r.label, r.countries, r.parties) for r in rows] == expected
    finally:
        selectors._cache_paused_until = 0.0


# A real worker -----------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_updates_the_stored_summary_within_ten_seconds(worker, reference_data):
    ottawa = Treaty.objects.get(slug="ottawa")
    before = parties_today(ottawa)
    with broker(worker.broker_url, queue=worker.queue):
        accede(ottawa, non_signatory_today(ottawa))
        took = wait_for(lambda: parties_today(ottawa) == before + 1, timeout=10)
    print(f"edit to stored summary: {took:.2f}s")
    assert not SummaryMark.objects.get(pk=ottawa.pk).pending


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_200_edits_is_recomputed_at_most_five_times(worker, reference_data):
    ottawa = Treaty.objects.get(slug="ottawa")
    runs = SummaryMark.objects.get(pk=ottawa.pk).runs
    countries = [r.country for r in treaty_status_rows(treaty=ottawa, on=D(2020, 1, 1), count="in_force")][:100]
    with broker(worker.broker_url, queue=worker.queue):
        for i in range(200):
            services.status_event_record(
                treaty=ottawa,
                country=countries[i % 100],
                kind=EventKind.STANCE,
                value=["supporter", "opposed"][i % 2],
                date=D(2020, 1, 1) + datetime.timedelta(days=i // 100),
                source="test burst",
            )
        last = timezone.now()
        wait_for(lambda: settled(ottawa, last), timeout=30)
    recomputes = SummaryMark.objects.get(pk=ottawa.pk).runs - runs
    print(f"200 edits: {recomputes} recomputes")
    assert 1 <= recomputes <= 5
    incremental = (stored_snapshot(ottawa), span_snapshot(ottawa))
    recompute_from_scratch(ottawa)
    assert (stored_snapshot(ottawa), span_snapshot(ottawa)) == incremental


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_after_the_broker_comes_back_the_sweep_recomputes_in_the_worker(worker, reference_data, closed_port):
    ottawa = Treaty.objects.get(slug="ottawa")
    before = parties_today(ottawa)
    with broker(f"redis://127.0.0.1:{closed_port}/0"):
        accede(ottawa, non_signatory_today(ottawa))
    time.sleep(1.5)  # nothing recomputes it: the wake-up was lost
    assert SummaryMark.objects.get(pk=ottawa.pk).pending
    assert parties_today(ottawa) == before
    with broker(worker.broker_url, queue=worker.queue):
        tasks.summary_marks_sweep.delay()  # what beat sends every minute
        wait_for(lambda: parties_today(ottawa) == before + 1, timeout=10)
    assert not SummaryMark.objects.get(pk=ottawa.pk).pending
