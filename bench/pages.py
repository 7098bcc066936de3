"""Public pages through gunicorn (`bin/serve`, as `make run`): requests/s warm and 304, latency cold.

Issue 14's table, in one run, as ratios to a static file served by WhiteNoise: on PostgreSQL with
Redis (production) and on the embedded default (SQLite, the local memory cache), with the shipped
record (`load_reference_data`) and two gunicorn workers.

- warm: the page is in the response cache; `wrk -t2 -c8` as in the issue (`apt-get install -y wrk`;
  without it, a small Python load generator with 8 threads, said in the output), in WRK_SECONDS
  one-second runs interleaved with as many on the static file, so that other load on a shared
  machine weighs on both sides of a ratio alike.
- 304: the same with `If-None-Match` carrying the page's ETag.
- cold: a page rendered and stored, as the first request after a change: each of COLD_SAMPLES
  sequential requests carries a query parameter of its own (`bench=<n>`, ignored by the views), so
  its key is new and it renders; p50 and p95 latency. A change itself (a mark) costs one more
  aggregate query on top, to read the new data version.

Targets (issue 14): warm ≥ 0.5x the static file, 304 ≥ 0.8x, cold p95 ≤ 100 ms on PostgreSQL.
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_SECONDS = int(os.environ.get("BENCH_PAGES_SECONDS", "5"))
COLD_SAMPLES = int(os.environ.get("BENCH_PAGES_COLD", "20"))
REDIS_URL = os.environ.get("BENCH_PAGES_REDIS_URL", "redis://127.0.0.1:6379/12")
PAGES = [
    "/regions/?treaty=ottawa&scheme=m49",
    "/",
    "/forums/cd/",
    "/treaties/ottawa/",
    "/treaties/ottawa/map.svg",
    "/treaties/ottawa/status.csv",
]
NOT_FOUND = "/no-such-page/"


def run(stdout) -> None:
    tool = "wrk" if shutil.which("wrk") else "python threads (wrk not installed)"
    stdout.write(
        f"load: {tool}, 2 threads / 8 connections, {WRK_SECONDS}x1s per path interleaved with the static file\n"
    )
    stdout.write("gunicorn, 2 workers; cold = first request for a new key (rendered and stored)\n")
    _manage("collectstatic", "--noinput", "--verbosity", "0", env={})
    static = "/static/" + json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())["paths"]["css/site.css"]
    with tempfile.TemporaryDirectory() as folder:
        backends = [
            ("PostgreSQL + Redis", {"DATABASE_URL": os.environ["DATABASE_URL"], "REDIS_URL": REDIS_URL}),
            ("SQLite + local memory (embedded default)", {"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"}),
        ]
        for label, env in backends:
            stdout.write(f"\n{label}\n")
            _prepare(env)
            with _server(env) as port:
                _table(stdout, port, static)


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "bench", **env},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _prepare(env: dict[str, str]) -> None:
    _manage("migrate", "--noinput", "--verbosity", "0", env=env)
    _manage("load_reference_data", "--verbosity", "0", env=env)
    if "REDIS_URL" in env:
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # the bench's own database number


@contextlib.contextmanager
def _server(env: dict[str, str]):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server_env = {**os.environ, "SECRET_KEY": "bench", "PORT": str(port), "BIN": str(ROOT / ".venv" / "bin"), **env}
    server_env.pop("CELERY_BROKER_URL", None)
    server_env.setdefault("REDIS_URL", "")
    process = subprocess.Popen(  # noqa: S603 - our own bin/serve
        [str(ROOT / "bin" / "serve")],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if _get(port, "/")[0] == 200:
                    break
            time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not answer within 60 s")
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    seconds = time.perf_counter() - started
    connection.close()
    return response.status, dict(response.getheaders()), seconds


def _rate(port: int, path: str, headers: dict[str, str] | None = None, *, seconds: int = WRK_SECONDS) -> float:
    """Requests/s over `seconds` with 8 connections."""
    url = f"http://127.0.0.1:{port}{path}"
    if shutil.which("wrk"):
        args = ["wrk", "-t2", "-c8", f"-d{seconds}s"]
        for name, value in (headers or {}).items():
            args += ["-H", f"{name}: {value}"]
        output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return _python_rate(port, path, headers or {}, seconds)


def _python_rate(port: int, path: str, headers: dict[str, str], seconds: int) -> float:
    done = [0] * 8
    stop = time.monotonic() + seconds

    def load(i: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            connection.request("GET", path, headers=headers)
            connection.getresponse().read()
            done[i] += 1

    threads = [threading.Thread(target=load, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def _cold(port: int, path: str) -> tuple[float, float]:
    joiner = "&" if "?" in path else "?"
    times = []
    for n in range(COLD_SAMPLES):
        status, _, seconds = _get(port, f"{path}{joiner}bench={time.time_ns()}{n}")
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        times.append(seconds * 1000)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, round(0.95 * len(times)) - 1)]


def _table(stdout, port: int, static: str) -> None:
    """One row per path; each ratio is to the static file measured right before it (the machine may be shared)."""
    stdout.write(f"{'path':<40}{'cold p50':>10}{'cold p95':>10}{'warm req/s':>12}{'static':>8}{'ratio':>8}\n")

    def row(label: str, path: str, headers: dict[str, str] | None = None, cold: tuple[float, float] | None = None):
        # Interleaved one-second slices, so a burst of other load on the machine weighs on both alike.
        bases, rates = [], []
        for _ in range(WRK_SECONDS):
            bases.append(_rate(port, static, seconds=1))
            rates.append(_rate(port, path, headers, seconds=1))
        base, rate = sum(bases) / len(bases), sum(rates) / len(rates)
        p50, p95 = (f"{cold[0]:.0f}ms", f"{cold[1]:.0f}ms") if cold else ("", "")
        stdout.write(f"{label[:39]:<40}{p50:>10}{p95:>10}{rate:>12,.0f}{base:>8,.0f}{rate / base:>8.2f}\n")
        stdout.flush()

    row(static, static)
    _get(port, NOT_FOUND)
    row("a 404 page", NOT_FOUND)
    for path in PAGES:
        cold = _cold(port, path)
        _get(port, path)  # stored (a CSV streams: never stored, rendered each time)
        row(path, path, cold=cold)
    _status, headers, _ = _get(port, "/treaties/ottawa/")
    etag = headers.get("ETag", "")
    if _get(port, "/treaties/ottawa/", {"If-None-Match": etag})[0] != 304:
        raise RuntimeError("no 304 for the page's ETag")
    row("304 /treaties/ottawa/ (If-None-Match)", "/treaties/ottawa/", {"If-None-Match": etag})
