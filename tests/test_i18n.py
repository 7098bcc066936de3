"""English, French and Spanish (issue 16): the catalogues, the prefixed URLs, the switcher, CSV and the cache.

English stays at the unprefixed URLs whatever the browser asks; `/fr/…` and `/es/…` are the same pages
translated; CSV is the same bytes at every URL; the admin follows the user's language at /admin/.
"""

import contextlib
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.cache import cache
from django.utils import translation

from countries.models import Forum, Region
from ottawa_tracker import http_cache
from treaties.choices import KIND_VALUES, VALUE_LABELS, EventKind, value_label
from treaties.forms import StatusEventImportForm
from treaties.validation.messages import _a

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("fr", "es")
# Every public page, with the parameters that change what it shows.
PAGES = [
    "/",
    "/?treaty=ccm&date=2015-06-30",
    "/treaties/",
    "/compare/?treaties=ottawa&treaties=ccm",
    "/treaties/ottawa/",
    "/treaties/ottawa/?sort=-signature&show=on_board",
    "/treaties/ottawa/votes/",
    "/treaties/ottawa/obligations/",
    "/events/",
    "/countries/FRA/",
    "/countries/USA/",
    "/regions/?scheme=m49",
    "/forums/",
]
# What each language's pages say in their header and tables, and the English words they must not show there.
WORDS = {
    "fr": {"nav": ["Vue d'ensemble", "Traités", "Régions", "Enceintes", "Événements"], "parties": "États parties"},
    "es": {"nav": ["Panorama", "Tratados", "Regiones", "Foros", "Eventos"], "parties": "Estados partes"},
}
ENGLISH_UI = ["Overview", "Status table", "States Parties", "On board", "Download", "Skip to content", "Show"]
CSV_URLS = [
    "/events.csv?treaty=ottawa",
    "/treaties/ottawa/status.csv?date=2020-01-01",
    "/treaties/ottawa/series.csv",
    "/treaties/ottawa/votes.csv",
    "/regions.csv?treaty=ottawa&scheme=m49",
    "/forums.csv?treaty=ottawa",
    "/compare.csv?treaties=ottawa&treaties=ccm",
]


