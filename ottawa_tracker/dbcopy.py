"""Writing many plain rows at once: PostgreSQL's COPY, else multi-row INSERTs."""

import datetime
import io

from django.db import connection, models


def rows_insert(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """Insert plain rows (values already adapted for the database) into `model`'s table.

    A summary recompute writes some ten thousand rows; `bulk_create` spends most of its time
    building and preparing a model instance per row, and even multi-row INSERTs spend it on
    parameters.
    """
    if not rows:
        return
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(copy_text(value) for value in row))
                buffer.write("\n")
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
            return
        limit = connection.features.max_query_params
        batch = min(1000, limit // len(columns)) if limit else 1000
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for first in range(0, len(rows), batch):
            chunk = rows[first : first + batch]
            # Names come from the model's metadata; every value is a parameter.
            sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}"  # noqa: S608
            cursor.execute(sql, [value for row in chunk for value in row])


def copy_text(value) -> str:
    """One value in COPY's text format: \\N for NULL, backslash escapes in text."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
