"""The CSV helper: formula cells neutralised, reversibly, and every value read back as written."""

import csv
import datetime
import io

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ottawa_tracker.csvio import FORMULA_PREFIXES, cell, csv_chunks, neutralise, unneutralise

# Text that starts like a formula, mixed with any text at all, so both branches are exercised.
formula_like = st.builds(
    lambda p, a, t: "'" * a + p + t, st.sampled_from(FORMULA_PREFIXES), st.integers(0, 3), st.text()
)
any_text = st.one_of(st.text(), formula_like, st.text(alphabet="'=+-@\t\r\n\",; x"))
cells = st.one_of(any_text, st.none(), st.integers(), st.floats(allow_nan=False), st.dates(), st.booleans())


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def spreadsheet_would_run(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


@settings(max_examples=10_000, deadline=None)
@given(row=st.lists(cells, min_size=1, max_size=6), newline=st.sampled_from(["\r\n", "\n"]))
@example(row=["=1+1", "'=1+1", "-5", 5, -5, "a\rb", "\r", "", None], newline="\n")
def test_a_row_reads_back_as_written_apart_from_the_neutralising(row, newline):
    header = [f"c{i}" for i in range(len(row))]
    data = b"".join(csv_chunks(header, [row], newline=newline))
    assert data.endswith(newline.encode())
    header_back, row_back = read_back(data)
    assert header_back == header
    assert len(row_back) == len(row)
    for written, read in zip(row, row_back, strict=True):
        if isinstance(written, str):
            # No text cell a spreadsheet would run as a formula survives.
            assert not spreadsheet_would_run(read)
            assert unneutralise(read) == written
            assert read == written or read == "'" + written
        elif written is None:
            assert read == ""
        elif isinstance(written, bool):
            assert read == ("true" if written else "false")
        elif isinstance(written, datetime.date):
            assert datetime.date.fromisoformat(read) == written
        else:
            # Numbers are left untouched, negative ones included.
            assert type(written)(read) == written


@settings(max_examples=10_000, deadline=None)
@given(text=any_text)
def test_neutralising_is_reversible_and_only_touches_formula_text(text):
    neutral = neutralise(text)
    assert unneutralise(neutral) == text
    assert not spreadsheet_would_run(neutral)
    # Only text that starts like a formula (perhaps after apostrophes) gets the prefix.
    if text.lstrip("'")[:1] and text.lstrip("'").startswith(FORMULA_PREFIXES):
        assert neutral == "'" + text
    else:
        assert neutral == text


def test_numbers_and_dates_are_not_neutralised():
    assert cell(-5) == -5
    assert cell(-0.5) == -0.5
    assert cell(datetime.date(1997, 12, 3)) == "1997-12-03"
    assert cell("'Tis") == "'Tis"
    assert cell("''=x") == "'''=x"


def test_lf_lines_still_quote_a_lone_carriage_return():
    data = b"".join(csv_chunks(["a", "b"], [["x\ry", "z"]], newline="\n"))
    assert data == b'a,b\n"x\ry",z\n'
