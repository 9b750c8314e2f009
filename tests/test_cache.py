"""Reader pages from the shared cache: never stale, never for staff, with validators and no cookie."""

import datetime
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.importer.loader import import_paths
from articles.models import Answer, Status
from articles.review import mark_checked
from articles.services import delete_answers, save_answer, save_topic
from legal_refs.lawtext.loader import load_law_files
from legal_refs.models import Provision, ProvisionVersion, Translation
from legal_refs.services import amend, correct, save_translation
from serving import fragments, metrics, pages
from tests.conftest import SOURCE_DIR
from tests.content import LAW_SLUG
from tests.factories import make_answer, make_staff, make_topic, make_user

ARTICLE = f"/en/laws/{LAW_SLUG}/articles/4/"


@pytest.fixture
def answer(social_insurance_law):
    provision = Provision.objects.get(law=social_insurance_law, number=4)
    return make_answer("How do I apply for a card?", topic=make_topic("Cards"), cites=[provision])


def reader_pages(answer):
    return [
        "/en/",
        answer.topic.get_absolute_url(),
        answer.get_absolute_url(),
        "/en/laws/",
        f"/en/laws/{LAW_SLUG}/",
        ARTICLE,
        f"{ARTICLE}versions/2012-01-01/",
        f"{ARTICLE}compare/2011-07-01/2019-01-01/",
        "/en/sitemap.xml",
        "/en/feed/",
    ]


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, headers=headers)
    return response, len(context.captured_queries)


def test_every_reader_page_is_served_from_the_cache_the_second_time(client, answer, django_assert_num_queries):
    for url in reader_pages(answer):
        first = client.get(url)
        assert first.status_code == 200, url
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200 and second.content == first.content, url
        assert second["Content-Type"] == first["Content-Type"], url
        for header in ["X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options", "ETag"]:
            assert second.headers.get(header) == first.headers.get(header), (url, header)


def test_a_deploy_never_serves_pages_or_fragments_built_by_the_code_before(client, answer, settings):
    url = answer.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as hit:
        client.get(url)
    assert len(hit) == 0  # served from the cache
    old_fragment_key = fragments.fragment_key(("related", answer.pk))
    settings.RELEASE = "the next release"
    pages.release.cache_clear()
    try:
        with CaptureQueriesContext(connection) as built:
            assert client.get(url).status_code == 200
        assert len(built) > 0  # built again by the new code, with no change of content
        assert fragments.fragment_key(("related", answer.pk)) != old_fragment_key
    finally:
        pages.release.cache_clear()


def test_without_a_release_named_the_release_is_a_digest_of_the_files_pages_are_built_from(settings, tmp_path):
    settings.RELEASE = ""
    settings.BASE_DIR = tmp_path
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("one")
    pages.release.cache_clear()
    try:
        first = pages.release()
        (tmp_path / "templates" / "page.html").write_text("two")
        pages.release.cache_clear()
        assert pages.release() != first
    finally:
        pages.release.cache_clear()


def test_cache_lookups_are_counted_for_the_metrics(client, answer):
    def lookups(result):
        return metrics.PAGE_CACHE.labels(result)._value.get()

    hits, misses = lookups("hit"), lookups("miss")
    client.get(answer.get_absolute_url())
    client.get(answer.get_absolute_url())
    assert (lookups("hit") - hits, lookups("miss") - misses) == (1, 1)


def test_search_and_admin_are_not_cached(client, answer):
    client.get("/en/search/?q=card")
    assert queries(client, "/en/search/?q=card")[1] > 0
    assert "public" not in client.get("/admin/login/").get("Cache-Control", "")


def test_a_page_with_another_query_parameter_is_not_cached(client, answer):
    client.get("/en/?q=<b>hello</b>")
    assert queries(client, "/en/?q=<b>hello</b>")[1] > 0
    assert "&lt;b&gt;hello" not in client.get("/en/").text  # the search box of another reader's page


