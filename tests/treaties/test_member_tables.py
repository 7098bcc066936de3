"""Issue 10, point 5: the per-country status tables sort by every column and filter by status, kept in the URL.

The treaty, forum and region pages share one table (templates/includes/status_table.html) and one mixin
(`StatusTableMixin`): `?sort=` a column (`-` to reverse), `?show=` all, on_board, not_on_board or a legal
status. The headline counts stay those of every row; the CSV exports what the table shows.

The orders are checked against keys written out here, not the ones the code uses.
"""

import csv
import datetime
import io
import re
from html import unescape

import pytest

from countries.choices import MembershipRole
from countries.models import Country, Forum
from tests.factories import ForumMembershipFactory
from tests.treaties.query_counts import count_queries
from treaties.choices import EventKind
from treaties.models import StatusEvent, Treaty
from treaties.presentation import filter_status_rows, sort_status_rows
from treaties.status import CountryStatus

pytestmark = pytest.mark.django_db

ON = "2026-11-27"
TREATY = "/treaties/ottawa/"
FORUM = "/forums/cd/"
REGION = "/regions/m49/europe/"  # has withdrawals, so every column has values to order
PAGES = (TREATY, FORUM, REGION)
CSV = {
    TREATY: "/treaties/ottawa/status.csv",
    FORUM: "/forums/cd/members.csv",
    REGION: "/regions/m49/europe/countries.csv",
}

STATUS_RANK = [
    "state_party",
    "consented_not_in_force",
    "signatory",
    "withdrawal_pending",
    "withdrawn",
    "non_signatory",
]
# Column → the value the table orders by, ascending; None is a blank cell (always last).
KEYS = {
    "country": lambda r: r.country.name,
    "role": lambda r: ["member", "observer", "partner"].index(r.membership.role),
    "status": lambda r: STATUS_RANK.index(r.status.status),
    "on_board": lambda r: 1 if r.status.on_board else 0,  # "no" before "yes"
    "stance": lambda r: {"supporter": 0, "undecided": 1, "opposed": 2}.get(r.status.stance),
    "signature": lambda r: r.status.signature_date,
    "consent": lambda r: r.status.consent_date,
    "in_force": lambda r: r.status.in_force_date,
    "withdrawal": lambda r: r.status.withdrawal_notice_date,
}
HEADINGS = {
    "country": "Country",
    "role": "Role",
    "status": "Status",
    "on_board": "On board",
    "stance": "Status",
    "signature": "Signature",
    "consent": "Consent",
    "in_force": "Entry into force",
    "withdrawal": "Withdrawal",
}
SORTS = [(page, key) for page in PAGES for key in KEYS if key != "role" or page == FORUM]


@pytest.fixture
def tables(reference_data):
    """Stances of every kind (in Europe, Africa and the CD) and an observer seat at the CD."""
    ottawa = Treaty.objects.get(slug="ottawa")
    for iso3, value in {
        "RUS": "opposed",
        "EGY": "supporter",
        "CHN": "undecided",
        "USA": "opposed",
        "SRB": "supporter",
    }.items():
        StatusEvent.objects.create(
            treaty=ottawa,
            country=Country.objects.get(iso3=iso3),
            kind=EventKind.STANCE,
            value=value,
            # Recent: the Ottawa Convention's stances lapse after three years unless renewed.
            date=datetime.date(2025, 5, 4),
            source="test statement",
        )
    cd = Forum.objects.get(slug="cd")
    ForumMembershipFactory(
        forum=cd,
        country=Country.objects.get(iso3="ISL"),
        role=MembershipRole.OBSERVER,
        start_date=datetime.date(2000, 1, 1),
    )


def page_rows(client, url, **params):
    response = client.get(url, {"date": ON, **params})
    assert response.status_code == 200, response.content[:500]
    return response


def assert_ordered(rows, key, *, reverse: bool) -> None:
    """Rows with a value first, in the key's order (ties by name, A to Z); blank cells last, by name."""
    values = [KEYS[key](r) for r in rows]
    filled = [v is not None for v in values]
    assert filled == sorted(filled, reverse=True), "a blank cell comes before a filled one"
    for (a, va), (b, vb) in zip(zip(rows, values, strict=True), zip(rows[1:], values[1:], strict=True), strict=False):
        if va is None or vb is None or va == vb:
            if (va is None) == (vb is None):
                assert a.country.name <= b.country.name, f"{a.country.name} before {b.country.name} on a tie"
            continue
        assert (va > vb) if reverse else (va < vb), f"{a.country.name} ({va}) before {b.country.name} ({vb})"


