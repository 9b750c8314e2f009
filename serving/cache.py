"""Django's Redis cache, with one redis-py client per connection pool instead of a new one per operation, and its
reads (`get`, `get_many`) sent on a connection each worker thread holds.

Django's `RedisCacheClient.get_client` builds a `redis.Redis` for every cache operation; building one fills its
table of response callbacks (about 170 entries) each time, which was the largest share of the CPU a page-cache
hit costs (a hit is one operation). A client is safe to share: it takes a connection from its pool for each
command, and the pool reconnects after a fork (gunicorn's workers).

Taking a connection from the pool and giving it back costs more than the command itself: the pool's lock, its
counters, and a poll of the socket for data left over, about 13 µs of CPU of the 21 µs an `MGET` costs here
(docs/benchmarks.md, "HTTP"). A page-cache hit is one such read, so reads go on a connection the thread holds,
made with the pool's settings (timeouts, parser) but outside it. It is made again in a new process or thread, and
opened again after Redis closed it; any failure closes it, so that a reply half read is never taken for the next
one. Writes keep the pool.
"""

import os
import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._held = threading.local()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def held_connection(self):
        """The connection this thread reads on (to the server reads go to), made on first use in a process."""
        pool = self._get_connection_pool(False)
        held = self._held.__dict__
        if held.get("pid") != os.getpid():  # a process forked from this one (a worker) never reads on its parent's
            held.clear()
            held["pid"] = os.getpid()
        connection = held.get(id(pool))
        if connection is None:
            connection = held[id(pool)] = pool.connection_class(**pool.connection_kwargs)
        return connection

    def read(self, *command):
        """The reply to a read `command`, sent on the thread's connection. After a connection error (a connection
        found closed: Redis restarted, or closed it when idle) the command is sent once more on a new connection,
        where the pool would have checked the connection before lending it; a timeout is not (a hung Redis costs
        its timeout once)."""
        connection = self.held_connection()
        if connection.should_reconnect():  # asked by the server's maintenance notices, as the pool honours them
            connection.disconnect()
        try:
            return self.send(connection, command)
        except self._lib.ConnectionError:
            return self.send(connection, command)

    @staticmethod
    def send(connection, command):
        try:
            connection.send_command(*command)  # with the pool's health check, if its settings ask for one
            return connection.read_response()
        except BaseException:  # closed, so that a reply left half read is never taken for the next command's
            connection.disconnect()
            raise

    def holds_reads(self):
        """Whether reads go on the held connection: not when the pool keeps redis-py's client-side cache, which
        only the pool's own connections consult."""
        return getattr(self._get_connection_pool(False), "cache", None) is None

    def get(self, key, default):
        if not self.holds_reads():
            return super().get(key, default)
        value = self.read("GET", key)
        return default if value is None else self._serializer.loads(value)

    def get_many(self, keys):
        keys = list(keys)
        if not keys:
            return {}
        if not self.holds_reads():
            return super().get_many(keys)
        values = self.read("MGET", *keys)
        return {
            key: self._serializer.loads(value) for key, value in zip(keys, values, strict=True) if value is not None
        }


class RedisCache(DjangoRedisCache):
    """`django.core.cache.backends.redis.RedisCache` with its clients reused and its reads on a held connection
    (settings.CACHES with REDIS_URL)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