def test_anonymous_reader_pages_set_no_cookie_and_do_not_vary_on_it(client, answer):
    for url in reader_pages(answer):
        response = client.get(url)
        assert not response.cookies, url
        assert "cookie" not in response.headers.get("Vary", "").lower(), url
        assert response["Cache-Control"] == "public, max-age=60", url
        assert response["ETag"].startswith('"'), url


def test_a_matching_if_none_match_gets_304(client, answer):
    url = answer.get_absolute_url()
    etag = client.get(url)["ETag"]
    response, count = queries(client, url, if_none_match=etag)
    assert response.status_code == 304 and response.content == b"" and count == 0
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


@pytest.mark.parametrize("cached", [True, False], ids=["from the cache", "built"])
def test_the_preconditions_on_dates_are_ignored_as_a_page_has_no_last_modified(client, answer, cached):
    url = answer.get_absolute_url() + ("" if cached else "?utm_source=test")
    etag = client.get(url)["ETag"]
    long_ago = "Sat, 01 Jan 2000 00:00:00 GMT"
    assert client.get(url, headers={"if-unmodified-since": long_ago}).status_code == 200  # not 412
    assert client.get(url, headers={"if-modified-since": "Fri, 01 Jan 2100 00:00:00 GMT"}).status_code == 200
    assert client.get(url, headers={"if-match": '"other"'}).status_code == 412
    assert client.get(url, headers={"if-match": etag, "if-unmodified-since": long_ago}).status_code == 200
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-none-match": etag, "if-unmodified-since": long_ago}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"other"', "if-unmodified-since": long_ago}).status_code == 200


def test_a_reader_page_read_failing_is_a_503(client, answer):
    """The answer page's own read (articles.page_reads, not the ORM) failing: a 503 too."""
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")) as cursor:
        response = client.get(answer.get_absolute_url())
    assert cursor.called and response.status_code == 503 and response["Retry-After"] == "10"


def test_the_etag_follows_the_content(client, answer):
    url = answer.get_absolute_url()
    before = client.get(url)["ETag"]
    answer.question = "How do I apply for a new card?"
    save_answer(answer)
    assert client.get(url)["ETag"] != before


def test_staff_neither_get_nor_fill_cached_pages(client, answer):
    url = answer.get_absolute_url()
    client.get(url)  # cached for readers
    client.force_login(make_staff())
    response, count = queries(client, url)
    assert count > 0 and response["Cache-Control"] == "private, no-store" and "ETag" not in response
    client.logout()
    client.cookies.clear()
    pages.cache().delete(pages.GENERATION_KEY)  # every page stale
    client.force_login(make_staff("publisher"))
    client.get(url)  # a staff request does not store the page: the reader's next request builds it
    client.logout()
    client.cookies.clear()
    assert queries(client, url)[1] > 0
    assert queries(client, url)[1] == 0


def publish(answer):
    answer.status = Status.PUBLISHED
    save_answer(answer)


def unpublish(answer):
    answer.status = Status.DRAFT
    save_answer(answer)


def change_question(answer):
    answer.question = "How do I apply for a card, and where?"
    save_answer(answer)


def rename_topic(answer):
    answer.topic.title = "Card applications"
    save_topic(answer.topic)


def import_law_text(answer):
    from legal_refs.lawtext.loader import read_law_files
    from tests.conftest import LAW_FILES

    load_law_files(read_law_files(LAW_FILES))


def amend_article(answer):
    amend(Provision.objects.get(number=4), ["修改后的文字。"], datetime.date(2024, 1, 1), "A decision")


def correct_article(answer):
    version = ProvisionVersion.objects.filter(provision__number=4).last()
    correct(version, [*version.paragraphs[:-1], version.paragraphs[-1] + "。"], "A typo")


def translate_article(answer):
    save_translation(Translation(provision=Provision.objects.get(number=4), paragraphs=["Translated."]))


