"""What every reference loader shares: the data folder, reading its CSV files, and loading a data set once."""

import csv
import datetime
import hashlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from countries.models import Country, ReferenceDataset

DATA_DIR: Path = settings.BASE_DIR / "data"
REASON = "load_reference_data"


def read_csv(name: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with open(data_dir / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


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
