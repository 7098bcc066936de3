"""Issue 10, point 4: forums and regions over time, on the pages and in the wide year-end CSV.

The selectors read one group (or one panel) in one query; the year-end points are each 31 December
and the latest stored date; the wide CSV holds the same numbers as the long one, a row per date and
a column per group; a bad parameter is a 400, and no page's queries grow with its groups or rows.
"""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.utils import timezone

from countries.models import Country, Forum, Region, RegionScheme
from tests.factories import ForumMembershipFactory
from tests.treaties.query_counts import add_rows, count_queries
from treaties.charts import (
    GROUP_STYLES,
    MAX_LINES,
    _fine_ceiling,
    _value_ticks,
    groups_over_time,
    over_time,
    year_end_points,
)
from treaties.exports import SERIES_HEADER
from treaties.models import Summary, Treaty
from treaties.selectors import (
    forum_time_series,
    group_time_series,
    panel_time_series,
    region_time_series,
    summary_time_series,
)
from treaties.services import summaries as summary_services
from treaties.summaries import FORUMS_PANEL, scheme_panel, summary_dates

pytestmark = pytest.mark.django_db
D = datetime.date
SERIES = "/treaties/ottawa/series.csv"


@pytest.fixture
def ottawa(reference_data) -> Treaty:
    return Treaty.objects.get(slug="ottawa")


def read_csv(client, url: str, **params) -> tuple[list[str], list[dict[str, str]]]:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    reader = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    return list(reader.fieldnames or []), list(reader)


def stored_dates(treaty: Treaty) -> list[datetime.date]:
    return summary_dates(opened=treaty.opened_for_signature, today=timezone.localdate())


def expected_year_ends(treaty: Treaty) -> list[str]:
    today = timezone.localdate()
    return [D(year, 12, 31).isoformat() for year in range(treaty.opened_for_signature.year, today.year)] + [
        today.isoformat()
    ]


# The selectors


def test_group_series_reads_only_that_group_in_one_query(ottawa, django_assert_num_queries):
    cd = Forum.objects.get(slug="cd")
    with django_assert_num_queries(1):
        rows = forum_time_series(treaty=ottawa, count="in_force", forum=cd)
    assert {row.key for row in rows} == {f"forum:{cd.pk}"}
    assert [row.date for row in rows] == stored_dates(ottawa)  # one point per stored date, oldest first
    assert all(row.forum.slug == "cd" and row.label == "Conference on Disarmament" for row in rows)
    # The same figures as the whole panel's stored summaries for that forum.
    panel = [
        r for r in summary_time_series(treaty=ottawa, count="in_force", panel=FORUMS_PANEL) if r.key == rows[0].key
    ]
    assert [(r.date, r.countries, r.parties, r.on_board) for r in rows] == [
        (r.date, r.countries, r.parties, r.on_board) for r in panel
    ]
    assert rows[0].computed_at is not None and rows[0].pending is False


def test_a_pending_recompute_comes_with_the_series(ottawa, django_assert_num_queries):
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="test", wake=False)  # no worker comes
    with django_assert_num_queries(1):
        rows = group_time_series(treaty=ottawa, count="in_force", panel="world", key="world")
    assert rows and all(row.pending for row in rows)


def test_region_series_and_the_no_region_row(ottawa):
    m49 = RegionScheme.objects.get(slug="m49")
    africa = Region.objects.get(scheme=m49, slug="africa")
    rows = region_time_series(treaty=ottawa, count="deposit", scheme=m49, region=africa)
    assert {row.key for row in rows} == {f"region:{africa.pk}"} and rows[0].region.slug == "africa"
    assert all(row.count == "deposit" and row.scheme == m49 for row in rows)
    groups = RegionScheme.objects.get(slug="un-groups")
    outside = region_time_series(treaty=ottawa, count="in_force", scheme=groups, region=None)
    assert {row.key for row in outside} == {f"noregion:{groups.pk}"}
    assert outside[-1].is_no_region and outside[-1].countries == 4  # Holy See, Palestine, Cook Islands, Niue


