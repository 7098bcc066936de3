"""Celery tasks: transport adapters. Ids come in, a service does the work, the task owns the retries.

The durable state is the `SummaryMark` table, never the broker: a task is only a wake-up,
so a message lost with the broker costs a delay (the sweep re-sends it every SUMMARY_SWEEP_SECONDS),
never a wrong figure.
"""

import logging
import socket
import time

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.signals import worker_ready
from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone

from treaties import health
from treaties.models import Treaty
from treaties.services import summaries
from treaties.services.obligations import obligations_overdue_record

logger = logging.getLogger(__name__)

# A circuit breaker on wake-ups, per process: until this time.monotonic(), writers skip the broker.
_broker_skip_until = 0.0


class WakeUpTask(DjangoTask):
    """A task queued after commit whose sending may fail without failing the write that queued it.

    The write has already committed when the wake-up is sent, and the mark it left behind is
    the durable state: a wake-up that cannot be sent is logged, never raised, and the sweep
    wakes a worker once the broker is back. The broker timeouts in settings bound the wait of
    the first failure; after it, wake-ups skip the broker for BROKER_BACKOFF_SECONDS (one
    warning, then debug lines), so a frozen broker costs one save a timeout, not every save.
    Run eagerly (no broker) the task runs in-process, and its errors are Django's
    `on_commit(robust=True)` to log.
    """

    def delay_on_commit(self, *args, **kwargs) -> None:
        def send() -> None:
            if self.app.conf.task_always_eager:
                self.delay(*args, **kwargs)
            else:
                wake_up(self, *args, **kwargs)

        # A named function, not a functools.partial: Django names the callback when it logs its error.
        send.__qualname__ = f"{self.name}.delay"
        transaction.on_commit(send, robust=True)


def wake_up(task, *args, **kwargs) -> bool:
    """Send `task` unless the broker failed lately; returns whether it was sent."""
    global _broker_skip_until
    if time.monotonic() < _broker_skip_until:
        logger.debug("broker backing off: %s%r not sent, the sweep will wake a worker", task.name, args)
        return False
    try:
        task.delay(*args, **kwargs)
    except Exception as exc:  # any failure to publish: the mark carries the change
        _broker_skip_until = time.monotonic() + settings.BROKER_BACKOFF_SECONDS
        logger.warning(
            "could not send %s to the broker (%s: %s); wake-ups skip the broker for %gs, the sweep will wake a worker",
            task.name,
            type(exc).__name__,
            exc,
            settings.BROKER_BACKOFF_SECONDS,
        )
        return False
    return True


@shared_task(base=WakeUpTask, bind=True, acks_late=True, max_retries=3)
def summary_recompute_pending(self, treaty_id: int | None = None) -> None:
    """Recompute a treaty's pending summaries; with no id, wake one task per pending treaty.

    In a worker, marks must settle first (SUMMARY_SETTLE_SECONDS without a new one), so a
    burst of edits is recomputed once; the task comes back when they have. Run eagerly (no
    broker) it recomputes at once.
    """
    if treaty_id is None:
        for pending_id in summaries.summary_marks_sweep():
            summary_recompute_pending.delay(pending_id)
        return
    settle = 0.0 if self.request.is_eager else settings.SUMMARY_SETTLE_SECONDS
    try:
        wait = summaries.summary_marks_process(
            treaty_ids=[treaty_id], settle=settle, budget=settings.CELERY_TASK_SOFT_TIME_LIMIT / 2
        )
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=30) from exc
    if wait is not None and not self.request.is_eager:
        summary_recompute_pending.apply_async((treaty_id,), countdown=wait)


@shared_task(acks_late=True)
def summary_marks_sweep() -> None:
    """Every SUMMARY_SWEEP_SECONDS (CELERY_BEAT_SCHEDULE): free lapsed claims, wake a task per pending treaty."""
    for treaty_id in summaries.summary_marks_sweep():
        summary_recompute_pending.delay(treaty_id)


@shared_task(acks_late=True)
def summary_recompute_all() -> None:
    """Nightly (CELERY_BEAT_SCHEDULE): mark every treaty and fan out one task per treaty.

    It also moves "today" forward: the stored summaries of the new day are written.
    """
    for treaty_id in summaries.summary_mark_all(reason="nightly full recompute"):
        summary_recompute_pending.delay(treaty_id)


@shared_task(acks_late=True)
def obligations_overdue_record_all() -> None:
    """Daily (CELERY_BEAT_SCHEDULE "obligations-overdue-daily"): record who fell overdue, and who no longer is,
    under every treaty with obligations. A deadline passes with the day, not with an edit: no recompute
    would see it otherwise on a day nothing is edited."""
    today = timezone.localdate()
    for treaty in Treaty.objects.filter(obligations__isnull=False).distinct().order_by("pk"):
        result = obligations_overdue_record(treaty=treaty, today=today)
        if result.changed:
            logger.info(
                "overdue record of %s on %s: %d opened, %d cleared, %d reopened",
                treaty,
                today,
                result.opened,
                result.cleared,
                result.reopened,
            )


@shared_task(bind=True, acks_late=False)
def worker_heartbeat(self) -> None:
    """Every WORKER_HEARTBEAT_SECONDS (CELERY_BEAT_SCHEDULE) and at start: the worker that runs it is alive."""
    health.worker_heartbeat_record(hostname=self.request.hostname or socket.gethostname())


@worker_ready.connect
def _on_worker_ready(sender=None, **kwargs) -> None:
    """A worker that starts says so at once, and frees the claims of a worker that died before it."""
    for task in (worker_heartbeat, summary_marks_sweep):
        try:
            task.delay()
        except Exception as exc:  # the broker went away again: beat sends them later
            logger.warning("could not send %s at start: %s", task.name, exc)
