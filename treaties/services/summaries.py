"""Stored summaries: mark what a change moves, claim a recompute, recompute from the events.

Every writer calls `summary_mark` in its own transaction; workers (`treaties.tasks`) claim
and recompute. The durable state is the `SummaryMark` table, never the broker.

This module does not import `treaties.tasks` (the tasks import it): a mark wakes a worker
through the task's name in Celery's registry (`SUMMARY_RECOMPUTE_TASK`).
"""

import contextlib
import datetime
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from ottawa_tracker.dbcopy import rows_insert
from ottawa_tracker.http_cache import data_version_changed, data_version_changing
from treaties import summaries
from treaties.choices import CountBasis
from treaties.models import ObligationSummary, Summary, SummaryMark, SummarySpan, Treaty
from treaties.selectors import summary_groupings, treaty_acts_by_country
from treaties.services.obligations import (
    OBLIGATION_SUMMARY_COLUMNS,
    obligation_summary_rows,
    obligations_overdue_record,
)

logger = logging.getLogger(__name__)

# The task a mark wakes (`treaties.tasks.summary_recompute_pending`), looked up by name when
# it is sent: the tasks import this module, never the reverse. Eager mode finds it too.
SUMMARY_RECOMPUTE_TASK = "treaties.tasks.summary_recompute_pending"


class SummaryClaimLost(Exception):
    """The claim on a recompute was taken over (its worker was thought dead): this run's result is dropped."""


@dataclass(frozen=True, slots=True)
class SummaryRecomputeResult:
    treaty: Treaty
    summaries: int
    spans: int
    seconds: float
    obligation_summaries: int = 0


def summary_mark(*, treaty_ids: Iterable[int] | None = None, reason: str, wake: bool = True) -> bool:
    """Mark treaties' summaries as needing a recompute, in the caller's transaction; wake a worker after commit.

    `treaty_ids=None` marks every treaty (a change on the countries side). Returns whether
    this call set a mark that was not set already. `wake=False` is for a caller that will
    recompute the marks itself (the nightly fan-out, `recompute_summaries`).
    1. Make sure each treaty has its mark row (created unmarked).
    2. Lock the rows in key order (PostgreSQL; SQLite lets one writer in at a time anyway) and
       bump `version` and `marked_at`. Until this transaction commits no worker can claim the
       mark, so the recompute that claims it next reads this change.
    3. Set `pending` where it was not set. Only then does a wake-up go out, after commit: a
       mark already pending has its wake-up on the way, so a burst of edits sends one (unless
       that mark has waited so long that its wake-up was surely lost).
    """
    ids = None if treaty_ids is None else sorted(set(treaty_ids))
    if ids == []:
        return False
    now = timezone.now()
    with transaction.atomic():
        wanted = ids if ids is not None else list(Treaty.objects.values_list("pk", flat=True))
        SummaryMark.objects.bulk_create([SummaryMark(treaty_id=pk) for pk in wanted], ignore_conflicts=True)
        marks = SummaryMark.objects.all() if ids is None else SummaryMark.objects.filter(treaty_id__in=ids)
        list(marks.select_for_update().order_by("pk").values_list("pk", flat=True))
        marks.update(version=F("version") + 1, marked_at=now, reason=reason[:200])
        data_version_changing()  # the public pages' cached data version (ottawa_tracker/http_cache.py)
        newly = marks.filter(pending=False).update(pending=True, pending_since=now)
        lagging = False
        if wake and not newly:
            # A mark left waiting much longer than a worker waits has probably lost its wake-up
            # (the broker was down): wake again now rather than at the next sweep.
            lost = now - timedelta(seconds=settings.SUMMARY_SETTLE_SECONDS + 2 * settings.SUMMARY_MAX_WAIT_SECONDS)
            lagging = marks.filter(claimed_at__isnull=True, pending_since__lt=lost).exists()
    if wake and (newly or lagging):
        task = current_app.tasks[SUMMARY_RECOMPUTE_TASK]
        task.delay_on_commit(ids[0] if ids is not None and len(ids) == 1 else None)
    return bool(newly)


