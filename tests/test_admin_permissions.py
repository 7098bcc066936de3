"""Who may change what through the admin: every admin page that writes, as a viewer and as nobody.

django-simple-history's history form ("Revert") saved a POST after checking only the view
permission, so a viewer could change any history-tracked record. A revert now needs the
change permission, and goes through the same form checks, service and version check as a
change.
"""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from countries.models import Country
from tests.admin_forms import page_data
from tests.factories import CountryFactory
from treaties import services
from treaties.choices import EventKind
from treaties.models import StatusEvent, SummaryMark, Treaty

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
APPS = ("countries", "treaties")
# A text field of each model's form that a change can touch without breaking a rule.
TEXT_FIELDS = ("note", "description", "official_name", "depositary", "title", "source", "name")
CHANGED = " (changed without permission)"


def admin_models():
    registry = admin.site._registry.items()
    return [(model, model_admin) for model, model_admin in registry if model._meta.app_label in APPS]


def snapshot(model, pk) -> tuple:
    row = model._base_manager.filter(pk=pk).values().first()
    history = getattr(model, "history", None)
    entries = history.filter(**{model._meta.pk.attname: pk}).count() if history is not None else None
    return row, model._base_manager.count(), entries


def tampered(data: dict) -> dict:
    """The form's data with one text field changed, so that a save would show."""
    data = dict(data)
    for name in TEXT_FIELDS:
        if isinstance(data.get(name), str):
            data[name] += CHANGED
            break
    return data


def urls(model, pk, history_id=None) -> dict[str, str]:
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    found = {
        "change": reverse(f"{prefix}_change", args=[pk]),
        "add": reverse(f"{prefix}_add"),
        "delete": reverse(f"{prefix}_delete", args=[pk]),
    }
    if history_id is not None:
        found["revert"] = reverse(f"{prefix}_simple_history", args=[pk, history_id])
    return found


def a_history_entry(model, obj) -> int:
    entry = model.history.filter(**{model._meta.pk.attname: obj.pk}).order_by("-history_date").first()
    if entry is None:
        obj.save()  # a loader may have written it without history
        entry = model.history.filter(**{model._meta.pk.attname: obj.pk}).get()
    return entry.history_id


def test_the_walk_covers_every_history_tracked_model():
    tracked = sorted(m._meta.label for m, a in admin_models() if isinstance(a, SimpleHistoryAdmin))
    assert len(tracked) == 10, tracked


def test_no_admin_page_lets_a_viewer_or_anonymous_change_anything(reference_data, admin_client, viewer_client, client):
    refused = []
    for model, model_admin in admin_models():
        obj = model._base_manager.order_by("pk").first()
        assert obj is not None, f"the reference data has no {model._meta.label}"
        history_id = a_history_entry(model, obj) if isinstance(model_admin, SimpleHistoryAdmin) else None
        pages = urls(model, obj.pk, history_id)
        posts = {"change": tampered(page_data(admin_client.get(pages["change"]))), "delete": {"post": "yes"}}
        posts["add"] = posts["change"]
        if history_id is not None:
            posts["revert"] = tampered(page_data(admin_client.get(pages["revert"])))
        before = snapshot(model, obj.pk)
        for who, web in (("viewer", viewer_client), ("anonymous", client)):
            for page, data in posts.items():
                response = web.post(pages[page], data)
                allowed = response.status_code == 403 or (
                    who == "anonymous"
                    and response.status_code == 302
                    and response["Location"].startswith("/admin/login/")
                )
                if not allowed or snapshot(model, obj.pk) != before:
                    refused.append(f"{who} {page} {model._meta.label}: {response.status_code}")
        if history_id is not None and not refused:
            # The same revert by a superuser goes through: the data was a valid change.
            response = admin_client.post(pages["revert"], posts["revert"])
            assert response.status_code == 302, (model, response.context and response.context["errors"])
            assert snapshot(model, obj.pk) != before, model
    assert refused == []


def test_a_viewer_sees_a_history_entry_without_a_revert_button(reference_data, viewer_client):
    event = StatusEvent.objects.filter(treaty__slug="ottawa").order_by("pk").first()
    history_id = a_history_entry(StatusEvent, event)
    response = viewer_client.get(urls(StatusEvent, event.pk, history_id)["revert"])
    assert response.status_code == 200
    assert response.context["revert_disabled"] is True
    assert 'name="_save"' not in response.content.decode()


# A revert by an editor is a change like any other ------------------------------------------


