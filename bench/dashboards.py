"""Regional dashboard server time at 1M events, uncached, against reading the treaty's events (same run)."""

import statistics
import time

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client

from treaties.models import StatusEvent, Treaty

RUNS = 30
TARGET_MS = 100


def _timed(fn, runs: int = RUNS) -> tuple[float, float]:
    """p50 and p95 in milliseconds of `runs` calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def run(stdout) -> None:
    if StatusEvent.objects.count() < 900_000:
        stdout.write("building 1M synthetic events ...\n")
        call_command("generate_synthetic", "--events", "1000000", stdout=stdout)
    treaty = Treaty.objects.filter(slug__startswith="syn-").order_by("slug").first()
    events = StatusEvent.objects.count()
    client = Client(HTTP_HOST="127.0.0.1")
    stdout.write(f"{events:,} events; treaty {treaty.slug} has {treaty.events.count():,}\n")

    def page(scheme: str):
        def get():
            cache.clear()  # uncached: every run computes its figures
            response = client.get("/regions/", {"treaty": treaty.slug, "scheme": scheme, "date": "2019-06-30"})
            if response.status_code != 200:
                raise RuntimeError(f"/regions/ answered {response.status_code}")

        return get

    def reference():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT country_id, kind, date, value, effective_date, end_date FROM treaties_statusevent "
                "WHERE treaty_id = %s AND date <= %s",
                [treaty.pk, "2019-06-30"],
            )
            cursor.fetchall()

    ref50, ref95 = _timed(reference)
    stdout.write(f"reference: reading the treaty's events p50 {ref50:.1f} ms, p95 {ref95:.1f} ms\n")
    for scheme in ("m49", "m49-subregions", "un-groups"):
        p50, p95 = _timed(page(scheme))
        verdict = "meets" if p95 <= TARGET_MS else "MISSES"
        stdout.write(
            f"/regions/?scheme={scheme}: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
            f"({p95 / ref95:.1f}x the reference; {verdict} the {TARGET_MS} ms target)\n"
        )