def test_panel_series_groups_each_in_page_order_in_one_query(ottawa, django_assert_num_queries):
    groups = RegionScheme.objects.get(slug="un-groups")
    with django_assert_num_queries(1):
        by_key = panel_time_series(treaty=ottawa, count="in_force", panel=scheme_panel(groups.pk), scheme=groups)
    labels = [rows[-1].label for rows in by_key.values()]
    assert labels[-1] == "(no region)" and labels[:-1] == sorted(labels[:-1], key=str.casefold)
    assert all([r.date for r in rows] == stored_dates(ottawa) for rows in by_key.values())
    # M49 leaves no participant out: its empty "no region" is not a group.
    m49 = RegionScheme.objects.get(slug="m49")
    keys = panel_time_series(treaty=ottawa, count="in_force", panel=scheme_panel(m49.pk), scheme=m49)
    assert len(keys) == 5 and not any(key.startswith("noregion:") for key in keys)


def test_year_end_points_are_each_31_december_and_the_latest():
    rows = [SimpleNamespace(date=day) for day in (D(1997, 12, 3), D(1997, 12, 31), D(1998, 6, 30), D(1998, 12, 31))]
    assert [r.date for r in year_end_points(rows)] == [D(1997, 12, 31), D(1998, 12, 31)]  # the last is a year end
    rows.append(SimpleNamespace(date=D(1999, 3, 31)))
    assert [r.date for r in year_end_points(rows)] == [D(1997, 12, 31), D(1998, 12, 31), D(1999, 3, 31)]
    assert year_end_points([]) == []


def test_year_end_points_of_a_panel_keep_every_group_of_each_date(ottawa):
    rows = year_end_points(summary_time_series(treaty=ottawa, count="in_force", panel=FORUMS_PANEL))
    dates = sorted({row.date.isoformat() for row in rows})
    assert dates == expected_year_ends(ottawa)
    assert len(rows) == len(dates) * Forum.objects.count()


# The pages


def test_a_forum_page_shows_its_series_and_year_end_table(client, ottawa):
    response = client.get("/forums/cd/", {"count": "deposit"})
    assert response.status_code == 200
    over = response.context["over_time"]
    assert [row.date.isoformat() for row in over.year_end] == expected_year_ends(ottawa)
    assert over.year_end[0].countries == 61  # the CD's members at the end of 1997
    assert over.chart.count("<path") == 2 and "Conference on Disarmament" in over.chart
    html = response.content.decode()
    assert "States Parties and on board over time" in html
    assert f"{SERIES}?scheme=forums&amp;group=cd&amp;count=deposit" in html


def test_a_region_page_and_the_no_region_page_show_their_series(client, ottawa):
    africa = client.get("/regions/m49/africa/").context["over_time"]
    csv_header, long_rows = read_csv(client, SERIES, scheme="m49", group="africa", points="year_end")
    assert csv_header == list(SERIES_HEADER)
    assert [(r.date.isoformat(), str(r.on_board)) for r in africa.year_end] == [
        (r["date"], r["on_board"]) for r in long_rows
    ]
    assert {r["group"] for r in long_rows} == {"Africa"}
    outside = client.get("/regions/un-groups/no-region/")
    assert outside.context["over_time"].latest.countries == 4
    assert "group=no-region" in outside.content.decode()
    # M49 leaves no one out: its "no region" page has nothing to draw and says so.
    empty = client.get("/regions/m49/no-region/").content.decode()
    assert "nothing to draw" in empty


