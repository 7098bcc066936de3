"""Django's Redis cache, with one redis-py client per connection pool instead of one per operation.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call; its constructor
fills a table of some 170 response callbacks, about 0.15 ms a call here, which was a third of the
time of a 304 served from the response cache (ottawa_tracker/http_cache.py). A `redis.Redis` is
safe to share between threads (its connection pool hands each command its own connection), so one
per pool is kept. Django documents `get_client` as the place for a custom client ("e.g. sharding");
the rest of the backend is Django's own.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient

    # Beyond Django's cache API, for the response cache's "data changed" notice (ottawa_tracker/http_cache.py).
    def publish(self, channel: str, message: str) -> None:
        self._cache.get_client(write=True).publish(channel, message)

    def pubsub_client(self):
        """A pub/sub on this cache's Redis (redis-py gives it a connection of its own)."""
        return self._cache.get_client(write=True).pubsub()
