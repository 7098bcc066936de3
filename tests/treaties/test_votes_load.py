"""The General Assembly's yearly votes on the Ottawa Convention, as load_reference_data loads them."""

import csv
import shutil
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from countries.reference import DATA_DIR
from treaties.choices import EventKind
from treaties.models import StatusEvent
from treaties.reference import reference_votes_apply

pytestmark = pytest.mark.django_db


def published_totals() -> dict[str, dict[str, int]]:
    """Each year's published yes/no/abstain, from the UN Digital Library's rows (complete ones)."""
    totals = {}
    with open(DATA_DIR / "unga_ottawa_totals.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if all(row[v].strip() for v in ("yes", "no", "abstain")):
                totals[row["year"]] = {v: int(row[v]) for v in ("yes", "no", "abstain")}
    return totals


def test_the_loaded_votes_equal_the_published_totals_every_year(reference_data):
    loaded = Counter(
        (date.year, value)
        for date, value in StatusEvent.objects.filter(treaty__slug="ottawa", kind=EventKind.UNGA_VOTE).values_list(
            "date", "value"
        )
    )
    totals = published_totals()
    assert sorted(totals) == [str(y) for y in range(1997, 2022)]
    for year, figures in totals.items():
        for vote, published in figures.items():
            assert loaded[(int(year), vote)] == published, (year, vote)
    assert loaded[(2021, "absent")] == 5


def test_a_vote_names_its_resolution_and_record(reference_data):
    vote = StatusEvent.objects.get(
        treaty__slug="ottawa", kind=EventKind.UNGA_VOTE, country__iso3="USA", date__year=2021
    )
    assert vote.value == "abstain"
    assert vote.note == "A/RES/76/26"
    assert "digitallibrary.un.org/record/39505" in vote.source


def test_former_states_vote_as_themselves(reference_data):
    yug = StatusEvent.objects.filter(kind=EventKind.UNGA_VOTE, country__iso3="YUG").values_list("date__year", flat=True)
    scg = StatusEvent.objects.filter(kind=EventKind.UNGA_VOTE, country__iso3="SCG").values_list("date__year", flat=True)
    srb = StatusEvent.objects.filter(kind=EventKind.UNGA_VOTE, country__iso3="SRB").values_list("date__year", flat=True)
    assert yug and scg and srb
    assert max(yug) < min(scg) <= max(scg) < min(srb)


def test_a_second_run_writes_no_vote(reference_data):
    before = StatusEvent.history.filter(kind=EventKind.UNGA_VOTE).count()
    stats = Counter()
    assert reference_votes_apply(force=True, stats=stats) == ["votes:ottawa"]
    assert sum(stats.values()) == 0
    assert StatusEvent.history.filter(kind=EventKind.UNGA_VOTE).count() == before


def test_votes_that_disagree_with_the_totals_fail_naming_the_year(reference_data, tmp_path):
    for name in ("unga_ottawa_votes.csv", "unga_ottawa_totals.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    path = tmp_path / "unga_ottawa_votes.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("2005,") and ",yes," in line)
    lines[index] = lines[index].replace(",yes,", ",abstain,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CommandError, match=r"2005 \(A/RES/60/80\): yes 157 \(published 158\), abstain 18"):
        reference_votes_apply(force=True, stats=Counter(), data_dir=tmp_path)


def test_load_reference_data_names_the_votes_it_loads(reference_data):
    StatusEvent.objects.filter(kind=EventKind.UNGA_VOTE, country__iso3="NZL").delete()
    out = StringIO()
    call_command("load_reference_data", "--force", stdout=out)
    assert "votes:ottawa" in out.getvalue()
    assert StatusEvent.objects.filter(kind=EventKind.UNGA_VOTE, country__iso3="NZL").count() == 25
