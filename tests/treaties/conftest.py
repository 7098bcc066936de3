"""Fixtures for the summaries' workers: the real broker, a broken one, and a Celery worker process."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.db import connection

from ottawa_tracker.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def services_required() -> bool:
    return bool(os.environ.get("CI_REQUIRE_SERVICES"))


def _reset_broker_connections() -> None:
    """Forget the connections to the old broker, so the next task is sent to the new one."""
    from treaties import tasks

    tasks._broker_skip_until = 0.0  # and close the wake-ups' circuit breaker: a new broker is tried at once
    kombu.pools.reset()  # closes every pooled connection and empties kombu's registries
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)  # its producer pool and queues, made from the old settings


@contextlib.contextmanager
def broker(url: str, *, queue: str | None = None):
    """Send tasks to the broker at `url` instead of running them eagerly, for the duration."""
    conf = celery_app.conf
    saved = {
        "broker_url": conf.broker_url,
        "task_always_eager": conf.task_always_eager,
        "task_default_queue": conf.task_default_queue,
    }
    _reset_broker_connections()
    conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue or saved["task_default_queue"])
    try:
        yield
    finally:
        _reset_broker_connections()
        conf.update(saved)


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def frozen_server():
    """A local TCP server that accepts connections and never answers: a frozen Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def redis_url() -> str:
    """The Redis the tests may use: REDIS_URL (CI sets database 15)."""
    return os.environ.get("REDIS_URL", "")


@pytest.fixture(scope="module")
def live_services(django_db_setup, django_db_blocker):
    """PostgreSQL and Redis, as CI provides them. Skipped only outside CI on SQLite; in CI, missing ones fail."""
    if connection.vendor != "postgresql":
        if services_required():
            pytest.fail("CI_REQUIRE_SERVICES is set but the tests run on SQLite: set DATABASE_URL to PostgreSQL")
        pytest.skip("a real worker needs PostgreSQL and Redis (set DATABASE_URL and REDIS_URL; CI does)")
    url = redis_url()
    if not url:
        pytest.fail("the worker tests run on PostgreSQL and need Redis: set REDIS_URL")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {url} does not answer: {exc}")
    return url


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, process: subprocess.Popen, queue: str, broker_url: str, log: Path):
        self.process, self.queue, self.broker_url, self.log = process, queue, broker_url, log

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture(scope="module")
def worker(live_services, tmp_path_factory):
    """A Celery worker process, as `make worker` runs it (without beat), on the test database and a queue of its own."""
    queue = f"ottawa-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": live_services,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ottawa_tracker", "worker", "--loglevel", "INFO"]
            + ["--concurrency", "2", "--queues", queue, "--hostname", f"{queue}@%h", "--without-gossip"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    found = Worker(process, queue, live_services, log)
    deadline = time.monotonic() + 30
    while "ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start:\n{found.output()}")
        time.sleep(0.2)
    yield found
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)
    redis.Redis.from_url(live_services).delete(queue)


def wait_for(condition, *, timeout: float, step: float = 0.1):
    """Poll `condition()` until it is true; returns the seconds it took, or fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"not within {timeout}s")
        time.sleep(step)
    return time.monotonic() - started
