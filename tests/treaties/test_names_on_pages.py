"""The names as data on the pages (issue 16): /fr/ and /es/ pages print the countries', regions', schemes',
forums' and treaties' names in their language, in headings, titles, menus, chart titles and the map;
the English pages print the English ones (the other tests hold them byte for byte)."""

import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countries.models import Country, Region

pytestmark = pytest.mark.django_db

ON = "2010-12-30"


@pytest.fixture(autouse=True)
def _cold_cache(reference_data):
    """Every page rendered here, not read from the response cache of another test."""
    cache.clear()


def _plain(html: str) -> str:
    """The page's text with entities read, and the French non-breaking space before a colon dropped."""
    return re.sub(r"[\xa0\u202f]([:;!?])", r"\1", unescape(html))


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return _plain(response.content.decode())


def _tag(html: str, tag: str) -> str:
    """The text of the first <tag> of the page, its markup removed."""
    found = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.S)
    assert found, tag
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_the_country_page_heading_and_title_in_french_and_spanish(client):
    belarus = Country.objects.get(iso3="BLR")
    assert (belarus.name, belarus.name_fr, belarus.name_es) == ("Belarus", "Bélarus", "Belarús")
    french = _page(client, f"/fr/countries/BLR/?date={ON}")
    assert "Bélarus" in _tag(french, "h1") and "Belarus" not in _tag(french, "h1")
    assert _tag(french, "title").startswith("Bélarus ·")
    # The status table's treaties and the timeline's "of the …" in French too.
    assert "Convention d'Ottawa" in french
    assert "Ottawa Convention" not in french
    spanish = _page(client, f"/es/countries/BLR/?date={ON}")
    assert "Belarús" in _tag(spanish, "h1") and "Belarus " not in _tag(spanish, "h1")
    assert "Convención de Ottawa" in spanish
    english = _page(client, f"/countries/BLR/?date={ON}")
    assert _tag(english, "h1").startswith("Belarus ") and "Ottawa Convention" in english
    assert "Bélarus" not in english and "Convention d'Ottawa" not in english


def test_a_country_page_lists_its_regions_and_forums_in_french(client):
    french = _page(client, f"/fr/countries/FRA/?date={ON}")
    assert "Régions M49 de l'ONU: Europe" in french
    assert "Conférence du désarmement" in french
    assert "UN M49 regions" not in french and "Conference on Disarmament" not in french


def test_the_overview_and_the_status_table_name_the_treaty_in_french(client):
    for url in ("/fr/", f"/fr/treaties/ottawa/?date={ON}"):
        french = _page(client, url)
        assert "Convention d'Ottawa" in _tag(french, "h1"), url
        assert "Convention d'Ottawa" in _tag(french, "title"), url
        assert "Convention sur l'interdiction de l'emploi, du stockage" in french, url
        assert "Ottawa Convention" not in french, url
        assert "Anti-Personnel Mines and on their Destruction" not in french, url
    overview = _page(client, "/fr/")
    # The chart's title, built in the view, and the treaty menu's options.
    assert "<title>Convention d'Ottawa:" in overview
    assert re.search(r"<option value=\"ccm\"[^>]*>[^<]*Convention sur les armes à sous-munitions", overview)


def test_the_status_table_rows_name_the_countries_in_spanish(client):
    spanish = _page(client, f"/es/treaties/ottawa/?date={ON}")
    assert "Belarús</a>" in spanish
    assert "Belarus</a>" not in spanish


def test_the_forum_page_in_french_and_spanish(client):
    french = _page(client, f"/fr/forums/cd/?date={ON}")
    assert _tag(french, "h1") == "Conférence du désarmement"
    assert "Conférence du désarmement: Convention d'Ottawa" in _tag(french, "title")
    assert "Conference on Disarmament" not in french
    spanish = _page(client, f"/es/forums/cd/?date={ON}")
    assert _tag(spanish, "h1") == "Conferencia de Desarme"
    assert _tag(_page(client, f"/forums/cd/?date={ON}"), "h1") == "Conference on Disarmament"


def test_a_region_page_in_french(client):
    africa = Region.objects.get(scheme__slug="m49", code="2")
    french = _page(client, f"/fr/regions/m49/{africa.slug}/?date={ON}")
    assert _tag(french, "h1").startswith("Afrique: Convention d'Ottawa")
    assert "Afrique (Régions M49 de l'ONU): Convention d'Ottawa" in _tag(french, "title")
    # The over-time chart's title, built in the view.
    assert "<title>Afrique: " in french
    assert "Africa" not in french.split("<main", 1)[1]
    english = _page(client, f"/regions/m49/{africa.slug}/?date={ON}")
    assert _tag(english, "h1").startswith("Africa: Ottawa Convention")


