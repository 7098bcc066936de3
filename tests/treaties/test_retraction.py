"""Issue 8, finding 12: editors take back a mistaken event with a reason, and can restore it.

A retracted event counts nowhere (statuses, figures, lists, exports, the country timeline),
stays in the admin (with a filter) and in its history, and is restored only once it fits
the record again. Changes made in the admin carry an optional reason into the history.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client

from countries.models import Country
from ottawa_tracker.versioning import StaleEdit
from tests.factories import CountryFactory
from treaties import services
from treaties.choices import STATUS_KINDS, CountBasis, EventKind, LegalStatus
from treaties.models import StatusEvent, SummaryMark, Treaty
from treaties.selectors import treaty_status_rows
from treaties.services import summaries as summary_services

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
ON = D("2010-01-01")
CHANGELIST = "/admin/treaties/statusevent/"


@pytest.fixture
def ottawa(reference_data) -> Treaty:
    return Treaty.objects.get(slug="ottawa")


@pytest.fixture
def ratification(ottawa) -> StatusEvent:
    """Albania signed the Ottawa Convention on 1998-09-08 and ratified it on 2000-02-29."""
    return StatusEvent.objects.get(treaty=ottawa, country__iso3="ALB", kind=EventKind.RATIFICATION)


def change_url(event: StatusEvent, action: str = "change") -> str:
    return f"{CHANGELIST}{event.pk}/{action}/"


# Albania's events of the Ottawa Convention in /events/ and /events.csv, and its ratification in its timeline.
ALBANIA_OTTAWA = {"country": "ALB", "treaty": "ottawa"}
OTTAWA_RATIFICATION = "<strong>Ratification</strong> of the Ottawa Convention"


def recompute_now(treaty: Treaty) -> None:
    summary_services.summary_marks_process(treaty_ids=[treaty.pk], settle=0.0)


def albania_status(treaty: Treaty) -> str:
    rows = treaty_status_rows(treaty=treaty, on=ON, count=CountBasis.values[0])
    return next(row for row in rows if row.country.iso3 == "ALB").status.status


# --- The services ---


@pytest.mark.parametrize("reason", ["", "   ", "\t\n"])
def test_retract_needs_a_reason_with_visible_text(ratification, editor, reason):
    with pytest.raises(ValidationError) as caught:
        services.status_event_retract(event=ratification, user=editor, reason=reason)
    assert "Say why the event is retracted" in str(caught.value)
    ratification.refresh_from_db()
    assert ratification.retracted_at is None
    assert ratification.version == 1
    assert StatusEvent.objects.filter(pk=ratification.pk).exists()


def test_retract_takes_the_event_out_and_history_names_user_and_reason(ottawa, ratification, editor):
    recompute_now(ottawa)
    services.status_event_retract(event=ratification, user=editor, reason="Deposit was of Andorra, not Albania")
    assert ratification.retracted_at is not None
    assert ratification.version == 2
    assert not StatusEvent.objects.filter(pk=ratification.pk).exists()
    stored = StatusEvent.all_objects.get(pk=ratification.pk)
    assert stored.retraction_reason == "Deposit was of Andorra, not Albania"
    assert stored.version == 2
    entry = stored.history.first()
    assert entry.history_user == editor
    assert entry.history_type == "~"
    assert entry.history_change_reason == "Retracted: Deposit was of Andorra, not Albania"
    assert entry.retracted_at == stored.retracted_at
    assert SummaryMark.objects.get(treaty=ottawa).pending


def test_a_long_reason_is_kept_whole_on_the_event_and_shortened_in_the_change_reason(ratification, editor):
    reason = "x" * 300
    services.status_event_retract(event=ratification, user=editor, reason=reason)
    entry = StatusEvent.all_objects.get(pk=ratification.pk).history.first()
    assert entry.retraction_reason == reason
    assert len(entry.history_change_reason) == services.HISTORY_REASON_MAX
    with pytest.raises(ValidationError):
        services.status_event_restore(event=ratification, user=editor, reason="y" * 2000)


def test_retracting_twice_is_refused_in_words(ratification, editor):
    services.status_event_retract(event=ratification, user=editor, reason="Wrong country")
    with pytest.raises(ValidationError, match="already retracted"):
        services.status_event_retract(event=ratification, user=editor, reason="Again")
    stale = StatusEvent.all_objects.get(pk=ratification.pk)
    stale.retracted_at = None  # as read before the retraction
    stale.version = 1
    with pytest.raises(StaleEdit) as caught:
        services.status_event_retract(event=stale, user=editor, reason="Again")
    message = " ".join(caught.value.messages)
    assert "alice changed this status event on" in message
    assert "It is retracted now" in message
    assert StatusEvent.all_objects.get(pk=ratification.pk).version == 2


def test_retract_refuses_an_event_changed_since_it_was_read(ratification, editor):
    read = StatusEvent.objects.get(pk=ratification.pk)
    StatusEvent.all_objects.filter(pk=ratification.pk).update(version=F("version") + 1)  # another writer
    with pytest.raises(StaleEdit, match="changed this status event"):
        services.status_event_retract(event=read, user=editor, reason="Wrong country")
    assert StatusEvent.objects.filter(pk=ratification.pk).exists()


def test_restore_brings_the_event_back_with_history(ottawa, ratification, editor):
    services.status_event_retract(event=ratification, user=editor, reason="Wrong country")
    with pytest.raises(ValidationError, match="Say why the event is restored"):
        services.status_event_restore(event=ratification, user=editor, reason=" ")
    services.status_event_restore(event=ratification, user=editor, reason="It was Albania after all")
    restored = StatusEvent.objects.get(pk=ratification.pk)
    assert restored.retracted_at is None and restored.retraction_reason == ""
    assert restored.version == 3
    reasons = list(restored.history.values_list("history_change_reason", flat=True)[:2])
    assert reasons == ["Restored: It was Albania after all", "Retracted: Wrong country"]
    with pytest.raises(ValidationError, match="not retracted"):
        services.status_event_restore(event=restored, user=editor, reason="Again")


def test_restore_is_refused_when_the_record_no_longer_fits(ottawa, ratification, editor):
    albania = ratification.country
    services.status_event_retract(event=ratification, user=editor, reason="Wrong date")
    services.status_event_record(
        treaty=ottawa,
        country=albania,
        kind=EventKind.RATIFICATION,
        date=D("2000-03-01"),
        source="Depositary notification (corrected)",
        user=editor,
    )
    with pytest.raises(ValidationError) as caught:
        services.status_event_restore(event=ratification, user=editor, reason="Undo")
    assert "It cannot be restored: Albania already consented to be bound" in " ".join(caught.value.messages)
    assert StatusEvent.all_objects.get(pk=ratification.pk).retracted_at is not None


# --- Public pages: a retracted event counts nowhere, a restored one again ---


def test_a_retracted_ratification_counts_nowhere_until_restored(
    client, ottawa, ratification, editor, django_capture_on_commit_callbacks
):
    recompute_now(ottawa)
    before = client.get("/", {"date": ON.isoformat()}).context["counts"]
    assert albania_status(ottawa) == LegalStatus.STATE_PARTY

    # The wake-up after commit runs the recompute eagerly, as the embedded mode does.
    with django_capture_on_commit_callbacks(execute=True):
        services.status_event_retract(event=ratification, user=editor, reason="Wrong country")
    assert not SummaryMark.objects.get(treaty=ottawa).pending
    after = client.get("/", {"date": ON.isoformat()}).context["counts"]
    assert after.parties == before.parties - 1
    assert after.signatory == before.signatory + 1
    assert albania_status(ottawa) == LegalStatus.SIGNATORY

    page = client.get(f"/treaties/ottawa/?date={ON}")
    row = next(r for r in page.context["rows"] if r.country.iso3 == "ALB")
    assert row.status.status == LegalStatus.SIGNATORY
    status_csv = b"".join(client.get(f"/treaties/ottawa/status.csv?date={ON}").streaming_content).decode()
    assert "ALB,Albania,signatory" in status_csv

    events_page = client.get("/events/", {"country": "ALB"})
    assert ratification.pk not in [e.pk for e in events_page.context["events"]]
    events_csv = b"".join(client.get("/events.csv", ALBANIA_OTTAWA).streaming_content).decode()
    assert "2000-02-29" not in events_csv and "1998-09-08" in events_csv
    profile = client.get("/countries/ALB/")
    assert ratification.pk not in [e.pk for e in profile.context["profile"].events]
    content = profile.content.decode()
    assert OTTAWA_RATIFICATION not in content
    assert "<strong>Signature</strong> of the Ottawa Convention" in content  # the timeline keeps the rest

    with django_capture_on_commit_callbacks(execute=True):
        services.status_event_restore(event=ratification, user=editor, reason="It was Albania after all")
    again = client.get("/", {"date": ON.isoformat()}).context["counts"]
    assert (again.parties, again.signatory) == (before.parties, before.signatory)
    assert albania_status(ottawa) == LegalStatus.STATE_PARTY
    events_csv = b"".join(client.get("/events.csv", ALBANIA_OTTAWA).streaming_content).decode()
    assert "2000-02-29" in events_csv
    assert OTTAWA_RATIFICATION in client.get("/countries/ALB/").content.decode()


def test_the_postgresql_copy_export_leaves_retracted_events_out(client, ratification, editor, settings):
    """The COPY path of /events.csv builds its SQL from the same queryset (only on PostgreSQL)."""
    from django.db import connection

    from treaties.exports import event_csv_chunks
    from treaties.selectors import status_event_list

    services.status_event_retract(event=ratification, user=editor, reason="Wrong country")
    queryset = status_event_list().filter(country__iso3="ALB")
    text = b"".join(event_csv_chunks(queryset, copy=False)).decode()
    assert "2000-02-29" not in text and "1998-09-08" in text
    if connection.vendor == "postgresql":
        assert b"".join(event_csv_chunks(queryset, copy=True)).decode() == text


# --- The admin ---


def test_editor_retracts_from_the_change_page_with_a_reason(editor_client, editor, ratification):
    page = editor_client.get(change_url(ratification))
    assert page.status_code == 200
    assert change_url(ratification, "retract").encode() in page.content

    form = editor_client.get(change_url(ratification, "retract"))
    assert form.status_code == 200
    assert b'name="reason"' in form.content and b"csrfmiddlewaretoken" in form.content

    refused = editor_client.post(change_url(ratification, "retract"), {"reason": "  ", "read_version": 1})
    assert refused.status_code == 200
    assert b"Say why" in refused.content
    assert StatusEvent.objects.filter(pk=ratification.pk).exists()

    done = editor_client.post(change_url(ratification, "retract"), {"reason": "Wrong country", "read_version": 1})
    assert done.status_code == 302 and done["Location"] == change_url(ratification)
    stored = StatusEvent.all_objects.get(pk=ratification.pk)
    assert stored.retraction_reason == "Wrong country"
    entry = stored.history.first()
    assert (entry.history_user, entry.history_change_reason) == (editor, "Retracted: Wrong country")

    # Still in the admin: read-only, with why, and a way back.
    page = editor_client.get(change_url(ratification))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Wrong country" in content and "counts nowhere" in content
    assert change_url(ratification, "restore") in content
    assert 'name="_save"' not in content  # read-only
    history = editor_client.get(change_url(ratification, "history"))
    assert history.status_code == 200
    assert "Retracted: Wrong country" in history.content.decode()


def test_a_stale_retract_form_is_refused_and_says_who_changed_it(editor_client, ratification, editor):
    services.status_event_save(event=ratification, user=editor, reason="Note added")  # version 2 now
    ratification.refresh_from_db()
    response = editor_client.post(change_url(ratification, "retract"), {"reason": "Wrong country", "read_version": 1})
    assert response.status_code == 200
    assert "alice changed this status event on" in response.content.decode()
    assert "Wrong country" in response.content.decode()  # the input is kept
    assert StatusEvent.objects.filter(pk=ratification.pk).exists()
    assert response.context["form"]["read_version"].value() == "2"
    again = editor_client.post(change_url(ratification, "retract"), {"reason": "Wrong country", "read_version": 2})
    assert again.status_code == 302
    assert not StatusEvent.objects.filter(pk=ratification.pk).exists()


def test_editor_restores_from_the_admin_and_a_failing_check_is_shown(editor_client, ottawa, ratification, editor):
    services.status_event_retract(event=ratification, user=editor, reason="Wrong date")
    correction = services.status_event_record(
        treaty=ottawa,
        country=ratification.country,
        kind=EventKind.RATIFICATION,
        date=D("2000-03-01"),
        source="Depositary notification (corrected)",
        user=editor,
    )
    url = change_url(ratification, "restore")
    response = editor_client.post(url, {"reason": "Undo", "read_version": 2})
    assert response.status_code == 200
    assert "It cannot be restored: Albania already consented to be bound" in response.content.decode()
    assert StatusEvent.all_objects.get(pk=ratification.pk).retracted_at is not None

    services.status_event_retract(event=correction, user=editor, reason="The first date was right")
    response = editor_client.post(url, {"reason": "The first date was right", "read_version": 2})
    assert response.status_code == 302
    assert StatusEvent.objects.filter(pk=ratification.pk).exists()


def test_the_list_shows_retracted_events_with_a_filter(editor_client, ottawa, ratification, editor):
    services.status_event_retract(event=ratification, user=editor, reason="Wrong country")
    every = editor_client.get(
        CHANGELIST, {"country__id__exact": ratification.country_id, "treaty__id__exact": ottawa.pk}
    )
    listed = every.context["cl"].result_list
    assert ratification.pk in [e.pk for e in listed]
    assert len(listed) == StatusEvent.all_objects.filter(country=ratification.country, treaty=ottawa).count()
    # Its signature and ratification (beside its General Assembly votes, which are events too).
    acts = StatusEvent.all_objects.filter(country=ratification.country, treaty=ottawa, kind__in=STATUS_KINDS)
    assert acts.count() == 2
    retracted = editor_client.get(CHANGELIST, {"retracted": "yes"}).context["cl"].result_list
    assert [e.pk for e in retracted] == [ratification.pk]
    counting = editor_client.get(CHANGELIST, {"retracted": "no"}).context["cl"]
    assert counting.result_count == StatusEvent.objects.count()
    assert "retracted" in every.content.decode().lower()


def test_the_list_reads_a_fixed_number_of_queries(editor_client, ottawa, editor, django_assert_max_num_queries):
    for event in StatusEvent.objects.filter(treaty=ottawa)[:5]:
        services.status_event_retract(event=event, user=editor, reason="Bulk check")
    with django_assert_max_num_queries(20):
        assert editor_client.get(CHANGELIST, {"retracted": "yes"}).status_code == 200


def test_bulk_retract_and_restore_ask_the_reason_first(editor_client, editor, ottawa):
    events = list(StatusEvent.objects.filter(treaty=ottawa, country__iso3__in=["ALB", "CAN"]).order_by("pk"))
    ids = [str(e.pk) for e in events]
    ask = editor_client.post(CHANGELIST, {"action": "retract_selected", "_selected_action": ids})
    assert ask.status_code == 200
    assert b'name="reason"' in ask.content
    assert StatusEvent.objects.filter(pk__in=ids).count() == len(ids)

    blank = editor_client.post(CHANGELIST, {"action": "retract_selected", "_selected_action": ids, "apply": "yes"})
    assert blank.status_code == 200 and b"errorlist" in blank.content
    assert StatusEvent.objects.filter(pk__in=ids).count() == len(ids)

    done = editor_client.post(
        CHANGELIST, {"action": "retract_selected", "_selected_action": ids, "apply": "yes", "reason": "Test batch"}
    )
    assert done.status_code == 302
    assert not StatusEvent.objects.filter(pk__in=ids).exists()
    assert set(StatusEvent.all_objects.filter(pk__in=ids).values_list("retraction_reason", flat=True)) == {"Test batch"}

    back = editor_client.post(
        CHANGELIST, {"action": "restore_selected", "_selected_action": ids, "apply": "yes", "reason": "Batch undone"}
    )
    assert back.status_code == 302
    assert StatusEvent.objects.filter(pk__in=ids).count() == len(ids)
    for event in StatusEvent.objects.filter(pk__in=ids):
        assert event.history.first().history_change_reason == "Restored: Batch undone"


@pytest.mark.parametrize("action", ["retract", "restore"])
def test_viewer_and_anonymous_cannot_retract_or_restore(client, viewer_client, editor, ratification, action):
    if action == "restore":
        services.status_event_retract(event=ratification, user=editor, reason="Wrong country")
        ratification.refresh_from_db()
    before = StatusEvent.all_objects.filter(pk=ratification.pk).values().get()
    url = change_url(ratification, action)
    data = {"reason": "By someone not allowed", "read_version": ratification.version}
    assert viewer_client.get(url).status_code == 403
    assert viewer_client.post(url, data).status_code == 403
    bulk = {"action": f"{action}_selected", "_selected_action": [ratification.pk], "apply": "yes", "reason": "No"}
    viewer_client.post(CHANGELIST, bulk)
    for response in (client.get(url), client.post(url, data)):
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert StatusEvent.all_objects.filter(pk=ratification.pk).values().get() == before
    page = viewer_client.get(change_url(ratification))
    assert page.status_code == 200
    assert change_url(ratification, action).encode() not in page.content


def test_retract_needs_the_csrf_token(editor, ratification):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(change_url(ratification, "retract"), {"reason": "Wrong country", "read_version": 1})
    assert response.status_code == 403
    assert StatusEvent.objects.filter(pk=ratification.pk).exists()


def test_a_retracted_event_cannot_be_changed_or_reverted_back_in_the_admin(editor_client, editor, ratification):
    first = ratification.history.earliest()
    services.status_event_retract(event=ratification, user=editor, reason="Wrong country")
    data = {
        "treaty": ratification.treaty_id,
        "country": ratification.country_id,
        "kind": ratification.kind,
        "value": "",
        "date": ratification.date.isoformat(),
        "effective_date": "",
        "end_date": "",
        "source": ratification.source,
        "note": "changed while retracted",
        "read_version": ratification.version,
    }
    editor_client.post(change_url(ratification), data)
    editor_client.post(f"{CHANGELIST}{ratification.pk}/history/{first.history_id}/", data)
    stored = StatusEvent.all_objects.get(pk=ratification.pk)
    assert stored.retracted_at is not None
    assert stored.note != "changed while retracted"


def test_a_new_event_with_a_retracted_events_identity_is_refused_in_words(editor_client, editor, ottawa):
    country = CountryFactory(name="Freedonia")
    event = services.status_event_record(
        treaty=ottawa, country=country, kind=EventKind.SIGNATURE, date=D("1998-01-05"), source="Notification"
    )
    services.status_event_retract(event=event, user=editor, reason="Wrong date")
    data = {
        "treaty": ottawa.pk,
        "country": country.pk,
        "kind": EventKind.SIGNATURE,
        "value": "",
        "date": "1998-01-05",
        "effective_date": "",
        "end_date": "",
        "source": "Notification",
        "note": "",
    }
    response = editor_client.post(f"{CHANGELIST}add/", data)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("A retracted event with this identity is recorded") == 1
    assert "Wrong date); restore it instead" in content
    assert StatusEvent.all_objects.filter(country=country).count() == 1


# --- A reason for any change made in the admin ---


def test_an_admin_change_carries_its_reason_into_history(editor_client, editor, ratification):
    page = editor_client.get(change_url(ratification))
    assert b'name="change_reason"' in page.content
    data = {
        "treaty": ratification.treaty_id,
        "country": ratification.country_id,
        "kind": ratification.kind,
        "value": "",
        "date": ratification.date.isoformat(),
        "effective_date": "",
        "end_date": "",
        "source": ratification.source,
        "note": "Checked against the depositary",
        "read_version": ratification.version,
        "change_reason": "Checked the UNTC page",
    }
    response = editor_client.post(change_url(ratification), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = StatusEvent.objects.get(pk=ratification.pk).history.first()
    assert (entry.history_user, entry.history_change_reason) == (editor, "Checked the UNTC page")
    assert "Checked the UNTC page" in editor_client.get(change_url(ratification, "history")).content.decode()

    too_long = {**data, "note": "Again", "change_reason": "x" * 101}
    response = editor_client.post(change_url(ratification), too_long)
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()


def test_a_reason_is_optional_and_viewers_are_not_asked(editor_client, viewer_client, editor, ratification):
    assert b'name="change_reason"' not in viewer_client.get(change_url(ratification)).content
    assert b'name="change_reason"' not in viewer_client.get("/admin/countries/country/").content


def test_country_and_treaty_admin_changes_carry_their_reason(editor_client, editor, ottawa):
    country = Country.objects.get(iso3="ALB")
    page = editor_client.get(f"/admin/countries/country/{country.pk}/change/")
    assert b'name="change_reason"' in page.content
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "official_name": "Republic of Albania (checked)",
            "change_reason": "Official name per UN terminology",
            "former_names-TOTAL_FORMS": "0",
            "former_names-INITIAL_FORMS": "0",
        }
    )
    response = editor_client.post(f"/admin/countries/country/{country.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = Country.objects.get(pk=country.pk).history.first()
    assert (entry.history_user, entry.history_change_reason) == (editor, "Official name per UN terminology")

    page = editor_client.get(f"/admin/treaties/treaty/{ottawa.pk}/change/")
    assert b'name="change_reason"' in page.content
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"depositary": "Secretary-General of the United Nations.", "change_reason": "Punctuation"})
    response = editor_client.post(f"/admin/treaties/treaty/{ottawa.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = Treaty.objects.get(pk=ottawa.pk).history.first()
    assert (entry.history_user, entry.history_change_reason) == (editor, "Punctuation")


@pytest.mark.parametrize("path", ["999999999/retract/", "abc/retract/", "0/restore/", "%00/restore/", "1%2F2/retract/"])
def test_unknown_events_are_redirected_not_errors(editor_client, path):
    response = editor_client.get(f"{CHANGELIST}{path}")
    assert response.status_code in (302, 404)


@pytest.mark.parametrize("version", ["abc", "-1", "0", "99999999999999999999999", ""])
def test_odd_form_values_are_refused_in_words(editor_client, ratification, version):
    response = editor_client.post(change_url(ratification, "retract"), {"reason": "x" * 1001, "read_version": version})
    assert response.status_code == 200
    response = editor_client.post(change_url(ratification, "retract"), {"reason": "Odd", "read_version": version})
    assert response.status_code in (200, 302)
    assert (response.status_code == 302) == (version == "")
