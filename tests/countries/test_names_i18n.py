"""Country, region, scheme and forum names in French and Spanish: pycountry's ISO 3166 catalogues, the UN's
short names over them, the shipped names files, and staff edits that outlive a reload."""

from collections import Counter

import pycountry
import pytest
from django.utils import translation

from countries.models import Country, Forum, Region, RegionScheme
from countries.reference import reference_countries_apply
from countries.reference.states import translated_short_name
from tests.admin_forms import page_data

pytestmark = pytest.mark.django_db


def names(iso3: str) -> tuple[str, str, str]:
    country = Country.objects.get(iso3=iso3)
    return country.name, country.name_fr, country.name_es


def test_belarus_is_belarus_in_french_from_pycountry_and_the_uns_belarus_in_spanish(reference_data):
    # pycountry's French catalogue says Bélarus; its Spanish one says Bielorrusia, the UN says Belarús.
    assert translated_short_name(pycountry.countries.get(alpha_3="BLR"), "fr") == "Bélarus"
    assert translated_short_name(pycountry.countries.get(alpha_3="BLR"), "es") == "Bielorrusia"
    assert names("BLR") == ("Belarus", "Bélarus", "Belarús")


@pytest.mark.parametrize(
    ("iso3", "fr", "es"),
    [
        ("TUR", "Türkiye", "Türkiye"),  # pycountry: Turquie, Turquía
        ("VNM", "Viet Nam", "Viet Nam"),  # pycountry: Viêt Nam, Vietnam
        ("BOL", "Bolivie (État plurinational de)", "Bolivia (Estado Plurinacional de)"),
        ("IRN", "Iran (République islamique d')", "Irán (República Islámica del)"),
        ("KOR", "République de Corée", "República de Corea"),
        ("SYR", "République arabe syrienne", "República Árabe Siria"),
    ],
)
def test_the_uns_short_names_override_pycountrys(reference_data, iso3, fr, es):
    assert names(iso3)[1:] == (fr, es)


def test_pycountrys_names_fill_every_participant_the_right_way_round(reference_data):
    participants = Country.objects.participants()
    assert participants.count() > 190
    assert not participants.filter(name_fr="").exists()
    assert not participants.filter(name_es="").exists()
    # ISO's inverted forms ("Moldova, République de") are put the right way round or overridden.
    assert not [name for name in participants.values_list("name_fr", flat=True) if ", " in name]
    assert names("DEU")[1:] == ("Allemagne", "Alemania")
    assert names("COD")[1:] == ("République démocratique du Congo", "República Democrática del Congo")
    # A former State from ISO 3166-3's catalogue.
    assert names("YUG")[1:] == ("Yougoslavie", "Yugoslavia")


def test_an_inverted_iso_name_reads_the_right_way_round():
    moldova = pycountry.countries.get(alpha_3="MDA")
    assert translated_short_name(moldova, "fr") == "Moldavie"  # its common name's translation
    russia = pycountry.countries.get(alpha_3="RUS")  # "Russie, Fédération de", no common name
    assert translated_short_name(russia, "fr") == "Fédération de Russie"
    assert translated_short_name(pycountry.countries.get(alpha_3="PRK"), "fr") == "Corée du Nord"


def test_the_name_follows_the_active_language_with_english_as_fallback(reference_data):
    belarus = Country.objects.get(iso3="BLR")
    with translation.override("fr"):
        assert belarus.local_name == "Bélarus"
    with translation.override("es"):
        assert belarus.local_name == "Belarús"
    for language in ("en", "de"):
        with translation.override(language):
            assert belarus.local_name == "Belarus"
    belarus.name_fr = ""
    with translation.override("fr"):
        assert belarus.local_name == "Belarus"
    assert str(belarus) == "Belarus"


def test_regions_schemes_and_forums_have_their_names_in_french_and_spanish(reference_data):
    africa = Region.objects.get(scheme__slug="m49", code="2")
    assert (africa.name, africa.name_fr, africa.name_es) == ("Africa", "Afrique", "África")
    weog = Region.objects.get(scheme__slug="un-groups", code="weog")
    assert weog.name_fr == "Groupe des États d'Europe occidentale et autres États (WEOG)"
    assert not Region.objects.filter(name_fr="").exists()
    assert not Region.objects.filter(name_es="").exists()
    assert not RegionScheme.objects.filter(name_fr="").exists()
    cd = Forum.objects.get(slug="cd")
    with translation.override("fr"):
        assert (cd.local_name, cd.local_short_name) == ("Conférence du désarmement", "CD")
    with translation.override("es"):
        assert cd.local_name == "Conferencia de Desarme"
    assert Forum.objects.get(slug="oas").short_name_es == "OEA"
    assert not Forum.objects.filter(name_fr="").exists()


def test_a_staff_edit_in_the_admin_wins_over_a_reload(reference_data, editor_client):
    belarus = Country.objects.get(iso3="BLR")
    url = f"/admin/countries/country/{belarus.pk}/change/"
    page = editor_client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="name_fr"' in content and 'name="name_es"' in content
    data = page_data(page)
    data.update(name_fr="Biélorussie", change_reason="nom d'usage")
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert names("BLR") == ("Belarus", "Biélorussie", "Belarús")

    assert reference_countries_apply(force=True, stats=Counter()) == ["countries", "regions", "forums"]
    # Staff's French name stays; the Spanish one, the loader's, is still the loader's to refresh.
    assert names("BLR") == ("Belarus", "Biélorussie", "Belarús")
    assert names("TUR")[1:] == ("Türkiye", "Türkiye")
    with translation.override("fr"):
        assert Country.objects.get(iso3="BLR").local_name == "Biélorussie"
