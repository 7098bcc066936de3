"""At most EXPORT_MAX_CONCURRENT_PER_ADDRESS full CSV exports streaming at once per client address.

Each address has that many slots in the cache (Redis in production, shared by every web process).
A stream takes a free slot with an atomic `add` (SET NX with an expiry), keeps it alive while it
sends, and frees it when the response is closed (finished, or the client went away). A slot whose
process died expires by itself after EXPORT_SLOT_SECONDS, so no address is locked out for good.
When the cache cannot be reached the limit is not enforced (fail open): exports go on.
"""

import logging
import time
import uuid
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from ottawa_tracker.security import client_address

logger = logging.getLogger("ottawa_tracker.throttle")

RETRY_AFTER_SECONDS = 15


class Lease:
    """A slot held in the cache; `release` is idempotent and never raises."""

    def __init__(self, key: str | None, token: str = ""):
        self.key = key
        self.token = token
        self.renewed = time.monotonic()

    def renew(self) -> None:
        """Keep the slot while a long stream is still sending."""
        if self.key is None or time.monotonic() - self.renewed < settings.EXPORT_SLOT_SECONDS / 4:
            return
        self.renewed = time.monotonic()
        try:
            cache.touch(self.key, settings.EXPORT_SLOT_SECONDS)
        except Exception as exc:
            logger.warning("Could not renew export slot %s: %s", self.key, exc)

    def release(self) -> None:
        if self.key is None:
            return
        key, self.key = self.key, None
        try:
            if cache.get(key) == self.token:  # expired and taken by another stream meanwhile: theirs now
                cache.delete(key)
        except Exception as exc:
            logger.warning("Could not free export slot %s (it expires by itself): %s", key, exc)


def export_slot_take(address: str) -> Lease | None:
    """A free slot for this address, or None when all are taken. Without a cache, a lease that holds nothing."""
    limit = settings.EXPORT_MAX_CONCURRENT_PER_ADDRESS
    if limit <= 0:
        return Lease(None)
    token = uuid.uuid4().hex
    try:
        for slot in range(limit):
            key = f"export-slot:{address}:{slot}"
            if cache.add(key, token, timeout=settings.EXPORT_SLOT_SECONDS):
                return Lease(key, token)
    except Exception as exc:  # the cache is down: serve rather than refuse everyone
        logger.warning("Export limit not enforced, the cache is unavailable: %s", exc)
        return Lease(None)
    return None


class LeasedStream:
    """The streaming body, holding the lease: renewed while it sends, released when it ends or is closed.

    A class, not a generator: a generator closed before its first chunk never runs its `finally`,
    and Django closes the response (and so this) whatever happened to the client.
    """

    def __init__(self, chunks: Iterable[bytes], lease: Lease):
        self.chunks: Iterator[bytes] = iter(chunks)
        self.lease = lease

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        try:
            chunk = next(self.chunks)
        except BaseException:
            self.close()
            raise
        self.lease.renew()
        return chunk

    def close(self) -> None:
        try:
            close = getattr(self.chunks, "close", None)
            if close is not None:
                close()
        finally:
            self.lease.release()


def too_many_exports() -> HttpResponse:
    limit = settings.EXPORT_MAX_CONCURRENT_PER_ADDRESS
    response = HttpResponse(
        f"Too many downloads at once: at most {limit} CSV export{'s' if limit != 1 else ''} can run together "
        f"from one address. Wait for one to finish and try again in {RETRY_AFTER_SECONDS} seconds.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ExportLimitMixin:
    """For the CSV export views (listed first, so it wraps everything): a slot per stream, or 429.

    The database is asked first, so an outage answers 503 (DatabaseUnavailableMiddleware) rather than
    a 200 whose body breaks off.
    """

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        lease = export_slot_take(client_address(request))
        if lease is None:
            return too_many_exports()
        try:
            # What the first query would do: drop a connection that went bad, connect (or raise).
            connection.close_if_health_check_failed()
            connection.ensure_connection()
            response = super().dispatch(request, *args, **kwargs)
        except BaseException:
            lease.release()
            raise
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = LeasedStream(response.streaming_content, lease)
        else:
            lease.release()
        return response
