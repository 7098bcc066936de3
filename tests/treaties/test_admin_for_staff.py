"""The admin as NGO staff meet it (issue 10, point 14): values offered as choices, the treaty remembered,
the newest events first, ISO dates, and an import preview that counts each row once and shows text it overwrites."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from countries.models import Country
from tests.factories import TreatyFactory
from treaties.admin import iso_moment
from treaties.choices import KIND_VALUES, EventKind
from treaties.forms import kind_value_choices
from treaties.models import StatusEvent, Treaty

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/treaties/statusevent/add/"
LIST_URL = "/admin/treaties/statusevent/"
IMPORT_URL = "/admin/treaties/statusevent/import/"
HEADER = "iso3,treaty,kind,value,date,effective_date,end_date,source,note"


@pytest.fixture
def ottawa(reference_data) -> Treaty:
    return Treaty.objects.get(slug="ottawa")


def event_form(country: Country, treaty: Treaty, kind: str, date: str, **extra) -> dict:
    return {
        "treaty": treaty.pk,
        "country": country.pk,
        "kind": kind,
        "value": "",
        "date": date,
        "effective_date": "",
        "end_date": "",
        "source": "Statement to the UN General Assembly, 2001",
        "note": "",
        **extra,
    }


def upload(client, *lines: str):
    data = ("\n".join([HEADER, *lines]) + "\n").encode()
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile("batch.csv", data, content_type="text/csv")})


def test_every_value_of_every_kind_is_offered_labelled_with_its_kind(editor_client, ottawa):
    content = editor_client.get(ADD_URL).content.decode()
    assert '<select name="value"' in content
    for kind, values in KIND_VALUES.items():
        for value in values:
            if value:
                label = f"{EventKind(kind).label}: {value}"
                assert f'<option value="{value}" data-kinds="{kind}">{label}</option>' in content
    assert "js/admin_event_value.js" in content  # which narrows the menu to the chosen kind


def test_the_blank_value_fits_only_kinds_that_may_leave_it_blank():
    blank_kinds = next(kinds for value, _label, kinds in kind_value_choices() if value == "")
    assert EventKind.SIGNATURE in blank_kinds and EventKind.WITHDRAWAL_NOTICE in blank_kinds
    assert EventKind.STANCE not in blank_kinds and EventKind.EXPORT_MORATORIUM not in blank_kinds


def test_a_stance_is_saved_from_the_menu(editor_client, ottawa):
    japan = Country.objects.get(iso3="JPN")
    data = event_form(japan, ottawa, EventKind.STANCE, "2001-01-02", value="undecided")
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert StatusEvent.objects.get(country=japan, kind=EventKind.STANCE, date="2001-01-02").value == "undecided"


def test_a_value_that_does_not_fit_the_kind_is_refused_in_words(editor_client, ottawa):
    japan = Country.objects.get(iso3="JPN")
    response = editor_client.post(ADD_URL, event_form(japan, ottawa, EventKind.STANCE, "2001-01-02", value="yes"))
    assert response.status_code == 200
    assert "takes one of: supporter, undecided, opposed" in response.content.decode()


def test_the_treaty_defaults_to_the_only_one(editor_client, ottawa):
    # The shipped record holds a family of treaties: leave Ottawa alone in the database (inside this test).
    StatusEvent.all_objects.exclude(treaty=ottawa).delete()
    others = Treaty.objects.exclude(pk=ottawa.pk)
    others.update(parent=None)  # a protocol protects the treaty it is annexed to
    others.delete()
    assert list(Treaty.objects.all()) == [ottawa]
    response = editor_client.get(ADD_URL)
    assert response.context["adminform"].form.initial["treaty"] == ottawa.pk
    assert f'<option value="{ottawa.pk}" selected>{ottawa}</option>' in response.content.decode()


def test_with_several_treaties_and_none_used_no_treaty_is_chosen(editor_client, ottawa):
    assert Treaty.objects.count() == 9  # the shipped family
    response = editor_client.get(ADD_URL)
    form = response.context["adminform"].form
    assert "treaty" not in form.initial
    assert form["treaty"].value() is None
    assert " selected>" not in response.content.decode().split('name="treaty"', 1)[1].split("</select>", 1)[0]


def test_the_treaty_defaults_to_the_one_last_used(editor_client, ottawa):
    other = TreatyFactory(slug="ccm", short_name="CCM")
    assert "treaty" not in editor_client.get(ADD_URL).context["adminform"].form.initial  # several treaties, none used
    japan = Country.objects.get(iso3="JPN")
    data = event_form(japan, ottawa, EventKind.STANCE, "2001-01-02", value="supporter")
    assert editor_client.post(ADD_URL, data).status_code == 302
    assert editor_client.get(ADD_URL).context["adminform"].form.initial["treaty"] == ottawa.pk
    # An explicit choice in the URL still wins.
    assert editor_client.get(ADD_URL, {"treaty": other.pk}).context["adminform"].form.initial["treaty"] == str(other.pk)


def test_the_event_list_runs_newest_first_with_iso_dates(editor_client, ottawa):
    response = editor_client.get(LIST_URL)
    events = list(response.context["cl"].result_list)
    dates = [event.date for event in events]
    assert dates == sorted(dates, reverse=True)
    newest = dates[0].isoformat()
    content = response.content.decode()
    assert f'<td class="field-date_iso">{newest}</td>' in content


def test_the_change_form_shows_iso_dates(editor_client, ottawa):
    event = StatusEvent.objects.filter(treaty=ottawa, kind=EventKind.SIGNATURE).first()
    content = editor_client.get(f"{LIST_URL}{event.pk}/change/").content.decode()
    assert f'value="{event.date.isoformat()}"' in content
    assert f'<div class="readonly">{iso_moment(event.created_at)}</div>' in content


def test_the_public_pages_keep_their_dates(client, ottawa):
    assert "<h1>Ottawa Convention on 31 December 1997</h1>" in client.get("/?date=1997-12-31").content.decode()


def test_the_preview_counts_bad_rows_apart_from_rows_to_create(editor_client, ottawa):
    response = upload(
        editor_client,
        "JPN,ottawa,stance,supporter,2001-01-01,,,Statement to the UN General Assembly,",
        "KOR,ottawa,stance,,2001-01-01,,,Statement to the UN General Assembly,",  # a stance needs a value
    )
    preview = response.context["preview"]
    assert (len(preview.created), len(preview.changed), preview.bad) == (1, 0, 1)
    content = response.content.decode()
    assert '<tr><th scope="row">To create</th><td>1</td></tr>' in content
    assert '<tr><th scope="row">Bad rows</th><td>1</td></tr>' in content


def test_a_change_that_overwrites_a_note_shows_the_old_and_new_text(editor_client, ottawa):
    event = StatusEvent.objects.select_related("country").filter(treaty=ottawa, kind=EventKind.SIGNATURE).first()
    old = "Signed at the Ottawa conference; " + "the instrument was checked against the UNTC record. " * 3
    StatusEvent.objects.filter(pk=event.pk).update(note=old, source="UNTC")
    row = f"{event.country.iso3},ottawa,signature,,{event.date.isoformat()},,,UNTC,Checked again in 2026"
    response = upload(editor_client, row)
    assert len(response.context["preview"].changed) == 1
    content = response.content.decode()
    assert "note (overwrites the recorded text)" in content
    assert f'<dd class="old-text">{old}</dd>' in content  # whole, not cut to 80 characters
    assert '<dd class="new-text">Checked again in 2026</dd>' in content
