"""`generate_synthetic`: the benchmarks' data, built by bench/synthetic.py (tooling, not the runtime app)."""

from django.core.management.base import BaseCommand, CommandError

from bench.synthetic import synthetic_generate


class Command(BaseCommand):
    help = "Generate synthetic treaties and events (slugs starting with 'syn-') for `make bench`."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=1_000_000, help="About how many events to create.")
        parser.add_argument("--treaties", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1997)
        parser.add_argument("--keep", action="store_true", help="Keep existing synthetic data and add to it.")

    def handle(self, *args, events: int, treaties: int, seed: int, keep: bool, **options):
        if events <= 0 or treaties <= 0:
            raise CommandError("--events and --treaties must be positive")
        created, took = synthetic_generate(
            events=events, treaties=treaties, seed=seed, keep=keep, say=self.stdout.write
        )
        self.stdout.write(self.style.SUCCESS(f"Created {treaties} treaties and {created:,} events in {took:.1f}s."))
