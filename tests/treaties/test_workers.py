"""Summaries kept current by Celery: a real worker over Redis, bursts, and a broker that is down or frozen.

The worker tests run against the local PostgreSQL and Redis (CI sets DATABASE_URL and
REDIS_URL); outside CI on SQLite they are skipped, and under CI_REQUIRE_SERVICES=1 a missing
service fails them. The broker-down tests need neither and run everywhere.
"""

import datetime
import logging
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.test import override_settings
from django.utils import timezone

from countries.models import Country
from ottawa_tracker.cache import cache_resume
from tests.treaties.conftest import ROOT, Worker, _database_url, broker, redis_url, wait_for
from tests.treaties.summary_checks import recompute_from_scratch, span_snapshot, stored_snapshot
from treaties import services, tasks
from treaties.choices import CountBasis, EventKind, LegalStatus
from treaties.models import StatusEvent, Summary, SummaryMark, Treaty, WorkerHeartbeat
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
    caplog.set_level(logging.WARNING, logger="treaties.tasks")
    with broker(f"redis://127.0.0.1:{port}/0"):
        started = time.monotonic()
        event = accede(ottawa, country)
        took = time.monotonic() - started
    assert took < 2.0, f"saving took {took:.2f}s with the broker {failure}"
    assert StatusEvent.objects.filter(pk=event.pk).exists()  # committed, in another connection's view too
    assert SummaryMark.objects.get(pk=ottawa.pk).pending  # the mark stays
    assert parties_today(ottawa) == before
    assert "could not send treaties.tasks.summary_recompute_pending" in caplog.text  # logged, not raised
    # The broker is back (here the embedded mode: tasks run in-process); beat's sweep wakes the recompute.
    tasks.summary_marks_sweep.delay()
    assert parties_today(ottawa) == before + 1
    assert not SummaryMark.objects.get(pk=ottawa.pk).pending


@pytest.mark.django_db(transaction=True)
def test_after_a_failed_wake_up_saves_skip_a_frozen_broker_then_try_it_again(
    reference_data, frozen_server, settings, caplog
):
    """Finding 7: one save pays the broker's timeout; the next ones skip it while the breaker is open."""
    # Every save sends a wake-up (a pending mark older than a worker waits is woken again).
    settings.SUMMARY_SETTLE_SECONDS = 0
    settings.SUMMARY_MAX_WAIT_SECONDS = 0
    settings.BROKER_BACKOFF_SECONDS = 5
    caplog.set_level(logging.WARNING, logger="treaties.tasks")
    ottawa = Treaty.objects.get(slug="ottawa")
    countries = iter([r.country for r in treaty_status_rows(treaty=ottawa, on=D(2020, 1, 1), count="in_force")])

    def save() -> float:
        started = time.monotonic()
        services.status_event_record(
            treaty=ottawa, country=next(countries), kind=EventKind.STANCE, value="supporter",
            date=D(2020, 1, 1), source="test save",
        )  # fmt: skip
        return time.monotonic() - started

    # A normal save: the broker answers (the test Redis, else kombu's in-memory transport).
    queue = f"ottawa-test-{uuid.uuid4().hex[:8]}"
    working = redis_url() or "memory://localhost/"

    def normal_saves() -> list[float]:
        with broker(working, queue=queue):
            save()  # warm up
            return [save() for _ in range(10)]

    normal = normal_saves()
    with broker(f"redis://127.0.0.1:{frozen_server}/0"):
        first = save()
        skipped = [save() for _ in range(10)]
        assert SummaryMark.objects.get(pk=ottawa.pk).pending  # the mark carries the change to the sweep
        assert caplog.text.count("could not send") == 1  # logged once
        # After the backoff the broker is tried again (and, frozen still, costs one more timeout).
        time.sleep(max(tasks._broker_skip_until - time.monotonic(), 0) + 0.1)
        retried = save()
        assert caplog.text.count("could not send") == 2
    normal += normal_saves()  # before and after, so that a slow spell of the machine weighs on both
    if working.startswith("redis"):
        redis.Redis.from_url(working).delete(queue)
    usual = statistics.median(normal)
    print(
        f"save: normal median {usual * 1000:.0f} ms (max {max(normal) * 1000:.0f}); frozen broker: first "
        f"{first * 1000:.0f} ms, next 10 median {statistics.median(skipped) * 1000:.0f} ms "
        f"(max {max(skipped) * 1000:.0f}, {statistics.median(skipped) / usual:.2f}x normal), "
        f"after the backoff {retried * 1000:.0f} ms"
    )
    assert first > 0.5  # the first failure waits for the broker's timeout
    assert statistics.median(skipped) <= 1.2 * usual + 0.05
    assert all(took <= 1.2 * usual + 0.3 for took in skipped), skipped  # a publish attempt costs ~1 s
    assert retried > 0.5


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
        cache_resume()


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


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_records_its_heartbeat(worker, reference_data):
    with broker(worker.broker_url, queue=worker.queue):
        tasks.worker_heartbeat.delay()  # what beat sends every WORKER_HEARTBEAT_SECONDS
        wait_for(lambda: WorkerHeartbeat.objects.filter(hostname__startswith=f"{worker.queue}@").exists(), timeout=10)
    seen = WorkerHeartbeat.objects.get(hostname__startswith=f"{worker.queue}@").seen_at
    assert abs((timezone.now() - seen).total_seconds()) < 10


