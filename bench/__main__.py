"""Run the benchmark sections against PostgreSQL: `python -m bench [section ...]`.

Each section is a module in this package with a `run(stdout)` function; it builds the data
it needs with `generate_synthetic`, measures, and prints each figure with its reference.
"""

import importlib
import os
import sys

SECTIONS = ["summaries", "exports", "dashboards"]


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
