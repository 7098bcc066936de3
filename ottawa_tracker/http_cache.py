"""Public pages at static-file speed: a data version, a response cache keyed to it, conditional GET.

The data version
----------------
A page may be served from the cache only while nothing it shows can have changed, so every
cache key and every ETag carries the *data version*, made of three parts:

1. The summary marks (`SummaryMark.version`): every change that moves a figure marks its
   treaty in the writing transaction, every recompute bumps the version again, and changes on
   the countries side mark every treaty. One aggregate query (count, sum and max of the
   versions, latest mark or recompute) turns the whole table into a token; the sum grows with
   every mark and recompute, the count and the largest treaty id follow treaties added or
   removed. It is durable: it survives a cache flush and is the same in every process.
2. A *generation*: a random token kept in the cache without expiry, replaced by a new random
   one whenever a row of `countries` or `treaties` is saved or deleted (a name, a note: what
   the marks do not see), right away and again when the request that wrote ends, after its
   transactions committed (a render that read the old rows between the two is then never
   served). Being random, a lost generation (cache flushed, key evicted) is replaced by one no
   page was ever stored under: it can make pages render again, never serve a stale one.
3. Today's date, so that pages that default to today (no `date=`) turn over at midnight.

Reading the marks on every request would cost a query per page, so part 1 is kept in the cache
for DATA_VERSION_SECONDS and dropped (`data_version_changed`) on every mark (and again when the
request ends), after every recompute's commit (`treaties.services.summaries`) and on every save
or delete above. With Redis, shared by every process and the Celery workers, a change shows on
the next request. With the local cache (the embedded default, one cache per gunicorn worker)
another process sees a mark after at most DATA_VERSION_SECONDS, and a change the marks do not
see (a renamed country) after at most RESPONSE_CACHE_SECONDS, when the stored page expires.
A writer outside a request (a worker, a management command) bumps inside its transaction only
(no `on_commit`: tests count the callbacks a mark queues): a page rendered from the old rows in
that moment is stored under a version that ends when the marks' token is next re-read (at most
DATA_VERSION_SECONDS) for a change that marks, or when the page expires for one that does not.
A recompute bumps after its commit, so its figures show on the next request.

The response cache
------------------
`ResponseCacheMiddleware` sits right below WhiteNoise and the outage middleware, above sessions
and authentication, so a hit costs two cache reads and no query. It takes anonymous GETs of the
public site only: a request with a session cookie (a logged-in user, staff) or an Authorization
header (an API token), the admin and `/healthz` are passed through and marked `private, no-store`. It
stores a response only when it is a plain 200 with no cookie, no CSRF token in the body and no
private Cache-Control. A streamed response (a CSV export) is read up to STREAM_BUFFER_BYTES:
a small one (a table's CSV) is then stored like a page; a larger one (the full `/events.csv`)
streams on from what was read and is not stored, so memory stays bounded. Both get the ETag
and the 304s, which skip the export entirely.

Why not Django's `cache_page` / `CacheMiddleware`: their key has no room for a per-request data
version (the key prefix is fixed per middleware instance, shared by threads), and they answer no
conditional GET before the view runs. `ConditionalGetMiddleware` runs after the view and hashes
the body; here the ETag is known before rendering, so a 304 renders nothing. The pieces Django
has are used: `get_conditional_response` for If-None-Match / If-Modified-Since,
`patch_cache_control`, `patch_vary_headers`, `http_date`.

A hit takes two reads of the shared cache (the data version, then the page) and builds a fresh response from
the stored status, headers and body (smaller to keep and faster to read back than a pickled response). Each
process also keeps the pages it served last in memory (`LocalPages`, at most RESPONSE_LOCAL_BYTES): the key
carries the data version, so the one read of the version decides, and a popular page is not fetched from
Redis and unpickled on every request.

A cache that fails (Redis down or frozen) is skipped for PAUSE_SECONDS: the request is rendered
as if there were no response cache, without ETag or public Cache-Control.
"""

import contextlib
import datetime
import hashlib
import itertools
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