def check_answer(answer):
    mark_checked(answer, make_user("publisher", role="publisher"))


def import_sources(answer):
    import_paths([SOURCE_DIR])


WRITES = [
    change_question,
    publish,
    unpublish,
    lambda answer: delete_answers([answer]),
    rename_topic,
    import_law_text,
    amend_article,
    correct_article,
    translate_article,
    check_answer,
    import_sources,
]


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_every_write_makes_every_page_stale(client, answer, write, django_capture_on_commit_callbacks):
    if write is publish:
        Answer.objects.filter(pk=answer.pk).update(status=Status.DRAFT)
        answer.refresh_from_db()
        pages.cache().clear()
    urls = ["/en/", ARTICLE, "/en/feed/"]
    for url in urls:
        client.get(url)
        assert queries(client, url)[1] == 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        write(answer)
    assert callbacks  # the generation changes again once the write is committed
    for url in urls:
        assert queries(client, url)[1] > 0, url


def test_a_write_made_stale_pages_stay_stale_after_its_commit(client, answer, django_capture_on_commit_callbacks):
    """A page built while the write's transaction was open is not served once it has committed."""
    with django_capture_on_commit_callbacks(execute=True):
        change_question(answer)
        client.get("/en/")  # built (and stored) before the commit
    assert queries(client, "/en/")[1] > 0


def test_a_page_expires_when_a_coming_wording_takes_effect(client, answer):
    coming = timezone.localdate() + datetime.timedelta(days=1)  # within the day a page is kept at most
    amend(Provision.objects.get(number=4), ["将来的文字。"], coming, "A decision")
    starts = timezone.make_aware(datetime.datetime.combine(coming, datetime.time.min))  # midnight in Beijing
    stored = []
    with mock.patch.object(pages, "cache_set", side_effect=lambda key, value, timeout: stored.append(timeout)):
        now = timezone.now()
        client.get(ARTICLE)
    page_timeout = stored[-1]
    assert int((starts - now).total_seconds()) - 60 <= page_timeout <= int((starts - now).total_seconds())
    # and once that moment has come, the page built then shows the new wording, kept until the next change
    later = starts + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert pages.timeout(pages.generation(), later) == pages.PAGE_TIMEOUT
        pages.cache().clear()  # what the cache does by itself when the timeout runs out
        assert "将来的文字。" in client.get(ARTICLE).text


def test_a_page_without_coming_wording_is_kept_a_day_at_most(answer):
    assert pages.timeout(pages.generation()) == pages.PAGE_TIMEOUT


def test_a_cached_page_is_served_while_the_database_is_down(client, answer):
    url = answer.get_absolute_url()
    client.get(url)
    with mock.patch("articles.views.AnswerDetailView.get_object", side_effect=OperationalError("down")):
        response = client.get(url)
        assert response.status_code == 200 and answer.question in response.text
        unavailable = client.get(answer.topic.get_absolute_url().replace("/en/topics/", "/en/questions/"))
    assert unavailable.status_code == 503


def test_without_a_cached_page_the_database_down_is_a_503_with_retry_after(client, answer):
    with mock.patch("articles.views.AnswerDetailView.get_object", side_effect=OperationalError("down")):
        response = client.get(answer.get_absolute_url())
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "Temporarily unavailable" in response.text and "Traceback" not in response.text


def test_after_a_database_failure_a_worker_answers_503_at_once_for_a_moment(client, answer, monkeypatch):
    from serving import faults

    clock = [1000.0]
    monkeypatch.setattr(faults.time, "monotonic", lambda: clock[0])
    lost = InterfaceError("connection already closed")  # the database unreachable
    with mock.patch("articles.views.AnswerDetailView.get_object", side_effect=lost):
        assert client.get(answer.get_absolute_url()).status_code == 503
    topic = answer.topic.get_absolute_url()
    with CaptureQueriesContext(connection) as asked:
        response = client.get(topic)  # another page, the database not asked again
    assert response.status_code == 503 and response["Retry-After"] == "10" and len(asked) == 0
    assert client.get("/healthz").status_code == 200  # the process is up
    clock[0] += faults.SHORT_CIRCUIT
    assert client.get(topic).status_code == 200  # tried again, and it answers


