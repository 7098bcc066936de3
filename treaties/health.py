"""What `/healthz` reads about the background work: the workers' heartbeats and how long marks have waited.

Workers write a heartbeat (`worker_heartbeat_record`, from the `worker_heartbeat` task that
beat sends every WORKER_HEARTBEAT_SECONDS and each worker sends when it starts); the health
check reads `worker_last_seen` and `oldest_pending_mark_age`.
"""

import datetime
from datetime import timedelta

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from treaties.models import SummaryMark, WorkerHeartbeat

# Heartbeats of workers gone for longer than this are forgotten.
HEARTBEAT_KEPT = timedelta(days=1)


def worker_heartbeat_record(*, hostname: str) -> None:
    """Record that the worker `hostname` is alive now; forget workers silent for a day."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(hostname=hostname[:200], defaults={"seen_at": now})
    WorkerHeartbeat.objects.filter(seen_at__lt=now - HEARTBEAT_KEPT).delete()


def worker_last_seen() -> datetime.datetime | None:
    """When any worker last said it was alive; None when none ever has."""
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


def oldest_pending_mark_age(*, now: datetime.datetime | None = None) -> timedelta | None:
    """How long the longest-waiting summaries have been out of date; None when none is waiting.

    Counts the pending marks (since `pending_since`) and the claims whose lease lapsed, their
    worker having died (since the last renewal), which the next sweep frees.
    """
    now = now or timezone.now()
    lapsed = now - timedelta(seconds=settings.SUMMARY_CLAIM_LEASE_SECONDS)
    found = SummaryMark.objects.aggregate(
        pending=Min("pending_since", filter=Q(pending=True)),
        lapsed=Min("claimed_at", filter=Q(claimed_at__lt=lapsed)),
    )
    oldest = min((value for value in found.values() if value is not None), default=None)
    return None if oldest is None else max(now - oldest, timedelta(0))
