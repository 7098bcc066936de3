"""The staff admin: who may do what, and the contradiction messages staff see."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from countries.models import Country
from ottawa_tracker.text import SOURCE_NOT_VISIBLE
from tests.factories import CountryFactory, StatusEventFactory
from treaties.choices import EventKind
from treaties.models import StatusEvent, Treaty

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
ADD_URL = "/admin/treaties/statusevent/add/"


def event_form(country: Country, treaty: Treaty, kind: str, date: str, **extra) -> dict:
    return {
        "treaty": treaty.pk,
        "country": country.pk,
        "kind": kind,
        "value": "",
        "date": date,
        "effective_date": "",
        "end_date": "",
        "source": "Depositary notification C.N.1.2024",
        "note": "",
        **extra,
    }


@pytest.fixture
def ottawa(reference_data) -> Treaty:
    return Treaty.objects.get(slug="ottawa")


@pytest.mark.parametrize("url", ["/admin/", "/admin/treaties/statusevent/", ADD_URL, "/admin/countries/country/"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_anonymous_cannot_post_an_event(client, ottawa):
    usa = Country.objects.get(iso3="USA")
    before = StatusEvent.objects.count()
    response = client.post(ADD_URL, event_form(usa, ottawa, EventKind.SIGNATURE, "2020-01-01"))
    assert response.status_code == 302
    assert StatusEvent.objects.count() == before


def test_admin_login_page_renders(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


def test_viewer_can_read_but_not_add_or_change(viewer_client, ottawa):
    assert viewer_client.get("/admin/treaties/statusevent/").status_code == 200
    usa = Country.objects.get(iso3="USA")
    assert viewer_client.get(ADD_URL).status_code == 403
    response = viewer_client.post(ADD_URL, event_form(usa, ottawa, EventKind.SIGNATURE, "2020-01-01"))
    assert response.status_code == 403
    event = StatusEvent.objects.filter(treaty=ottawa).first()
    url = f"/admin/treaties/statusevent/{event.pk}/change/"
    assert viewer_client.get(url).status_code == 200  # read-only view
    data = event_form(event.country, ottawa, event.kind, event.date.isoformat(), note="changed by a viewer")
    assert viewer_client.post(url, data).status_code == 403
    event.refresh_from_db()
    assert event.note != "changed by a viewer"


def test_viewer_cannot_manage_users(viewer_client, editor_client):
    assert viewer_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/user/").status_code == 403


def test_editor_adds_an_event_and_history_names_them(editor_client, editor, ottawa):
    usa = Country.objects.get(iso3="USA")
    response = editor_client.post(ADD_URL, event_form(usa, ottawa, EventKind.STANCE, "2022-06-21", value="undecided"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = StatusEvent.objects.get(country=usa, treaty=ottawa, kind=EventKind.STANCE)
    entry = event.history.get()
    assert entry.history_user == editor


def test_editor_change_keeps_values_before_and_after(editor_client, editor, ottawa):
    event = StatusEvent.objects.get(treaty=ottawa, country__iso3="BFA", kind=EventKind.RATIFICATION)
    url = f"/admin/treaties/statusevent/{event.pk}/change/"
    data = event_form(event.country, ottawa, event.kind, event.date.isoformat(), source=event.source, note="Checked")
    response = editor_client.post(url, {**data, "read_version": event.version})
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest, previous = event.history.all()[:2]
    assert latest.history_user == editor
    delta = latest.diff_against(previous)
    assert [(c.field, c.new) for c in delta.changes] == [("note", "Checked")]
    history_page = editor_client.get(f"/admin/treaties/statusevent/{event.pk}/history/")
    assert history_page.status_code == 200
    assert b"Checked" in history_page.content


def test_editor_sees_why_a_ratification_before_signature_is_refused(editor_client, ottawa):
    country = CountryFactory(name="Freedonia")
    StatusEventFactory(treaty=ottawa, country=country, kind=EventKind.SIGNATURE, date=D("1999-05-01"))
    response = editor_client.post(ADD_URL, event_form(country, ottawa, EventKind.RATIFICATION, "1999-01-10"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Freedonia signed the Ottawa Convention on 1999-05-01, after this ratification dated 1999-01-10" in content
    assert not StatusEvent.objects.filter(country=country, kind=EventKind.RATIFICATION).exists()


def test_editor_sees_a_second_consent_refused(editor_client, ottawa):
    canada = Country.objects.get(iso3="CAN")
    response = editor_client.post(ADD_URL, event_form(canada, ottawa, EventKind.ACCESSION, "2001-01-10"))
    assert response.status_code == 200
    assert "Canada already consented to be bound" in response.content.decode()


def test_editor_cannot_delete(editor_client, ottawa):
    event = StatusEvent.objects.filter(treaty=ottawa).first()
    response = editor_client.post(f"/admin/treaties/statusevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert StatusEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/countries/country/?q=Zaire",
        "/admin/countries/forummembership/?unverified=yes",
        "/admin/countries/regionassignment/",
        "/admin/treaties/statusevent/?q=Poland",
        "/admin/treaties/treaty/",
        "/admin/autocomplete/?app_label=treaties&model_name=statusevent&field_name=country&term=Ser",
    ],
)
def test_editor_lists_and_search(editor_client, reference_data, url):
    response = editor_client.get(url)
    assert response.status_code == 200


def test_admin_event_list_queries_do_not_grow_with_rows(editor_client, reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        editor_client.get("/admin/treaties/statusevent/")


def test_csrf_is_enforced_on_admin_writes(editor, ottawa):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    usa = Country.objects.get(iso3="USA")
    response = client.post(ADD_URL, event_form(usa, ottawa, EventKind.STANCE, "2022-06-21", value="undecided"))
    assert response.status_code == 403


# Impossible facts are refused in the admin with the service's words (issue 8, finding 5) --------


def test_editor_sees_an_accession_dated_0001_01_01_refused(editor_client, ottawa):
    china = Country.objects.get(iso3="CHN")
    response = editor_client.post(ADD_URL, event_form(china, ottawa, EventKind.ACCESSION, "0001-01-01"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "The Ottawa Convention was adopted on 1997-09-18; an accession dated 0001-01-01 comes before it" in content
    assert not StatusEvent.objects.filter(country=china, treaty=ottawa).exclude(kind=EventKind.UNGA_VOTE).exists()


def test_editor_sees_a_signature_after_the_signature_period_refused(editor_client, ottawa):
    china = Country.objects.get(iso3="CHN")
    response = editor_client.post(ADD_URL, event_form(china, ottawa, EventKind.SIGNATURE, "1999-03-01"))
    assert response.status_code == 200
    assert "closed for signature on 1999-03-01; a signature dated 1999-03-01" in response.content.decode()
    assert not StatusEvent.objects.filter(country=china, treaty=ottawa).exclude(kind=EventKind.UNGA_VOTE).exists()
    response = editor_client.post(ADD_URL, event_form(china, ottawa, EventKind.SIGNATURE, "1999-02-28"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert StatusEvent.objects.filter(country=china, treaty=ottawa, kind=EventKind.SIGNATURE).exists()


@pytest.mark.parametrize("source", ["   ", "\t", "\u200b\u200b"], ids=["spaces", "tab", "zero-width"])
def test_editor_cannot_save_a_source_with_nothing_visible(editor_client, ottawa, source):
    china = Country.objects.get(iso3="CHN")
    data = event_form(china, ottawa, EventKind.STANCE, "2020-01-01", value="opposed", source=source)
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    # The form strips spaces and tabs (then the field is required); our check catches the rest.
    assert response.context["adminform"].form.errors["source"] in (["This field is required."], [SOURCE_NOT_VISIBLE])
    assert not StatusEvent.objects.filter(country=china, treaty=ottawa).exclude(kind=EventKind.UNGA_VOTE).exists()


def test_the_treaty_admin_edits_the_signature_period_and_keeps_acts_inside_it(editor_client, ottawa):
    url = f"/admin/treaties/treaty/{ottawa.pk}/change/"
    page = editor_client.get(url)
    assert b'name="signature_closes"' in page.content
    data = {k: ("" if v is None else v) for k, v in model_to_dict(ottawa).items()}
    data["signature_closes"] = "1998-01-01"  # the 1997-12-03/04 signatures stay inside, later ones do not
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "is recorded on or after this date" in response.content.decode()
    ottawa.refresh_from_db()
    assert ottawa.signature_closes == D("1999-03-01")
