"""Reads through Django's cache that survive a failing cache: skipped for a while, never fatal.

A frozen or stopped Redis makes every call wait for its socket timeout and then raise, so
after one failure this process goes without the cache for PAUSE_SECONDS and computes the
answers itself. The data version travels as Django's cache `version=` argument, so a key
names what is cached and the version says which state of the data it was computed from.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

# After a cache error, skip the cache for this long rather than wait on a frozen Redis each time.
PAUSE_SECONDS = 30.0

T = TypeVar("T")
_paused_until = 0.0


def cached(key: str, compute: Callable[[], T], *, version: int, timeout: int) -> T:
    """`compute()`, through the cache under `key` and `version`; a cache that fails is skipped for a while."""
    global _paused_until
    if time.monotonic() < _paused_until:
        return compute()
    try:
        value = cache.get(key, version=version)
    except Exception:  # any cache backend error: redis-py's, a socket's
        logger.warning("cache unavailable; serving from the database", exc_info=True)
        _paused_until = time.monotonic() + PAUSE_SECONDS
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout, version=version)
        except Exception:
            logger.warning("cache unavailable; serving from the database", exc_info=True)
            _paused_until = time.monotonic() + PAUSE_SECONDS
    return value


def cache_resume() -> None:
    """Use the cache again from the next call on (tests, after simulating a failure)."""
    global _paused_until
    _paused_until = 0.0
