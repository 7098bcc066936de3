"""`import_events` writes only under a named user, so every history row says who imported it."""

import io

import pytest
from django.core.management import CommandError, call_command

from treaties.models import StatusEvent

HEADER = "iso3,treaty,kind,value,date,effective_date,end_date,source,note"
ROW = "CAN,ottawa,stance,supporter,2001-02-03,,,An NGO statement,"


@pytest.fixture
def events_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(f"{HEADER}\n{ROW}\n")
    return str(path)


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_events", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def history_count() -> int:
    return StatusEvent.history.count()


def test_a_write_without_a_user_is_refused_in_words(reference_data, events_file):
    events, history = StatusEvent.objects.count(), history_count()
    with pytest.raises(CommandError) as excinfo:
        run(events_file)
    assert "--user USERNAME" in str(excinfo.value)
    assert "Nothing was imported" in str(excinfo.value)
    assert (StatusEvent.objects.count(), history_count()) == (events, history)


def test_an_unknown_user_is_refused_in_words(reference_data, events_file):
    with pytest.raises(CommandError) as excinfo:
        run(events_file, "--user", "mallory")
    assert "No user is called 'mallory'" in str(excinfo.value)


def test_a_dry_run_needs_no_user(reference_data, events_file):
    events = StatusEvent.objects.count()
    assert "1 to create" in run(events_file, "--dry-run")
    assert StatusEvent.objects.count() == events


def test_with_a_user_the_history_names_them(reference_data, editor, events_file):
    assert "1 created" in run(events_file, "--user", editor.username)
    event = StatusEvent.objects.get(country__iso3="CAN", kind="stance", date="2001-02-03")
    assert event.history.get().history_user == editor
