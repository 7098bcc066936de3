"""The project's Celery app, for a worker the tests kill mid-recompute (`celery -A tests.treaties.slow_celery`).

Its recompute dawdles for SLOW_RECOMPUTE_SECONDS between working out the spans and writing
them, holding its claim, so that a test can `kill -9` it there. Nothing in the project reads
SLOW_RECOMPUTE_SECONDS: only this test module does.
"""

import os
import time

from celery.signals import task_prerun

from ottawa_tracker.celery import app

__all__ = ["app"]


@task_prerun.connect
def _slow_down_the_recompute(**kwargs) -> None:
    from treaties import summaries

    if getattr(summaries.summary_dates, "slowed", False):
        return
    original = summaries.summary_dates

    def summary_dates(*args, **kw):
        time.sleep(float(os.environ.get("SLOW_RECOMPUTE_SECONDS", "600")))
        return original(*args, **kw)

    summary_dates.slowed = True
    summaries.summary_dates = summary_dates