logger = logging.getLogger(__name__)

MARKS_KEY = "http_cache:marks"
# Where every writer says the data changed, and every serving process listens (`VersionWatcher`).
CHANNEL = "http_cache:changed"
# How long the watcher waits for a notice before checking that it is still subscribed.
WATCH_POLL_SECONDS = 5.0
GENERATION_KEY = "http_cache:generation"
PAGE_KEY = "http_cache:page:{}"
# After a cache error, go without the response cache this long rather than wait on a frozen Redis each time.
PAUSE_SECONDS = 30.0
# Apps whose rows a page can show: a save or delete there starts a new generation.
WATCHED_APPS = frozenset({"countries", "treaties"})
UNWATCHED_MODELS = frozenset(
    {
        "treaties.summary",
        "treaties.summaryspan",
        "treaties.summarymark",
        "treaties.obligationsummary",
        "treaties.obligationoverdue",
        "treaties.workerheartbeat",
        "treaties.stagedimport",
    }
)
# Never taken from or put in the public cache (besides any request with a session cookie).
# The API's anonymous reads follow the pages' rules (issue 15): a token request carries an Authorization
# header and so stays private, as do its writes (only GET and HEAD are ever stored).
PRIVATE_PREFIXES = ("/admin/", "/healthz")
# A streamed response (a CSV) up to this size is read whole and stored; a larger one streams on, unstored.
STREAM_BUFFER_BYTES = 512 * 1024

_paused_until = 0.0


class LocalPages:
    """The pages this process served last, by key (which carries the data version): a bounded LRU.

    Why not a second Django cache (locmem): it pickles every value in and out, the cost this saves.
    Entries are immutable (status, headers, body) tuples, so threads may share them. Each expires with
    its copy in the shared cache (RESPONSE_CACHE_SECONDS), so a change the data version does not see in
    another process (the embedded default's per-process cache) is bounded in time as before.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, tuple[float, tuple]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            expires, entry = found
            if time.monotonic() >= expires:
                del self.entries[key]
                self.size -= len(entry[2])
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple, seconds: float) -> None:
        size = len(entry[2])
        if size > self.max_bytes:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old[1][2])
            self.entries[key] = (time.monotonic() + seconds, entry)
            self.size += size
            while self.size > self.max_bytes:
                _, (_, evicted) = self.entries.popitem(last=False)
                self.size -= len(evicted[2])

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


_local_pages = LocalPages(settings.RESPONSE_LOCAL_BYTES)


def _entry(response: HttpResponse) -> tuple:
    """What is stored of a response: its status, its headers, its body, and what a view told the middleware
    above this one (django-csp's `_csp_*` attributes: the map may be framed by this site)."""
    told = tuple((name, value) for name, value in vars(response).items() if name.startswith("_csp"))
    return (response.status_code, tuple(response.items()), response.content, told)


def _response(entry: tuple) -> HttpResponse:
    status, headers, body, told = entry
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    for name, value in told:
        setattr(response, name, value)
    return response


# Set by a save or delete in this thread; the middleware starts one more generation when the request ends.
_request_wrote = threading.local()


class CacheFailed(Exception):
    """The cache answered with an error: skip the response cache for a while."""


def _cache_call(method: str, *args, **kwargs):
    global _paused_until
    try:
        return getattr(cache, method)(*args, **kwargs)
    except Exception as exc:  # any cache backend error: redis-py's, a socket's
        logger.warning("cache unavailable; rendering pages without the response cache", exc_info=True)
        _paused_until = time.monotonic() + PAUSE_SECONDS
        raise CacheFailed from exc


def cache_resume() -> None:
    """Use the response cache again from the next request on (tests, after simulating a failure)."""
    global _paused_until
    _paused_until = 0.0


def marks_version() -> tuple[str, float]:
    """The summary marks as a token, and the time of the latest mark or recompute (one query)."""
    from django.db.models import Count, Max, Sum

    from treaties.models import SummaryMark

    row = SummaryMark.objects.aggregate(
        n=Count("pk"),
        total=Sum("version"),
        top=Max("version"),
        last=Max("treaty_id"),
        marked=Max("marked_at"),
        computed=Max("computed_at"),
    )
    token = f"{row['n']}.{row['total'] or 0}.{row['top'] or 0}.{row['last'] or 0}"
    stamps = [stamp.timestamp() for stamp in (row["marked"], row["computed"]) if stamp is not None]
    return token, max(stamps, default=0.0)


def _today() -> datetime.date:
    return timezone.localdate()


def _version_parts() -> tuple[tuple[str, float], tuple[str, float]]:
    """The marks' token and the generation from the cache: one read, and one query when the marks' part has expired."""
    found = _cache_call("get_many", [MARKS_KEY, GENERATION_KEY])
    marks = found.get(MARKS_KEY)
    if marks is None:
        marks = marks_version()
        _cache_call("set", MARKS_KEY, marks, settings.DATA_VERSION_SECONDS)
    generation = found.get(GENERATION_KEY)
    if generation is None:
        fresh = (uuid.uuid4().hex, time.time())
        _cache_call("add", GENERATION_KEY, fresh, None)
        generation = _cache_call("get", GENERATION_KEY) or fresh
    return marks, generation


def data_version() -> tuple[str, float]:
    """The data version and the time it last changed. Raises CacheFailed when the cache fails.

    On Redis, read once and then kept in this process while the watcher (`VersionWatcher`) is
    listening for changes, for at most VERSION_MEMO_SECONDS; otherwise read from the cache each time.
    """
    parts = _watcher.remembered()
    if parts is None:
        seen = _watcher.messages
        parts = _version_parts()
        _watcher.remember(parts, seen)
    (marks, marks_changed), (generation, generation_changed) = parts
    today = _today()
    midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=timezone.get_current_timezone()).timestamp()
    return f"{marks}-{generation}-{today.isoformat()}", max(marks_changed, generation_changed, midnight)


