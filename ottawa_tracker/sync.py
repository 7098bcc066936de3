"""Idempotent loading of shipped data: create what is missing, change what differs, touch nothing else.

A second load of the same data writes nothing, so it adds no history rows either.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models


def sync_rows(
    model: type[models.Model],
    *,
    key: Sequence[str],
    rows: Iterable[dict[str, Any]],
    scope: models.QuerySet | None = None,
    reason: str,
    stats: Counter,
) -> dict[tuple, models.Model]:
    """Bring `model`'s rows in line with `rows`, matched on the `key` fields; returns every row by key.

    Field names are attribute names (`country_id`, not `country`). Rows in the
    database that `rows` does not mention are left as they are: staff may have added them.
    """
    existing = {
        tuple(getattr(obj, f) for f in key): obj for obj in (scope if scope is not None else model.objects.all())
    }
    label = model._meta.verbose_name_plural
    for row in rows:
        row_key = tuple(row[f] for f in key)
        obj = existing.get(row_key)
        if obj is None:
            obj = model(**row)
            obj._change_reason = reason
            obj.save()
            existing[row_key] = obj
            stats[f"{label} created"] += 1
            continue
        changed = [f for f, value in row.items() if getattr(obj, f) != value]
        if changed:
            for f in changed:
                setattr(obj, f, row[f])
            obj._change_reason = reason
            obj.save()
            stats[f"{label} updated"] += 1
    return existing
