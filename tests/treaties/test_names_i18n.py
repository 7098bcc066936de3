"""Treaty, region and forum names on French and Spanish pages; CSV files and the API stay English."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from api.views import TreatySummaries
from countries.models import Forum, Region, RegionScheme
from tests.admin_forms import page_data
from treaties import exports
from treaties.choices import CountBasis
from treaties.models import Treaty
from treaties.selectors import forum_summary_rows, region_summary_rows

pytestmark = pytest.mark.django_db

ON = datetime.date(2010, 12, 30)  # not a stored date: read from the spans or the events


@pytest.fixture
def ottawa(reference_data) -> Treaty:
    return Treaty.objects.get(slug="ottawa")


def test_treaties_have_their_official_french_and_spanish_names(ottawa):
    with translation.override("fr"):
        assert ottawa.local_short_name == "Convention d'Ottawa"
        assert ottawa.local_title.startswith("Convention sur l'interdiction de l'emploi, du stockage")
    with translation.override("es"):
        assert ottawa.local_short_name == "Convención de Ottawa"
        assert ottawa.local_title.startswith("Convención sobre la prohibición del empleo, almacenamiento")
    with translation.override("en"):
        assert ottawa.local_short_name == "Ottawa Convention"
    ccw = Treaty.objects.get(slug="ccw")
    assert (ccw.short_name_fr, ccw.short_name_es) == (
        "Convention sur certaines armes classiques",
        "Convención sobre Ciertas Armas Convencionales",
    )
    # Every shipped treaty has its names in both languages.
    for field in ("short_name_fr", "short_name_es", "title_fr", "title_es"):
        assert not Treaty.objects.filter(**{field: ""}).exists(), field


def _queries(function) -> tuple[object, int]:
    """The result and the queries of `function`, with a cold cache (the on-demand summaries are cached)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        result = function()
    return result, len(queries)


def test_summary_labels_follow_the_language_for_one_query_more(ottawa):
    m49 = RegionScheme.objects.get(slug="m49")
    english, english_queries = _queries(
        lambda: region_summary_rows(treaty=ottawa, scheme=m49, on=ON, count=CountBasis.IN_FORCE)
    )
    with translation.override("fr"):
        french, french_queries = _queries(
            lambda: region_summary_rows(treaty=ottawa, scheme=m49, on=ON, count=CountBasis.IN_FORCE)
        )
    with translation.override("es"):
        spanish = region_summary_rows(treaty=ottawa, scheme=m49, on=ON, count=CountBasis.IN_FORCE)
    assert [row.label for row in english] == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    assert [row.label for row in french] == ["Afrique", "Amériques", "Asie", "Europe", "Océanie"]
    assert [row.label for row in spanish] == ["África", "Américas", "Asia", "Europa", "Oceanía"]
    assert [row.label_en for row in french] == [row.label for row in english]
    assert [row.countries for row in french] == [row.countries for row in english]
    with translation.override("fr"):
        assert french[0].region.local_name == "Afrique"
    # The names are read by the regions' ids in one query; English reads none (the exact table holds).
    assert french_queries == english_queries + 1


def test_forum_labels_in_spanish(ottawa):
    with translation.override("es"):
        rows = forum_summary_rows(treaty=ottawa, on=ON, count=CountBasis.IN_FORCE)
    labels = {row.forum.slug: row.label for row in rows}
    assert labels["cd"] == "Conferencia de Desarme"
    assert labels["oas"] == "Organización de los Estados Americanos"


def test_a_staff_edit_of_a_region_name_in_the_admin_shows_on_the_french_page(ottawa, editor_client):
    africa = Region.objects.get(scheme__slug="m49", code="2")
    url = f"/admin/countries/region/{africa.pk}/change/"
    page = editor_client.get(url)
    assert page.status_code == 200
    data = page_data(page)
    data.update(name_fr="Continent africain", change_reason="test")
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    french = editor_client.get(f"/fr/regions/?scheme=m49&date={ON}").content.decode()
    english = editor_client.get(f"/regions/?scheme=m49&date={ON}").content.decode()
    assert "Continent africain" in french
    assert "Continent africain" not in english and "Africa" in english


def test_a_staff_edit_of_a_treaty_name_stays_through_a_reload(ottawa, editor_client):
    from collections import Counter

    from treaties.reference import reference_treaties_apply

    url = f"/admin/treaties/treaty/{ottawa.pk}/change/"
    page = editor_client.get(url)
    assert page.status_code == 200
    data = page_data(page)
    data.update(short_name_es="Tratado de Ottawa", change_reason="test")
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    reference_treaties_apply(force=True, stats=Counter())
    ottawa.refresh_from_db()
    assert (ottawa.short_name_fr, ottawa.short_name_es) == ("Convention d'Ottawa", "Tratado de Ottawa")


def test_the_regions_csv_is_the_same_bytes_in_every_language(ottawa, client):
    scheme = RegionScheme.objects.get(slug="m49-subregions")

    def csv_text() -> list[tuple]:
        rows = region_summary_rows(treaty=ottawa, scheme=scheme, on=ON, count=CountBasis.IN_FORCE)
        return list(exports.region_summary_rows(rows, scheme))

    english = csv_text()
    for language in ("fr", "es"):
        with translation.override(language):
            assert csv_text() == english
    assert ("m49-subregions", "Eastern Africa") in {row[:2] for row in english}

    url = f"/regions.csv?scheme=m49-subregions&date={ON}"
    body = b"".join(client.get(url).streaming_content)
    assert b"Eastern Africa" in body
    for other in (
        client.get(url, HTTP_ACCEPT_LANGUAGE="fr"),
        client.get(f"/fr{url}"),
        client.get(f"/es{url}"),
    ):
        assert b"".join(other.streaming_content) == body
    forums = b"".join(client.get(f"/forums.csv?date={ON}").streaming_content)
    assert b"".join(client.get(f"/es/forums.csv?date={ON}").streaming_content) == forums


def test_the_api_answers_in_english_under_an_active_french(ottawa, client):
    url = f"/api/v1/treaties/ottawa/summaries/?scheme=m49&date={ON}"
    english = client.get(url)
    assert english.status_code == 200
    assert b'"label":"Africa"' in english.content.replace(b" ", b"")
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content == english.content
    # The view itself, called with French active (no middleware to reset the language).
    view = TreatySummaries.as_view()
    with translation.override("fr"):
        response = view(RequestFactory().get(url), slug="ottawa")
        assert translation.get_language() == "fr"
    assert response.content == english.content


def test_a_blank_french_name_shows_the_english(ottawa):
    Forum.objects.filter(slug="cd").update(name_fr="")
    with translation.override("fr"):
        rows = forum_summary_rows(treaty=ottawa, on=ON, count=CountBasis.IN_FORCE)
    assert {row.forum.slug: row.label for row in rows}["cd"] == "Conference on Disarmament"