def _catalogue(language: str):
    with (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").open("rb") as po:
        return read_po(po, locale=language)


def _problems(catalogue) -> list[str]:
    """Untranslated, fuzzy and placeholder-breaking entries of a catalogue."""
    found = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            found.append(f"untranslated: {message.id!r}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"%\((\w+)\)s", ids[-1]))
        for string in strings:
            if string and set(re.findall(r"%\((\w+)\)s", string)) - wanted:
                found.append(f"unknown placeholder in {string!r}")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_entry_is_translated_and_none_is_fuzzy(language):
    catalogue = _catalogue(language)
    assert len(catalogue) > 300
    assert _problems(catalogue) == []
    assert [error for message, errors in catalogue.check() for error in errors] == []


def test_every_marked_string_is_in_the_catalogues(tmp_path):
    """makemessages over a copy of the code (gettext's xgettext and msgmerge: .ci/run installs them):
    a string marked in the code but missing from a catalogue comes out untranslated and fails."""
    assert shutil.which("xgettext") and shutil.which("msgmerge"), "install gettext (apt-get install gettext)"
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "migrations")
    for name in ("ottawa_tracker", "treaties", "countries", "api", "templates", "locale"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "fr", "--locale", "es", "--no-location"],
        cwd=copy,
        env={"SECRET_KEY": "messages", "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "ottawa_tracker.settings"},
        check=True,
        capture_output=True,
    )
    for language in LANGUAGES:
        with (copy / "locale" / language / "LC_MESSAGES" / "django.po").open("rb") as po:
            extracted = read_po(po, locale=language)
        assert _problems(extracted) == [], f"run `make messages` and translate the new {language} entries"
        assert {m.id for m in extracted if m.id} <= {m.id for m in _catalogue(language) if m.id} | {""}


def _visible(html: str) -> str:
    """The page's text without scripts, styles and the source labels (proper names and citations)."""
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _headings(html: str) -> str:
    """Headings, table headers, labels, buttons, captions and the navigation: the UI's own words."""
    parts = re.findall(r"<(h1|h2|h3|th|label|button|caption|nav|summary|legend|dt)\b[^>]*>(.*?)</\1>", html, re.S)
    return _visible(" | ".join(text for _tag, text in parts))


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url", PAGES)
def test_every_public_page_answers_in_french_and_spanish(client, reference_data, language, url):
    response = client.get(f"/{language}{url}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert response["Content-Language"] == language
    text = _visible(html)
    for word in WORDS[language]["nav"]:
        assert word in text
    ui = _headings(html)
    for english in ENGLISH_UI:
        assert not re.search(rf"\b{english}\b", ui), f"{english!r} on /{language}{url}: {ui[:300]}"
    # Every link to another page stays in the language.
    for tag in re.findall(r"<a\b[^>]*>", html):
        href = re.search(r'href="([^"]*)"', tag).group(1)
        if href.startswith("/") and "hreflang=" not in tag and not href.startswith(("/static/", "/admin/")):
            assert href.startswith(f"/{language}/"), href


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_group_pages_in_french_and_spanish(client, reference_data, language):
    region = Region.objects.filter(scheme__slug="m49").order_by("slug").first()
    forum = Forum.objects.order_by("slug").first()
    for url in (f"/regions/m49/{region.slug}/", "/regions/m49/no-region/", f"/forums/{forum.slug}/"):
        response = client.get(f"/{language}{url}")
        assert response.status_code == 200, url
        assert WORDS[language]["parties"] in _visible(response.content.decode())


@pytest.mark.django_db
def test_the_overview_says_states_parties_and_dates_in_words(client, reference_data):
    french = _visible(client.get("/fr/?date=1997-12-03").content.decode())
    assert "États parties" in french
    assert "3 décembre 1997" in french  # the heading's long date, in the reader's language
    spanish = _visible(client.get("/es/?date=1997-12-03").content.decode())
    assert "Estados partes" in spanish
    assert "3 de diciembre de 1997" in spanish
    english = _visible(client.get("/?date=1997-12-03").content.decode())
    assert "States Parties" in english and "3 December 1997" in english


@pytest.mark.django_db
def test_status_names_are_the_depositarys(client, reference_data):
    french = client.get("/fr/treaties/ottawa/?date=2020-01-01").content.decode()
    assert "État partie" in french and "<small>adhésion</small>" in french and "<small>ratification</small>" in french
    spanish = client.get("/es/countries/FRA/").content.decode()
    assert "Estado parte" in spanish and "<small>ratificación</small>" in spanish
    english = client.get("/treaties/ottawa/?date=2020-01-01").content.decode()
    assert "State party" in english and "<small>accession</small>" in english


@pytest.mark.django_db
def test_english_stays_at_the_unprefixed_urls_whatever_the_browser_asks(client, reference_data):
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}, {"HTTP_COOKIE": "django_language=es"}):
        response = client.get("/treaties/ottawa/", **headers)
        assert response.status_code == 200  # no redirect to /fr/
        html = response.content.decode()
        assert '<html lang="en">' in html
        assert "States Parties" in html and "États parties" not in html
        assert "Accept-Language" not in response.get("Vary", "")
    assert client.get("/en/treaties/ottawa/").status_code == 404  # one English URL per page
    assert client.get("/fr/no-such-page/").status_code == 404
    assert "Page introuvable" in client.get("/fr/no-such-page/").content.decode()


@pytest.mark.django_db
def test_the_switcher_and_alternates_keep_the_page_state(client, reference_data):
    query = "date=2000-01-01&count=deposit&sort=-signature&show=on_board"
    html = client.get(f"/treaties/ottawa/?{query}").content.decode()
    switcher = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    escaped = query.replace("&", "&amp;")
    assert f'href="/fr/treaties/ottawa/?{escaped}"' in switcher
    assert f'href="/es/treaties/ottawa/?{escaped}"' in switcher
    assert f'href="/treaties/ottawa/?{escaped}"' in switcher
    assert 'aria-current="true"' in switcher and 'lang="fr"' in switcher
    for code in ("en", "fr", "es", "x-default"):
        assert re.search(rf'<link rel="alternate" hreflang="{code}" href="http://testserver/', html)
    french = client.get(f"/fr/treaties/ottawa/?{query}").content.decode()
    assert f'href="/treaties/ottawa/?{escaped}" hreflang="en"' in french
    assert f'hreflang="x-default" href="http://testserver/treaties/ottawa/?{escaped}"' in french


