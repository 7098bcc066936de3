from collections import Counter

from django.core.management.base import BaseCommand

from countries.reference import reference_countries_apply
from treaties.reference import reference_treaties_apply


class Command(BaseCommand):
    help = (
        "Load the shipped reference data (countries, region schemes, forums and memberships, "
        "the treaties of data/treaties.csv, parents before their protocols, with the events of "
        "their depositary's pages: participants, declarations, reservations, objections, "
        "territorial applications, end notes). A data set whose files have not changed since it "
        "was loaded is skipped, so running it again writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Compare every data set with the database even if its files have not changed.",
        )

    def handle(self, *args, force: bool = False, **options):
        stats: Counter = Counter()
        loaded = reference_countries_apply(force=force, stats=stats)
        loaded += reference_treaties_apply(force=force, stats=stats)
        if not loaded:
            self.stdout.write("Reference data is up to date: nothing to load.")
            return
        for name, count in sorted(stats.items()):
            self.stdout.write(f"  {count:>5} {name}")
        changes = sum(stats.values())
        self.stdout.write(self.style.SUCCESS(f"Loaded {', '.join(loaded)}: {changes} rows written."))
