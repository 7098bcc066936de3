"""A copy of the test database taken once, after the shipped record is loaded, put back in about a second.

A transactional test (the browser tests, the real Celery workers) ends by emptying the database, so
the next test that needs the shipped record used to load it again: `load_reference_data` and a
recompute of every treaty's summaries, some ten seconds a test. Putting back a copy is a matter of
the database's own bulk tools, which Django does not wrap (its serialized rollback goes through the
ORM row by row, as slow as loading):

- PostgreSQL: every table's rows with `COPY … TO STDOUT` once, `TRUNCATE` and `COPY … FROM STDIN`
  to restore (foreign keys are deferred to the commit), then the sequences set past the largest id.
- SQLite: the database file's pages with sqlite3's online backup, both ways.

`django_migrations` is left alone: the schema does not change during the run.
"""

import io
import sqlite3

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

KEEP = {"django_migrations"}


class DatabaseSnapshot:
    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.tables: list[tuple[str, bytes]] = []
        self.sqlite: sqlite3.Connection | None = None

    @classmethod
    def take(cls) -> "DatabaseSnapshot":
        snapshot = cls()
        connection.ensure_connection()
        if snapshot.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in sorted(set(connection.introspection.table_names(cursor)) - KEEP):
                    buffer = io.BytesIO()
                    cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} TO STDOUT", buffer)
                    snapshot.tables.append((table, buffer.getvalue()))
        elif snapshot.vendor == "sqlite":
            snapshot.sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(snapshot.sqlite)
        else:  # pragma: no cover - the project runs on these two
            raise NotImplementedError(connection.vendor)
        return snapshot

    def can_restore(self) -> bool:
        """SQLite cannot copy pages into a database with a transaction open (a test inside `atomic`)."""
        return self.vendor == "postgresql" or not connection.in_atomic_block

    def restore(self) -> None:
        if self.vendor == "postgresql":
            self._restore_postgresql()
        else:
            connection.ensure_connection()
            self.sqlite.backup(connection.connection)

    def _restore_postgresql(self) -> None:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(quote(table) for table, _ in self.tables) + " CASCADE")
            for table, rows in self.tables:
                cursor.copy_expert(f"COPY {quote(table)} FROM STDIN", io.BytesIO(rows))
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
