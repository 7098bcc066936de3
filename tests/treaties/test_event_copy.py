"""On PostgreSQL, `/events.csv` streams COPY output: byte for byte the file the Python path writes."""

import datetime
import io
import os
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from countries.models import Country
from tests.factories import StatusEventFactory, TreatyFactory
from treaties import exports
from treaties.choices import EventKind
from treaties.models import StatusEvent

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat

NASTY = [
    "=1+1",
    "+44 20 7946 0000",
    "-2+3",
    "@SUM(A1)",
    "\tindented",
    "\rcarriage",
    "'=already quoted",
    "''@twice",
    "'plain apostrophe",
    'with "quotes", and a comma',
    "line one\nline two",
    "line one\r\nline two",
    "lone\rreturn",
    "\\.",
    "  spaces  ",
    "Côte d’Ivoire — 地雷",
    "",
]


@pytest.fixture(autouse=True)
def postgresql_only():
    """Skipped on SQLite only when the services are not required; under CI_REQUIRE_SERVICES it must run."""
    if connection.vendor != "postgresql":
        if os.environ.get("CI_REQUIRE_SERVICES"):
            pytest.fail("CI_REQUIRE_SERVICES is set but the tests run on SQLite: set DATABASE_URL to PostgreSQL")
        pytest.skip("the COPY path needs PostgreSQL")


def both_paths(client, query: str) -> tuple[bytes, bytes]:
    with override_settings(EVENT_EXPORT_COPY=False):
        python = b"".join(client.get(f"/events.csv?{query}").streaming_content)
    with override_settings(EVENT_EXPORT_COPY=True):
        copied = b"".join(client.get(f"/events.csv?{query}").streaming_content)
    return python, copied


@pytest.fixture
def nasty(reference_data):
    treaty = TreatyFactory(slug="-dash-slug", short_name="Dash")
    countries = list(Country.objects.filter(participant=True).order_by("iso3")[: len(NASTY)])
    for text, country in zip(NASTY, countries, strict=True):
        StatusEventFactory(
            treaty=treaty,
            country=country,
            kind=EventKind.EXPORT_MORATORIUM,
            value="limited",
            date=D("2001-02-03"),
            end_date=D("2004-05-06"),
            source=text or "source",
            note=text,
        )
    return treaty


def test_the_view_takes_the_copy_path_on_postgresql(reference_data):
    assert exports.event_csv_uses_copy(StatusEvent.objects.all())


@pytest.mark.parametrize(
    "query",
    ["", "treaty=-dash-slug", "treaty=ottawa&region=m49:africa", "kind=ratification&bom=1", "country=ZWE&kind=stance"],
)
def test_copy_gives_the_same_bytes_as_python(client, nasty, query):
    python, copied = both_paths(client, query)
    assert python == copied
    assert python.count(b"\n") > 1 or "ZWE" in query


def test_copy_neutralises_in_sql(client, nasty):
    _, copied = both_paths(client, "treaty=-dash-slug")
    assert b"\n'-dash-slug," not in copied  # the slug itself is neutralised
    assert b",'-dash-slug," in copied
    assert b"'=1+1" in copied
    assert b",''=already quoted," in copied
    assert b",'''@twice," in copied
    assert b",'plain apostrophe" in copied


text_without_nul = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.tuples(text_without_nul, text_without_nul), min_size=1, max_size=12))
def test_copy_equals_python_for_any_text(client, reference_data, texts):
    countries = list(Country.objects.filter(participant=True).order_by("iso3")[: len(texts)])
    with transaction.atomic():
        treaty = TreatyFactory(slug="hypothesis")
        for (source, note), country in zip(texts, countries, strict=False):
            StatusEventFactory(
                treaty=treaty, country=country, kind=EventKind.PRODUCTION_HALTED, source=source or "x", note=note
            )
        python, copied = both_paths(client, "treaty=hypothesis")
        assert python == copied
        transaction.set_rollback(True)


def test_a_client_that_goes_away_stops_the_copy(reference_data):
    # More rows than the pipe holds, so the COPY thread is still writing when the client leaves.
    call_command("generate_synthetic", "--events", "40000", "--treaties", "4", stdout=io.StringIO())
    chunks = exports.event_csv_chunks(StatusEvent.objects.all(), copy=True)
    assert next(chunks).startswith(b"iso3,treaty,")
    assert len(next(chunks)) > 0
    chunks.close()
    assert not [t for t in threading.enumerate() if t.name == "csv-copy"]
    # The connection may hold an aborted COPY: inside a transaction it is marked for rollback.
    assert connection.needs_rollback
    connection.needs_rollback = False
