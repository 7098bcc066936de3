"""Summaries on PostgreSQL: full recompute, edit to stored summary, and the as-of-date summary.

At 100k and at 1M synthetic events (`generate_synthetic`), in one run:

1. the full recompute of every treaty's stored summaries and spans;
2. the as-of-date summary of a scheme (UN M49) and of the forums, on dates that are not
   stored, uncached: through the selector (the treaty's mark, then one range query on the
   spans) and the range query alone; p50 and p95 over repeated runs;
3. as the reference, the plain query for the same answer: `DISTINCT ON` over the treaty's
   events up to the date, the status rule written in SQL, grouped by region or forum. It is
   checked to give the same figures, and the ratio is printed;
4. after the last size, the time from one committed edit to its updated stored summary with a
   real Celery worker process, when a broker is given (BENCH_BROKER_URL, or REDIS_URL).

`BENCH_SUMMARY_SIZES=100000:30,...` chooses other sizes. Targets (issue 3): as-of p95 <= 50 ms at
1M events and >= 20x faster than the plain query; edit to summary <= 10 s.
"""

import datetime
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# (events, treaties): hundreds of treaties as DESIGN.md describes, about 1,100 and 3,300 events a
# treaty; then the same million events in 80 treaties (12,500 a treaty), to show how the plain
# query grows with a treaty's history while the as-of query does not.
SIZES = [(100_000, 100), (1_000_000, 300), (1_000_000, 80)]
RUNS = 200
WARM_UP = 20
SCHEME = "m49"
ROOT = Path(__file__).resolve().parent.parent


