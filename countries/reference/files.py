"""What every reference loader shares: the data folder, reading its CSV files, and loading a data set once."""

import csv
import datetime
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

from countries.models import Country, ReferenceDataset

DATA_DIR: Path = settings.BASE_DIR / "data"
REASON = "load_reference_data"


def read_csv(name: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with open(data_dir / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_names(name: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    """The rows of a names file of `data/names/` (its first lines, starting with #, give its source)."""
    with open(data_dir / "names" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def staff_written(model: type[models.Model], fields: Sequence[str]) -> set[tuple[int, str]]:
    """The (pk, field) pairs whose present value someone other than the loader wrote: one query on the history.

    A field's author is the author of the last history row that changed it; the loader's rows carry REASON.
    """
    authors: dict[tuple[int, str], bool] = {}
    before: dict[int, list] = {}
    history = model.history.order_by("id", "history_date", "history_id")
    for pk, reason, *values in history.values_list("id", "history_change_reason", *fields):
        previous = before.get(pk)
        for i, field in enumerate(fields):
            if previous is None or previous[i] != values[i]:
                authors[(pk, field)] = reason == REASON
        before[pk] = values
    return {key for key, by_loader in authors.items() if not by_loader}


def without_staff_names(
    model: type[models.Model], rows: Iterable[dict], *, key: Sequence[str], fields: Sequence[str]
) -> list[dict]:
    """`rows` less the translated names staff wrote in the admin: a staff edit wins over the shipped file,
    whenever the file changes (the English fields load as before)."""
    rows = list(rows)
    kept = staff_written(model, fields)
    if not kept:
        return rows
    pks = {tuple(values[:-1]): values[-1] for values in model.objects.values_list(*key, "pk")}
    for row in rows:
        pk = pks.get(tuple(row[f] for f in key))
        for field in fields:
            if (pk, field) in kept:
                row.pop(field, None)
    return rows


def fingerprint(*names: str, extra: str = "", data_dir: Path = DATA_DIR) -> str:
    digest = hashlib.sha256(extra.encode())
    for name in names:
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()


def parse_date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def reference_dataset_apply(
    *, name: str, fingerprint: str, load: Callable[[Counter], None], force: bool, stats: Counter
) -> bool:
    """Load one data set unless it was loaded before from the same files; True if it was loaded.

    Skipping an unchanged data set keeps staff corrections made since in place.
    """
    dataset = ReferenceDataset.objects.filter(name=name).first()
    if dataset and dataset.fingerprint == fingerprint and not force:
        return False
    own = Counter()
    with transaction.atomic():
        load(own)
        if dataset is None or dataset.fingerprint != fingerprint:
            summary = ", ".join(f"{v} {k}" for k, v in sorted(own.items())) or "no changes"
            ReferenceDataset.objects.update_or_create(
                name=name, defaults={"fingerprint": fingerprint, "summary": summary}
            )
    stats.update(own)
    return True


def countries_by_code() -> dict[str, Country]:
    """Every country by its ISO alpha-2 and alpha-3 codes."""
    countries = {}
    for country in Country.objects.all():
        countries[country.iso2] = country
        countries[country.iso3] = country
    return countries