class VersionWatcher:
    """Keeps the data version in this process and forgets it the moment any process says it changed.

    Reading the version from Redis costs a round trip per request, which was the whole difference
    between a 304 (or a stored page) and a static file. Every writer already tells the cache when the
    data changes (`data_version_changed`); it also publishes a notice on CHANNEL, and each process
    listens in a daemon thread (started in the process that serves, after gunicorn's fork). While the
    thread is subscribed, the version read last is kept for at most VERSION_MEMO_SECONDS (a change
    committed by a writer outside a request is seen when the marks' token is re-read, as before,
    at most this much later); a notice forgets it at once. A version read while a notice was arriving
    is not kept (`messages` moved). If the subscription drops, nothing is kept until it is back: every
    request reads Redis, as it did before. With the local memory cache (one per process, no round
    trip) the watcher does nothing.

    Why not redis-py's client-side caching: it needs Redis 7.4 (the machines here run 7.0); and not
    Django's cache framework: it has no notion of a notice between processes.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid = 0
        self.listening = False
        self.messages = 0
        self.parts = None
        self.until = 0.0

    def remembered(self):
        if not self.listening or self.pid != os.getpid():
            self._start()
            return None
        with self.lock:
            if self.parts is not None and time.monotonic() < self.until:
                return self.parts
        return None

    def remember(self, parts, seen: int) -> None:
        with self.lock:
            if self.listening and self.messages == seen:
                self.parts, self.until = parts, time.monotonic() + settings.VERSION_MEMO_SECONDS

    def forget(self) -> None:
        with self.lock:
            self.messages += 1
            self.parts = None

    def _start(self) -> None:
        if settings.VERSION_MEMO_SECONDS <= 0 or not hasattr(cache, "pubsub_client"):
            return
        with self.lock:
            if self.pid == os.getpid():
                return  # started already in this process (and not listening yet, or reconnecting)
            self.pid, self.listening, self.parts = os.getpid(), False, None
        threading.Thread(target=self._listen, name="http-cache-version-watcher", daemon=True).start()

    def _listen(self) -> None:
        while True:
            pubsub = None
            try:
                pubsub = cache.pubsub_client()
                pubsub.subscribe(CHANNEL)
                while True:
                    message = pubsub.get_message(timeout=WATCH_POLL_SECONDS)
                    if message is None:
                        continue
                    self.forget()
                    if message["type"] == "subscribe":
                        self.listening = True  # Redis confirmed: from now on every notice reaches this process
            except Exception:  # Redis went away: read it on every request until the subscription is back
                logger.warning("the data version watcher lost Redis; reading the version on every request")
                with self.lock:
                    self.listening, self.parts = False, None
                time.sleep(PAUSE_SECONDS)
            finally:
                with contextlib.suppress(Exception):
                    pubsub.close()


_watcher = VersionWatcher()


def data_version_changed() -> None:
    """Forget the cached marks' token and start a new generation: the next request sees the change."""
    if time.monotonic() < _paused_until:
        return  # the cache failed a moment ago: no writer waits on it (nothing is served from it either)
    _watcher.forget()
    try:
        _cache_call("delete", MARKS_KEY)
        _cache_call("set", GENERATION_KEY, (uuid.uuid4().hex, time.time()), None)
        if hasattr(cache, "publish"):
            _cache_call("publish", CHANNEL, "changed")  # every process forgets its copy of the version
    except CacheFailed:
        pass  # the pages stored in a failing cache are not being served either


