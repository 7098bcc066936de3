"""Loading the obligations (treaties/reference/obligations.py) marks every treaty whose obligations it writes.

Without the mark, CCM's and ATT's stored obligation counts (ObligationSummary) waited for the nightly
recompute: only Ottawa, whose research events the same load writes, was marked.
"""

import csv
import shutil
from collections import Counter

import pytest
from django.utils import timezone

from countries.reference import DATA_DIR
from treaties.models import ObligationSummary, SummaryMark, Treaty
from treaties.obligation_counts import obligation_summary_dates
from treaties.reference import OBLIGATION_FILES, reference_obligations_load
from treaties.summaries import WORLD_PANEL

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["ccm", "att"])
def test_loading_on_an_empty_database_stores_the_obligation_counts_of_every_treaty_with_obligations(
    reference_data, slug
):
    """The test database was empty when the session loaded the reference data (tests/conftest.py)."""
    treaty = Treaty.objects.get(slug=slug)
    obligations = treaty.obligations.count()
    assert obligations > 0
    days = obligation_summary_dates(in_force=treaty.entry_into_force, today=timezone.localdate())
    world = ObligationSummary.objects.filter(treaty=treaty, panel=WORLD_PANEL)
    assert world.count() == obligations * len(days)
    assert set(world.values_list("obligation__treaty__slug", flat=True)) == {slug}


def _pending() -> set[str]:
    return set(SummaryMark.objects.filter(pending=True).values_list("treaty__slug", flat=True))


def test_a_second_load_writes_nothing_and_marks_nothing(reference_data):
    SummaryMark.objects.update(pending=False)
    stats: Counter = Counter()
    reference_obligations_load(stats)
    assert stats == Counter()
    assert _pending() == set()


def test_a_changed_obligation_marks_its_treaty_only(reference_data, tmp_path):
    for name in OBLIGATION_FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    path = tmp_path / "obligations.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    changed = next(r for r in rows if r["treaty"] == "att")
    changed["name"] += " (renamed)"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    SummaryMark.objects.update(pending=False)
    stats: Counter = Counter()
    reference_obligations_load(stats, data_dir=tmp_path)
    assert stats == Counter({"obligations updated": 1})
    assert _pending() == {"att"}
    assert Treaty.objects.get(slug="att").obligations.get(slug=changed["slug"]).name == changed["name"]