@pytest.mark.django_db
@pytest.mark.parametrize("url", CSV_URLS)
def test_csv_is_the_same_bytes_in_every_language(client, reference_data, url):
    def body(path):
        response = client.get(path)
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return content, response["Content-Disposition"], response["Content-Type"]

    english = body(url)
    assert english[0]
    assert body(f"/fr{url}") == english
    assert body(f"/es{url}") == english


@pytest.mark.django_db
def test_the_map_is_labelled_in_the_pages_language(client, reference_data):
    french = client.get("/fr/treaties/ottawa/map.svg?date=2020-01-01").content.decode()
    assert "situation de chaque pays au 2020-01-01" in french
    assert "État partie" in french
    assert "status of each country" in client.get("/treaties/ottawa/map.svg?date=2020-01-01").content.decode()


@pytest.mark.django_db
def test_the_admin_follows_the_users_language_at_its_url(editor_client):
    french = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 200
    assert "Déconnexion" in french.content.decode() or "Se déconnecter" in french.content.decode()
    assert "Accept-Language" in french["Vary"]
    english = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Log out" in english.content.decode()
    chosen = editor_client.post("/i18n/setlang/", {"language": "es", "next": "/admin/"})
    assert chosen.status_code == 302 and chosen["Location"] == "/admin/"
    spanish = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Terminar sesión" in spanish.content.decode() or "Cerrar sesión" in spanish.content.decode()


@pytest.fixture
def response_cache(settings):
    settings.RESPONSE_CACHE = True
    settings.RESPONSE_CACHE_SECONDS = 600
    cache.clear()
    http_cache.response_cache_clear()
    yield
    with contextlib.suppress(Exception):
        cache.clear()
    http_cache.cache_resume()


@pytest.mark.django_db
def test_the_cache_keys_by_the_language_rendered(client, reference_data, response_cache):
    english = client.get("/treaties/ottawa/")
    asked_french = client.get("/treaties/ottawa/", HTTP_ACCEPT_LANGUAGE="fr")
    french = client.get("/fr/treaties/ottawa/")
    assert asked_french.content == english.content  # the same stored English page, not a French one
    assert asked_french["ETag"] == english["ETag"]
    assert french.content != english.content and french["ETag"] != english["ETag"]
    assert '<html lang="fr">' in french.content.decode()
    again = client.get("/fr/treaties/ottawa/", HTTP_ACCEPT_LANGUAGE="en")
    assert again.content == french.content
    for response in (english, asked_french, french, again):
        vary = {part.strip() for part in response["Vary"].split(",")}
        assert "Cookie" in vary and "Accept-Language" not in vary  # the URL alone says the language


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words", "overdue", "headline"),
    [
        (
            "fr",
            ["États parties par situation", "Situation", "Échéance initiale", "Jours de retard"],
            "En retard",
            "États en retard dans la destruction de leurs stocks",
        ),
        (
            "es",
            ["Estados partes por situación", "Situación", "Vencimiento original", "Días de retraso"],
            "Vencida",
            "Estados con retraso en la destrucción de sus existencias",
        ),
    ],
)
def test_the_obligations_page_and_headline_in_french_and_spanish(
    client, reference_data, language, words, overdue, headline
):
    query = "date=2010-01-01&obligation=stockpile-destruction&state=overdue"
    html = client.get(f"/{language}/treaties/ottawa/obligations/?{query}").content.decode()
    text = _visible(html)
    for word in words:
        assert word in text
    for english in ("Newly overdue", "Every State Party", "Days late", "Originally due", "days late", "Deadlines in"):
        assert english not in text
    # The state column and the counts' headers say the state's label; data-state keeps the code.
    assert f'<td data-state="overdue">{overdue}</td>' in html
    assert re.search(rf'<th scope="col" class="num">{overdue}</th>', html)
    assert WORDS[language]["parties"] in text
    assert headline in _visible(client.get(f"/{language}/?date=2010-01-01").content.decode())
    english = client.get(f"/treaties/ottawa/obligations/?{query}").content.decode()
    assert '<td data-state="overdue">overdue</td>' in english  # the English table is the CSV's cells
    assert "States overdue on stockpile destruction" in client.get("/?date=2010-01-01").content.decode()


@pytest.mark.django_db
def test_a_wrong_obligations_filter_is_explained_in_the_language(client, reference_data):
    french = client.get("/fr/treaties/ottawa/obligations/?state=late&obligation=nope")
    assert french.status_code == 400
    text = _visible(french.content.decode())
    assert "Choisissez l'une des valeurs suivantes" in text and "Choisissez l'une des obligations du traité" in text
    spanish = _visible(client.get("/es/treaties/ottawa/obligations/?state=late").content.decode())
    assert "Elija uno de los valores siguientes" in spanish
    assert "Choose one of: pending" in client.get("/treaties/ottawa/obligations/?state=late").content.decode()