def summary_mark_on_counting_change(sender, *, instance=None, action: str = "", **kwargs) -> None:
    """Receiver of `countries.signals.counting_changed` (connected in `TreatiesConfig.ready`).

    A change to who is counted where (a membership, a region assignment, a country's
    lifespan...) moves every treaty's summaries: mark them all, inside the transaction of
    the change, so the mark commits or rolls back with it.
    """
    summary_mark(treaty_ids=None, reason=f"{sender._meta.verbose_name} {action}: {instance}")


def _stale_before(now: datetime.datetime) -> datetime.datetime:
    """Claims stamped before this have let their lease lapse: their worker died (or lost the database)."""
    return now - timedelta(seconds=settings.SUMMARY_CLAIM_LEASE_SECONDS)


def summary_claim_renew(*, treaty_id: int, token: str) -> bool:
    """Renew a claim's lease (one conditional UPDATE); False when the claim was taken over."""
    return bool(SummaryMark.objects.filter(pk=treaty_id, claim_token=token).update(claimed_at=timezone.now()))


@contextlib.contextmanager
def _lease_renewed(*, treaty_id: int, token: str) -> Iterator[None]:
    """Keep a claim's lease alive while the block runs: a daemon thread renews it every lease/3.

    The thread has its own database connection (Django's are per thread), closed when it
    stops. A failed renewal is logged and tried again at the next beat; a claim found taken
    over stops the renewals (the final write then raises SummaryClaimLost). If the process
    dies, so does the thread: the lease lapses and the claim is taken over
    (`summary_claim`, `summary_marks_sweep`) after at most SUMMARY_CLAIM_LEASE_SECONDS.
    """
    every = settings.SUMMARY_CLAIM_LEASE_SECONDS / 3
    stop = threading.Event()

    def renew() -> None:
        try:
            while not stop.wait(every):
                try:
                    renewed = summary_claim_renew(treaty_id=treaty_id, token=token)
                except DatabaseError as exc:
                    if not stop.is_set():
                        logger.warning("could not renew the claim on treaty %s's summaries: %s", treaty_id, exc)
                    continue
                if not renewed:
                    if not stop.is_set():  # else the run has just released it
                        logger.warning("the claim on treaty %s's summaries was taken over", treaty_id)
                    return
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=renew, name=f"summary-lease-{treaty_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def summary_claim(*, treaty_id: int, settle: float = 0.0) -> str | None:
    """Claim a treaty's pending recompute; returns the claim's token, or None when there is nothing to claim.

    One conditional update (healthchecks' pattern, the same on SQLite and PostgreSQL): it
    succeeds for one caller only. It waits for the marks to settle, no new mark for `settle`
    seconds unless the first has waited SUMMARY_MAX_WAIT_SECONDS, so a burst of edits is
    recomputed once. A claim is a lease: its worker renews it while it works (`summary_recompute`),
    so a claim not renewed for SUMMARY_CLAIM_LEASE_SECONDS (its worker died) is free.
    """
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = SummaryMark.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=_stale_before(now)),
        Q(marked_at__isnull=True)
        | Q(marked_at__lte=now - timedelta(seconds=settle))
        | Q(pending_since__lte=now - timedelta(seconds=settings.SUMMARY_MAX_WAIT_SECONDS)),
        pk=treaty_id,
        pending=True,
    ).update(pending=False, pending_since=None, claimed_at=now, claim_token=token)
    return token if claimed else None


def summary_recompute(*, treaty_id: int, token: str, today: datetime.date | None = None) -> SummaryRecomputeResult:
    """Recompute one claimed treaty's summaries from its events, and write them in one transaction.

    1. Read the treaty's events and who is counted where (`selectors.summary_groupings`).
    2. Work out each grouping's spans (`summaries.treaty_spans`) and, from them, the stored
       dates' summaries: never by adjusting counters, always from the events.
    3. The obligations' counts by state on their stored dates, per grouping (`obligation_counts`).
    4. In one transaction: replace the spans, summaries and obligation summaries, release the claim,
       stamp `computed_at` and bump the version. If the claim was taken over meanwhile, roll back
       and raise SummaryClaimLost: the run that took it over writes instead.
    5. Bring the record of overdue obligations up to date on `today` (`obligations_overdue_record`),
       so an edit shows in "newly overdue" at once rather than after the daily job.
    Meanwhile the claim's lease is renewed (`_lease_renewed`), so only a dead worker loses it.
    """
    with _lease_renewed(treaty_id=treaty_id, token=token):
        result = _recompute(treaty_id=treaty_id, token=token, today=today)
    try:
        obligations_overdue_record(treaty=result.treaty, today=today or timezone.localdate())
    except DatabaseError as exc:  # the summaries are written; the daily job brings the record up to date
        logger.warning("the overdue record of %s was not updated: %s", result.treaty, exc)
    return result