def test_the_regions_dashboard_names_its_schemes_in_spanish(client):
    spanish = _page(client, f"/es/regions/?scheme=m49&date={ON}")
    assert "Regiones M49 de las Naciones Unidas" in _tag(spanish, "title")
    assert ">Grupos regionales de las Naciones Unidas<" in spanish
    assert "UN Regional Groups" not in spanish


def test_the_map_titles_each_country_in_french(client):
    english = client.get(f"/treaties/ottawa/map.svg?date={ON}").content.decode()
    french = client.get(f"/fr/treaties/ottawa/map.svg?date={ON}").content.decode()
    titles = re.findall(r"<title[^>]*>([^<]*)</title>", _plain(french))
    assert titles[0].startswith("Convention d'Ottawa")
    assert any(t.startswith("Allemagne: ") for t in titles)
    assert any(t.startswith("Bélarus: ") for t in titles)
    assert not any(t.startswith(("Germany: ", "Belarus: ")) for t in titles)
    assert any(t.startswith("Germany: ") for t in re.findall(r"<title[^>]*>([^<]*)</title>", english))


def test_the_map_reads_the_names_in_the_query_it_already_makes(client):
    """The French map reads each country's French name with its codes: as many queries as the English."""
    counts = {}
    for prefix in ("", "/fr"):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{prefix}/treaties/ottawa/map.svg?date={ON}").status_code == 200
        counts[prefix] = len(queries)
    assert counts["/fr"] == counts[""]


def test_the_event_list_menus_in_french_cost_no_query_more(client):
    counts = {}
    pages = {}
    for prefix in ("", "/fr"):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            pages[prefix] = _page(client, f"{prefix}/events/?country=BLR")
        counts[prefix] = len(queries)
    assert counts["/fr"] == counts[""]
    french = pages["/fr"]
    assert ">Bélarus (BLR)</option>" in french
    assert ">Conférence du désarmement</option>" in french
    assert '<th scope="row">Bélarus <small>BLR</small></th>' in french
    assert ">Belarus (BLR)</option>" in pages[""]


def test_the_votes_page_names_the_regions_in_french(client):
    french = _page(client, "/fr/treaties/ottawa/votes/?scheme=m49")
    assert '<th scope="row">Afrique</th>' in french
    assert '<th scope="row">Africa</th>' not in french
    assert "Convention d'Ottawa" in _tag(french, "h1")
    assert re.search(r"<option value=\"un-groups\"[^>]*>Groupes régionaux de l'ONU</option>", french)
    english = _page(client, "/treaties/ottawa/votes/?scheme=m49")
    assert '<th scope="row">Africa</th>' in english
    # The CSV stays English whatever the page's language.
    csv = b"".join(client.get("/fr/treaties/ottawa/votes.csv?scheme=m49").streaming_content)
    assert b",Africa," in csv and b"Afrique" not in csv


def test_compare_menus_and_columns_in_spanish(client):
    spanish = _page(client, "/es/compare/?treaties=ottawa&treaties=ccm&region=m49:" + _africa_slug())
    assert "Países de África (Regiones M49 de las Naciones Unidas)." in spanish
    assert "Convención de Ottawa" in _tag(spanish, "title")
    assert ">Conferencia de Desarme</option>" in spanish
    assert "Ottawa Convention" not in spanish


def _africa_slug() -> str:
    return Region.objects.get(scheme__slug="m49", code="2").slug


def test_a_french_table_orders_countries_by_their_french_names_and_its_csv_stays_english(client, reference_data):
    english = client.get("/treaties/ottawa/?date=2020-01-01").content.decode()
    french = client.get("/fr/treaties/ottawa/?date=2020-01-01").content.decode()
    # Germany comes after Andorra in English; Allemagne before Andorre in French; Émirats among the E's.
    assert english.index(">Andorra<") < english.index(">Germany<")
    assert french.index(">Allemagne<") < french.index(">Andorre<")
    assert french.index(">Égypte<") < french.index(">Émirats arabes unis<") < french.index(">Équateur<")
    assert french.index(">Équateur<") < french.index(">Espagne<") < french.index(">Estonie<")
    english_csv = b"".join(client.get("/treaties/ottawa/status.csv?date=2020-01-01").streaming_content)
    french_csv = b"".join(client.get("/fr/treaties/ottawa/status.csv?date=2020-01-01").streaming_content)
    assert french_csv == english_csv
    assert english_csv.index(b"Andorra") < english_csv.index(b"Germany")