@pytest.fixture
def ottawa(reference_data) -> Treaty:
    return Treaty.objects.get(slug="ottawa")


def revert_page(web, event: StatusEvent, entry):
    url = urls(StatusEvent, event.pk, entry.history_id)["revert"]
    return url, web.get(url)


def test_an_editor_reverts_through_the_service(editor_client, editor, viewer, ottawa):
    country = CountryFactory(name="Freedonia")
    event = services.status_event_record(
        treaty=ottawa, country=country, kind=EventKind.SIGNATURE, date=D("1998-01-02"), source="UNTC", note="first"
    )
    event.note = "second"
    services.status_event_save(event=event, user=viewer)
    first = event.history.order_by("history_date").first()
    SummaryMark.objects.filter(pk=ottawa.pk).update(pending=False)
    url, page = revert_page(editor_client, event, first)
    assert page.context["adminform"].form["read_version"].value() == 2  # the live row's, not the entry's
    response = editor_client.post(url, page_data(page))
    assert response.status_code == 302, response.context["errors"]
    event.refresh_from_db()
    assert (event.note, event.version) == ("first", 3)
    latest = event.history.order_by("-history_date").first()
    assert (latest.history_user, latest.version, latest.note) == (editor, 3, "first")
    assert SummaryMark.objects.get(pk=ottawa.pk).pending  # the service marked the summaries


def test_a_revert_that_contradicts_the_record_is_refused_in_words(editor_client, ottawa):
    country = CountryFactory(name="Freedonia")
    signature = services.status_event_record(
        treaty=ottawa, country=country, kind=EventKind.SIGNATURE, date=D("1998-07-01"), source="UNTC"
    )
    first = signature.history.get()
    signature.date = D("1998-05-01")
    services.status_event_save(event=signature)
    services.status_event_record(
        treaty=ottawa, country=country, kind=EventKind.RATIFICATION, date=D("1998-06-01"), source="UNTC"
    )
    url, page = revert_page(editor_client, signature, first)
    response = editor_client.post(url, page_data(page))
    assert response.status_code == 200
    errors = " ".join(m for messages in response.context["adminform"].form.errors.values() for m in messages)
    assert "ratification of the Ottawa Convention on 1998-06-01 comes before this signature on 1998-07-01" in errors
    assert "Freedonia" in response.content.decode()
    signature.refresh_from_db()
    assert (signature.date, signature.version) == (D("1998-05-01"), 2)


def test_a_revert_over_a_later_change_is_refused_with_who_changed_what(editor_client, viewer, ottawa):
    event = StatusEvent.objects.filter(treaty=ottawa, kind=EventKind.RATIFICATION).order_by("pk").first()
    entry = a_history_entry(StatusEvent, event)
    url = urls(StatusEvent, event.pk, entry)["revert"]
    page = editor_client.get(url)
    # Meanwhile bob (through a service call, not the admin) corrects the note.
    event.refresh_from_db()
    event.note = "corrected meanwhile"
    services.status_event_save(event=event, user=viewer)
    response = editor_client.post(url, page_data(page))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "bob changed this status event on" in errors
    assert "→ corrected meanwhile" in errors
    event.refresh_from_db()
    assert event.note == "corrected meanwhile"


def test_reverting_can_be_switched_off_for_everyone(editor_client, ottawa, settings):
    settings.SIMPLE_HISTORY_REVERT_DISABLED = True
    canada = Country.objects.get(iso3="CAN")
    event = StatusEvent.objects.get(treaty=ottawa, country=canada, kind=EventKind.SIGNATURE)
    entry = StatusEvent.history.get(history_id=a_history_entry(StatusEvent, event))
    url, page = revert_page(editor_client, event, entry)
    data = tampered(page_data(page))
    before = snapshot(StatusEvent, event.pk)
    assert editor_client.post(url, data).status_code == 403
    assert snapshot(StatusEvent, event.pk) == before


@pytest.mark.parametrize(
    "path",
    ["{pk}/history/abc/", "abc/history/{hid}/", "999999/history/{hid}/", "{pk}/history/99999999/", "x/history/"],
)
def test_history_urls_naming_no_row_are_not_found_not_errors(reference_data, editor_client, viewer_client, path):
    event = StatusEvent.objects.order_by("pk").first()
    url = "/admin/treaties/statusevent/" + path.format(pk=event.pk, hid=a_history_entry(StatusEvent, event))
    for web in (editor_client, viewer_client):
        assert web.get(url).status_code == 404
        assert web.post(url, {"note": "x"}).status_code in (403, 404)
