"""A forum seat cannot start before its country existed, whoever writes it (issue 8, finding 5).

Serbia's OSCE seat from 2000 was carried by the Federal Republic of Yugoslavia, then
Serbia and Montenegro; Serbia continues both and so counts their seat.
"""

import csv
import datetime
import shutil
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from countries import services
from countries.choices import MembershipRole
from countries.models import Country, Forum, ForumMembership, ReferenceDataset
from countries.reference import DATA_DIR, REASON, reference_forums_load
from ottawa_tracker.sync import sync_rows
from ottawa_tracker.text import SOURCE_NOT_VISIBLE
from treaties.models import Treaty
from treaties.selectors import forum_member_rows, forum_summary_rows

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
ADD_URL = "/admin/countries/forummembership/add/"


def shipped_memberships(data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with open(data_dir / "forum_memberships.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def osce_seats(on: str) -> tuple[int, list[str]]:
    """The OSCE's counted members on a day, and which of the Yugoslav line holds a seat."""
    ottawa = Treaty.objects.get(slug="ottawa")
    row = next(r for r in forum_summary_rows(treaty=ottawa, on=D(on), count="in_force") if r.forum.slug == "osce")
    members = forum_member_rows(treaty=ottawa, forum=Forum.objects.get(slug="osce"), on=D(on), count="in_force")
    line = sorted(r.country.iso3 for r in members.by_role("member") if r.country.iso3 in {"YUG", "SCG", "SRB", "MNE"})
    assert len(members.by_role("member")) == row.countries
    return row.countries, line


def test_every_shipped_seat_starts_while_its_country_existed(reference_data):
    countries = {code: c for c in Country.objects.all() for code in (c.iso2, c.iso3)}  # the EU row says EU
    outside = [
        (r["forum"], r["iso3"], r["start_date"])
        for r in shipped_memberships()
        if r["start_date"] and not countries[r["iso3"]].exists_on(D(r["start_date"]))
    ]
    assert outside == []


def test_the_osce_counts_the_yugoslav_seat_from_its_admission(reference_data):
    # Admitted on 10 November 2000 as the 55th participating State.
    assert osce_seats("2000-11-09") == (54, [])
    assert osce_seats("2003-01-01") == (55, ["YUG"])  # was 54: the seat sat on Serbia, which did not exist yet
    assert osce_seats("2004-06-01") == (55, ["SCG"])
    assert osce_seats("2006-06-02") == (55, ["SCG"])
    assert osce_seats("2006-06-10") == (55, ["SRB"])  # Serbia continues the seat; Montenegro not yet admitted
    assert osce_seats("2006-07-01") == (56, ["MNE", "SRB"])
    assert osce_seats("2026-01-01") == (57, ["MNE", "SRB"])


def test_the_service_refuses_a_seat_before_the_country_existed(reference_data):
    membership = ForumMembership(
        forum=Forum.objects.get(slug="osce"),
        country=Country.objects.get(iso3="SRB"),
        start_date=D("2000-09-10"),
        source="osce.org",
    )
    with pytest.raises(ValidationError) as excinfo:
        services.forum_membership_save(membership=membership)
    assert excinfo.value.message_dict["start_date"] == [
        "Serbia came into being on 2006-06-03; a seat from 2000-09-10 belongs to the state that held it then "
        "(a state that continues it counts its seats)."
    ]
    membership.country = Country.objects.get(iso3="YUG")
    membership.start_date = D("2004-01-01")
    with pytest.raises(ValidationError) as excinfo:
        services.forum_membership_save(membership=membership)
    assert "Yugoslavia ceased to exist on 2003-02-04; it cannot take a seat on 2004-01-01." in str(excinfo.value)


@pytest.mark.parametrize("source", ["  ", "\t", "\u200b"], ids=["spaces", "tab", "zero-width"])
def test_the_service_refuses_a_seat_whose_source_shows_nothing(reference_data, source):
    membership = ForumMembership(
        forum=Forum.objects.get(slug="osce"),
        country=Country.objects.get(iso3="NZL"),
        role=MembershipRole.PARTNER,
        start_date=D("2001-01-01"),
        source=source,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.forum_membership_save(membership=membership)
    assert excinfo.value.message_dict["source"] == [SOURCE_NOT_VISIBLE]


def test_the_admin_refuses_a_seat_before_the_country_existed(editor_client, reference_data):
    data = {
        "forum": Forum.objects.get(slug="osce").pk,
        "country": Country.objects.get(iso3="SRB").pk,
        "role": MembershipRole.MEMBER,
        "start_date": "2000-09-10",
        "start_precision": "day",
        "end_date": "",
        "end_note": "",
        "source": "osce.org",
        "start_source": "",
        "note": "",
    }
    before = ForumMembership.objects.count()
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert (
        "Serbia came into being on 2006-06-03; a seat from 2000-09-10 belongs to the state" in response.content.decode()
    )
    assert ForumMembership.objects.count() == before
    data["country"] = Country.objects.get(iso3="YUG").pk
    data["start_date"] = "2000-11-10"
    data["role"] = MembershipRole.OBSERVER  # a second row beside the shipped member seat
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_lifespan_change_cannot_leave_a_seat_outside(reference_data):
    serbia = Country.objects.get(iso3="SRB")
    serbia.valid_from = D("2007-01-01")
    with pytest.raises(ValidationError) as excinfo:
        services.country_save(country=serbia)
    assert "would fall outside these dates" in " ".join(excinfo.value.message_dict["valid_from"])


def _data_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def test_the_loader_refuses_a_seat_before_the_country_existed_and_names_the_line(reference_data, tmp_path):
    data = _data_copy(tmp_path)
    path = data / "forum_memberships.csv"
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("osce,OSCE,SRB,"))) + 1
    path.write_text(text.replace("osce,OSCE,SRB,Serbia,member,2006-06-03,", "osce,OSCE,SRB,Serbia,member,2000-09-10,"))
    before = ForumMembership.objects.count()
    with pytest.raises(CommandError) as excinfo:
        reference_forums_load(Counter(), data_dir=data)
    assert f"forum_memberships.csv line {line} (osce, SRB, 2000-09-10): Serbia came into being on 2006-06-03" in str(
        excinfo.value
    )
    assert ForumMembership.objects.count() == before


def test_an_existing_database_loses_the_misplaced_seat_on_a_plain_run(reference_data):
    """A database loaded from the earlier file: its Serbian seat from 2000 is retired, the right ones come in."""
    osce, serbia = Forum.objects.get(slug="osce"), Country.objects.get(iso3="SRB")
    ForumMembership.objects.filter(forum=osce, country__iso3__in=["YUG", "SCG"]).delete()
    old = {"forum_id": osce.pk, "country_id": serbia.pk, "role": "member", "start_date": D("2000-09-10")}
    old_rows = [{**old, "start_precision": "day", "source": "CIA World Factbook"}]
    sync_rows(
        ForumMembership,
        key=list(old),
        rows=old_rows,
        scope=ForumMembership.objects.none(),
        reason=REASON,
        stats=Counter(),
    )
    staff = ForumMembership.objects.create(
        forum=osce, country=Country.objects.get(iso3="NZL"), role="partner", start_date=D("1999-01-01"), source="staff"
    )
    ReferenceDataset.objects.filter(name="forums").update(fingerprint="the earlier file")
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "1 forum memberships retired" in out.getvalue()
    assert not ForumMembership.objects.filter(**old).exists()
    assert ForumMembership.objects.filter(pk=staff.pk).exists()  # never written by the loader: kept
    assert osce_seats("2003-01-01") == (55, ["YUG"])
    retired = ForumMembership.history.filter(country_id=serbia.pk, start_date=D("2000-09-10"), history_type="-")
    assert retired.get().history_change_reason == REASON
