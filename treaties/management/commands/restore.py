"""`python manage.py restore FILE`: a backup written by `backup`, into the configured database.

PostgreSQL: `pg_restore --clean --if-exists --single-transaction`: the database becomes the
backup's, whole or not at all (create a fresh one with `createdb` first, or restore over the old).
SQLite: `migrate`, then the tables are emptied (`flush`) and `loaddata` reads the backup in one
transaction. Restore with the code the backup was made with: the schema is the backup's.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from treaties.management.commands.backup import pg_environment, run


class Command(BaseCommand):
    help = "Replace the database's contents with a backup written by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file.")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        if connection.vendor == "postgresql":
            args, env = pg_environment()
            run(
                ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
                + ["--dbname", connection.settings_dict["NAME"], str(path)],
                env,
            )
        elif connection.vendor == "sqlite":
            call_command("migrate", interactive=False, verbosity=0)
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(path), verbosity=0)
        else:
            raise CommandError(f"No restore method for {connection.vendor}.")
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into the {connection.vendor} database."))
