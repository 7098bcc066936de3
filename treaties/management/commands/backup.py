"""`python manage.py backup FILE`: the whole database into one file, for `restore`.

PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore`, which `restore` runs).
SQLite: `dumpdata` as JSON with natural keys, every table (history included) except those
`migrate` rebuilds by itself (content types, permissions) and the sessions.
"""

import os
import subprocess
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

# Rebuilt by `migrate` in the fresh database; sessions are logins, not data.
DUMPDATA_EXCLUDE = ["contenttypes", "auth.permission", "sessions"]


def pg_environment() -> tuple[list[str], dict[str, str]]:
    """libpq connection options for the default database, the password in the environment (never argv)."""
    s = connection.settings_dict
    args = ["--host", s["HOST"] or "127.0.0.1", "--port", str(s["PORT"] or 5432), "--username", s["USER"] or "postgres"]
    env = {**os.environ}
    if s["PASSWORD"]:
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def dumpdata_backup(path: Path) -> None:
    """The SQLite backup: every model's rows as JSON, with natural keys (works from any database)."""
    call_command(
        "dumpdata", natural_foreign=True, natural_primary=True, exclude=DUMPDATA_EXCLUDE, output=str(path), verbosity=0
    )


def run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise CommandError(f"{command[0]} is not installed: install the PostgreSQL client tools.") from None
    if done.returncode != 0:
        raise CommandError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


class Command(BaseCommand):
    help = (
        "Write the whole database to FILE: pg_dump's custom format on PostgreSQL, JSON (dumpdata) on SQLite. "
        "Restore it with `manage.py restore FILE` into a fresh database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup, e.g. ottawa-2026-11-27.dump (or .json on SQLite).")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if connection.vendor == "postgresql":
            args, env = pg_environment()
            run(
                [
                    "pg_dump",
                    *args,
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(path),
                    connection.settings_dict["NAME"],
                ],
                env,
            )
        elif connection.vendor == "sqlite":
            dumpdata_backup(path)
        else:
            raise CommandError(f"No backup method for {connection.vendor}.")
        self.stdout.write(
            self.style.SUCCESS(f"Backed up the {connection.vendor} database to {path} ({path.stat().st_size:,} bytes).")
        )