@pytest.mark.parametrize(("url", "key"), SORTS)
@pytest.mark.parametrize("reverse", [False, True], ids=["ascending", "descending"])
def test_every_column_sorts_both_ways_on_every_page(client, tables, url, key, reverse):
    unsorted = page_rows(client, url).context["rows"]
    sort = f"-{key}" if reverse else key
    response = page_rows(client, url, sort=sort)
    rows = response.context["rows"]
    assert sorted(r.country.pk for r in rows) == sorted(r.country.pk for r in unsorted)  # reordered, not filtered
    assert len({KEYS[key](r) for r in rows} - {None}) >= 2, "the data gives this column nothing to order"
    assert_ordered(rows, key, reverse=reverse)
    # The page shows them in that order, and says so on the column's heading (the stance: on Status's).
    html = response.content.decode()
    shown = re.findall(r'<th scope="row"><a href="/countries/[A-Z]{3}/[^"]*">([^<]+)</a>', html)
    assert [unescape(name) for name in shown] == [r.country.name for r in rows]
    marked = re.findall(r'<th scope="col" aria-sort="(\w+)">\s*<a [^>]*>([^<]+)', html)
    assert [(order, label.strip()) for order, label in marked] == [
        ("descending" if reverse else "ascending", HEADINGS[key])
    ]


def test_the_default_order_is_by_country(client, tables):
    for url in PAGES:
        rows = page_rows(client, url).context["rows"]
        assert [r.country.name for r in rows] == sorted(r.country.name for r in rows)


def test_role_sort_puts_observers_after_members(client, tables):
    rows = page_rows(client, FORUM, sort="role").context["rows"]
    assert rows[-1].country.iso3 == "ISL"
    assert page_rows(client, FORUM, sort="-role").context["rows"][0].country.iso3 == "ISL"


def test_stance_sort_puts_supporters_first_and_those_without_last(client, tables):
    rows = page_rows(client, FORUM, sort="stance").context["rows"]
    assert [r.country.iso3 for r in rows[:4]] == ["EGY", "CHN", "RUS", "USA"]
    reverse = page_rows(client, FORUM, sort="-stance").context["rows"]
    assert [r.country.iso3 for r in reverse[:4]] == ["RUS", "USA", "CHN", "EGY"]  # ties stay A to Z
    assert reverse[4].status.stance == "" and reverse[-1].status.stance == ""


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    ("show", "keeps"),
    [
        ("not_on_board", lambda s: not s.on_board),
        ("on_board", lambda s: s.on_board),
        ("state_party", lambda s: s.status == "state_party"),
        ("withdrawn", lambda s: s.status == "withdrawn"),
        ("non_signatory", lambda s: s.status == "non_signatory"),
    ],
)
def test_show_keeps_exactly_the_rows_of_that_status_and_the_counts_stay(client, tables, url, show, keeps):
    every = page_rows(client, url)
    shown = page_rows(client, url, show=show)
    expected = [r.country.iso3 for r in every.context["rows"] if keeps(r.status)]
    assert [r.country.iso3 for r in shown.context["rows"]] == expected
    assert shown.context["counts"] == every.context["counts"]  # the headline counts are of every row
    assert shown.context["rows_total"] == len(every.context["rows"])


def test_not_on_board_on_the_cd_keeps_the_outsiders_and_says_so(client, tables):
    response = page_rows(client, FORUM, show="not_on_board")
    rows = response.context["rows"]
    every = page_rows(client, FORUM).context["rows"]
    outside = [r for r in every if not r.status.on_board]
    assert rows and [r.country.iso3 for r in rows] == [r.country.iso3 for r in outside]
    assert {"RUS", "USA", "CHN"} <= {r.country.iso3 for r in rows}
    assert "EGY" not in {r.country.iso3 for r in rows}  # a declared supporter is on board
    html = response.content.decode()
    caption = re.sub(r"<[^>]+>", "", re.search(r"<caption>(.*?)</caption>", html, re.S).group(1))
    assert " ".join(caption.split()).startswith(
        f"{len(outside)} of {len(every)} seats on {ON}, showing only: Not on board. The counts above are not filtered."
    )
    # The filter form: the choice made is selected, the rest of the view kept as hidden fields.
    assert '<option value="not_on_board" selected>Not on board</option>' in html
    assert '<input type="hidden" name="date" value="2026-11-27">' in html
    show_form = re.search(r'<form[^>]*class="[^"]*table-controls.*?</form>', html, re.S).group(0)
    assert 'type="hidden" name="show"' not in show_form and 'type="hidden" name="sort"' not in show_form
    # The date form keeps the filter, so a new date shows the same kind of rows.
    assert '<input type="hidden" name="show" value="not_on_board">' in html
    # The quick link to the current filter is marked; the sort links keep the filter.
    assert re.search(r'show=not_on_board" aria-current="true"><strong>Not on board</strong>', html)
    assert "?date=2026-11-27&amp;show=not_on_board&amp;sort=status" in html