def data_version_changing() -> None:
    """`data_version_changed` now, inside the writing transaction, and again when the current request ends.

    Not `transaction.on_commit`: the tests count the callbacks a mark queues (one wake-up per burst), and
    the end of the request comes after its commit anyway. A writer outside a request (a worker, a command)
    gets the first bump only; a mark's new version then shows at most DATA_VERSION_SECONDS late.
    """
    data_version_changed()
    _request_wrote.flag = True


def _row_written(sender, **kwargs) -> None:
    """A row a page may show was saved or deleted."""
    if not kwargs.get("raw"):
        data_version_changing()


def watched_models() -> list:
    """The models of WATCHED_APPS whose saves and deletes start a new generation.

    Left out: rows whose writers change the data version themselves (the recompute's summaries, the
    marks, the overdue record), operational rows no page shows (a worker's heartbeat every 30 seconds
    would otherwise empty the response cache each time) and history rows (their model's own save is
    seen). Receivers are connected per model, not for every sender: Django then deletes a treaty's
    thousands of summaries in one statement, where a receiver for every model makes it fetch and
    signal them one by one.
    """
    from django.apps import apps

    return [
        model
        for label in sorted(WATCHED_APPS)
        for model in apps.get_app_config(label).get_models()
        if model._meta.label_lower not in UNWATCHED_MODELS and not model._meta.model_name.startswith("historical")
    ]


def watch_models() -> None:
    """Connect the receivers (`OttawaTrackerConfig.ready`, once the models are loaded)."""
    for model in watched_models():
        label = model._meta.label_lower
        post_save.connect(_row_written, sender=model, dispatch_uid=f"http_cache_saved:{label}")
        post_delete.connect(_row_written, sender=model, dispatch_uid=f"http_cache_deleted:{label}")


def _language(request: HttpRequest) -> str:
    """The language the page will be rendered in, known before LocaleMiddleware runs (no database).

    The URL's prefix alone decides it for every page this cache stores (ottawa_tracker/i18n.url_language): `/` with
    Accept-Language: fr is English, so it shares its entry with every other `/`, never with `/fr/`.
    """
    if not settings.USE_I18N:
        return settings.LANGUAGE_CODE
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def page_key(request: HttpRequest) -> str:
    """The path, the query sorted by name (a name's values in their order), the language and gzip or not.

    The map is gzipped for a client that accepts it (`gzip_page`): the two bodies are two entries.
    """
    query = urlencode([(name, value) for name, values in sorted(request.GET.lists()) for value in values])
    gzip = "gzip" if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "") else "identity"
    return f"{request.path}?{query}|{_language(request)}|{gzip}"


