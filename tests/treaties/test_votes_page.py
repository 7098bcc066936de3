"""/treaties/<slug>/votes/ and votes.csv: each year's vote, by region, and among the States outside the treaty."""

import csv
import io

import pytest
from django.urls import reverse

from countries.models import RegionScheme
from countries.selectors import country_lineage_map
from treaties.choices import EventKind
from treaties.models import StatusEvent, Treaty
from treaties.selectors.status_rows import acts_by_treaty_and_country
from treaties.selectors.votes import treaty_votes
from treaties.status import country_status

pytestmark = pytest.mark.django_db


def outside_yes_2021() -> int:
    """Counted here independently of the selector: the 2021 yes votes of States not parties on the day."""
    treaty = Treaty.objects.get(slug="ottawa")
    votes = StatusEvent.objects.filter(treaty=treaty, kind=EventKind.UNGA_VOTE, date__year=2021)
    day = votes.first().date
    acts = acts_by_treaty_and_country(treaties=[treaty], on=day)[treaty.pk]
    lineage = country_lineage_map()
    count = 0
    for vote in votes:
        own = [*acts.get(vote.country_id, []), *(a for p in lineage.get(vote.country_id, ()) for a in acts.get(p, []))]
        if vote.value == "yes" and not country_status(treaty.rule, own, day).is_party:
            count += 1
    return count


def test_2021_page_shows_the_region_split_and_the_figure_among_non_parties(client, reference_data):
    response = client.get(reverse("treaties:treaty_votes", kwargs={"slug": "ottawa"}), {"year": 2021})
    assert response.status_code == 200
    page = response.content.decode()
    chosen = response.context["chosen"]
    assert (chosen.all.yes, chosen.all.no, chosen.all.abstain) == (169, 0, 19)
    expected = outside_yes_2021()
    assert 0 < expected < 169
    assert chosen.outside.yes == expected
    assert f"{expected} voted yes" in page
    assert "A/RES/76/26" in page
    regions = {r.label: r for r in response.context["votes"].regions}
    assert {"Africa", "Asia", "Europe", "Oceania"} <= set(regions)
    assert sum(r.all.yes for r in regions.values()) == 169
    assert sum(r.outside.members for r in regions.values()) == chosen.outside.members
    # Asia holds most of the States outside the treaty.
    assert regions["Asia"].outside.members > regions["Europe"].outside.members


def test_votes_csv_agrees_with_the_page(client, reference_data):
    params = {"year": 2021, "scheme": "m49"}
    page = client.get(reverse("treaties:treaty_votes", kwargs={"slug": "ottawa"}), params)
    response = client.get(reverse("treaties:treaty_votes_export", kwargs={"slug": "ottawa"}), params)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    chosen = page.context["chosen"]
    by_group = {(r["group"], r["among"]): r for r in rows}
    overall = by_group[("All members", "all members")]
    outside = by_group[("All members", "not parties on the date")]
    assert (int(overall["yes"]), int(overall["abstain"]), int(overall["absent"])) == (169, 19, 5)
    assert int(outside["yes"]) == chosen.outside.yes
    for region in page.context["votes"].regions:
        row = by_group[(region.label, "not parties on the date")]
        assert [int(row[v]) for v in ("yes", "no", "abstain", "absent")] == list(region.outside.as_tuple())
        assert f">{region.label}<" in page.content.decode()
    assert {r["year"] for r in rows} == {"2021"}


def test_default_year_is_the_latest_and_a_year_without_a_vote_says_so(client, reference_data):
    url = reverse("treaties:treaty_votes", kwargs={"slug": "ottawa"})
    assert client.get(url).context["chosen"].year == 2021
    response = client.get(url, {"year": 1990})
    assert response.status_code == 200
    assert "No vote is recorded for 1990" in response.content.decode()


@pytest.mark.parametrize("params", [{"year": "soon"}, {"scheme": "nowhere"}, {"year": "99999"}])
def test_a_bad_parameter_is_a_400_with_the_form(client, reference_data, params):
    response = client.get(reverse("treaties:treaty_votes", kwargs={"slug": "ottawa"}), params)
    assert response.status_code == 400
    response = client.get(reverse("treaties:treaty_votes_export", kwargs={"slug": "ottawa"}), params)
    assert response.status_code == 400


def test_the_selector_reads_in_a_constant_number_of_queries(reference_data, django_assert_num_queries):
    treaty = Treaty.objects.get(slug="ottawa")
    scheme = RegionScheme.objects.get(slug="m49")
    with django_assert_num_queries(5):
        votes = treaty_votes(treaty=treaty, scheme=scheme, year=1997)
    assert len(votes.years) == 25
    assert votes.chosen.all.yes == 142


def test_member_tables_show_each_members_latest_vote(client, reference_data):
    html = client.get("/forums/cd/", {"treaty": "ottawa", "date": "2026-11-27"}).content.decode()
    assert '<th scope="col">GA vote</th>' in html
    usa = html[html.index("/countries/USA/") :]
    usa = usa[: usa.index("</tr>")]
    assert 'abstain <small class="date">2021</small>' in usa
    # Before any vote, the column is there and empty.
    early = client.get("/regions/m49/europe/", {"treaty": "ottawa", "date": "1997-12-02"}).content.decode()
    assert '<th scope="col">GA vote</th>' in early and '<small class="date">1997</small>' not in early
    # The treaty's own table keeps its columns.
    assert "GA vote" not in client.get("/treaties/ottawa/").content.decode()


def test_the_country_page_lists_its_votes_apart_from_its_timeline(client, reference_data):
    html = client.get("/countries/USA/").content.decode()
    history = html[html.index('id="votes-heading"') :]
    assert history.count("A/RES/") >= 25
    timeline = html[html.index('<ol class="timeline">') : html.index("</ol>", html.index('<ol class="timeline">'))]
    assert "General Assembly vote" not in timeline
