"""The Redis cache backend (serving.cache) against a real Redis: reads on the connection each thread holds.

Redis is at TEST_REDIS_URL (default redis://127.0.0.1:6379/14; only keys under this module's prefix are written);
without it these tests skip, except in CI, where they fail.
"""

import os
import threading
from unittest import mock

import pytest
import redis

from serving import pages
from serving.cache import RedisCache

from .conftest import require_tool

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_cache(prefix):
    """A RedisCache at TEST_REDIS_URL whose keys start with `prefix`, holding none yet (the test is skipped, or fails
    in CI, if Redis does not answer)."""
    cache = RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": prefix, "OPTIONS": {"socket_timeout": 1}})
    try:
        remove_keys(cache)
    except redis.RedisError as error:
        require_tool(False, f"Redis does not answer at {TEST_REDIS_URL} ({error}): start redis-server")
    return cache


def remove_keys(cache):
    """The keys of `cache`'s prefix, and only them (the Redis database may hold others')."""
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(f"{cache.key_prefix}:*"):
        client.delete(key)


@pytest.fixture
def backend():
    cache = redis_cache("sscard-test-redis-cache")
    yield cache
    remove_keys(cache)


def test_reads_give_what_was_written(backend):
    backend.set("page", {"content": b"<html>", "token": "t1"})
    backend.set("number", 7)
    backend.set("page", "old", version=2)
    assert backend.get("page") == {"content": b"<html>", "token": "t1"}
    assert backend.get("number") == 7
    assert backend.get("missing", "default") == "default"
    assert backend.get_many(["page", "missing", "number"]) == {
        "page": {"content": b"<html>", "token": "t1"},
        "number": 7,
    }
    assert backend.get_many([]) == {}
    assert backend.get("page", version=2) == "old"


def test_reads_take_no_connection_from_the_pool(backend):
    backend.set("key", "value")
    client = backend._cache
    pool = client._get_connection_pool(False)
    with mock.patch.object(type(pool), "get_connection", side_effect=AssertionError("a read took a pooled connection")):
        for _ in range(3):
            assert backend.get("key") == "value"
            assert backend.get_many(["key"]) == {"key": "value"}
    assert client.held_connection() is client.held_connection()


def test_a_connection_that_redis_closed_is_opened_again(backend):
    backend.set("key", "value")
    client = backend._cache
    assert backend.get("key") == "value"
    held_id = client.read("CLIENT", "ID")
    client.get_client(write=True).client_kill_filter(_id=held_id)
    assert backend.get("key") == "value"  # sent again on a new connection
    assert client.read("CLIENT", "ID") != held_id


def test_a_reply_left_unread_is_never_taken_for_the_next_one(backend):
    backend.set("first", "one")
    backend.set("second", "two")
    assert backend.get("first") == "one"  # the connection is open (opening it reads replies too)
    connection = backend._cache.held_connection()
    read = connection.read_response
    calls = []

    def times_out_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise redis.TimeoutError("Timeout reading from the server")
        return read(*args, **kwargs)

    with mock.patch.object(connection, "read_response", side_effect=times_out_once):
        with pytest.raises(redis.TimeoutError):
            backend.get("first")  # sent, its reply never read
        assert len(calls) == 1  # a timeout is not tried again
        assert backend.get("second") == "two"


def test_each_thread_and_each_process_reads_on_its_own_connection(backend):
    client = backend._cache
    mine = client.held_connection()
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(client.held_connection()))
    thread.start()
    thread.join()
    assert theirs[0] is not mine
    with mock.patch("serving.cache.os.getpid", return_value=os.getpid() + 1):  # a worker forked from this process
        assert client.held_connection() is not mine


def test_a_redis_that_is_down_is_reported_and_the_page_is_built(settings, caplog):
    down = RedisCache("redis://127.0.0.1:9/9", {"OPTIONS": {"socket_connect_timeout": 1}})
    with pytest.raises(redis.ConnectionError):
        down.get_many(["key"])
    with mock.patch.object(pages, "cache", return_value=down):
        assert pages.lookup("pages:key") == (None, None)
    assert "The cache did not answer" in caplog.text


def test_a_connection_marked_for_reconnection_is_opened_again_before_a_read(backend):
    backend.set("key", "value")
    client = backend._cache
    assert backend.get("key") == "value"
    held_id = client.read("CLIENT", "ID")
    client.held_connection().mark_for_reconnect()  # as a server's maintenance notice does
    assert backend.get("key") == "value"
    assert client.read("CLIENT", "ID") != held_id