def _recompute(*, treaty_id: int, token: str, today: datetime.date | None) -> SummaryRecomputeResult:
    started = time.perf_counter()
    treaty = Treaty.objects.get(pk=treaty_id)
    today = today or timezone.localdate()
    data = summary_groupings()
    groupings = summaries.groupings_of(data)
    acts = treaty_acts_by_country(treaty=treaty, on=datetime.date.max)
    spans = summaries.treaty_spans(
        rule=treaty.rule,
        acts=acts,
        groupings=groupings,
        lineage=data.lineage,
        counts=CountBasis.values,
    )
    dates = summaries.summary_dates(opened=treaty.opened_for_signature, today=today)
    now = timezone.now()
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    day_values = {day: ops.adapt_datefield_value(day) for day in dates}
    span_rows: list[tuple] = []
    summary_rows: list[tuple] = []
    for count in CountBasis.values:
        for grouping in groupings:
            where = (
                treaty.pk,
                count,
                grouping.panel,
                grouping.key,
                grouping.scheme_id,
                grouping.region_id,
                grouping.forum_id,
                grouping.label,
                grouping.slug,
            )
            these = spans[(count, grouping.key)]
            for start, end, figures in these:
                span_rows.append(
                    (*where, ops.adapt_datefield_value(start), ops.adapt_datefield_value(end), *_figures(figures))
                )
            starts = [start for start, _, _ in these]
            for day in dates:
                figures = summaries.span_on(these, day, starts)
                summary_rows.append(
                    (*where, day_values[day], *_figures(figures), figures.parties, figures.on_board_share, stamp)
                )
    obligation_rows = obligation_summary_rows(
        treaty=treaty, acts=acts, lineage=data.lineage, groupings=groupings, today=today, stamp=stamp
    )
    with transaction.atomic():
        SummarySpan.objects.filter(treaty=treaty).delete()
        Summary.objects.filter(treaty=treaty).delete()
        # Without the collector: nothing refers to these rows, and a post_delete signal per row (the
        # response cache's) would cost more than the obligations' counts; the version is bumped below.
        ObligationSummary.objects.filter(treaty=treaty)._raw_delete(connection.alias)
        rows_insert(SummarySpan, [*_WHERE_COLUMNS, "valid_from", "valid_until", *_FIGURE_COLUMNS], span_rows)
        rows_insert(
            Summary,
            [*_WHERE_COLUMNS, "date", *_FIGURE_COLUMNS, "parties", "on_board_share", "computed_at"],
            summary_rows,
        )
        rows_insert(ObligationSummary, list(OBLIGATION_SUMMARY_COLUMNS), obligation_rows)
        released = SummaryMark.objects.filter(pk=treaty.pk, claim_token=token).update(
            claimed_at=None, claim_token="", computed_at=now, version=F("version") + 1, runs=F("runs") + 1
        )
        if not released:
            raise SummaryClaimLost(f"the claim on {treaty}'s summaries was taken over")
    data_version_changed()  # committed (a worker's run): the next request reads the new version
    return SummaryRecomputeResult(
        treaty=treaty,
        summaries=len(summary_rows),
        spans=len(span_rows),
        seconds=time.perf_counter() - started,
        obligation_summaries=len(obligation_rows),
    )


_WHERE_COLUMNS = ("treaty_id", "count", "panel", "grouping", "scheme_id", "region_id", "forum_id", "label", "slug")
_FIGURE_COLUMNS = summaries.FIGURES


def _figures(figures: summaries.Counts) -> tuple[int, ...]:
    return tuple(getattr(figures, name) for name in _FIGURE_COLUMNS)


