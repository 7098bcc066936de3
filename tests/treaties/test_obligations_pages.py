"""The obligations page and obligations.csv: the same rows, the same filters, a 400 for a wrong value."""

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest

from countries.models import RegionScheme
from tests.test_no_server_errors import ODD
from tests.treaties.query_counts import add_rows, count_queries
from treaties.models import Treaty
from treaties.selectors.obligations import obligation_table

pytestmark = pytest.mark.django_db


class RowsTable(HTMLParser):
    """The cells of the page's table of rows (#obligation-rows), as text."""

    def __init__(self):
        super().__init__()
        self.inside = self.in_body = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", "obligation-rows") in attrs:
            self.inside = True
        elif self.inside and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in {"td", "th"}:
            self.cell = []

    def handle_endtag(self, tag):
        if self.in_body and tag in {"td", "th"} and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table" and self.inside:
            self.inside = self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_rows(client, query: str) -> list[list[str]]:
    response = client.get(f"/treaties/ottawa/obligations/?{query}")
    assert response.status_code == 200
    parser = RowsTable()
    parser.feed(response.content.decode())
    return parser.rows


def csv_rows(client, query: str) -> list[list[str]]:
    response = client.get(f"/treaties/ottawa/obligations.csv?{query}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    header, *rows = list(csv.reader(io.StringIO(body)))
    assert header == [
        "iso3",
        "country",
        "obligation",
        "article",
        "due_date",
        "original_due_date",
        "extensions",
        "state",
        "met_date",
        "days_late",
        "source",
    ]
    return [[" ".join(cell.split()) for cell in row] for row in rows]


@pytest.mark.parametrize("date", ["2005-06-30", "2010-01-01", "2024-12-31"])
def test_page_and_csv_agree_row_for_row(client, reference_data, date):
    query = f"date={date}"
    on_page, in_file = page_rows(client, query), csv_rows(client, query)
    assert len(on_page) > 100
    assert on_page == in_file


def test_filters_narrow_both_alike(client, reference_data):
    query = "date=2010-01-01&obligation=stockpile-destruction&state=overdue"
    on_page, in_file = page_rows(client, query), csv_rows(client, query)
    assert on_page == in_file
    assert {row[0] for row in in_file} >= {"BLR", "GRC", "TUR"}
    assert {row[7] for row in in_file} == {"overdue"}
    belarus = next(row for row in in_file if row[0] == "BLR")
    assert belarus[4] == "2008-03-01" and belarus[9] == "671"  # 2008-03-01 to 2010-01-01


def test_page_lists_overdue_and_upcoming(client, reference_data):
    response = client.get("/treaties/ottawa/obligations/?date=2010-01-01&obligation=mine-clearance&scheme=un-groups")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Deadlines in the next 24 months" in text
    assert "Bosnia and Herzegovina" in text
    assert "By region (UN regional groups)" in text or "By region (" in text


@pytest.mark.parametrize(
    "query", ["date=2010-13-01", "scheme=nope", "obligation=../x", "state=late", "date=1066-01-01"]
)
def test_wrong_values_are_a_400_with_the_form(client, reference_data, query):
    for url in ("/treaties/ottawa/obligations/", "/treaties/ottawa/obligations.csv"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert b"<form" in response.content


def test_unknown_treaty_is_a_404(client, reference_data):
    assert client.get("/treaties/nope/obligations/").status_code == 404


def test_queries_do_not_grow_with_rows(client, reference_data):
    url = "/treaties/ottawa/obligations/?date=2010-01-01"
    before = count_queries(client, url)[0]
    add_rows()
    assert count_queries(client, url)[0] == before


def test_newly_overdue_this_week(client, reference_data):

    ottawa, m49 = Treaty.objects.get(slug="ottawa"), RegionScheme.objects.get(slug="m49")
    table = obligation_table(
        treaty=ottawa, on=datetime.date(2008, 3, 5), scheme=m49, obligation="stockpile-destruction"
    )
    (summary,) = table.summaries
    assert {row.country.iso3 for row in summary.newly_overdue} >= {"BLR", "GRC", "TUR"}
    later = obligation_table(
        treaty=ottawa, on=datetime.date(2008, 3, 20), scheme=m49, obligation="stockpile-destruction"
    )
    assert later.summaries[0].newly_overdue == []
    assert {row.country.iso3 for row in later.summaries[0].overdue} >= {"BLR", "GRC", "TUR"}
    response = client.get("/treaties/ottawa/obligations/?date=2008-03-05&obligation=stockpile-destruction")
    assert "Newly overdue this week" in response.content.decode()


OBLIGATION_ODD = [
    *ODD,
    {"obligation": "\x00"},
    {"obligation": "<script>", "state": "overdue"},
    {"state": ["overdue", "met"]},
    {"state": "OVERDUE"},
    {"scheme": "", "obligation": "", "state": "", "date": ""},
]


@pytest.mark.parametrize("url", ["/treaties/ottawa/obligations/", "/treaties/ottawa/obligations.csv"])
@pytest.mark.parametrize("params", OBLIGATION_ODD, ids=lambda p: repr(p)[:40])
def test_odd_parameters_never_cause_a_server_error(client, reference_data, url, params):
    response = client.get(url, params)
    assert response.status_code in (200, 400, 404), response.status_code
    if response.status_code == 200 and response.streaming:
        assert b"".join(response.streaming_content).startswith(b"iso3,country")