def test_every_listed_event_value_has_a_label():
    """A value added to KIND_VALUES without a label would show as an English code on French pages."""
    for kind, values in KIND_VALUES.items():
        assert {value for value in values if value} <= set(VALUE_LABELS[kind]), kind
    with translation.override("fr"):
        assert value_label(EventKind.UNGA_VOTE, "yes") == "pour"
        assert value_label(EventKind.EXPORT_MORATORIUM, "comprehensive") == "global"
        assert value_label(EventKind.TERRITORIAL_APPLICATION, "exclusion: Faroe Islands") == "exclusion: Faroe Islands"
    with translation.override("es"):
        assert value_label(EventKind.STANCE, "supporter") == "partidario"


@pytest.mark.django_db
def test_event_values_read_in_the_pages_language_and_stay_codes_in_csv(client, reference_data):
    query = "treaty=ottawa&kind=unga_vote&country=CAN"
    french = client.get(f"/fr/events/?{query}").content.decode()
    assert re.search(r"<td>[^<]*: pour</td>", french)
    assert "Mots du pays, du traité" in french  # the search box's help, from the FilterSet
    spanish = client.get(f"/es/events/?{query}").content.decode()
    assert re.search(r"<td>[^<]*: a favor</td>", spanish)
    assert re.search(r"<td>[^<]*: yes</td>", client.get(f"/events/?{query}").content.decode())
    csv_body = b"".join(client.get(f"/fr/events.csv?{query}").streaming_content).decode()
    assert ",unga_vote,yes," in csv_body and "pour" not in csv_body
    assert "<td>pour</td>" in client.get("/fr/countries/CAN/").content.decode()  # its votes' history


def test_import_errors_are_in_the_users_language():
    form_data = {"iso3": "XXX", "treaty": "", "kind": "nope", "date": "2001", "source": ""}
    with translation.override("fr"):
        errors = StatusEventImportForm(form_data, countries={}, treaties={}).errors
        assert errors["iso3"] == ["Aucun pays n'a le code ISO alpha-3 'XXX'."]
        assert errors["treaty"] == ["Indiquez l'identifiant (slug) du traité, par exemple ottawa."]
        assert errors["kind"][0].startswith("Type inconnu 'nope'")
        assert errors["source"] == ["Chaque événement doit avoir une source\xa0: une URL ou une référence."]
    with translation.override("en"):
        english = StatusEventImportForm(form_data, countries={}, treaties={}).errors
        assert english["iso3"] == ["No country has the ISO alpha-3 code 'XXX'."]
        assert english["source"] == ["Every event needs a source: a URL or citation."]


# The record's refusals in words (validation and import messages) -------------------------------------


def test_each_kinds_article_keeps_the_english_words():
    """The per-kind articles are the old "a"/"an" rule written out: the English stays byte-identical."""
    with translation.override("en"):
        for kind in EventKind.values:
            label = str(EventKind(kind).label).lower()
            assert _a(kind) == (f"an {label}" if label[:1] in "aeiou" else f"a {label}")
    with translation.override("fr"):
        assert _a(EventKind.ACCESSION) == "une adhésion"
    with translation.override("es"):
        assert _a(EventKind.RATIFICATION) == "una ratificación"


