"""Each worker's copies of reader pages (serving.pages.LocalPages), served with no round trip while Redis has not
said that the content generation changed (serving.cache.Watch), against a real Redis at TEST_REDIS_URL.

Without Redis these tests skip, except in CI, where they fail.
"""

import os
import threading
import time
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from legal_refs.models import Provision
from serving import fragments, pages
from serving.cache import RedisCache, Watch
from tests.factories import make_answer, make_topic

from .test_cache import change_question, rename_topic
from .test_redis_cache import TEST_REDIS_URL, redis_cache, remove_keys

PREFIX = "sscard-test-local-pages"


@pytest.fixture
def backend():
    cache = redis_cache(PREFIX)
    yield cache
    for watch in cache._watches.__dict__.values():
        if isinstance(watch, Watch):
            watch.close()
    remove_keys(cache)


@pytest.fixture
def redis_pages(backend, settings):
    """The site's reader pages in Redis (the test database of TEST_REDIS_URL), as with REDIS_URL set."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "serving.cache.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": PREFIX,
            "OPTIONS": {"socket_timeout": 1},
        },
    }
    yield caches["default"]
    remove_keys(caches["default"])
    pages._local_pages.__dict__.clear()


def commands(connection_):
    """A list that fills with the commands sent on `connection_`."""
    sent = []
    send = connection_.send_command

    def counted(*args, **kwargs):
        sent.append(args[0])
        return send(*args, **kwargs)

    connection_.send_command = counted
    return sent


# The watch


def test_a_watched_value_is_read_once_while_it_does_not_change(backend):
    backend.set("generation", "one")
    watch = backend.watch("generation")
    assert watch.get() == "one"
    sent = commands(watch.connection)
    for _ in range(5):
        assert watch.get() == "one"
    assert sent == []


def test_a_change_by_any_client_is_seen_on_the_very_next_get(backend):
    backend.set("generation", "one")
    watch = backend.watch("generation")
    assert watch.get() == "one"
    other = RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": PREFIX})  # another app server
    for value in ["two", "three", "four"]:
        other.set("generation", value)
        assert watch.get() == value  # no waiting: the message came before the writer's reply
    other.delete("generation")
    assert watch.get() is None
    backend.set("generation", "five")
    assert watch.get() == "five"


def test_a_watch_connection_that_redis_closed_is_opened_again_and_still_tracks(backend):
    backend.set("generation", "one")
    watch = backend.watch("generation")
    assert watch.get() == "one"
    first = watch.connection
    writer = backend._cache.get_client(write=True)
    writer.client_kill_filter(_id=watch.call("CLIENT", "ID"))
    backend.set("generation", "two")  # sent while the watch had no connection
    assert watch.get() == "two"
    assert watch.connection is not first
    backend.set("generation", "three")
    assert watch.get() == "three"  # the new connection tracks the key too


def test_a_value_is_confirmed_with_redis_after_a_second(backend):
    backend.set("generation", "one")
    watch = backend.watch("generation")
    assert watch.get() == "one"
    sent = commands(watch.connection)
    later = time.monotonic() + Watch.CONFIRM_AFTER + 0.1
    with mock.patch("serving.cache.time.monotonic", return_value=later):
        assert watch.get() == "one"
        assert sent == ["GET"]
        assert watch.get() == "one"
        assert sent == ["GET"]  # confirmed for another second


def test_a_failing_watch_raises_and_knows_nothing_until_it_reads_again(backend):
    backend.set("generation", "one")
    watch = backend.watch("generation")
    assert watch.get() == "one"
    with mock.patch.object(type(watch.connection), "can_read", side_effect=redis.TimeoutError("hung")):
        with mock.patch.object(type(watch.connection), "read_response", side_effect=redis.TimeoutError("hung")):
            with pytest.raises(redis.TimeoutError):
                watch.get()
    assert watch.connection is None and watch.confirmed_until == 0.0
    backend.set("generation", "two")
    assert watch.get() == "two"


def test_each_thread_and_each_process_watches_on_its_own_connection(backend):
    mine = backend.watch("generation")
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(backend.watch("generation")))
    thread.start()
    thread.join()
    assert theirs[0] is not mine
    assert backend.watch("generation") is mine
    with mock.patch("serving.cache.os.getpid", return_value=os.getpid() + 1):  # a worker forked from this process
        assert backend.watch("generation") is not mine


# The copies of pages


@pytest.fixture
def answer(social_insurance_law):
    provision = Provision.objects.get(law=social_insurance_law, number=4)
    return make_answer("How do I apply for a card?", topic=make_topic("Cards"), cites=[provision])


def get(client, url):
    """(the response, the statements the database ran, the commands sent to Redis on the thread's reads)."""
    reads = []
    read = pages.cache()._cache.read
    with mock.patch.object(pages.cache()._cache, "read", side_effect=lambda *c: reads.append(c[0]) or read(*c)):
        with CaptureQueriesContext(connection) as statements:
            response = client.get(url)
    return response, len(statements.captured_queries), reads


def test_a_page_served_once_from_redis_is_then_served_with_no_round_trip(client, answer, redis_pages):
    url = answer.get_absolute_url()
    built, built_queries, _ = get(client, url)
    assert built.status_code == 200 and built_queries > 0
    from_redis, queries, reads = get(client, url)
    assert queries == 0 and reads == ["MGET"]
    for _ in range(3):
        copy, queries, reads = get(client, url)
        assert copy.status_code == 200 and queries == 0 and reads == []
        assert copy.content == built.content and copy["ETag"] == built["ETag"]
        assert copy["Cache-Control"] == built["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": built["ETag"]}).status_code == 304


