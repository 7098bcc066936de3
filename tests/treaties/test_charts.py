import datetime

from treaties.charts import LEFT, Series, _nice_ceiling, time_series_svg

D = datetime.date.fromisoformat


def test_nice_ceiling():
    assert [_nice_ceiling(v) for v in (0, 7, 10, 11, 161, 197, 501)] == [10, 10, 10, 20, 200, 200, 1000]


def test_step_chart_draws_each_series_with_its_label():
    parties = Series(
        "States Parties", "#1a7f37", [(D("1999-03-01"), 45), (D("2000-01-01"), 90), (D("2026-11-27"), 161)]
    )
    on_board = Series("On board <all>", "#0b5cad", [(D("1999-03-01"), 135), (D("2026-11-27"), 161)])
    svg = time_series_svg(series=[parties, on_board], title="Ottawa Convention over time")
    assert svg.startswith("<svg")
    assert svg.count("<path") == 2
    assert "On board &lt;all&gt;" in svg
    assert ">1999<" in svg and ">2026<" in svg
    assert f'd="M{LEFT}.0,' in svg  # the first point sits on the left axis


def test_no_points_no_chart():
    assert time_series_svg(series=[Series("x", "#000", [])], title="empty") == ""