def summary_marks_process(
    *,
    treaty_ids: Iterable[int] | None = None,
    settle: float = 0.0,
    budget: float | None = None,
    progress: Callable[[SummaryRecomputeResult], None] | None = None,
) -> float | None:
    """Recompute every pending treaty (of `treaty_ids`, or all) that can be claimed now.

    1. Read the pending marks; skip those another worker holds (it loops the same way).
    2. Claim each (`summary_claim`) and recompute it (`summary_recompute`).
    3. Go round again until a round recomputes nothing, so marks set during a recompute
       are taken too; stop early after `budget` seconds.
    Returns the seconds until a mark that has not settled yet can be claimed (or 0 when the
    budget ran out), None when nothing is waiting for this caller.
    """
    ids = None if treaty_ids is None else list(treaty_ids)
    deadline = None if budget is None else time.monotonic() + budget
    while True:
        marks = SummaryMark.objects.filter(pending=True)
        if ids is not None:
            marks = marks.filter(pk__in=ids)
        now = timezone.now()
        waiting: float | None = None
        recomputed = False
        for pk, marked_at, since, claimed_at in marks.order_by("pk").values_list(
            "pk", "marked_at", "pending_since", "claimed_at"
        ):
            if claimed_at is not None and claimed_at >= _stale_before(now):
                continue
            token = summary_claim(treaty_id=pk, settle=settle)
            if token is None:
                waits = []
                if marked_at is not None:
                    waits.append(settle - (now - marked_at).total_seconds())
                if since is not None:
                    waits.append(settings.SUMMARY_MAX_WAIT_SECONDS - (now - since).total_seconds())
                wait = max(min(waits, default=settle), 0.05)
                waiting = wait if waiting is None else min(waiting, wait)
                continue
            try:
                result = summary_recompute(treaty_id=pk, token=token)
            except (SummaryClaimLost, Treaty.DoesNotExist) as exc:
                logger.warning("summaries of treaty %s not written: %s", pk, exc)
                continue
            except BaseException:
                # Give the mark back (pending, unclaimed), so the sweep or the next wake-up retries
                # instead of the claim blocking the treaty until its lease lapses.
                SummaryMark.objects.filter(pk=pk, claim_token=token).update(
                    pending=True, pending_since=timezone.now(), claimed_at=None, claim_token=""
                )
                raise
            recomputed = True
            logger.info(
                "recomputed the summaries of %s: %d summaries, %d spans in %.2fs",
                result.treaty,
                result.summaries,
                result.spans,
                result.seconds,
            )
            if progress is not None:
                progress(result)
            if deadline is not None and time.monotonic() > deadline:
                return 0.0
        if not recomputed:
            return waiting


def summary_marks_sweep() -> list[int]:
    """Free the claims whose lease lapsed (their worker died), and list the treaties whose marks wait for a worker.

    Celery beat runs it every SUMMARY_SWEEP_SECONDS, so a wake-up lost with the broker, or a
    worker killed mid-recompute, costs a delay (at most the lease plus one sweep), never a
    wrong figure.
    """
    now = timezone.now()
    freed = SummaryMark.objects.filter(claimed_at__lt=_stale_before(now)).update(
        pending=True, pending_since=now, claimed_at=None, claim_token=""
    )
    if freed:
        logger.warning("freed %d summary claims whose lease lapsed (their worker died)", freed)
    return list(
        SummaryMark.objects.filter(pending=True, claimed_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    )


def summary_mark_all(*, treaty_ids: Iterable[int] | None = None, reason: str = "full recompute") -> list[int]:
    """Mark every treaty (or those given) for a recompute, pending or not; returns the pending ids.

    It sends no wake-up: the caller recomputes them or fans out one task per treaty.
    """
    treaty_ids = None if treaty_ids is None else list(treaty_ids)
    summary_mark(treaty_ids=treaty_ids, reason=reason, wake=False)
    marks = SummaryMark.objects.filter(pending=True)
    if treaty_ids is not None:
        marks = marks.filter(pk__in=list(treaty_ids))
    return list(marks.order_by("pk").values_list("pk", flat=True))
