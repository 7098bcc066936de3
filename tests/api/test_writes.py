"""Writes through the API: editors' tokens create, change and retract events through the admin's services
(checks, version rule, history naming the token's user); anonymous and viewers are refused."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from treaties.models import StatusEvent, SummaryMark

pytestmark = pytest.mark.django_db

ACCESSION = {
    "treaty": "ottawa",
    "country": "USA",
    "kind": "accession",
    "date": "2026-06-01",
    "source": "https://treaties.un.org/example-notification",
}


def albania_ratification() -> StatusEvent:
    return StatusEvent.objects.get(treaty__slug="ottawa", country__iso3="ALB", kind="ratification")


def write_paths() -> list[tuple[str, str, dict]]:
    event = albania_ratification()
    return [
        ("post", "/api/v1/events/", ACCESSION),
        ("patch", f"/api/v1/events/{event.pk}/", {"note": "checked", "version": event.version}),
        ("post", f"/api/v1/events/{event.pk}/retract/", {"reason": "entered twice", "version": event.version}),
    ]


def test_every_write_is_refused_for_anonymous(api, reference_data):
    for method, url, body in write_paths():
        response = getattr(api, method)(url, body, format="json")
        assert response.status_code == 401, url
    assert not StatusEvent.objects.filter(country__iso3="USA", treaty__slug="ottawa", kind="accession").exists()
    assert albania_ratification().note != "checked"


def test_every_write_is_refused_for_a_viewers_token(viewer_api, reference_data):
    for method, url, body in write_paths():
        response = getattr(viewer_api, method)(url, body, format="json")
        assert response.status_code == 403, url
    assert not StatusEvent.objects.filter(country__iso3="USA", treaty__slug="ottawa", kind="accession").exists()
    assert StatusEvent.all_objects.get(pk=albania_ratification().pk).retracted_at is None


def test_an_editor_records_an_accession_and_history_names_her(editor_api, editor, api, reference_data):
    before = SummaryMark.objects.get(treaty__slug="ottawa").version
    version_before = api.get("/api/v1/treaties/").json()["data_version"]
    response = editor_api.post("/api/v1/events/", ACCESSION, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()["results"]
    event = StatusEvent.objects.get(pk=body["id"])
    assert (event.country.iso3, event.kind, event.version) == ("USA", "accession", 1)
    assert event.history.latest().history_user == editor
    assert event.history.latest().history_change_reason == "API"
    # The summaries are marked in the same transaction (and recomputed: eager tasks in tests).
    assert SummaryMark.objects.get(treaty__slug="ottawa").version > before
    status = api.get("/api/v1/treaties/ottawa/status/?date=2026-06-02&count=deposit").json()
    usa = next(r for r in status["results"] if r["iso3"] == "USA")
    assert usa["consent_kind"] == "accession"
    assert status["data_version"] != version_before


def test_an_editor_changes_and_retracts(editor_api, editor, reference_data):
    event = albania_ratification()
    response = editor_api.patch(
        f"/api/v1/events/{event.pk}/", {"note": "checked", "version": event.version}, format="json"
    )
    assert response.status_code == 200, response.json()
    event.refresh_from_db()
    assert event.note == "checked"
    assert event.history.latest().history_user == editor
    response = editor_api.post(
        f"/api/v1/events/{event.pk}/retract/", {"reason": "entered twice", "version": event.version}, format="json"
    )
    assert response.status_code == 200, response.json()
    retracted = StatusEvent.all_objects.get(pk=event.pk)
    assert retracted.retracted_at is not None
    assert retracted.history.latest().history_user == editor


def test_a_stale_version_is_a_409_with_the_current_values(editor_api, reference_data):
    event = albania_ratification()
    stale = event.version
    first = editor_api.patch(f"/api/v1/events/{event.pk}/", {"note": "one", "version": stale}, format="json")
    assert first.status_code == 200
    response = editor_api.patch(f"/api/v1/events/{event.pk}/", {"note": "two", "version": stale}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert "alice changed this status event" in body["detail"]
    assert body["current"]["note"] == "one"
    assert body["current"]["version"] == stale + 1
    retract = editor_api.post(
        f"/api/v1/events/{event.pk}/retract/", {"reason": "oops", "version": stale}, format="json"
    )
    assert retract.status_code == 409


def test_a_change_must_name_its_version(editor_api, reference_data):
    event = albania_ratification()
    response = editor_api.patch(f"/api/v1/events/{event.pk}/", {"note": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["version"]


def test_a_bad_write_gets_the_admins_messages(editor_api, reference_data):
    # An accession dated before the treaty's adoption: the validation module's own words.
    response = editor_api.post("/api/v1/events/", {**ACCESSION, "date": "1990-01-01"}, format="json")
    assert response.status_code == 400
    messages = [m for field in response.json().values() for m in field]
    assert any("was adopted on 1997-09-18" in m for m in messages), messages
    response = editor_api.post("/api/v1/events/", {**ACCESSION, "country": "XXX"}, format="json")
    assert response.status_code == 400
    assert response.json()["country"]


def test_a_superuser_makes_a_token_in_the_admin_and_it_writes(admin_client, editor, reference_data):
    assert admin_client.get("/admin/authtoken/tokenproxy/add/").status_code == 200
    response = admin_client.post("/admin/authtoken/tokenproxy/add/", {"user": editor.pk})
    assert response.status_code == 302
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=editor).key}")
    assert client.post("/api/v1/events/", ACCESSION, format="json").status_code == 201
