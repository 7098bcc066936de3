"""The response cache, ETags and 304s for public pages (ottawa_tracker/http_cache.py), on the real record.

The test settings turn the response cache off (it outlives each test's rolled-back data); every test
here turns it on with an empty cache.
"""

import contextlib
import datetime
import socket
import time

import pytest
from django.core.cache import cache

from countries.models import Country
from ottawa_tracker import cache as summary_cache
from ottawa_tracker import http_cache
from treaties import services
from treaties.choices import EventKind
from treaties.models import StatusEvent, Treaty

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/treaties/ottawa/",
    "/treaties/ottawa/map.svg",
    "/countries/USA/",
    "/regions/?treaty=ottawa&scheme=m49",
    "/forums/cd/",
    "/events/?treaty=ottawa",
    "/treaties/",
]


@pytest.fixture(autouse=True)
def response_cache(settings):
    settings.RESPONSE_CACHE = True
    settings.RESPONSE_CACHE_SECONDS = 600
    settings.VERSION_MEMO_SECONDS = 1.0  # as in production: on Redis, each process keeps the version it hears about
    cache.clear()
    http_cache.response_cache_clear()
    yield
    with contextlib.suppress(Exception):  # still the closed port's Redis after the failing-cache test
        cache.clear()
    http_cache.cache_resume()
    summary_cache.cache_resume()


@pytest.mark.parametrize("url", PAGES)
def test_a_second_request_makes_no_query(client, reference_data, django_assert_num_queries, url):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_the_query_is_sorted_and_part_of_the_key(client, reference_data, django_assert_num_queries):
    first = client.get("/regions/?treaty=ottawa&scheme=m49")
    with django_assert_num_queries(0):
        same = client.get("/regions/?scheme=m49&treaty=ottawa")
    assert same["ETag"] == first["ETag"]
    other = client.get("/regions/?treaty=ottawa&scheme=un-groups")
    assert other["ETag"] != first["ETag"]
    assert other.content != first.content


def test_public_headers(client, reference_data, settings):
    response = client.get("/treaties/ottawa/")
    assert response["Cache-Control"] == settings.RESPONSE_CACHE_CONTROL
    assert settings.RESPONSE_CACHE_CONTROL == "public, max-age=60, stale-while-revalidate=600"
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 34
    assert response["Last-Modified"].endswith(" GMT")
    assert "Cookie" in response["Vary"]
    assert not response.cookies


@pytest.mark.parametrize("url", ["/treaties/ottawa/", "/treaties/ottawa/status.csv", "/events.csv"])
def test_a_conditional_get_with_the_etag_gets_304(client, reference_data, django_assert_num_queries, url):
    response = client.get(url)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    with django_assert_num_queries(0):
        again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == response["ETag"]
    assert again["Cache-Control"].startswith("public")
    stale = client.get(url, headers={"if-none-match": '"not-this-one"'})
    assert stale.status_code == 200
    if stale.streaming:  # read to the end, as a server would: a COPY left half-read breaks the connection
        b"".join(stale.streaming_content)


def test_if_modified_since_gets_304(client, reference_data):
    response = client.get("/forums/cd/")
    again = client.get("/forums/cd/", headers={"if-modified-since": response["Last-Modified"]})
    assert again.status_code == 304
    earlier = client.get("/forums/cd/", headers={"if-modified-since": "Mon, 01 Jan 1990 00:00:00 GMT"})
    assert earlier.status_code == 200


