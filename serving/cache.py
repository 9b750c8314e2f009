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

`RedisCache.watch(key)` keeps one key's value in each thread, current without a round trip: see `Watch`.
"""

import os
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.backoff import NoBackoff
from redis.retry import Retry


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


class WatchRefused(Exception):
    """Redis refused what a watch needs (`HELLO 3` before Redis 6, or `CLIENT TRACKING` denied by an ACL): it will
    not work with this server."""


class Watch:
    """One key's value as this thread last read it, known to be current while Redis sends no invalidation message
    for it: Redis's client-side caching in broadcast mode (`CLIENT TRACKING ON BCAST PREFIX key`, Redis 6 or
    later), on a RESP3 connection of the thread's own to the server writes go to. Redis sends the message when the
    key changes, in the same turn of its event loop as its reply to the write, so `get` answers from memory, with
    one poll of the socket, until a message has come. On one machine the message is in this connection's buffer
    before the writer has its reply; across a network it comes a network's latency later (a lost packet delays it
    until TCP sends it again).

    Then it reads the value again on that connection (the messages ahead of the reply are consumed by the parser).
    It also reads it again when it last had it from Redis over `CONFIRM_AFTER` seconds ago: a connection that died
    without a word (a NAT forgetting an idle connection) would bring no message, so a value is never trusted longer
    than that without hearing from Redis. A closed connection is opened again once; any other failure closes it
    and is raised (`WatchRefused` when Redis refuses the tracking), and the value is unknown until a read succeeds.
    """

    CONFIRM_AFTER = 1.0  # seconds
    TRACKING = ("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX")  # (any key starting with the key's name)
    # The connection is never opened again behind the watch's back (a health check's or a retry's reconnection
    # would bring no tracking): a failure closes it, and the next read opens it with the tracking.
    OPTIONS = {"protocol": 3, "health_check_interval": 0, "retry_on_timeout": False, "retry_on_error": []}

    def __init__(self, client, key):
        self.client = client
        self.key = key
        self.connection = None
        self.tracked = None  # the socket the tracking was turned on for
        self.value = None
        self.confirmed_until = 0.0

    def get(self):
        """The key's value (None when it has none), read from Redis only when it may have changed."""
        connection = self.connection
        if (
            connection is not None
            and connection._sock is self.tracked  # not opened again since (that socket would bring no message)
            and not connection.should_reconnect()  # asked by the server's maintenance notices
            and time.monotonic() < self.confirmed_until
        ):
            try:
                pending = connection.can_read(0)  # a message (or the connection closed)
            except Exception:
                pending = True  # failing: read again below, on a new connection
            if not pending:
                return self.value
        try:
            return self.read()
        except self.client._lib.ConnectionError:
            return self.read()

    def read(self):
        """The value read from Redis, on a tracking connection (made first when there is none)."""
        self.confirmed_until = 0.0
        connection = self.connection
        try:
            if connection is None or connection._sock is not self.tracked or connection.should_reconnect():
                self.close()
                pool = self.client._get_connection_pool(True)
                options = {**pool.connection_kwargs, **self.OPTIONS, "retry": Retry(NoBackoff(), 0)}
                connection = self.connection = pool.connection_class(**options)
                try:
                    connection.connect()
                    self.call(*self.TRACKING, self.key)
                except self.client._lib.ResponseError as error:
                    raise WatchRefused(f"Redis refused client tracking: {error}") from error
                self.tracked = connection._sock
            value = self.call("GET", self.key)
            if connection._sock is not self.tracked:  # opened again while reading, without the tracking
                raise self.client._lib.ConnectionError("the watch's connection was opened again")
            if value is not None and not isinstance(value, bytes):  # a message taken for the reply: not trusted
                raise self.client._lib.ResponseError(f"unexpected reply to GET: {type(value).__name__}")
        except BaseException:
            self.close()
            raise
        self.value = None if value is None else self.client._serializer.loads(value)
        self.confirmed_until = time.monotonic() + self.CONFIRM_AFTER
        return self.value

    def call(self, *command):
        self.connection.send_command(*command)
        return self.connection.read_response()

    def close(self):
        if self.connection is not None:
            self.connection.disconnect()
        self.connection = None
        self.tracked = None


class RedisCache(DjangoRedisCache):
    """`django.core.cache.backends.redis.RedisCache` with its clients reused and its reads on a held connection
    (settings.CACHES with REDIS_URL)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._watches = threading.local()

    def watch(self, key, version=None):
        """This thread's `Watch` of `key` (made on first use in each process and thread)."""
        key = self.make_and_validate_key(key, version=version)
        watches = self._watches.__dict__
        if watches.get("pid") != os.getpid():  # a forked process never reads on its parent's connection
            watches.clear()
            watches["pid"] = os.getpid()
        watch = watches.get(key)
        if watch is None:
            watch = watches[key] = Watch(self._cache, key)
        return watch
