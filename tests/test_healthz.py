"""`/healthz` for a load balancer: 200 when all is well, 503 naming what is not, never 500 and never cached."""

import datetime
import os
import time
from unittest import mock

import pytest
import redis
from django.utils import timezone

from tests.test_outage import database_down
from tests.treaties.conftest import broker, closed_port, services_required  # noqa: F401 - closed_port is a fixture
from treaties.models import SummaryMark, Treaty, WorkerHeartbeat

CHECKS = {"database", "cache", "broker", "summary_marks", "worker"}


def healthz(client):
    response = client.get("/healthz")
    assert response.status_code in (200, 503), response.status_code
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response, response.json()


def live_redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if services_required():
            pytest.fail(f"CI_REQUIRE_SERVICES is set but Redis at {url} does not answer: {exc}")
        pytest.skip(f"no Redis at {url}")
    return url


def test_all_well_in_the_embedded_mode(client, reference_data):
    response, body = healthz(client)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] for check in body["checks"].values())
    assert "eager, no broker" in body["checks"]["broker"]["detail"]


def test_a_database_outage_is_503_naming_the_database_and_recovers(client, reference_data):
    with database_down():
        response, body = healthz(client)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert body["status"] == "fail"
    assert "database" in body["failing"]
    assert "Connection refused" in body["checks"]["database"]["detail"]
    assert body["checks"]["cache"]["ok"]
    response, body = healthz(client)
    assert response.status_code == 200, body


def test_a_cache_outage_is_503_naming_the_cache(client, reference_data):
    with mock.patch("ottawa_tracker.health.cache.set", side_effect=ConnectionError("Redis refused")):
        response, body = healthz(client)
    assert response.status_code == 503
    assert body["failing"] == ["cache"]


def test_a_recompute_waiting_too_long_is_503(client, reference_data, settings):
    ottawa = Treaty.objects.get(slug="ottawa")
    mark, _ = SummaryMark.objects.get_or_create(treaty=ottawa)
    old = timezone.now() - datetime.timedelta(seconds=settings.HEALTHZ_MARK_MAX_AGE + 60)
    SummaryMark.objects.filter(pk=mark.pk).update(pending=True, pending_since=old, claimed_at=None)
    response, body = healthz(client)
    assert response.status_code == 503
    assert body["failing"] == ["summary_marks"]
    assert "has waited" in body["checks"]["summary_marks"]["detail"]
    # A worker that claimed it long ago and stopped renewing its lease (it died) counts the same.
    SummaryMark.objects.filter(pk=mark.pk).update(pending=False, pending_since=None, claimed_at=old)
    assert healthz(client)[0].status_code == 503
    # A recent mark is what a working system has now and then.
    SummaryMark.objects.filter(pk=mark.pk).update(pending=True, pending_since=timezone.now(), claimed_at=None)
    assert healthz(client)[0].status_code == 200


def test_an_unreachable_broker_is_503_within_seconds(client, reference_data, closed_port):  # noqa: F811
    WorkerHeartbeat.objects.create(hostname="w1", seen_at=timezone.now())
    with broker(f"redis://127.0.0.1:{closed_port}/0"):
        started = time.monotonic()
        response, body = healthz(client)
        took = time.monotonic() - started
    assert response.status_code == 503
    assert body["failing"] == ["broker"]
    assert took < 10


def test_with_a_broker_the_workers_heartbeat_decides(client, reference_data, settings):
    url = live_redis_url()
    with broker(url):
        response, body = healthz(client)
        assert response.status_code == 503  # no worker has ever reported
        assert body["failing"] == ["worker"]
        assert body["checks"]["broker"]["ok"]
        WorkerHeartbeat.objects.create(hostname="w1", seen_at=timezone.now() - datetime.timedelta(seconds=20))
        response, body = healthz(client)
        assert response.status_code == 200, body
        WorkerHeartbeat.objects.filter(pk="w1").update(
            seen_at=timezone.now() - datetime.timedelta(seconds=settings.HEALTHZ_WORKER_MAX_AGE + 1)
        )
        response, body = healthz(client)
        assert response.status_code == 503
        assert body["failing"] == ["worker"]
        assert "last worker heartbeat" in body["checks"]["worker"]["detail"]


def test_a_check_that_crashes_is_a_failed_check_not_a_500(client, reference_data):
    with mock.patch("ottawa_tracker.health.oldest_pending_mark_age", side_effect=ZeroDivisionError("boom")):
        response, body = healthz(client)
    assert response.status_code == 503
    assert body["failing"] == ["summary_marks"]
    assert "ZeroDivisionError" in body["checks"]["summary_marks"]["detail"]


def test_healthz_is_not_redirected_to_https(client, reference_data, settings):
    """Load balancers probe over plain HTTP; the pages themselves still redirect."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_healthz_reads_a_few_rows_only(client, reference_data, django_assert_num_queries):
    with django_assert_num_queries(2):
        client.get("/healthz")
