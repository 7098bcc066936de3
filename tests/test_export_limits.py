"""Heavy exports are limited per client address, and error pages stay small whatever the input."""

import io
import os
import time
from unittest import mock

import pytest
import redis
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client

from ottawa_tracker import throttle
from tests.treaties.conftest import services_required

HEADER = "iso3,treaty,kind,value,date,effective_date,end_date,source,note"
GOOD = "CAN,ottawa,stance,supporter,2001-02-03,,,src,"
IMPORT_URL = "/admin/treaties/statusevent/import/"
SMALL_PAGE = 20 * 1024

EXPORTS = [
    "/events.csv",
    "/treaties/ottawa/status.csv",
    "/treaties/ottawa/series.csv",
    "/regions.csv",
    "/forums.csv",
    "/regions/m49/africa/countries.csv",
    "/forums/cd/members.csv",
]


@pytest.fixture(autouse=True)
def export_limit(settings):
    settings.EXPORT_MAX_CONCURRENT_PER_ADDRESS = 2
    settings.EXPORT_SLOT_SECONDS = 120
    cache.clear()
    yield
    cache.clear()


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def read(response) -> bytes:
    """The whole stream; the test client closes the response after the last chunk (the slot is freed)."""
    return b"".join(response.streaming_content)


def close(response) -> None:
    """Close a response unread, as a server does when the client goes away. (Outside the test client,
    closing sends request_finished, whose close_old_connections would close the test's connection.)"""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def assert_429(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert len(response.content) < 500
    assert b"at most 2 CSV exports" in response.content


def test_a_third_concurrent_export_from_one_address_gets_429(reference_data):
    client = from_address("203.0.113.7")
    first, second = client.get("/events.csv"), client.get("/events.csv")
    assert (first.status_code, second.status_code) == (200, 200)
    assert_429(client.get("/events.csv"))
    # Another address is served meanwhile.
    other = from_address("198.51.100.9").get("/events.csv")
    assert other.status_code == 200
    read(other)
    # A stream read to the end frees its slot; so does one closed before it was read (client gone).
    assert read(first).startswith(b"iso3,treaty,kind")
    third = client.get("/events.csv")
    assert third.status_code == 200
    assert_429(client.get("/events.csv"))
    close(second)
    fourth = client.get("/events.csv")
    assert fourth.status_code == 200
    read(third), read(fourth)


@pytest.mark.parametrize("url", EXPORTS)
def test_every_csv_export_takes_a_slot(client, reference_data, url):
    held = [throttle.export_slot_take("127.0.0.1") for _ in range(2)]
    assert all(held)
    assert_429(client.get(url))
    held[0].release()
    response = client.get(url)
    assert response.status_code == 200, url
    read(response)
    # Its slot was given back when the response closed.
    assert throttle.export_slot_take("127.0.0.1") is not None


def test_a_refused_export_request_frees_its_slot(client, reference_data):
    """A 400 or 404 is not a stream: the slot is given back at once."""
    for _ in range(3):
        assert client.get("/events.csv?date_after=yesterday").status_code == 400
        assert client.get("/treaties/nothing/status.csv").status_code == 404
    response = client.get("/events.csv")
    assert response.status_code == 200
    read(response)


def test_a_slot_held_by_a_dead_process_expires(client, reference_data, settings):
    settings.EXPORT_SLOT_SECONDS = 1
    # A process that died mid-stream never releases its slots.
    assert throttle.export_slot_take("127.0.0.1") and throttle.export_slot_take("127.0.0.1")
    assert client.get("/events.csv").status_code == 429
    time.sleep(1.5)
    response = client.get("/events.csv")
    assert response.status_code == 200
    read(response)


def test_a_long_stream_keeps_its_slot(settings):
    settings.EXPORT_SLOT_SECONDS = 4
    lease = throttle.export_slot_take("192.0.2.1")
    stream = throttle.LeasedStream(iter([b"a", b"b", b"c"]), lease)
    with mock.patch.object(throttle.cache, "touch") as touch, mock.patch("time.monotonic", return_value=1e9):
        next(stream)
    touch.assert_called_once_with(lease.key, 4)
    stream.close()
    assert lease.key is None


def test_the_limit_fails_open_when_the_cache_is_down(client, reference_data):
    with mock.patch.object(throttle.cache, "add", side_effect=ConnectionError("Redis refused")):
        responses = [client.get("/events.csv") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    for response in responses:
        read(response)


def test_behind_a_proxy_the_address_the_proxy_saw_counts(reference_data, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    # The client claims a different address each time; only the one our proxy appended is trusted.
    held = [proxy.get("/events.csv", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7") for n in range(2)]
    assert [r.status_code for r in held] == [200, 200]
    assert_429(proxy.get("/events.csv", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7"))
    other = proxy.get("/events.csv", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 200
    for response in [*held, other]:
        read(response)


def test_without_a_proxy_x_forwarded_for_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_HOPS = 0
    request = rf.get("/events.csv", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert throttle.client_address(request) == "203.0.113.7"
    request = rf.get("/events.csv", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    assert throttle.client_address(request) == "2001:db8:1:2::"


def test_the_limit_holds_across_processes_on_redis(reference_data, settings):
    """In production the slots are in Redis, shared by every web process."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if services_required():
            pytest.fail(f"CI_REQUIRE_SERVICES is set but Redis at {url} does not answer: {exc}")
        pytest.skip(f"no Redis at {url}")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    address = f"198.51.100.{os.getpid() % 250}"
    client = from_address(address)
    try:
        held = [client.get("/events.csv") for _ in range(2)]
        assert [r.status_code for r in held] == [200, 200]
        assert_429(client.get("/events.csv"))
        ttl = redis.Redis.from_url(url).ttl(f":1:export-slot:{address}:0")
        assert 0 < ttl <= 120  # a slot whose process dies expires by itself
        read(held[0])
        response = client.get("/events.csv")
        assert response.status_code == 200
        read(response), read(held[1])
    finally:
        cache.clear()


# Error pages stay small -------------------------------------------------------------------------


def upload(client, data: bytes):
    return client.post(IMPORT_URL, {"file": io.BytesIO(data)}, format="multipart")


def million_column_header() -> bytes:
    return (",".join(f"c{n}" for n in range(1_000_000)) + "\n" + GOOD + "\n").encode()


def test_a_header_of_a_million_columns_gives_a_small_error_page(editor_client, reference_data):
    response = upload(editor_client, million_column_header())
    assert response.status_code == 200
    content = response.content.decode()
    assert len(response.content) < SMALL_PAGE, len(response.content)
    assert "1,000,009 columns" not in content  # the header named all nine expected columns? it did not
    assert "missing iso3" in content
    assert "c0, c1, c2" in content
    assert "and 999,990 more" in content


def test_a_million_column_header_from_the_command_line_is_reported_briefly(reference_data, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes(million_column_header())
    with pytest.raises(CommandError) as excinfo:
        call_command("import_events", str(path), "--dry-run", stdout=io.StringIO())
    assert len(str(excinfo.value)) < 2000
    assert "1,000,000 columns" in str(excinfo.value)


def test_a_header_repeating_one_column_is_reported_briefly(editor_client, reference_data):
    data = (HEADER + ",note" * 200_000 + "\n" + GOOD + "\n").encode()
    response = upload(editor_client, data)
    assert len(response.content) < SMALL_PAGE
    assert "given twice note" in response.content.decode()


def test_rows_of_a_million_cells_give_a_small_error_page(editor_client, reference_data):
    wide_row = "," * 999_999
    data = ("\n".join([HEADER, GOOD, wide_row + "x", GOOD.replace("2001", "2002")]) + "\n").encode()
    response = upload(editor_client, data)
    assert response.status_code == 200
    assert len(response.content) < SMALL_PAGE, len(response.content)
    assert "it has 1,000,000 cells where the header has 9 columns" in response.content.decode()


def test_huge_cells_are_named_by_their_length_not_repeated(editor_client, reference_data):
    rows = [f"{'X' * 100_000},ottawa,stance,supporter,2001-02-03,,,src," for _ in range(100)]
    response = upload(editor_client, ("\n".join([HEADER, *rows]) + "\n").encode())
    assert response.status_code == 200
    assert len(response.content) < 100 * 1024, len(response.content)
    assert "iso3 is 100,000 characters long (at most 200)" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "country=" + "X" * 100_000,
        "treaty=" + "x" * 100_000,
        "date_after=" + "9" * 100_000,
        "&".join(f"country={n}" for n in range(5_000)),
    ],
    ids=["long country", "long treaty", "long date", "many values"],
)
@pytest.mark.parametrize("url", ["/events/", "/events.csv"])
def test_a_filter_with_huge_values_gives_a_small_400(client, reference_data, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert len(response.content) < SMALL_PAGE, len(response.content)
