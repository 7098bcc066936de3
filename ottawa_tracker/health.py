"""`/healthz`: is this web process fit to serve? For a load balancer: 200 or 503, with a JSON body.

Checks: the database answers; the cache answers; the broker accepts a connection (or tasks run
eagerly, with no broker); no treaty's summaries have waited for a recompute longer than
HEALTHZ_MARK_MAX_AGE; a worker has said it is alive within HEALTHZ_WORKER_MAX_AGE (broker mode).

A small view rather than django-health-check: that package answers a failure with 500 (a load
balancer and this project's "no 500" rule want 503), its database check writes a row into a table
of its own (a migration and a write on every probe), and the two checks that matter here (the
marks' age, the workers' heartbeats, read by treaties/health.py) are custom anyway. Each check is
a function returning its detail or raising; any exception is a failed check, never a 500.
"""

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

# The project's own view over its apps (like urls.py); no app imports this module.
from treaties.health import oldest_pending_mark_age, worker_last_seen

logger = logging.getLogger("ottawa_tracker.health")


class CheckFailed(Exception):
    """A check ran and found something wrong; the message says what."""


def broker_in_use() -> bool:
    from ottawa_tracker.celery import app

    return not app.conf.task_always_eager


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return f"{connection.vendor} answers"


def check_cache() -> str:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    got = cache.get(key)
    cache.delete(key)
    if got != value:
        raise CheckFailed("the cache did not give back what was stored")
    return "answers"


def check_broker() -> str:
    if not broker_in_use():
        return "eager, no broker: tasks run in the web process"
    from ottawa_tracker.celery import app

    with app.connection_for_write(connect_timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        conn.default_channel  # noqa: B018 - opens a channel: the broker really answers, not just accepts
    return "accepts connections"


def check_summary_marks() -> str:
    waited = oldest_pending_mark_age()
    if waited is None:
        return "no recompute waiting"
    age = waited.total_seconds()
    if age > settings.HEALTHZ_MARK_MAX_AGE:
        raise CheckFailed(f"a recompute has waited {age:.0f} s (limit {settings.HEALTHZ_MARK_MAX_AGE} s)")
    return f"oldest recompute waiting {age:.0f} s"


def check_worker() -> str:
    if not broker_in_use():
        return "eager, no worker: recomputes run in the web process"
    seen = worker_last_seen()
    if seen is None:
        raise CheckFailed("no worker has ever reported")
    age = (timezone.now() - seen).total_seconds()
    if age > settings.HEALTHZ_WORKER_MAX_AGE:
        raise CheckFailed(f"last worker heartbeat {age:.0f} s ago (limit {settings.HEALTHZ_WORKER_MAX_AGE} s)")
    return f"last heartbeat {age:.0f} s ago"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "summary_marks": check_summary_marks,
    "worker": check_worker,
}
# Checks that read the database; when it is down they are not run.
NEEDS_DATABASE = {"summary_marks", "worker"}


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in CHECKS.items():
        if name in NEEDS_DATABASE and not results["database"]["ok"]:
            results[name] = {"ok": False, "detail": "not checked: the database is unavailable"}
            continue
        started = time.monotonic()
        try:
            results[name] = {"ok": True, "detail": check()}
        except Exception as exc:  # any failure is a failed check, never a 500
            logger.warning("healthz: %s failed: %s", name, exc)
            detail = str(exc) if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: {exc}"
            results[name] = {"ok": False, "detail": detail[:300]}
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    return results


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, else 503 (with Retry-After); the body names each check and its result."""
    try:
        results = run_checks()
    except Exception as exc:  # belt and braces: a health probe never answers 500
        logger.exception("healthz failed")
        results = {"healthz": {"ok": False, "detail": f"{type(exc).__name__}"}}
    ok = all(r["ok"] for r in results.values())
    failing = [name for name, r in results.items() if not r["ok"]]
    body = {"status": "ok" if ok else "fail", "failing": failing, "checks": results}
    response = JsonResponse(body, status=200 if ok else 503)
    if not ok:
        response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER_SECONDS)
    return response