def test_a_small_csv_is_stored_whole(client, reference_data, django_assert_num_queries):
    first = client.get("/treaties/ottawa/status.csv")
    assert not first.streaming  # read whole (it is small) and stored
    assert first["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in first.get("Content-Disposition", "attachment")
    with django_assert_num_queries(0):
        second = client.get("/treaties/ottawa/status.csv")
    assert second.content == first.content
    assert second.content.startswith(b"\xef\xbb\xbf") or b"," in second.content.splitlines()[0]


def test_a_large_csv_streams_on_unstored(client, reference_data, monkeypatch):
    monkeypatch.setattr(http_cache, "STREAM_BUFFER_BYTES", 1000)
    first = client.get("/events.csv?treaty=ottawa")
    assert first.streaming
    body = b"".join(first.streaming_content)
    assert len(body) > 1000 and body.count(b"\n") > 100
    second = client.get("/events.csv?treaty=ottawa")
    assert second.streaming  # rendered again: nothing was stored
    assert b"".join(second.streaming_content) == body
    assert second["ETag"] == first["ETag"]


def _sign(country: Country, treaty: Treaty) -> StatusEvent:
    event = StatusEvent(
        treaty=treaty,
        country=country,
        kind=EventKind.SIGNATURE,
        date=datetime.date(2020, 5, 5),
        source="https://treaties.un.org/ (test)",
    )
    return services.status_event_save(event=event, validate=False)


def test_an_edit_through_the_service_changes_the_etag_and_the_body(
    client, reference_data, django_capture_on_commit_callbacks
):
    """The change shows on the next request after the recompute its commit sets off (eager Celery)."""
    ottawa = Treaty.objects.get(slug="ottawa")
    usa = Country.objects.get(iso3="USA")
    assert not StatusEvent.objects.filter(treaty=ottawa, country=usa, kind=EventKind.SIGNATURE).exists()
    urls = ["/countries/USA/", "/treaties/ottawa/", "/"]
    before = {url: client.get(url) for url in urls}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _sign(usa, ottawa)
    assert callbacks  # the recompute's wake-up and the data version's bump
    for url in urls:
        after = client.get(url)
        assert after["ETag"] != before[url]["ETag"], url
        assert after.content != before[url].content, url
    assert b"2020-05-05" in client.get("/countries/USA/").content
    # The old ETag no longer matches: the client gets the new page.
    old_etag = before["/countries/USA/"]["ETag"]
    assert client.get("/countries/USA/", headers={"if-none-match": old_etag}).status_code == 200


def test_a_change_the_marks_do_not_see_still_changes_the_page(client, reference_data):
    """A country renamed (no figure moves, no mark) starts a new generation."""
    first = client.get("/countries/USA/")
    usa = Country.objects.get(iso3="USA")
    usa.name = "United States (renamed for the test)"
    usa.save()
    second = client.get("/countries/USA/")
    assert second["ETag"] != first["ETag"]
    assert b"renamed for the test" in second.content


def test_a_lost_generation_never_serves_a_stale_page(client, reference_data, settings):
    settings.VERSION_MEMO_SECONDS = 0  # as read from the cache (a process keeping it sees the loss a second later)
    first = client.get("/forums/cd/")
    cache.delete(http_cache.GENERATION_KEY)  # evicted, or a flush of part of the cache
    second = client.get("/forums/cd/")
    assert second["ETag"] != first["ETag"]


def test_the_day_is_part_of_the_version(client, reference_data, monkeypatch):
    first = client.get("/")
    tomorrow = http_cache.timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(http_cache, "_today", lambda: tomorrow)
    assert client.get("/")["ETag"] != first["ETag"]


def stored_pages(monkeypatch) -> list[str]:
    """The keys of the pages the middleware stores from now on, whatever the cache backend (locmem or Redis)."""
    keys: list[str] = []
    real = http_cache._cache_call

    def spy(method, *args, **kwargs):
        if method == "set" and str(args[0]).startswith(http_cache.PAGE_KEY.format("")):
            keys.append(args[0])
        return real(method, *args, **kwargs)

    monkeypatch.setattr(http_cache, "_cache_call", spy)
    return keys


def test_the_admin_is_never_public(admin_client, reference_data, monkeypatch):
    stored = stored_pages(monkeypatch)
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "ETag" not in response
    assert stored == []


def test_a_logged_in_user_is_never_served_from_the_public_cache(client, admin_client, reference_data, monkeypatch):
    stored = stored_pages(monkeypatch)
    public = client.get("/treaties/ottawa/")
    assert public["Cache-Control"].startswith("public")
    # The staff user's page comes from the rendering, with its own content, and is not stored.
    mine = admin_client.get("/treaties/ottawa/")
    assert mine.status_code == 200
    assert "private" in mine["Cache-Control"] and "no-store" in mine["Cache-Control"]
    assert "ETag" not in mine
    assert mine.wsgi_request.user.is_authenticated
    assert len(stored) == 1  # the anonymous page only
    # A conditional GET with the public ETag is not answered 304 for a logged-in user.
    again = admin_client.get("/treaties/ottawa/", headers={"if-none-match": public["ETag"]})
    assert again.status_code == 200


def test_query_counts_measure_the_rendering_with_the_cache_off(client, reference_data, settings):
    from tests.treaties.query_counts import assert_exact_queries

    settings.RESPONSE_CACHE = False
    client.get("/forums/")
    assert_exact_queries(client, "/forums/")
    response = client.get("/forums/")
    assert "ETag" not in response


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_failing_cache_still_serves_pages(client, reference_data, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for url in ["/treaties/ottawa/", "/treaties/ottawa/", "/forums/cd/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "ETag" not in response  # rendered as if there were no response cache
    assert b"Ottawa" in client.get("/treaties/ottawa/").content


def test_a_mark_alone_changes_the_version_at_once(client, reference_data, django_capture_on_commit_callbacks):
    """Marks are written with UPDATE (no row signal): the service's on-commit hook drops the cached marks' token."""
    from treaties.services import summaries as summary_services

    first = client.get("/forums/cd/")
    ottawa = Treaty.objects.get(slug="ottawa")
    generation = cache.get(http_cache.GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=False):
        summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="test", wake=False)
    cache.set(http_cache.GENERATION_KEY, generation, None)  # only the marks tell
    assert cache.get(http_cache.MARKS_KEY) is None
    assert client.get("/forums/cd/")["ETag"] != first["ETag"]


def test_a_stored_response_keeps_its_own_headers(client, reference_data, django_assert_num_queries):
    """The map may be framed by this site (its view's CSP and X-Frame-Options), from the cache too."""
    first = client.get("/treaties/ottawa/map.svg")
    with django_assert_num_queries(0):
        second = client.get("/treaties/ottawa/map.svg")
    assert "frame-ancestors 'self'" in first["Content-Security-Policy"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["X-Frame-Options"] == first["X-Frame-Options"] == "SAMEORIGIN"
    assert second["Content-Type"] == first["Content-Type"]


def test_gzipped_and_plain_bodies_are_kept_apart(client, reference_data):
    plain = client.get("/treaties/ottawa/map.svg")
    zipped = client.get("/treaties/ottawa/map.svg", headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert zipped["ETag"] != plain["ETag"]
    again = client.get("/treaties/ottawa/map.svg")
    assert "Content-Encoding" not in again
    assert again.content == plain.content


def test_the_apis_anonymous_reads_follow_the_pages_rules_and_tokens_stay_private(
    client, reference_data, django_assert_num_queries
):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    first = client.get("/api/v1/treaties/")
    assert first.status_code == 200 and first["Cache-Control"].startswith("public") and first["ETag"]
    with django_assert_num_queries(0):
        again = client.get("/api/v1/treaties/")
    assert again.content == first.content
    assert client.get("/api/v1/treaties/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    from django.contrib.auth.models import Group, User

    editor = User.objects.create_user("api-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    mine = token.get("/api/v1/treaties/")
    assert mine.status_code == 200
    assert "private" in mine["Cache-Control"] and "no-store" in mine["Cache-Control"] and "ETag" not in mine


def test_a_page_this_process_served_needs_no_second_read_of_the_shared_cache(
    client, reference_data, monkeypatch, settings
):
    """One read of the shared cache (the data version) per hit: the page comes from this process's memory."""
    settings.VERSION_MEMO_SECONDS = 0  # the version itself read each time (see the watcher's tests below)
    client.get("/forums/cd/")
    reads = []
    real = http_cache._cache_call

    def spy(method, *args, **kwargs):
        reads.append((method, args[0] if args else None))
        return real(method, *args, **kwargs)

    monkeypatch.setattr(http_cache, "_cache_call", spy)
    again = client.get("/forums/cd/")
    assert again.status_code == 200
    assert reads == [("get_many", [http_cache.MARKS_KEY, http_cache.GENERATION_KEY])]


def test_pages_kept_in_memory_are_bounded_and_expire(monkeypatch):
    pages = http_cache.LocalPages(max_bytes=10)
    pages.put("a", (200, (), b"12345", ()), 60)
    pages.put("b", (200, (), b"12345", ()), 60)
    assert pages.get("a") is not None  # now the most recently used
    pages.put("c", (200, (), b"1", ()), 60)
    assert pages.get("b") is None and pages.get("a") is not None and pages.size == 6
    pages.put("huge", (200, (), b"x" * 11, ()), 60)
    assert pages.get("huge") is None
    now = http_cache.time.monotonic()
    monkeypatch.setattr(http_cache.time, "monotonic", lambda: now + 61)
    assert pages.get("a") is None and pages.size == 1


def test_a_page_in_memory_is_not_served_after_a_change(client, reference_data):
    canada = Country.objects.get(iso3="CAN")
    before = client.get(f"/countries/{canada.iso3}/")
    canada.name = "Canada (renamed in a test)"
    canada.save()
    after = client.get(f"/countries/{canada.iso3}/")
    assert b"renamed in a test" in after.content and b"renamed in a test" not in before.content
    assert after["ETag"] != before["ETag"]


def test_a_worker_heartbeat_keeps_the_stored_pages(client, reference_data, django_assert_num_queries):
    """A worker records that it is alive every 30 seconds: no page changes, so none is rendered again."""
    from treaties.health import worker_heartbeat_record

    first = client.get("/forums/cd/")
    worker_heartbeat_record(hostname="celery@test")
    with django_assert_num_queries(0):
        again = client.get("/forums/cd/")
    assert again["ETag"] == first["ETag"]


def test_a_treatys_summaries_are_deleted_in_one_statement(reference_data, django_assert_num_queries):
    """No save or delete receiver on the derived rows: Django deletes them without fetching each one."""
    from treaties.models import Summary, SummarySpan

    ottawa = Treaty.objects.get(slug="ottawa")
    assert Summary.objects.filter(treaty=ottawa).count() > 1000
    with django_assert_num_queries(2):
        Summary.objects.filter(treaty=ottawa).delete()
        SummarySpan.objects.filter(treaty=ottawa).delete()


def test_every_model_a_page_shows_is_watched():
    from countries.models import Country, Forum, ForumMembership, Region, RegionAssignment
    from treaties.models import Obligation, Summary, WorkerHeartbeat

    watched = set(http_cache.watched_models())
    assert {Country, Forum, ForumMembership, Region, RegionAssignment, Treaty, StatusEvent, Obligation} <= watched
    assert not {Summary, WorkerHeartbeat} & watched


def test_the_redis_cache_keeps_one_client_per_pool():
    """Django's backend builds a redis-py client per call (0.15 ms each); ours keeps one (redis_cache.py)."""
    from ottawa_tracker.redis_cache import ReusedClientRedisCache

    backend = ReusedClientRedisCache("redis://127.0.0.1:6379/9", {})
    assert backend._cache.get_client("a") is backend._cache.get_client("b", write=True)


@pytest.fixture
def watcher(settings):
    """The data version watcher on the real Redis (CI); skipped without it outside CI, never in CI."""
    from tests.treaties.conftest import services_required

    if not hasattr(cache, "pubsub_client"):
        if services_required():
            pytest.fail("CI_REQUIRE_SERVICES is set but the cache is not Redis: set REDIS_URL")
        pytest.skip("the version watcher listens on Redis (set REDIS_URL; CI does)")
    watcher = http_cache._watcher
    watcher.remembered()  # starts it in this process
    deadline = time.monotonic() + 5
    while not watcher.listening and time.monotonic() < deadline:
        time.sleep(0.01)
    assert watcher.listening, "the watcher did not subscribe within 5 s"
    return watcher


def _reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    real = http_cache._cache_call

    def spy(method, *args, **kwargs):
        reads.append(method)
        return real(method, *args, **kwargs)

    monkeypatch.setattr(http_cache, "_cache_call", spy)
    return reads


def test_while_the_watcher_listens_a_304_reads_nothing_from_redis(client, reference_data, watcher, monkeypatch):
    etag = client.get("/treaties/ottawa/")["ETag"]
    reads = _reads(monkeypatch)
    for _ in range(3):
        assert client.get("/treaties/ottawa/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert reads == []


def test_a_change_in_another_process_is_heard_and_the_page_changes(client, reference_data, watcher):
    """Another process (a worker's recompute) sets a new generation and publishes: this one forgets at once."""
    first = client.get("/forums/cd/")
    heard = watcher.messages
    cache.set(http_cache.GENERATION_KEY, ("from-another-process", time.time()), None)
    cache.publish(http_cache.CHANNEL, "changed")
    deadline = time.monotonic() + 5
    while watcher.messages == heard and time.monotonic() < deadline:
        time.sleep(0.005)
    assert watcher.messages > heard, "the notice did not arrive within 5 s"
    second = client.get("/forums/cd/")
    assert second["ETag"] != first["ETag"]


def test_without_the_subscription_every_request_reads_the_version(client, reference_data, watcher, monkeypatch):
    etag = client.get("/treaties/ottawa/")["ETag"]
    monkeypatch.setattr(watcher, "listening", False)  # the subscription dropped (Redis restarted)
    reads = _reads(monkeypatch)
    assert client.get("/treaties/ottawa/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/treaties/ottawa/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert reads == ["get_many", "get_many"]


def test_a_version_read_while_a_notice_arrives_is_not_kept(watcher):
    seen = watcher.messages
    watcher.forget()  # a notice arrived between reading the version and keeping it
    watcher.remember((("m", 0.0), ("g", 0.0)), seen)
    assert watcher.remembered() is None