def test_the_dashboards_draw_lines_up_to_six_groups_and_small_multiples_beyond(client, ottawa):
    regions = client.get("/regions/").context["groups_over_time"]
    assert not regions.small_multiples and regions.chart.count("<path") == 5
    assert [g.latest.label for g in regions.groups] == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    groups = client.get("/regions/", {"scheme": "un-groups"}).context["groups_over_time"]
    assert groups.chart.count("<path") == 6 and groups.groups[-1].latest.is_no_region
    forums = client.get("/forums/").context["groups_over_time"]
    assert forums.small_multiples and len(forums.groups) == Forum.objects.count() > MAX_LINES
    subregions = client.get("/regions/", {"scheme": "m49-subregions"})
    tiles = subregions.context["groups_over_time"].groups
    assert len(tiles) == Region.objects.filter(scheme__slug="m49-subregions").count() > MAX_LINES
    html = subregions.content.decode()
    assert html.count('class="chart-small"') == len(tiles)
    assert f"{SERIES}?scheme=m49-subregions&amp;points=year_end&amp;shape=wide&amp;count=in_force" in html
    assert "These regions by year (CSV, one column per region)" in html


def test_small_multiples_share_one_scale():
    day = D(2000, 1, 1)
    by_group = {
        f"forum:{n}": [SimpleNamespace(date=day, label=f"F{n}", parties=n, on_board=n * 10, countries=100)]
        for n in range(1, MAX_LINES + 2)
    }
    result = groups_over_time(by_group, title="t")
    assert result.small_multiples and result.top == 80  # the largest value anywhere (70 on board), rounded up
    assert all(">80</text>" in tile.chart and ">40</text>" in tile.chart for tile in result.groups)
    assert result.table == [(day, [n * 10 for n in range(1, MAX_LINES + 2)])]


def test_group_line_colours_meet_contrast_and_differ():
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour, _ in GROUP_STYLES:
        assert 1.05 / (luminance(colour) + 0.05) >= 3, f"{colour} under 3:1 against white"
    assert len({colour for colour, _ in GROUP_STYLES}) == len({dash for _, dash in GROUP_STYLES}) == MAX_LINES


# The wide year-end CSV


@pytest.mark.parametrize(
    ("scheme", "columns"),
    [
        ("forums", ["arf", "asean", "commonwealth", "cd", "oif", "oas", "osce"]),
        ("m49", ["africa", "americas", "asia", "europe", "oceania"]),
        (
            "un-groups",
            [
                "african-group",
                "asia-pacific-group",
                "eastern-european-group",
                "latin-american-and-caribbean-group-grulac",
                "western-european-and-others-group-weog",
                "no-region",  # the participants the scheme leaves out, last
            ],
        ),
        ("world", ["world"]),
    ],
)
@pytest.mark.parametrize("figure", ["", "parties", "on_board_share"])
def test_wide_csv_is_the_long_csv_a_row_per_year_and_a_column_per_group(client, ottawa, scheme, columns, figure):
    params = {"scheme": scheme, "points": "year_end", "shape": "wide", "count": "deposit"}
    header, wide = read_csv(client, SERIES, **params, **({"figure": figure} if figure else {}))
    assert header == ["date", *columns]
    assert [row["date"] for row in wide] == expected_year_ends(ottawa)
    # Every cell is the long CSV's figure for that date and group.
    _, long_rows = read_csv(client, SERIES, scheme=scheme, count="deposit")
    slug_of = {f.slug: f.slug for f in Forum.objects.all()} | {r.name: r.slug for r in Region.objects.all()}
    slug_of |= {"(no region)": "no-region", "All participants": "world"}
    figure = figure or "on_board"
    long_by = {(r["date"], slug_of[r["group"]]): r[figure] for r in long_rows}
    checked = 0
    for row in wide:
        for column in columns:
            assert row[column] == long_by[(row["date"], column)], (row["date"], column)
            checked += 1
    assert checked == len(wide) * len(columns)


def test_wide_csv_of_every_stored_date_and_its_file_name(client, ottawa):
    response = client.get(SERIES, {"scheme": "forums", "shape": "wide", "figure": "countries"})
    assert "ottawa-forums-over-time-wide-countries-" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["date"] for row in rows] == [d.isoformat() for d in stored_dates(ottawa)]
    assert rows[[r["date"] for r in rows].index("1997-12-31")]["cd"] == "61"


