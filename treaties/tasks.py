"""Celery tasks: transport adapters. Ids come in, a service does the work, the task owns the retries.

The durable state is the `SummaryMark` table, never the broker: a task is only a wake-up,
so a message lost with the broker costs a delay (the sweep re-sends it every minute),
never a wrong figure.
"""

import logging

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)


class WakeUpTask(DjangoTask):
    """A task queued after commit whose sending may fail without failing the write that queued it.

    Django's `on_commit(robust=True)` logs an exception from the callback instead of raising it
    into the request, which has already committed; the mark it left behind stays, and the
    sweep wakes a worker once the broker is back. The broker timeouts in settings bound the wait.
    """

    def delay_on_commit(self, *args, **kwargs) -> None:
        def send() -> None:
            self.delay(*args, **kwargs)

        # A named function, not a functools.partial: Django names the callback when it logs its error.
        send.__qualname__ = f"{self.name}.delay"
        transaction.on_commit(send, robust=True)


@shared_task(base=WakeUpTask, bind=True, acks_late=True, max_retries=3)
def summary_recompute_pending(self, treaty_id: int | None = None) -> None:
    """Recompute a treaty's pending summaries; with no id, wake one task per pending treaty.

    In a worker, marks must settle first (SUMMARY_SETTLE_SECONDS without a new one), so a
    burst of edits is recomputed once; the task comes back when they have. Run eagerly (no
    broker) it recomputes at once.
    """
    from treaties import recompute

    if treaty_id is None:
        for pending_id in recompute.summary_marks_sweep():
            summary_recompute_pending.delay(pending_id)
        return
    settle = 0.0 if self.request.is_eager else settings.SUMMARY_SETTLE_SECONDS
    try:
        wait = recompute.summary_marks_process(
            treaty_ids=[treaty_id], settle=settle, budget=settings.CELERY_TASK_SOFT_TIME_LIMIT / 2
        )
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=30) from exc
    if wait is not None and not self.request.is_eager:
        summary_recompute_pending.apply_async((treaty_id,), countdown=wait)


@shared_task(acks_late=True)
def summary_marks_sweep() -> None:
    """Every minute (CELERY_BEAT_SCHEDULE): free dead workers' claims, wake a task per pending treaty."""
    from treaties import recompute

    for treaty_id in recompute.summary_marks_sweep():
        summary_recompute_pending.delay(treaty_id)


@shared_task(acks_late=True)
def summary_recompute_all() -> None:
    """Nightly (CELERY_BEAT_SCHEDULE): mark every treaty and fan out one task per treaty.

    It also moves "today" forward: the stored summaries of the new day are written.
    """
    from treaties import recompute

    for treaty_id in recompute.summary_recompute_all(reason="nightly full recompute"):
        summary_recompute_pending.delay(treaty_id)