@pytest.mark.parametrize("write", [change_question, rename_topic], ids=lambda write: write.__name__)
def test_a_write_makes_the_copies_stale_for_the_very_next_request(
    client, answer, redis_pages, write, django_capture_on_commit_callbacks
):
    urls = [answer.get_absolute_url(), "/en/"]
    for url in urls:
        client.get(url)
        client.get(url)
        assert get(client, url)[2] == []  # served from the copy
    with django_capture_on_commit_callbacks(execute=True):
        write(answer)
    answer.refresh_from_db()
    for url in urls:
        response, queries, _ = get(client, url)
        assert queries > 0, url
    assert answer.question in client.get(urls[0]).text


def test_a_change_made_through_another_app_server_is_seen_at_once(client, answer, redis_pages):
    url = answer.get_absolute_url()
    client.get(url)
    client.get(url)
    assert get(client, url)[1:] == (0, [])
    other = RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": PREFIX})  # another app server's cache, sharing Redis
    with mock.patch.object(pages, "cache", return_value=other):
        pages.content_changed()
    assert get(client, url)[1] > 0


def test_a_copy_expires_when_its_page_does(client, answer, redis_pages):
    url = answer.get_absolute_url()
    client.get(url)
    client.get(url)
    assert get(client, url)[2] == []
    (stored,) = pages.local_pages().pages.values()
    with mock.patch("serving.pages.time.time", return_value=stored["expires"]):
        assert get(client, url)[2] == ["MGET"]


# The copies of fragments, for the pages that are not stored (another query parameter, or a page-cache miss)

NOT_STORED = "?utm_source=newsletter"  # a query parameter the page cache does not store: the page is built each time


def test_a_page_that_is_not_stored_reads_its_generation_and_fragments_with_no_round_trip(client, answer, redis_pages):
    url = answer.get_absolute_url() + NOT_STORED
    built, built_queries, _ = get(client, url)  # its fragments rendered, and stored in Redis
    assert built.status_code == 200
    _, queries, reads = get(client, url)
    assert reads == ["MGET"] and queries < built_queries  # its fragments found in Redis: copied
    for _ in range(3):
        response, again, reads = get(client, url)
        assert reads == [] and again == queries  # the generation from the watch, the fragments from the copies
        assert response.content == built.content


def test_a_write_makes_the_copies_of_fragments_stale_for_the_very_next_request(
    client, answer, redis_pages, django_capture_on_commit_callbacks
):
    url = answer.get_absolute_url() + NOT_STORED
    for _ in range(2):
        client.get(url)
    _, queries, reads = get(client, url)
    assert reads == []
    with django_capture_on_commit_callbacks(execute=True):
        change_question(answer)
    response, rebuilt, _ = get(client, url)
    assert '<h1 id="question">How do I apply for a card, and where?</h1>' in response.text  # in the answer's fragment
    assert rebuilt > queries


def test_a_change_made_through_another_app_server_drops_the_copies_of_fragments_at_once(client, answer, redis_pages):
    url = answer.get_absolute_url() + NOT_STORED
    for _ in range(2):
        client.get(url)
    _, queries, reads = get(client, url)
    assert reads == []
    other = RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": PREFIX})
    with mock.patch.object(pages, "cache", return_value=other):
        pages.content_changed()
    assert get(client, url)[1] > queries  # the fragments built again from the database


def test_a_copy_of_a_fragment_expires_when_its_entry_does(client, answer, redis_pages):
    url = answer.get_absolute_url() + NOT_STORED
    for _ in range(2):
        client.get(url)
    assert get(client, url)[2] == []
    kept = [stored for key, stored in pages.local_pages().pages.items() if key.startswith("fragments:")]
    assert kept and all(stored["expires"] > time.time() for stored in kept)
    with mock.patch("serving.pages.time.time", return_value=min(stored["expires"] for stored in kept)):
        assert get(client, url)[2] == ["MGET"]


def test_a_cache_that_fails_a_read_leaves_the_fragments_this_worker_holds(redis_pages, rf, caplog):
    token = pages.generation()
    copies = pages.local_pages()
    assert copies.generation() == token
    request = rf.get("/en/")
    request.reader_page = {"key": None, "hit": False, "token": token}
    held, missing = ("answer-body", 1), ("answer-body", 2)
    copies.keep(fragments.fragment_key(held), {"token": token, "html": "<p>held</p>", "expires": time.time() + 60})
    with mock.patch.object(pages.cache(), "get_many", side_effect=redis.ConnectionError("down")):
        found, not_found = fragments.lookup(request, [held, missing])
    assert "The cache did not answer (fragments)" in caplog.text
    assert found.html == "<p>held</p>"
    assert not_found is fragments.NOT_CACHED  # rendered from the database, and not stored