def test_long_csv_stays_as_it_was_and_cuts_to_year_ends(client, ottawa):
    header, everything = read_csv(client, SERIES, scheme="forums")
    assert header == list(SERIES_HEADER)
    assert len(everything) == Summary.objects.filter(treaty=ottawa, panel=FORUMS_PANEL, count="in_force").count()
    same = read_csv(client, SERIES, scheme="forums", points="all", shape="long", figure="parties")[1]
    assert same == everything
    _, year_ends = read_csv(client, SERIES, scheme="forums", points="year_end")
    keep = set(expected_year_ends(ottawa))
    assert year_ends == [row for row in everything if row["date"] in keep]
    _, cd = read_csv(client, SERIES, scheme="forums", group="cd")
    assert cd == [row for row in everything if row["group"] == "cd"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"points": "monthly"}, "points"),
        ({"shape": "tall"}, "shape"),
        ({"figure": "nope"}, "figure"),
        ({"figure": "label"}, "figure"),
        ({"points": "year_end", "shape": "wide", "figure": "x\x00"}, "figure"),
        ({"group": "cd"}, "group"),  # all participants are one group
        ({"scheme": "forums", "count": "sometimes", "shape": "wide"}, "count"),
    ],
)
def test_bad_values_are_a_400_that_shows_the_form(client, ottawa, params, name):
    response = client.get(SERIES, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"<code>{name}</code>" in html
    if name != "group":
        assert f'<select id="id_{name}" name="{name}"' in html  # the form to put it right


@pytest.mark.parametrize(
    "params",
    [{"scheme": "forums", "group": "nope"}, {"scheme": "m49", "group": "weog"}, {"scheme": "m49", "group": "x\x00"}],
)
def test_an_unknown_group_is_a_404(client, ottawa, params):
    assert client.get(SERIES, params).status_code == 404


# Queries do not grow with the groups, the dates or the rows


OVER_TIME_URLS = [
    "/forums/cd/",
    "/regions/m49/africa/",
    "/forums/",
    "/regions/?scheme=m49-subregions",
    f"{SERIES}?scheme=forums&points=year_end&shape=wide",
    f"{SERIES}?scheme=m49-subregions&points=year_end&shape=wide&figure=parties",
    f"{SERIES}?scheme=forums&group=cd&points=year_end",
    f"{SERIES}?scheme=m49&group=africa",
]


def test_query_counts_stay_the_same_with_more_groups_and_rows(client, ottawa):
    before = {url: count_queries(client, url)[0] for url in OVER_TIME_URLS}
    add_rows()
    forum = Forum.objects.create(slug="extra", name="An extra forum")
    for country in Country.objects.filter(participant=True).order_by("iso3")[:20]:
        ForumMembershipFactory(forum=forum, country=country, start_date=D(2000, 1, 1))
    summary_services.summary_mark_all(treaty_ids=[ottawa.pk], reason="test: more groups")
    summary_services.summary_marks_process(treaty_ids=[ottawa.pk])
    assert Summary.objects.filter(treaty=ottawa, panel=FORUMS_PANEL, grouping=f"forum:{forum.pk}").exists()
    after = {url: count_queries(client, url)[0] for url in OVER_TIME_URLS}
    assert after == before
    assert before[OVER_TIME_URLS[0]] <= 9  # the forum page adds one query for its series, one for votes and moratoria


def test_scales_fit_a_group_and_step_by_round_numbers():
    assert [_fine_ceiling(v) for v in (0, 3, 10, 11, 48, 53, 65, 161)] == [10, 3, 10, 20, 50, 60, 80, 200]
    assert list(_value_ticks(60)) == [0, 20, 40, 60]
    assert list(_value_ticks(50)) == [0, 10, 20, 30, 40, 50]
    assert list(_value_ticks(200)) == [0, 50, 100, 150, 200]  # the overview's scale, as before
    row = SimpleNamespace(date=D(2000, 1, 1), parties=40, on_board=53, countries=54, label="Africa")
    chart = over_time([row, SimpleNamespace(**{**vars(row), "date": D(2001, 12, 31)})], title="Africa").chart
    assert ">60</text>" in chart and ">100</text>" not in chart