def _pcts(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _timed(fn, args_list: list) -> list[float]:
    for args in args_list[:WARM_UP]:
        fn(*args)
    times = []
    for i in range(RUNS):
        args = args_list[i % len(args_list)]
        started = time.perf_counter()
        fn(*args)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _add_sql(column: str, unit: str, count: int) -> str:
    """`treaties.status.add_period` in SQL; PostgreSQL's month arithmetic keeps the day or takes the month's last."""
    if unit == "days":
        return f"({column} + {int(count)})"
    if unit == "months":
        return f"({column} + interval '{int(count)} months')::date"
    return f"(date_trunc('month', {column}) + interval '{int(count)} months')::date"


def plain_sql(treaty, panel: str, lineage: dict[int, tuple[int, ...]]) -> str:
    """The plain query: the latest legal act and the latest stance per state by DISTINCT ON, the rule in SQL."""
    from treaties.choices import CONSENT_KINDS

    consents = ", ".join(f"'{k}'" for k in sorted(CONSENT_KINDS))
    pairs = ", ".join(f"({a}, {h})" for h, ancestors in lineage.items() for a in ancestors) or "(NULL, NULL)"
    eif = f"DATE '{treaty.entry_into_force}'" if treaty.entry_into_force else "NULL"
    threshold = f"DATE '{treaty.eif_threshold_date}'" if treaty.eif_threshold_date else "NULL"
    late = _add_sql("l.date", treaty.late_eif_unit, treaty.late_eif_count)
    leaves = _add_sql("l.date", treaty.withdrawal_unit, treaty.withdrawal_count)
    on_board = (
        "s.not_leaving AND (s.status IN ('state_party', 'consented_not_in_force', 'signatory') "
        "OR coalesce(s.supporter, false))"
    )
    if panel == "forums":
        grouped = f"""SELECT f.forum_id, s.status, {on_board}, count(*) FROM status s
JOIN (SELECT DISTINCT m.forum_id, hm.counted FROM countries_forummembership m
      JOIN holders hm ON hm.holder = m.country_id
      WHERE m.role = 'member' AND (m.start_date IS NULL OR m.start_date <= %(on)s)
        AND (m.end_date IS NULL OR m.end_date > %(on)s)) f ON f.counted = s.id
GROUP BY 1, 2, 3"""
    else:
        grouped = f"""SELECT ra.region_id, s.status, {on_board}, count(*) FROM status s
LEFT JOIN countries_regionassignment ra ON ra.country_id = s.id AND ra.scheme_id = %(scheme)s
GROUP BY 1, 2, 3"""
    return f"""
WITH counted AS (
  SELECT id FROM countries_country
  WHERE participant AND (valid_from IS NULL OR valid_from <= %(on)s) AND (valid_until IS NULL OR valid_until > %(on)s)
), holders AS (
  SELECT id AS holder, id AS counted FROM counted
  UNION ALL SELECT v.a, v.h FROM (VALUES {pairs}) v(a, h) JOIN counted ON counted.id = v.h
), latest AS (
  SELECT DISTINCT ON (h.counted) h.counted, e.kind, e.date, e.value, e.effective_date
  FROM treaties_statusevent e JOIN holders h ON h.holder = e.country_id
  WHERE e.treaty_id = %(treaty)s AND e.date <= %(on)s AND e.kind IN ({consents}, 'withdrawal_notice')
  ORDER BY h.counted, e.date DESC, (e.kind = 'withdrawal_notice') DESC
), stance AS (
  SELECT DISTINCT ON (h.counted) h.counted, e.value, e.end_date
  FROM treaties_statusevent e JOIN holders h ON h.holder = e.country_id
  WHERE e.treaty_id = %(treaty)s AND e.date <= %(on)s AND e.kind = 'stance'
  ORDER BY h.counted, e.date DESC
), signed AS (
  SELECT DISTINCT h.counted FROM treaties_statusevent e JOIN holders h ON h.holder = e.country_id
  WHERE e.treaty_id = %(treaty)s AND e.date <= %(on)s AND e.kind = 'signature'
), status AS (
  SELECT c.id,
    CASE
      WHEN l.kind IS NULL THEN CASE WHEN g.counted IS NULL THEN 'non_signatory' ELSE 'signatory' END
      WHEN l.kind = 'withdrawal_notice' THEN
        CASE WHEN COALESCE(
              (SELECT min(w.date) FROM treaties_statusevent w JOIN holders hw ON hw.holder = w.country_id
               WHERE w.treaty_id = %(treaty)s AND hw.counted = c.id AND w.kind = 'withdrawal_effective'
                 AND w.date >= l.date),
              l.effective_date, {leaves}) <= %(on)s
          THEN CASE WHEN l.value = 'consent' AND g.counted IS NOT NULL THEN 'signatory' ELSE 'withdrawn' END
          ELSE 'withdrawal_pending' END
      WHEN %(deposit)s THEN 'state_party'
      WHEN COALESCE(l.effective_date, CASE WHEN {eif} IS NULL THEN NULL
             WHEN l.date <= {threshold} THEN {eif} ELSE GREATEST({eif}, {late}) END) <= %(on)s
        THEN 'state_party'
      ELSE 'consented_not_in_force'
    END AS status,
    l.kind IS DISTINCT FROM 'withdrawal_notice' AS not_leaving,
    st.value = 'supporter' AND (st.end_date IS NULL OR st.end_date > %(on)s) AS supporter
  FROM counted c
  LEFT JOIN latest l ON l.counted = c.id
  LEFT JOIN signed g ON g.counted = c.id
  LEFT JOIN stance st ON st.counted = c.id
)
{grouped}
"""


def plain_figures(rows: list[tuple]) -> dict[int | None, tuple[int, ...]]:
    """The plain query's rows (group, status, on board, count) as figures per group (region or forum id,
    None for no region), in `treaties.summaries.FIGURES` order; groups with no one are absent."""
    from treaties.summaries import FIGURES

    tallies: dict = {}
    for key, status, on_board, n in rows:
        figures = tallies.setdefault(key, dict.fromkeys(FIGURES, 0))
        figures["countries"] += n
        figures[status] += n
        figures["on_board"] += n if on_board else 0
    return {k: tuple(v[f] for f in FIGURES) for k, v in tallies.items()}


def run(stdout) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from countries.models import RegionScheme
    from treaties.models import StatusEvent, Summary, SummarySpan, Treaty
    from treaties.services import summaries as recompute
    from treaties.summaries import FORUMS_PANEL, scheme_panel, summary_dates

    def say(text: str = "") -> None:
        stdout.write(text + "\n")
        stdout.flush()

    sizes = SIZES
    if os.environ.get("BENCH_SUMMARY_SIZES"):  # e.g. "100000:30", for a quicker look
        sizes = [tuple(int(n) for n in size.split(":")) for size in os.environ["BENCH_SUMMARY_SIZES"].split(",")]
    for events, treaties in sizes:
        say(f"-- {events:,} events asked for, over {treaties} synthetic treaties")
        call_command("generate_synthetic", "--events", str(events), "--treaties", str(treaties), stdout=io.StringIO())
        total = StatusEvent.objects.count()
        scheme = RegionScheme.objects.get(slug=SCHEME)
        started = time.perf_counter()
        ids = recompute.summary_mark_all(reason="bench")
        recompute.summary_marks_process(treaty_ids=ids)
        took = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE treaties_summary; ANALYZE treaties_summaryspan")
        say(
            f"full recompute: {took:.1f}s for {len(ids)} treaties and {total:,} events "
            f"({took / len(ids) * 1000:.0f} ms a treaty); {Summary.objects.count():,} stored summaries, "
            f"{SummarySpan.objects.count():,} spans"
        )
        treaty = (
            Treaty.objects.filter(slug__startswith="syn-", entry_into_force__isnull=False)
            .annotate(n=Count("events"))
            .order_by("-n")
            .first()
        )
        say(f"as-of treaty: {treaty.slug}, {treaty.n:,} events, opened {treaty.opened_for_signature}")
        today = timezone.localdate()
        stored = set(summary_dates(opened=treaty.opened_for_signature, today=today))
        rng = random.Random(events)
        span = (today - treaty.opened_for_signature).days
        days = []
        while len(days) < 100:
            day = treaty.opened_for_signature + datetime.timedelta(days=rng.randrange(span))
            if day not in stored:
                days.append(day)
        for panel, label in [(scheme_panel(scheme.pk), f"scheme {SCHEME}"), (FORUMS_PANEL, "forums")]:
            as_of(say, treaty=treaty, scheme=scheme, panel=panel, label=label, days=days)
    edit_to_summary(say, treaty)


def as_of(say, *, treaty, scheme, panel: str, label: str, days: list[datetime.date]) -> None:
    """Time the selector, its range query and the plain query on the same dates; check they agree."""
    from django.db import connection
    from django.test.utils import override_settings

    from countries.selectors import country_lineage_map
    from treaties.selectors import FIGURES, forum_summary_rows, region_summary_rows, summary_panel_from_spans
    from treaties.summaries import FORUMS_PANEL

    sql = plain_sql(treaty, panel, country_lineage_map())

    def plain(day):
        with connection.cursor() as cursor:
            cursor.execute(sql, {"treaty": treaty.pk, "on": day, "deposit": False, "scheme": scheme.pk})
            return cursor.fetchall()

    def selector(day):
        if panel == FORUMS_PANEL:
            return forum_summary_rows(treaty=treaty, on=day, count="in_force")
        return region_summary_rows(treaty=treaty, scheme=scheme, on=day, count="in_force")

    def query(day):
        return summary_panel_from_spans(treaty=treaty, panel=panel, on=day, count="in_force")

    mismatches = 0
    for day in days:
        ours = {
            (r.region.pk if r.region else r.forum.pk if r.forum else None): tuple(getattr(r, f) for f in FIGURES)
            for r in selector(day)
        }
        theirs = plain_figures(plain(day))
        ours = {k: v for k, v in ours.items() if v[0] or k in theirs}  # the plain query has no empty rows
        mismatches += ours != theirs
    args = [(day,) for day in days]
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        sel50, sel95 = _pcts(_timed(selector, args))
    q50, q95 = _pcts(_timed(query, args))
    p50, p95 = _pcts(_timed(plain, args))
    say(
        f"as-of {label}: selector uncached p50 {sel50:.2f} ms, p95 {sel95:.2f} ms; "
        f"its range query alone p50 {q50:.2f} ms, p95 {q95:.2f} ms"
    )
    say(
        f"  plain DISTINCT ON query p50 {p50:.2f} ms, p95 {p95:.2f} ms; same answer on "
        f"{len(days) - mismatches}/{len(days)} dates"
    )
    say(
        f"  ratio plain/selector: p50 {p50 / sel50:.1f}x, p95 {p95 / sel95:.1f}x; "
        f"plain/range query: p50 {p50 / q50:.1f}x, p95 {p95 / q95:.1f}x"
    )


def edit_to_summary(say, treaty) -> None:
    """Commit an accession through the service and wait for the worker's stored summary to count it."""
    import kombu.pools
    import redis
    from django.db import connection
    from django.utils import timezone

    from ottawa_tracker.celery import app
    from treaties import services
    from treaties.choices import CountBasis, EventKind, LegalStatus
    from treaties.models import Summary
    from treaties.selectors import treaty_status_rows
    from treaties.services import summaries as recompute

    broker = os.environ.get("BENCH_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker:
        say("edit to summary: not measured (give a broker: BENCH_BROKER_URL=redis://127.0.0.1:6379/N)")
        return
    redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
    queue = f"ottawa-bench-{uuid.uuid4().hex[:8]}"
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}@"
        f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    log = open(Path(tempfile.gettempdir()) / f"{queue}.log", "wb")  # noqa: SIM115 - closed in the finally below
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "ottawa_tracker", "worker", "--concurrency", "2"]
        + ["--queues", queue, "--hostname", f"{queue}@%h", "--loglevel", "INFO", "--without-gossip"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while b"ready." not in Path(log.name).read_bytes():
            if worker.poll() is not None or time.monotonic() > deadline:
                say("edit to summary: the worker did not start; see " + log.name)
                return
            time.sleep(0.2)
        # Forget the eager mode's connections and queue routing: send to the broker, to our queue.
        kombu.pools.reset()
        app._pool = None
        app.__dict__.pop("amqp", None)
        app.conf.update(broker_url=broker, task_always_eager=False, task_default_queue=queue)
        recompute.summary_marks_process(treaty_ids=[treaty.pk])  # start from computed summaries, no mark pending
        today = timezone.localdate()
        rows = treaty_status_rows(treaty=treaty, on=today, count="in_force")
        candidates = [r.country for r in rows if r.status.status == LegalStatus.NON_SIGNATORY][:5]

        def parties() -> int:
            return Summary.objects.get(treaty=treaty, grouping="world", count=CountBasis.DEPOSIT, date=today).parties

        times = []
        for country in candidates:
            before = parties()
            services.status_event_record(
                treaty=treaty,
                country=country,
                kind=EventKind.ACCESSION,
                date=today - datetime.timedelta(days=30),
                source="bench",
            )
            committed = time.monotonic()
            while parties() != before + 1:
                if time.monotonic() - committed > 60:
                    break
                time.sleep(0.05)
            times.append(time.monotonic() - committed)
            time.sleep(1.5)
        say(
            f"edit to stored summary, a real worker (concurrency 2) over Redis, {len(times)} edits of "
            f"{treaty.slug}: " + ", ".join(f"{t:.2f}s" for t in times) + f"; worst {max(times):.2f}s "
            f"(includes SUMMARY_SETTLE_SECONDS, the wait for a burst to end)"
        )
    finally:
        app.conf.update(task_always_eager=True)
        worker.terminate()
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        redis.Redis.from_url(broker).delete(queue)
