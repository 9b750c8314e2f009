"""Django's Redis cache, with one redis-py client per connection pool instead of a new one per operation.

Django's `RedisCacheClient.get_client` builds a `redis.Redis` for every cache operation; building one fills its
table of response callbacks (about 170 entries) each time, which was the largest share of the CPU a page-cache
hit costs (a hit is one operation). A client is safe to share: it takes a connection from its pool for each
command, and the pool reconnects after a fork (gunicorn's workers).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """`django.core.cache.backends.redis.RedisCache` with its clients reused (settings.CACHES with REDIS_URL)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