# A worker killed mid-recompute ---------------------------------------------------------------


def start_worker(
    tmp_path: Path, name: str, *, broker_url: str, env: dict[str, str], app: str = "ottawa_tracker", beat: bool = False
) -> Worker:
    """A Celery worker process on the test database and a queue of its own; `beat` runs the schedule in it."""
    queue = f"ottawa-test-{name}-{uuid.uuid4().hex[:8]}"
    log = tmp_path / f"{name}.log"
    args = [sys.executable, "-m", "celery", "-A", app, "worker", "--loglevel", "INFO", "--without-gossip"]
    args += ["--queues", queue, "--hostname", f"{queue}@%h"]
    if beat:
        args += ["--concurrency", "1", "--beat", "--schedule", str(tmp_path / f"{name}-beat")]
    else:
        args += ["--pool", "solo"]
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **env,
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
    found = Worker(process, queue, broker_url, log)
    deadline = time.monotonic() + 30
    while "ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker {name} did not start:\n{found.output()}")
        time.sleep(0.2)
    return found


def stop_worker(worker: Worker) -> None:
    if worker.process.poll() is None:
        worker.process.send_signal(signal.SIGTERM)
        try:
            worker.process.wait(15)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(5)
    redis.Redis.from_url(worker.broker_url).delete(worker.queue)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_recompute_loses_its_claim_and_figures_are_current_within_two_minutes(
    live_services, reference_data, tmp_path, settings
):
    """Finding 6: `kill -9` of the worker holding a claim; another worker takes over within 60 s of the kill,
    and the figures are current within 120 s.

    The lease is short here (SUMMARY_CLAIM_LEASE_SECONDS=5) to keep the test quick; set
    WORKER_KILL_TEST_DEFAULTS=1 to run it with the settings' defaults (a 30 s lease, a 15 s sweep).
    """
    lease = {"SUMMARY_CLAIM_LEASE_SECONDS": "5", "SUMMARY_SWEEP_SECONDS": "3"}
    if os.environ.get("WORKER_KILL_TEST_DEFAULTS"):
        lease = {}
    lease_seconds = float(lease.get("SUMMARY_CLAIM_LEASE_SECONDS", settings.SUMMARY_CLAIM_LEASE_SECONDS))
    ottawa = Treaty.objects.get(slug="ottawa")
    before = parties_today(ottawa)
    slow = start_worker(
        tmp_path, "slow", broker_url=live_services, env={**lease, "SLOW_RECOMPUTE_SECONDS": "600"},
        app="tests.treaties.slow_celery",
    )  # fmt: skip
    other = None
    try:
        with broker(live_services, queue=slow.queue):
            accede(ottawa, non_signatory_today(ottawa))
        wait_for(lambda: SummaryMark.objects.get(pk=ottawa.pk).claim_token != "", timeout=30)
        token = SummaryMark.objects.get(pk=ottawa.pk).claim_token
        # The worker renews its lease while it works: after two leases the claim is still its own, and fresh.
        time.sleep(2 * lease_seconds)
        mark = SummaryMark.objects.get(pk=ottawa.pk)
        assert mark.claim_token == token
        assert (timezone.now() - mark.claimed_at).total_seconds() < lease_seconds
        assert parties_today(ottawa) == before  # still dawdling between computing and writing

        slow.process.send_signal(signal.SIGKILL)
        slow.process.wait(5)
        killed, killed_at = time.monotonic(), timezone.now()
        other = start_worker(tmp_path, "other", broker_url=live_services, env=lease, beat=True)
        taken_over = None
        while True:
            mark = SummaryMark.objects.get(pk=ottawa.pk)
            if taken_over is None and mark.claim_token != token:
                taken_over = time.monotonic() - killed
            if settled(ottawa, killed_at):
                current = time.monotonic() - killed
                break
            assert time.monotonic() - killed < 120, f"figures not current 120 s after the kill:\n{other.output()}"
            time.sleep(0.1)
        print(f"kill -9 (lease {lease_seconds:g}s): taken over after {taken_over:.1f}s, current after {current:.1f}s")
        assert taken_over <= 60
        assert parties_today(ottawa) == before + 1
        # The worker that started says it is alive.
        wait_for(lambda: WorkerHeartbeat.objects.filter(hostname__startswith=f"{other.queue}@").exists(), timeout=10)
    finally:
        if slow.process.poll() is None:
            slow.process.kill()
            slow.process.wait(5)
        stop_worker(slow)
        if other is not None:
            stop_worker(other)
    incremental = (stored_snapshot(ottawa), span_snapshot(ottawa))
    recompute_from_scratch(ottawa)
    assert (stored_snapshot(ottawa), span_snapshot(ottawa)) == incremental
