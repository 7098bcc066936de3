"""Facts known only to the month or the year: shown as written, stored on the first day, carried by the CSV."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.template import Context, Template

from countries.models import Country
from treaties import services
from treaties.choices import DatePrecision, EventKind
from treaties.imports import ImportFileError, status_event_csv_read
from treaties.models import StatusEvent, Treaty
from treaties.templatetags.dates import date_as_written
from treaties.validation import status_event_problems

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
OLD_HEADER = "iso3,treaty,kind,value,date,effective_date,end_date,source,note"


def test_a_date_is_written_as_precisely_as_it_is_known():
    assert date_as_written(D("1994-01-01"), DatePrecision.YEAR) == "1994"
    assert date_as_written(D("2004-03-01"), DatePrecision.MONTH) == "March 2004"
    assert date_as_written(D("2004-03-17"), DatePrecision.DAY) == "2004-03-17"
    event = StatusEvent(date=D("1994-01-01"), date_precision=DatePrecision.YEAR)
    html = Template("{% load dates %}{{ event|event_time }}").render(Context({"event": event}))
    assert html == '<time class="date" datetime="1994-01-01">1994</time>'


@pytest.mark.parametrize(
    ("precision", "date", "message"),
    [
        (DatePrecision.YEAR, "1994-06-01", "known only to the year is recorded on its first day: 1994-01-01"),
        (DatePrecision.MONTH, "2004-03-17", "known only to the month is recorded on its first day: 2004-03-01"),
    ],
)
def test_a_period_is_stored_on_its_first_day(reference_data, precision, date, message):
    china = Country.objects.get(iso3="CHN")
    ottawa = Treaty.objects.get(slug="ottawa")
    event = StatusEvent(
        treaty=ottawa,
        country=china,
        kind=EventKind.EXPORT_MORATORIUM,
        value="de_facto",
        date=D(date),
        date_precision=precision,
        source="test",
    )
    assert message in " ".join(status_event_problems(event)["date"])
    event.date = event.date.replace(day=1) if precision == DatePrecision.MONTH else event.date.replace(month=1, day=1)
    assert "date" not in status_event_problems(event)


def export(client, query: str) -> bytes:
    response = client.get(f"/events.csv?{query}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_an_export_with_year_precision_rows_imports_back_unchanged(client, editor, reference_data, tmp_path):
    ottawa = Treaty.objects.get(slug="ottawa")
    china = Country.objects.get(iso3="CHN")
    StatusEvent.objects.create(
        treaty=ottawa,
        country=china,
        kind=EventKind.EXPORT_MORATORIUM,
        value="de_facto",
        date=D("1994-01-01"),
        date_precision=DatePrecision.YEAR,
        source="Chinese statement, 1996: no exports since 1994",
    )
    data = export(client, "country=CHN&kind=export_moratorium")
    assert data.splitlines()[0].endswith(b",note,date_precision")
    assert data.splitlines()[1].endswith(b",year")
    # Into the same record: every row unchanged.
    result = services.status_event_import(rows=status_event_csv_read(data), dry_run=False)
    assert (len(result.created), len(result.changed), len(result.unchanged)) == (0, 0, 1)
    # Into a record without it: created with its precision, and it exports as the same bytes.
    StatusEvent.all_objects.filter(country=china, kind=EventKind.EXPORT_MORATORIUM).delete()
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    call_command("import_events", str(path), "--user", editor.username, stdout=io.StringIO(), stderr=io.StringIO())
    event = StatusEvent.objects.get(country=china, kind=EventKind.EXPORT_MORATORIUM)
    assert event.date_precision == DatePrecision.YEAR
    assert export(client, "country=CHN&kind=export_moratorium") == data


def test_a_file_without_the_date_precision_column_imports_as_day(reference_data):
    data = (OLD_HEADER + "\nJPN,ottawa,stance,supporter,2001-01-01,,,Japanese statement,\n").encode()
    rows = status_event_csv_read(data)
    result = services.status_event_import(rows=rows, dry_run=False)
    assert len(result.created) == 1 and not result.errors
    event = StatusEvent.objects.get(country__iso3="JPN", kind=EventKind.STANCE, date=D("2001-01-01"))
    assert event.date_precision == DatePrecision.DAY


def test_an_unknown_precision_is_refused_by_row(reference_data):
    data = OLD_HEADER + ",date_precision\nJPN,ottawa,stance,supporter,2001-01-01,,,Japanese statement,,decade\n"
    result = services.status_event_import(rows=status_event_csv_read(data.encode()), dry_run=True)
    assert result.errors and "Unknown date precision 'decade'" in str(result.errors[0])


def test_a_header_missing_a_required_column_still_says_so():
    with pytest.raises(ImportFileError, match="missing note"):
        status_event_csv_read(b"iso3,treaty,kind,value,date,effective_date,end_date,source,date_precision\n")