def test_a_fragment_is_counted_at_its_size_in_memory():
    ascii_html, chinese_html = "x" * 10_000, "社" * 10_000
    assert pages.LocalPages.size_of({"html": ascii_html}) >= 10_000
    assert pages.LocalPages.size_of({"html": chinese_html}) >= 20_000  # two bytes a character in a str
    assert pages.LocalPages.size_of({"content": chinese_html.encode()}) == 30_000 + pages.LocalPages.OVERHEAD


def test_copies_are_kept_within_their_budget_the_least_recently_served_dropped(redis_pages, settings):
    token = pages.generation()
    settings.READER_PAGES_LOCAL_BYTES = 3 * (1000 + pages.LocalPages.OVERHEAD)
    copies = pages.local_pages()
    assert copies.generation() == token
    page = {"token": token, "content": b"x" * 1000, "headers": {}, "view": "", "expires": time.time() + 60}
    for key in ["a", "b", "c"]:
        copies.keep(key, page)
    assert copies.lookup("a") is not None  # "a" served last: "b" is now the least recently served
    copies.keep("d", page)
    assert list(copies.pages) == ["c", "a", "d"] and copies.size == settings.READER_PAGES_LOCAL_BYTES
    copies.keep("e", {**page, "content": b"x" * settings.READER_PAGES_LOCAL_BYTES})  # larger than the budget
    assert "e" not in copies.pages
    copies.keep("f", {**page, "token": "another generation"})
    assert "f" not in copies.pages


def test_without_redis_there_are_no_copies(settings, tmp_path):
    assert pages.local_pages() is None  # the tests' memory cache
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }
    assert pages.local_pages() is None


def test_no_copies_when_the_budget_is_zero(client, answer, redis_pages, settings):
    settings.READER_PAGES_LOCAL_BYTES = 0
    url = answer.get_absolute_url()
    client.get(url)
    for _ in range(2):
        assert get(client, url)[2] == ["MGET"]


def test_a_cache_that_does_not_answer_the_watch_leaves_the_page_built_from_the_database(
    client, answer, redis_pages, caplog
):
    url = answer.get_absolute_url()
    client.get(url)
    client.get(url)
    assert get(client, url)[1:] == (0, [])
    with mock.patch.object(Watch, "get", side_effect=redis.ConnectionError("down")) as watch_get:
        response, queries, reads = get(client, url)
        assert response.status_code == 200 and queries > 0 and reads == []  # not asked again: a hung Redis costs once
        assert "The cache did not answer (watch)" in caplog.text
        assert get(client, url)[2] == ["MGET"]  # for a while, the cache is asked as before
        assert watch_get.call_count == 1
    assert get(client, url)[2] == ["MGET"]
    with mock.patch("serving.pages.time.monotonic", return_value=time.monotonic() + pages.LocalPages.RETRY_AFTER):
        assert get(client, url)[2] == ["MGET"]  # the watch tried again: the copies come back from this read on
        assert get(client, url)[2] == []


def test_a_redis_that_refuses_the_watch_is_not_asked_again(client, answer, redis_pages, caplog):
    url = answer.get_absolute_url()
    with mock.patch.object(Watch, "TRACKING", ("CLIENT", "TRACKING", "REFUSED")):  # Redis answers with an error
        client.get(url)
        for _ in range(2):
            response, queries, reads = get(client, url)
            assert response.status_code == 200 and queries == 0 and reads == ["MGET"]
        with mock.patch("serving.pages.time.monotonic", return_value=time.monotonic() + 60):
            assert get(client, url)[2] == ["MGET"]
    assert caplog.text.count("Redis refused to watch the content generation") == 1
    assert pages.local_pages().pages == {}


def test_a_reconnection_by_a_health_check_or_a_retry_never_leaves_the_watch_without_tracking(backend):
    checked = RedisCache(
        TEST_REDIS_URL,
        {"KEY_PREFIX": PREFIX, "OPTIONS": {"socket_timeout": 1, "health_check_interval": 1, "retry_on_timeout": True}},
    )
    checked.set("generation", "one")
    watch = checked.watch("generation")
    assert watch.get() == "one"
    checked._cache.get_client(write=True).client_kill_filter(_id=watch.call("CLIENT", "ID"))
    later = time.monotonic() + 2  # past the health check's interval and the confirmation
    with mock.patch("time.monotonic", return_value=later):
        assert watch.get() == "one"
        checked.set("generation", "two")
        assert watch.get() == "two"  # a message: the new connection tracks the key
    watch.close()


def test_signed_in_staff_never_get_a_copy(client, answer, redis_pages, admin_user):
    url = answer.get_absolute_url()
    client.get(url)
    client.get(url)
    assert get(client, url)[2] == []
    client.force_login(admin_user)
    response, queries, _ = get(client, url)
    assert response.status_code == 200 and queries > 0 and response["Cache-Control"] == "private, no-store"