def test_a_filter_with_no_rows_says_so(client, tables):
    response = page_rows(client, REGION, show="consented_not_in_force")
    assert response.context["rows"] == []
    assert "None on this date for this filter." in response.content.decode()
    assert f"0 of {response.context['rows_total']} participants" in response.content.decode()


@pytest.mark.parametrize("url", [*PAGES, *CSV.values()])
@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"sort": "colour"}, "Sort by one of: country,"),
        ({"sort": "--country"}, "(with - to reverse)"),
        ({"sort": "-"}, "Sort by one of"),
        ({"show": "outside"}, "Show one of: all, on_board, not_on_board, state_party,"),
        ({"show": "ALL"}, "Show one of"),
    ],
)
def test_a_bad_sort_or_show_is_a_400_that_says_why(client, tables, url, params, reason):
    response = client.get(url, {"date": ON, **params})
    assert response.status_code == 400
    html = response.content.decode()
    assert reason in html
    # The page offers the menu again, and keeps the date.
    (name,) = params
    assert f'<select id="id_{name}" name="{name}" aria-invalid="true"' in html
    assert '<input type="hidden" name="date" value="2026-11-27">' in html


@pytest.mark.parametrize("url", [TREATY, REGION, CSV[TREATY], CSV[REGION]])
def test_role_is_a_sort_of_forum_tables_only(client, tables, url):
    response = client.get(url, {"sort": "role"})
    assert response.status_code == 400
    assert "Sort by one of: country, status, on_board, stance," in response.content.decode()
    assert client.get(FORUM, {"sort": "-role"}).status_code == 200
    assert client.get(CSV[FORUM], {"sort": "-role"}).status_code == 200


def csv_body(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    "params",
    [{}, {"show": "not_on_board"}, {"sort": "-status"}, {"show": "on_board", "sort": "-consent"}, {"sort": "stance"}],
)
def test_the_csv_has_the_rows_the_table_shows_in_its_order(client, tables, url, params):
    response = page_rows(client, url, **params)
    html = response.content.decode()
    link = re.search(r'<a class="csv" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith(CSV[url])
    for name, value in params.items():
        assert f"&{name}={value}" in link  # the download link carries the table's state
    exported = csv_body(client.get(link))
    assert [row["iso3"] for row in exported] == [r.country.iso3 for r in response.context["rows"]]
    if url == FORUM:
        assert [row["role"] for row in exported] == [r.membership.role for r in response.context["rows"]]


def test_a_filtered_csv_says_so_in_its_name(client, tables):
    response = client.get(CSV[FORUM], {"date": ON, "show": "not_on_board"})
    assert response["Content-Disposition"].endswith(f'filename="ottawa-cd-members-not-on-board-{ON}.csv"')
    response = client.get(CSV[TREATY], {"date": ON, "sort": "-status"})
    assert response["Content-Disposition"].endswith(f'filename="ottawa-status-{ON}.csv"')


@pytest.mark.parametrize("url", PAGES)
def test_sort_and_show_add_no_query(client, tables, url):
    plain, _ = count_queries(client, f"{url}?date={ON}")
    for params in ("sort=-stance", "show=not_on_board", "show=state_party&sort=-withdrawal"):
        assert count_queries(client, f"{url}?date={ON}&{params}")[0] == plain, params
    csv_plain, _ = count_queries(client, f"{CSV[url]}?date={ON}")
    assert count_queries(client, f"{CSV[url]}?date={ON}&show=not_on_board&sort=-in_force")[0] == csv_plain


def row(name: str, status: str = "non_signatory", on_board: bool = False, **dates):
    return type("Row", (), {"country": Country(name=name), "status": CountryStatus(status, on_board, **dates)})()


def test_sorting_keeps_ties_by_name_and_blanks_last_in_both_directions():
    d = datetime.date
    rows = [
        row("Chad", consent_date=d(1999, 1, 1)),
        row("Angola"),
        row("Benin", consent_date=d(1999, 1, 1)),
        row("Zambia", consent_date=d(2001, 1, 1)),
        row("Albania"),
    ]
    names = lambda rs: [r.country.name for r in rs]  # noqa: E731
    assert names(sort_status_rows(rows, "consent")) == ["Benin", "Chad", "Zambia", "Albania", "Angola"]
    assert names(sort_status_rows(rows, "-consent")) == ["Zambia", "Benin", "Chad", "Albania", "Angola"]


def test_filtering_keeps_the_order_and_rejects_an_unknown_value():
    rows = [row("Chad", "state_party", True), row("Angola"), row("Benin", "signatory", True)]
    assert [r.country.name for r in filter_status_rows(rows, "on_board")] == ["Chad", "Benin"]
    assert [r.country.name for r in filter_status_rows(rows, "signatory")] == ["Benin"]
    assert filter_status_rows(rows, "all") == rows
    with pytest.raises(ValueError):
        filter_status_rows(rows, "outside")
