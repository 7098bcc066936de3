import time

from django.core.management.base import BaseCommand, CommandError

from treaties.models import SummaryMark, Treaty
from treaties.services import summaries


class Command(BaseCommand):
    help = (
        "Recompute the stored summaries now, in this process: those with a pending mark, or with --full "
        "every treaty's (or only the one given with --treaty)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--treaty", metavar="SLUG", help="Only this treaty.")
        parser.add_argument("--full", action="store_true", help="Recompute even if no change is pending.")

    def handle(self, *args, treaty: str | None = None, full: bool = False, **options):
        ids = None
        if treaty:
            found = Treaty.objects.filter(slug=treaty).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"No treaty with the slug {treaty!r}.")
            ids = [found]
        if full:
            summaries.summary_mark_all(treaty_ids=ids, reason="recompute_summaries --full")
        marks = SummaryMark.objects.filter(pending=True)
        if ids is not None:
            marks = marks.filter(pk__in=ids)
        todo = marks.count()
        self.stdout.write(f"{todo} treat{'y' if todo == 1 else 'ies'} with summaries to recompute.")
        done = []
        started = time.perf_counter()

        def progress(result: summaries.SummaryRecomputeResult) -> None:
            done.append(result)
            self.stdout.write(
                f"  [{len(done)}/{todo}] {result.treaty.slug}: {result.summaries:,} summaries and "
                f"{result.spans:,} spans in {result.seconds:.2f}s"
            )

        summaries.summary_marks_process(treaty_ids=ids, settle=0.0, progress=progress)
        left = marks.count()
        took = time.perf_counter() - started
        rows = sum(r.summaries for r in done)
        self.stdout.write(
            self.style.SUCCESS(f"Recomputed {len(done)} treaties ({rows:,} stored summaries) in {took:.1f}s.")
        )
        if left:
            self.stdout.write(f"{left} still pending: a worker holds them or they were marked meanwhile.")
