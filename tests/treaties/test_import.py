"""Importing the event CSV: bad files refused whole, a dry run first, history naming the importer."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from countries.models import Country
from tests.factories import CountryFactory, StatusEventFactory, TreatyFactory
from treaties import services
from treaties.choices import EventKind
from treaties.imports import ImportFileError, status_event_csv_read
from treaties.models import StatusEvent
from treaties.services import imports as import_services

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
HEADER = "iso3,treaty,kind,value,date,effective_date,end_date,source,note"
IMPORT_URL = "/admin/treaties/statusevent/import/"


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def export_all(client) -> bytes:
    response = client.get("/events.csv")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def history_rows() -> int:
    return StatusEvent.history.count()


@pytest.fixture
def mines(reference_data):
    """A second treaty with awkward text: formulas, quotes, line breaks, apostrophes."""
    treaty = TreatyFactory(slug="mines", short_name="Mines Convention")
    texts = ["=1+1", "'=quoted", "-minus", 'a "quote", a comma', "two\nlines", "lone\rreturn", "'Tis", "  padded  "]
    countries = Country.objects.filter(participant=True).order_by("iso3")[: len(texts)]
    for text, country in zip(texts, countries, strict=True):
        StatusEventFactory(
            treaty=treaty,
            country=country,
            kind=EventKind.STANCE,
            value="supporter",
            date=D("2005-06-07"),
            source=text,
            note=text,
        )
    return treaty


def import_file(tmp_path, data: bytes, *args: str) -> tuple[str, str]:
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_events", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# The file as a whole ---------------------------------------------------------------------------

BAD_FILES = [
    ("latin-1", HEADER.encode() + b"\nCIV,ottawa,stance,supporter,2001-01-01,,,C\xf4te d'Ivoire,\n", "not UTF-8"),
    ("empty", b"", "The file is empty"),
    ("only blank lines", b"\xef\xbb\xbf\n  \n", "The file is empty"),
    ("header only", HEADER.encode() + b"\n", "no events"),
    ("missing column", b"iso3,treaty,kind,value,date,effective_date,end_date,source\n", "missing note"),
    ("extra column", (HEADER + ",comment").encode() + b"\n", "not expected comment"),
    ("repeated column", (HEADER + ",note").encode() + b"\n", "given twice note"),
    ("not csv at all", b"\x00\x01PK\x03\x04 zip bytes", "header row must name"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_is_refused_with_a_clear_message(name, data, message):
    with pytest.raises(ImportFileError) as excinfo:
        status_event_csv_read(data)
    assert message in excinfo.value.message


def test_the_wrong_encoding_names_the_line():
    data = HEADER.encode() + b"\nCIV,ottawa,stance,supporter,2001-01-01,,,C\xf4te,\n"
    with pytest.raises(ImportFileError) as excinfo:
        status_event_csv_read(data)
    assert "byte 0xf4 on line 2" in excinfo.value.message


def test_a_huge_file_is_refused_and_the_limit_is_named(settings):
    settings.EVENT_IMPORT_MAX_BYTES = 2048
    data = csv_file(*["CAN,ottawa,stance,supporter,2001-01-01,,,source,"] * 60)
    with pytest.raises(ImportFileError) as excinfo:
        status_event_csv_read(data)
    assert "the limit is 2,048 bytes" in excinfo.value.message


def test_a_utf8_byte_order_mark_and_any_column_order_are_accepted():
    header = "note,source,end_date,effective_date,date,value,kind,treaty,iso3"
    data = "\ufeff".encode() + csv_file("hi,src,,,2001-01-01,supporter,stance,ottawa,CAN", header=header)
    rows = status_event_csv_read(data)
    assert rows[0].number == 2
    assert rows[0].cells["iso3"] == "CAN"
    assert rows[0].cells["note"] == "hi"


# Bad rows: named, with the reason, and nothing changes -----------------------------------------

GOOD = "JPN,ottawa,stance,supporter,2001-01-01,,,Statement to the UN General Assembly,"
BAD_ROWS = [
    ("unknown country", "XXQ,ottawa,stance,supporter,2001-01-01,,,src,", "No country has the ISO alpha-3 code 'XXQ'"),
    ("unknown treaty", "CAN,landmines,stance,supporter,2001-01-01,,,src,", "No treaty has the slug 'landmines'"),
    ("bad date", "CAN,ottawa,stance,supporter,03/12/1997,,,src,", "date ('03/12/1997'): Not a date written"),
    ("impossible date", "CAN,ottawa,stance,supporter,2001-02-30,,,src,", "Not a date written YYYY-MM-DD"),
    ("bad end date", "CAN,ottawa,stance,supporter,2001-02-03,,soon,src,", "end_date ('soon')"),
    ("unknown kind", "CAN,ottawa,endorsement,,2001-02-03,,,src,", "Unknown kind 'endorsement'"),
    ("no source", "CAN,ottawa,stance,supporter,2001-02-03,,,,", "Every event needs a source"),
    ("short row", "CAN,ottawa,stance,supporter,2001-02-03,,,src", "it has 8 cells where the header has 9"),
    ("value misfit", "CAN,ottawa,stance,maybe,2001-02-03,,,src,", "takes one of: supporter, undecided, opposed"),
    ("future", "CAN,ottawa,stance,supporter,2999-01-01,,,src,", "is in the future"),
    ("second consent", "CAN,ottawa,accession,,2001-01-10,,,src,", "Canada already consented to be bound"),
    ("duplicate", GOOD, "It repeats row 2"),
]


@pytest.mark.parametrize(("name", "line", "message"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_the_command_names_each_bad_row_and_changes_nothing(client, reference_data, tmp_path, name, line, message):
    before, history = export_all(client), history_rows()
    data = csv_file(GOOD, line, "KOR,ottawa,stance,opposed,2001-01-01,,,src,")
    with pytest.raises(CommandError) as excinfo:
        import_file(tmp_path, data)
    assert excinfo.value.returncode == 1
    assert "1 of 3 rows are bad; nothing was imported" in str(excinfo.value)
    assert export_all(client) == before
    assert history_rows() == history
    result = services.status_event_import(rows=status_event_csv_read(data), dry_run=True)
    assert [e.number for e in result.errors] == [3]
    assert message in str(result.errors[0])


def test_the_command_writes_each_bad_row_to_stderr(reference_data, tmp_path, capsys):
    data = csv_file(GOOD, BAD_ROWS[0][1], BAD_ROWS[2][1])
    err = io.StringIO()
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_events", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].endswith("row 3: iso3 ('XXQ'): No country has the ISO alpha-3 code 'XXQ'.")
    assert "row 4: date ('03/12/1997')" in lines[1]


def test_the_command_refuses_a_bad_file_and_says_why(reference_data, tmp_path):
    with pytest.raises(CommandError) as excinfo:
        import_file(tmp_path, b"\xff\xfei\x00s\x00o\x003\x00")
    assert "not UTF-8" in str(excinfo.value)
    assert "Nothing was imported" in str(excinfo.value)


# What an import does -----------------------------------------------------------------------------


def test_export_import_export_gives_identical_bytes(client, mines, editor, tmp_path):
    first = export_all(client)
    count = StatusEvent.objects.count()
    StatusEvent.objects.all().delete()
    out, _ = import_file(tmp_path, first, "--user", editor.username)
    assert f"{count:,} created, 0 changed, 0 unchanged" in out
    assert export_all(client) == first
    # Imported back into the record it came from, it changes nothing.
    history = history_rows()
    out, _ = import_file(tmp_path, first, "--user", editor.username)
    assert f"0 created, 0 changed, {count:,} unchanged" in out
    assert history_rows() == history


def test_neutralised_cells_are_stored_as_they_were(client, mines, editor, tmp_path):
    data = export_all(client)
    assert b"'=1+1" in data
    StatusEvent.objects.filter(treaty=mines).delete()
    import_file(tmp_path, data, "--user", editor.username)
    assert StatusEvent.objects.filter(treaty=mines, source="=1+1", note="=1+1").exists()
    assert StatusEvent.objects.filter(treaty=mines, source="'=quoted").exists()
    assert StatusEvent.objects.filter(treaty=mines, note="lone\rreturn").exists()


def test_a_changed_row_changes_the_event_with_history_naming_the_importer(client, mines, editor, tmp_path):
    data = export_all(client).decode()
    rows = list(csv.reader(io.StringIO(data, newline="")))
    target = next(i for i, r in enumerate(rows) if r[1] == "mines" and r[7] == "'Tis")
    rows[target][8] = "checked by Alice"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)  # CRLF, so a lone CR in a cell is quoted
    out, _ = import_file(tmp_path, buffer.getvalue().encode(), "--user", "alice")
    assert ": 0 created, 1 changed, " in out
    event = StatusEvent.objects.get(treaty=mines, source="'Tis")
    assert event.note == "checked by Alice"
    latest = event.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == editor
    assert latest.history_change_reason.startswith("CSV import events.csv")


def test_rows_are_checked_as_a_whole_file_in_any_order(reference_data):
    country = CountryFactory(name="Freedonia")
    data = csv_file(
        f"{country.iso3},ottawa,ratification,,1999-05-01,,,UNTC,",
        f"{country.iso3},ottawa,signature,,1998-01-02,,,UNTC,",
    )
    result = services.status_event_import(rows=status_event_csv_read(data))
    assert result.ok, [str(e) for e in result.errors]
    assert StatusEvent.objects.filter(country=country).count() == 2


def test_rows_contradicting_each_other_are_both_named(reference_data):
    country = CountryFactory(name="Freedonia")
    data = csv_file(
        f"{country.iso3},ottawa,accession,,2001-01-01,,,UNTC,",
        f"{country.iso3},ottawa,accession,,2003-01-01,,,UNTC,",
    )
    result = services.status_event_import(rows=status_event_csv_read(data))
    assert [e.number for e in result.errors] == [2, 3]
    assert "already consented" in str(result.errors[0])
    assert not StatusEvent.objects.filter(country=country).exists()


def test_dry_run_changes_nothing(client, reference_data, tmp_path):
    before, history = export_all(client), history_rows()
    out, _ = import_file(tmp_path, csv_file(GOOD), "--dry-run")
    assert "Dry run of 1 rows: 1 to create, 0 to change, 0 unchanged. Nothing was changed." in out
    assert export_all(client) == before
    assert history_rows() == history


def test_history_rows_carry_the_importing_user(reference_data, editor):
    data = csv_file(GOOD, "KOR,ottawa,stance,opposed,2001-01-01,,,src,")
    result = services.status_event_import(rows=status_event_csv_read(data), user=editor, reason="batch 7")
    assert result.written
    created = StatusEvent.history.filter(history_user=editor, history_type="+", history_change_reason="batch 7")
    assert created.count() == 2


def test_progress_is_reported_for_large_files(reference_data, monkeypatch):
    monkeypatch.setattr(import_services, "PROGRESS_EVERY", 2)
    calls = []
    lines = [
        f"{c.iso3},ottawa,stance,supporter,2001-01-01,,,src," for c in Country.objects.filter(participant=True)[:5]
    ]
    services.status_event_import(
        rows=status_event_csv_read(csv_file(*lines)), progress=lambda *a: calls.append(a), dry_run=True
    )
    assert ("read", 2, 5) in calls
    assert ("read", 5, 5) in calls
    assert ("write", 5, 5) in calls


# The admin ----------------------------------------------------------------------------------------


def upload(client: Client, data: bytes, name: str = "events.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_anonymous_cannot_import(client, reference_data):
    assert client.get(IMPORT_URL).status_code == 302
    before = StatusEvent.objects.count()
    response = upload(client, csv_file(GOOD))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client.post(IMPORT_URL, {"digest": "0" * 64})
    assert response.status_code == 302
    assert StatusEvent.objects.count() == before


def test_a_viewer_cannot_import(viewer_client, reference_data):
    before = StatusEvent.objects.count()
    assert viewer_client.get(IMPORT_URL).status_code == 403
    assert upload(viewer_client, csv_file(GOOD)).status_code == 403
    assert "Import CSV" not in viewer_client.get("/admin/treaties/statusevent/").content.decode()
    assert StatusEvent.objects.count() == before


def test_csrf_is_enforced_on_the_import(editor, reference_data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert upload(client, csv_file(GOOD)).status_code == 403


def test_editor_previews_then_confirms(client, editor_client, editor, reference_data):
    assert "Import CSV" in editor_client.get("/admin/treaties/statusevent/").content.decode()
    event = StatusEvent.objects.select_related("country").get(
        treaty__slug="ottawa", country__iso3="CAN", kind=EventKind.SIGNATURE
    )
    cells = ["CAN", "ottawa", "signature", "", event.date.isoformat(), "", "", event.source, "Checked against the UNTC"]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    changed = buffer.getvalue()
    data = csv_file(GOOD, changed)
    before, history = export_all(client), history_rows()

    preview = upload(editor_client, data, name="batch.csv")
    assert preview.status_code == 200
    result = preview.context["result"]
    assert (len(result.created), len(result.changed), len(result.unchanged), result.errors) == (1, 1, 0, [])
    content = preview.content.decode()
    assert "Preview of batch.csv" in content
    assert '<dd class="new-text">Checked against the UNTC</dd>' in content  # the note's new text, whole
    assert export_all(client) == before  # a preview writes nothing
    assert history_rows() == history

    digest = preview.context["digest"]
    response = editor_client.post(IMPORT_URL, {"digest": digest, "filename": "batch.csv"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/treaties/statusevent/"
    event.refresh_from_db()
    assert event.note == "Checked against the UNTC"
    assert StatusEvent.objects.filter(
        treaty__slug="ottawa", country__iso3="JPN", kind=EventKind.STANCE, date=D("2001-01-01")
    ).exists()
    entries = StatusEvent.history.filter(history_user=editor)
    assert sorted(entries.values_list("history_type", flat=True)) == ["+", "~"]
    # Confirming twice cannot import twice: the kept file is gone.
    again = editor_client.post(IMPORT_URL, {"digest": digest, "filename": "batch.csv"})
    assert again.status_code == 302
    assert history_rows() == history + 2


def test_confirm_imports_only_the_file_previewed(client, editor_client, reference_data):
    before = export_all(client)
    for digest in ["0" * 64, "../../etc/passwd", ""]:
        response = editor_client.post(IMPORT_URL, {"digest": digest, "filename": "x.csv"}, follow=True)
        assert response.status_code == 200
        assert "no longer kept on the server" in response.content.decode()
    assert export_all(client) == before


def test_confirm_checks_again_against_the_record(client, editor_client, reference_data):
    country = CountryFactory(name="Freedonia")
    preview = upload(editor_client, csv_file(f"{country.iso3},ottawa,signature,,1998-01-02,,,UNTC,"))
    assert preview.context["result"].ok
    # Meanwhile someone records Freedonia's signature on another day.
    StatusEventFactory(
        treaty=StatusEvent.objects.filter(treaty__slug="ottawa").first().treaty,
        country=country,
        kind=EventKind.SIGNATURE,
        date=D("1998-05-05"),
    )
    before = export_all(client)
    response = editor_client.post(IMPORT_URL, {"digest": preview.context["digest"], "filename": "events.csv"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "The record changed since the preview" in content
    assert "Freedonia already signed the Ottawa Convention on 1998-05-05" in content
    assert export_all(client) == before


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_the_admin_shows_why_a_file_is_bad(editor_client, reference_data, name, data, message):
    response = upload(editor_client, data)
    assert response.status_code == 200
    if data:
        assert message in response.content.decode()
    else:
        assert "The submitted file is empty" in response.content.decode()


def test_the_admin_lists_bad_rows_with_numbers(editor_client, reference_data):
    response = upload(editor_client, csv_file(GOOD, BAD_ROWS[0][1], BAD_ROWS[2][1]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "cannot be imported" in content
    assert "<td>3</td><td>iso3 (&#x27;XXQ&#x27;): No country has the ISO alpha-3 code &#x27;XXQ&#x27;.</td>" in content
    assert "<td>4</td>" in content
    assert 'name="digest"' not in content


def test_the_admin_refuses_a_huge_upload_and_names_the_limit(editor_client, reference_data, settings):
    settings.EVENT_IMPORT_MAX_BYTES = 1024 * 1024
    response = upload(editor_client, csv_file(*[GOOD] * 30_000))
    assert response.status_code == 200
    assert "the limit is 1.0 MiB" in response.content.decode()


# Impossible facts are refused by the import with the admin's words (issue 8, finding 5) ---------

IMPOSSIBLE_ROWS = [
    ("year one", "CHN,ottawa,accession,,0001-01-01,,,src,", "an accession dated 0001-01-01 comes before it"),
    ("before adoption", "CHN,ottawa,accession,,1997-09-17,,,src,", "no legal act can precede the treaty's adoption"),
    ("signature closed", "CHN,ottawa,signature,,1999-03-01,,,src,", "closed for signature on 1999-03-01"),
    ("late signature", "CHN,ottawa,signature,,2010-05-05,,,src,", "a signature dated 2010-05-05 comes on or after"),
    ("spaces source", "CHN,ottawa,stance,opposed,2001-02-03,,,   ,", "source: A source must have visible text"),
    ("tab source", "CHN,ottawa,stance,opposed,2001-02-03,,,\t,", "source: A source must have visible text"),
    ("zero-width source", "CHN,ottawa,stance,opposed,2001-02-03,,,\u200b,", "source: A source must have visible"),
]


@pytest.mark.parametrize(("name", "line", "message"), IMPOSSIBLE_ROWS, ids=[c[0] for c in IMPOSSIBLE_ROWS])
def test_the_import_refuses_impossible_facts_by_row(client, reference_data, editor, tmp_path, name, line, message):
    before, history = export_all(client), history_rows()
    data = csv_file(GOOD, line)
    with pytest.raises(CommandError) as excinfo:
        import_file(tmp_path, data, "--user", editor.username)
    assert "1 of 2 rows are bad; nothing was imported" in str(excinfo.value)
    assert export_all(client) == before
    assert history_rows() == history
    result = services.status_event_import(rows=status_event_csv_read(data), dry_run=True)
    assert [e.number for e in result.errors] == [3]
    assert message in str(result.errors[0])


def test_the_import_accepts_a_signature_the_day_before_the_period_closed(reference_data):
    data = csv_file("CHN,ottawa,signature,,1999-02-28,,,src,")
    result = services.status_event_import(rows=status_event_csv_read(data), dry_run=True)
    assert result.errors == []
    assert len(result.created) == 1


def test_the_import_says_to_restore_a_retracted_event(reference_data):
    event = StatusEvent.objects.get(treaty__slug="ottawa", country__iso3="BFA", kind=EventKind.RATIFICATION)
    StatusEvent.all_objects.filter(pk=event.pk).update(
        retracted_at=datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC), retraction_reason="typed twice"
    )
    row = f"BFA,ottawa,ratification,,{event.date},,,src,"
    result = services.status_event_import(rows=status_event_csv_read(csv_file(row)), dry_run=True)
    assert [e.number for e in result.errors] == [2]
    assert "A retracted event with this identity is recorded (retracted on 2026-01-05: typed twice)" in str(
        result.errors[0]
    )
