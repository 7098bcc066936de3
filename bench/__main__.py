"""Run the benchmark sections against PostgreSQL: `python -m bench [section ...]`.

Each section is a module in this package with a `run(stdout)` function; it builds the data
it needs with `generate_synthetic` (or the shipped record), measures, and prints each figure
with its reference. `python -m bench pages` runs an OPTIONAL section.
"""

import importlib
import os
import sys

# The default run (`make bench`).
SECTIONS = ["summaries", "exports", "dashboards"]
# Run only when named, e.g. `make bench SECTIONS=pages`: it serves the app twice (PostgreSQL, then SQLite)
# and loads the shipped record into each, which would make every default run minutes longer.
OPTIONAL = ["pages"]


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ottawa_tracker.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("make bench measures on PostgreSQL: set DATABASE_URL (the Makefile defaults to ottawa_bench)")
        return 2
    chosen = argv or SECTIONS
    for name in chosen:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{name}":
                raise
            print(f"== {name}: not written yet")
            continue
        print(f"== {name}")
        module.run(sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