def _is_private(request: HttpRequest) -> bool:
    return (
        request.path.startswith(PRIVATE_PREFIXES)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    )


def _buffered(response: StreamingHttpResponse) -> HttpResponseBase:
    """A small streamed response (a CSV of one table) as a plain one that can be stored; a large one streams on.

    Reads at most STREAM_BUFFER_BYTES: beyond, the response streams what was read and then the rest,
    so memory stays bounded whatever the export (a full `/events.csv` is never buffered whole).
    """
    if response.status_code != 200 or response.cookies:
        return response
    chunks, size = [], 0
    iterator = iter(response.streaming_content)
    for chunk in iterator:
        chunks.append(chunk)
        size += len(chunk)
        if size > STREAM_BUFFER_BYTES:
            response.streaming_content = itertools.chain(chunks, iterator)
            return response
    whole = HttpResponse(b"".join(chunks), status=response.status_code)
    for name, value in response.items():
        whole[name] = value
    response.close()  # runs its closers now (an export frees its slot)
    return whole


def _storable(response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "")
    if any(word in control for word in ("private", "no-store", "no-cache")) or response.get("Vary") == "*":
        return False
    return b"csrfmiddlewaretoken" not in response.content


class ResponseCacheMiddleware:
    """Serves public pages from the cache under the data version, answers conditional GETs, sets the cache headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        _request_wrote.flag = False
        try:
            return self._respond(request)
        finally:
            # The request's transactions have committed by now: a render that read the rows between the
            # change's first generation and its commit was stored under a generation no longer current.
            if getattr(_request_wrote, "flag", False):
                _request_wrote.flag = False
                data_version_changed()

    def _respond(self, request: HttpRequest) -> HttpResponseBase:
        if not settings.RESPONSE_CACHE or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if _is_private(request):
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_store=True)
            return response
        if time.monotonic() < _paused_until:
            return self.get_response(request)
        try:
            version, changed = data_version()
        except CacheFailed:
            return self.get_response(request)
        key = page_key(request)
        digest = hashlib.sha256(f"{version}|{key}".encode()).hexdigest()
        etag = f'"{digest[:32]}"'
        last_modified = int(changed)

        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            self._public(not_modified, etag, last_modified)
            return not_modified

        store = request.method == "GET" and settings.RESPONSE_CACHE_SECONDS > 0
        if store:
            entry = _local_pages.get(digest)
            if entry is None:
                try:
                    entry = _cache_call("get", PAGE_KEY.format(digest))
                except CacheFailed:
                    return self.get_response(request)
                if entry is not None:
                    # Its copy in the shared cache may be older: kept here no longer than a fresh one would be.
                    _local_pages.put(digest, entry, settings.RESPONSE_CACHE_SECONDS)
            if entry is not None:
                return _response(entry)

        response = self.get_response(request)
        if response.status_code != 200 or "private" in response.get("Cache-Control", ""):
            return response
        self._public(response, etag, last_modified)
        if store and response.streaming:
            response = _buffered(response)
        if store and _storable(response):
            entry = _entry(response)
            with contextlib.suppress(CacheFailed):
                _cache_call("set", PAGE_KEY.format(digest), entry, settings.RESPONSE_CACHE_SECONDS)
                _local_pages.put(digest, entry, settings.RESPONSE_CACHE_SECONDS)
        return response

    @staticmethod
    def _public(response: HttpResponseBase, etag: str, last_modified: int) -> None:
        """ETag, Last-Modified, the public Cache-Control and Vary (the session cookie decides public or private)."""
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = settings.RESPONSE_CACHE_CONTROL
        patch_vary_headers(response, ["Cookie"])
        if settings.USE_I18N and "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE:
            patch_vary_headers(response, ["Accept-Language"])


def response_cache_clear() -> None:
    """Forget the data version and this process's pages (tests): the next request renders and reads the marks again."""
    data_version_changed()
    _local_pages.clear()
    cache_resume()