@pytest.mark.django_db
def test_the_admin_says_a_contradiction_in_the_users_language(editor_client, reference_data):
    from countries.models import Country
    from treaties.models import StatusEvent, Treaty

    canada, ottawa = Country.objects.get(iso3="CAN"), Treaty.objects.get(slug="ottawa")
    form = {
        "treaty": ottawa.pk,
        "country": canada.pk,
        "kind": EventKind.ACCESSION,
        "value": "",
        "date": "2001-01-10",
        "date_precision": "day",
        "effective_date": "",
        "end_date": "",
        "source": "Depositary notification C.N.1.2001",
        "note": "",
    }
    before = StatusEvent.objects.count()
    editor_client.cookies["django_language"] = "fr"
    french = editor_client.post("/admin/treaties/statusevent/add/", form)
    assert french.status_code == 200
    text = unescape(french.content.decode())
    assert "Canada a déjà consenti à être lié par" in text
    assert "un second consentement exige un retrait entre les deux." in text
    assert "already consented" not in text
    del editor_client.cookies["django_language"]
    english = editor_client.post("/admin/treaties/statusevent/add/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert "Canada already consented to be bound by the" in unescape(english.content.decode())
    assert StatusEvent.objects.count() == before


@pytest.mark.django_db
def test_a_csv_import_gives_its_reasons_in_the_users_language(reference_data):
    from treaties import services
    from treaties.imports import ImportFileError, status_event_csv_read

    header = "iso3,treaty,kind,value,date,effective_date,end_date,source,note"
    data = "\n".join(
        [header, "JPN,ottawa,stance,supporter,2001-01-01,,,src,", "CAN,ottawa,accession,,2001-01-10,,,src,", ""]
    ).encode()
    with translation.override("es"):
        result = services.status_event_import(rows=status_event_csv_read(data), dry_run=True)
        assert [e.number for e in result.errors] == [3]
        spanish = str(result.errors[0])
        assert spanish.startswith("fila 3: ")
        assert "Canada ya consintió en obligarse por" in spanish
        assert "already" not in spanish
        with pytest.raises(ImportFileError) as empty:
            status_event_csv_read(b"")
        assert empty.value.message.startswith("El archivo está vacío. La primera fila debe nombrar las columnas: iso3,")
    with translation.override("en"):
        english = str(services.status_event_import(rows=status_event_csv_read(data), dry_run=True).errors[0])
        assert english.startswith("row 3: ") and "Canada already consented to be bound by the" in english


# The admin's own labels (issue 16): column headers, field labels, fieldset titles and filters, per language.
ADMIN_WORDS = {
    "fr": {
        "event_list": ["Pays", "Traité", "Type", "Valeur", "Prise d'effet", "Retiré", "Par source vérifiée"],
        "event_form": ["Traité", "Pays", "Précision de la date", "Motif de cette modification", "Historique"],
        "country_list": ["Nom", "ISO alpha-3", "Code M49 de l'ONU", "Type", "Valide à partir du"],
        "country_form": ["Noms", "Nom (français)", "Nom officiel", "Valide jusqu'au", "Compté parmi les participants"],
    },
    "es": {
        "event_list": ["País", "Tratado", "Tipo", "Valor", "Efectividad", "Retirado", "Por fuente verificada"],
        "event_form": ["Tratado", "País", "Precisión de la fecha", "Motivo de este cambio", "Historial"],
        "country_list": ["Nombre", "ISO alfa-3", "Código M49 de las Naciones Unidas", "Tipo", "Válido desde"],
        "country_form": ["Nombres", "Existencia", "Nombre (francés)", "Nombre oficial", "Contado entre los"],
    },
}
# English labels of those pages that no translated page may show (as whole column headers and labels).
ADMIN_ENGLISH = {
    "event_list": [">Country<", ">Treaty<", ">Effective<", "By source checked", "Retracted<"],
    "event_form": [">Treaty:<", ">Country:<", "Date precision", "Reason for this change", ">History<"],
    "country_list": [">Name<", "UN M49 code", ">Kind<", ">Valid from<"],
    "country_form": [">Names<", "Name (French)", "Official name", "Valid until", "Counted among the usual"],
}


def _admin_pages(reference_data) -> dict[str, str]:
    from countries.models import Country
    from treaties.models import StatusEvent

    event = StatusEvent.objects.select_related("country").first()
    country = Country.objects.get(iso3="FRA")
    return {
        "event_list": "/admin/treaties/statusevent/",
        "event_form": f"/admin/treaties/statusevent/{event.pk}/change/",
        "country_list": "/admin/countries/country/",
        "country_form": f"/admin/countries/country/{country.pk}/change/",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admins_labels_are_in_the_users_language(editor_client, reference_data, language):
    editor_client.cookies["django_language"] = language
    for page, url in _admin_pages(reference_data).items():
        response = editor_client.get(url)
        assert response.status_code == 200, url
        text = unescape(response.content.decode())
        for word in ADMIN_WORDS[language][page]:
            assert word in text, (url, word)
        for word in ADMIN_ENGLISH[page]:
            assert word not in text, (url, word)


def test_the_admins_labels_stay_english_in_english(editor_client, reference_data):
    for page, url in _admin_pages(reference_data).items():
        text = unescape(editor_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
        for word in ADMIN_ENGLISH[page]:
            assert word in text, (url, word)