def test_one_failed_statement_does_not_take_the_database_as_down(client, answer):
    class StatementTimeout(Exception):
        pgcode = "57014"  # query_canceled, as PostgreSQL says it

    timeout = OperationalError("canceling statement due to statement timeout")
    timeout.__cause__ = StatementTimeout()
    with mock.patch("articles.views.AnswerDetailView.get_object", side_effect=timeout):
        assert client.get(answer.get_absolute_url()).status_code == 503  # that request only
    assert client.get(answer.topic.get_absolute_url()).status_code == 200


def test_a_write_the_cache_cannot_follow_is_refused_and_nothing_is_saved(answer, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("the cache is away")

    monkeypatch.setattr(pages.cache(), "set", refuse)
    answer.question = "Changed while the cache is away?"
    with pytest.raises(pages.CacheUnavailable):
        save_answer(answer)
    assert Answer.objects.get(pk=answer.pk).question != "Changed while the cache is away?"


def test_only_a_page_number_of_a_paginated_page_is_cached(client, answer, django_assert_num_queries):
    home = "/en/"
    for query in ["?page=2", "?page=abc", "?page=1&page=2", "?utm=x"]:
        client.get(home + query)
        response = client.get(home + query)
        assert response.status_code in {200, 404}
        with CaptureQueriesContext(connection) as asked:
            client.get(home + query)
        assert len(asked) > 0, query  # built every time: never stored
    topic = answer.topic.get_absolute_url() + "?page=1"
    client.get(topic)
    with django_assert_num_queries(0):
        client.get(topic)


def test_a_cache_that_does_not_answer_leaves_the_site_serving_from_the_database(client, answer, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "down": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/9"},
    }
    settings.READER_PAGES_CACHE = "down"
    for _ in range(2):
        response, count = queries(client, answer.get_absolute_url())
        assert response.status_code == 200 and count > 0
    assert client.get("/en/search/?q=card").status_code == 200
    assert "The cache did not answer" in caplog.text


def test_search_is_limited_per_client(client, answer, settings):
    settings.BEHIND_TLS_PROXY = False
    with mock.patch("serving.limits.time.time", return_value=1000.0):
        statuses = [client.get("/en/search/?q=card").status_code for _ in range(31)]
        assert statuses == [200] * 30 + [429]
        limited = client.get("/en/search/?q=card")
        assert limited["Retry-After"] == "10"
        assert client.get("/en/search/?q=card", REMOTE_ADDR="10.0.0.2").status_code == 200  # another client
    with mock.patch("serving.limits.time.time", return_value=1010.0):
        assert client.get("/en/search/?q=card").status_code == 200  # the next window


def test_behind_a_proxy_the_client_is_the_first_forwarded_address(client, answer, settings):
    settings.BEHIND_TLS_PROXY = True
    with mock.patch("serving.limits.time.time", return_value=2000.0):
        for _ in range(30):
            client.get("/en/search/?q=card", headers={"x-forwarded-for": "203.0.113.7, 10.0.0.1"})
        assert client.get("/en/search/?q=card", headers={"x-forwarded-for": "203.0.113.7"}).status_code == 429
        assert client.get("/en/search/?q=card", headers={"x-forwarded-for": "203.0.113.8"}).status_code == 200


def test_the_redis_cache_reuses_its_client():
    from serving.cache import RedisCache

    backend = RedisCache("redis://127.0.0.1:9/9", {})  # no connection is made to build a client
    client = backend._cache.get_client("key")
    assert backend._cache.get_client("other", write=True) is client
    assert RedisCache("redis://127.0.0.1:9/9", {})._cache.get_client("key") is not client
