"""The search log: searches counted in the cache by the results page, added to the table by `flush_search_log`,
and the admin's page of the queries that most often found nothing."""

import datetime
import html
import io
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from search import log
from search.models import SearchTermDay, SearchTermDayQuerySet
from tests.factories import UserFactory, make_answer, make_topic, make_user

SEARCH_URL = "/en/search/"
LOG_URL = "/admin/search/searchtermday/"
ID_NUMBER = "11010519900101123X"
PHONE = "138-0013-8000"


def later(minutes=2):
    """A moment at which the searches made now are in a finished minute (flushed)."""
    return timezone.now() + datetime.timedelta(minutes=minutes)


def flushed():
    log.flush(now=later())
    return {
        row.query: (row.searches, row.found_nothing, row.corrected) for row in SearchTermDay.objects.order_by("query")
    }


def cache_entries():
    """(key, stored value) of each entry of the default cache, as bytes."""
    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        return [(key.encode(), value) for key, value in backend._cache.items()]
    client = backend._cache.get_client()  # Redis (REDIS_URL set)
    return [(key, client.get(key) or b"") for key in client.scan_iter()]


def everything_in_the_cache():
    """Each key of the default cache with its stored value, as bytes."""
    return [key + b" " + value for key, value in cache_entries()]


@pytest.fixture
def pension(db):
    topic = make_topic()
    for number in range(15):
        make_answer(f"Pension question {number}?", topic=topic)


# Counting -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_search_is_counted_with_its_query_normalised(client, pension):
    client.get(SEARCH_URL, {"q": "  PENSION  "})
    client.get(SEARCH_URL, {"q": "pension"})
    assert SearchTermDay.objects.count() == 0  # not by the results page
    assert flushed() == {"pension": (2, 0, 0)}
    assert SearchTermDay.objects.get().day == timezone.localdate()


@pytest.mark.django_db
def test_a_search_that_found_nothing_is_counted_as_such(client, pension):
    response = client.get(SEARCH_URL, {"q": "zzzzqqq"})
    assert response.context["results"].is_empty
    assert flushed() == {"zzzzqqq": (1, 1, 0)}


@pytest.mark.django_db
def test_a_search_whose_spelling_was_corrected_is_counted_as_such(client, pension):
    response = client.get(SEARCH_URL, {"q": "pensoin"})
    assert response.context["results"].similar_to == "pension"
    assert flushed() == {"pensoin": (1, 0, 1)}


@pytest.mark.django_db
def test_turning_the_pages_of_a_search_does_not_count_it_again(client, pension):
    client.get(SEARCH_URL, {"q": "pension"})
    for page in ("2", "1"):
        assert client.get(SEARCH_URL, {"q": "pension", "page": page}).status_code == 200
    assert flushed() == {"pension": (1, 0, 0)}


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"q": ""}, {"q": "x" * 201}, {}])
def test_an_empty_or_invalid_query_is_not_counted(client, pension, params):
    assert client.get(SEARCH_URL, params).status_code == 200
    assert flushed() == {}


@pytest.mark.django_db
def test_a_search_refused_by_the_limit_is_not_counted(client, pension, settings):
    settings.BEHIND_TLS_PROXY = False
    with mock.patch("serving.limits.time", mock.Mock(time=mock.Mock(return_value=1000.0))):  # one window
        statuses = [client.get(SEARCH_URL, {"q": "pension"}).status_code for _ in range(31)]
    assert statuses == [200] * 30 + [429]
    assert flushed() == {"pension": (30, 0, 0)}


@pytest.mark.django_db
def test_id_and_phone_numbers_are_masked_in_the_table_and_never_reach_the_cache(client, pension):
    client.get(SEARCH_URL, {"q": f"身份证{ID_NUMBER}怎么补办"})
    client.get(SEARCH_URL, {"q": f"phone {PHONE} me@example.org"})
    client.get(SEARCH_URL, {"q": "身份证１１０１ ０５１９ ９００１ ０１１２ ３Ｘ怎么补办"})  # full-width, grouped
    entries = cache_entries()
    assert any(b"[number]" in value for _, value in entries)  # the search is there, masked
    for secret in ("1101051990", "0101123", "13800138000", "0013", "8000", "example.org"):
        assert not [value for _, value in entries if secret.encode() in value], secret
    # Keys are names, numbers of time windows and digests, whose digits may hold four of a secret's by chance (the
    # window 179580009 holds "8000", the bucket 29930013 "0013"): no key holds a query, nor a whole secret.
    for secret in ("1101051990", "0101123", "13800138000", "example.org", "身份证", "phone"):
        assert not [key for key, _ in entries if secret.encode() in key], secret
    assert flushed() == {"phone [number] [email]": (1, 1, 0), "身份证[number]怎么补办": (2, 2, 0)}
    assert not any(char.isdigit() for row in SearchTermDay.objects.all() for char in row.query)


@pytest.mark.django_db
def test_the_results_page_writes_nothing_to_the_database(client, pension):
    with CaptureQueriesContext(connection) as queries:
        for query in ("pension", "zzzzqqq", "pensoin", f"card {ID_NUMBER}"):
            assert client.get(SEARCH_URL, {"q": query}).status_code == 200
    statements = [query["sql"].lstrip().split()[0].upper() for query in queries.captured_queries]
    assert statements and set(statements) == {"SELECT"}


@pytest.mark.django_db
def test_with_the_cache_down_search_works_and_nothing_is_counted(client, pension, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "down": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/9"},
    }
    settings.READER_PAGES_CACHE = "down"
    response = client.get(SEARCH_URL, {"q": "pension"})
    assert response.status_code == 200 and len(response.context["results"].page.object_list) == 10
    assert "The cache did not answer (counter searchlog)" in caplog.text
    with pytest.raises(Exception):  # noqa: B017,PT011 (whatever the client raises: the command fails)
        log.flush(now=later())
    settings.READER_PAGES_CACHE = "default"
    assert flushed() == {}


# Flushing ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_flushing_twice_gives_the_same_table(pension):
    log.record("pension", found_nothing=False, corrected=False)
    log.record("zzz", found_nothing=True, corrected=False)
    first = flushed()
    assert first == {"pension": (1, 0, 0), "zzz": (1, 1, 0)}
    assert flushed() == first
    assert not [entry for entry in everything_in_the_cache() if b"searchlog" in entry and b"claimed" not in entry]


@pytest.mark.django_db
def test_a_minute_not_yet_finished_waits_for_the_next_flush():
    log.record("pension", found_nothing=False, corrected=False)
    log.flush(now=later(minutes=1))  # the minute after: a slow search may still be writing its slot
    assert SearchTermDay.objects.count() == 0
    assert flushed() == {"pension": (1, 0, 0)}


@pytest.mark.django_db
def test_minutes_of_the_same_day_add_up_in_one_row():
    now = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    for minute in (0, 1, 5):
        log.record("pension", found_nothing=minute == 1, corrected=False, now=now + datetime.timedelta(minutes=minute))
    log.flush(now=now + datetime.timedelta(minutes=3))
    assert SearchTermDay.objects.get().searches == 2
    log.flush(now=now + datetime.timedelta(minutes=10))
    row = SearchTermDay.objects.get()
    assert (row.day, row.searches, row.found_nothing) == (now.date(), 3, 1)


@pytest.mark.django_db
def test_searches_are_counted_on_the_day_where_the_site_is():
    # 23:30 UTC is 07:30 the next day in Beijing (TIME_ZONE).
    moment = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    log.record("pension", found_nothing=False, corrected=False, now=moment)
    log.flush(now=moment + datetime.timedelta(minutes=5))
    assert SearchTermDay.objects.get().day == datetime.date(2026, 3, 2)


@pytest.mark.django_db
def test_a_minute_claimed_by_another_flush_is_left_to_it():
    log.record("pension", found_nothing=False, corrected=False)
    caches["default"].add(f"searchlog:{log.minute_of()}:claimed", True)  # another run is flushing it
    assert flushed() == {}


@pytest.mark.django_db
def test_a_flush_that_fails_leaves_the_minute_to_the_next(monkeypatch):
    log.record("pension", found_nothing=True, corrected=False)
    with mock.patch("search.log._add", side_effect=RuntimeError("database gone")):
        with pytest.raises(RuntimeError):
            log.flush(now=later())
    assert flushed() == {"pension": (1, 1, 0)}


@pytest.mark.django_db
def test_a_second_flush_that_inserted_the_row_first_is_added_to(monkeypatch):
    """Two flushes of two minutes of one day: the one that finds the row inserted meanwhile adds to it."""
    today = timezone.localdate()
    real_update, calls = SearchTermDayQuerySet.update, []

    def raced(queryset, **changes):
        calls.append(changes)
        if len(calls) == 1:  # nothing to update yet; then the other flush inserts the row
            SearchTermDay.objects.create(day=today, query="pension", searches=5, found_nothing=1, corrected=0)
            return 0
        return real_update(queryset, **changes)

    monkeypatch.setattr(SearchTermDayQuerySet, "update", raced)
    log._add(today, "pension", {"searches": 2, "found_nothing": 1, "corrected": 1})
    row = SearchTermDay.objects.get()
    assert (row.searches, row.found_nothing, row.corrected) == (7, 2, 1)
    assert len(calls) == 2


@pytest.mark.django_db
def test_the_command_flushes_and_deletes_rows_kept_long_enough(settings):
    settings.SEARCH_LOG_KEEP_DAYS = 30
    today = timezone.localdate()
    for age in (29, 30, 31, 400):
        SearchTermDay.objects.create(day=today - datetime.timedelta(days=age), query=f"old {age}", searches=1)
    log.record("pension", found_nothing=False, corrected=False, now=timezone.now() - datetime.timedelta(minutes=3))
    output = io.StringIO()
    call_command("flush_search_log", stdout=output)
    assert output.getvalue() == "Search log: 1 searches of 1 minutes added, 2 old rows deleted.\n"
    assert sorted(SearchTermDay.objects.values_list("query", flat=True)) == ["old 29", "old 30", "pension"]


# The admin's page -------------------------------------------------------------------------------------------


def logged(days_ago, query, searches, found_nothing, corrected=0):
    return SearchTermDay.objects.create(
        day=timezone.localdate() - datetime.timedelta(days=days_ago),
        query=query,
        searches=searches,
        found_nothing=found_nothing,
        corrected=corrected,
    )


def listed(response):
    return [(row["query"], row["found_nothing_total"]) for row in response.context["rows"]]


@pytest.fixture
def editor(db):
    return make_user("editor", "editor")


@pytest.mark.django_db
def test_the_queries_that_most_often_found_nothing_come_first_summed_over_the_days(client, editor):
    logged(1, "lost card abroad", searches=3, found_nothing=2, corrected=1)
    logged(2, "lost card abroad", searches=4, found_nothing=2)
    logged(1, "pension transfer", searches=9, found_nothing=3)
    logged(1, "upgrade", searches=50, found_nothing=0)  # always found something: not listed
    client.force_login(editor)
    response = client.get(LOG_URL)
    assert response.status_code == 200
    assert listed(response) == [("lost card abroad", 4), ("pension transfer", 3)]
    first = response.context["rows"][0]
    assert (first["searches_total"], first["corrected_total"]) == (7, 1)
    assert response.context["totals"] == {"searches": 66, "found_nothing": 7, "corrected": 1}
    page = response.content.decode()
    assert "What search could not answer" in page
    assert page.index("lost card abroad") < page.index("pension transfer")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        ({}, ["today", "5 days ago", "20 days ago"]),  # the last 30 days
        ({"days": "7"}, ["today", "5 days ago"]),
        ({"days": "30"}, ["today", "5 days ago", "20 days ago"]),
        ({"days": "90"}, ["today", "5 days ago", "20 days ago", "60 days ago"]),
        ({"start": "ago:60", "end": "ago:20"}, ["20 days ago", "60 days ago"]),
        ({"start": "ago:200"}, ["today", "5 days ago", "20 days ago", "60 days ago", "200 days ago"]),
        ({"days": "7", "end": "ago:5"}, ["5 days ago"]),
        ({"days": "8"}, ["today", "5 days ago", "20 days ago"]),  # not a choice: the default period
    ],
)
def test_the_period_is_chosen(client, editor, params, queries):
    for days_ago, name in [(0, "today"), (5, "5 days ago"), (20, "20 days ago"), (60, "60 days ago")]:
        logged(days_ago, name, searches=100 - days_ago, found_nothing=100 - days_ago)
    logged(200, "200 days ago", searches=1, found_nothing=1)
    today = timezone.localdate()
    params = {
        name: (today - datetime.timedelta(days=int(value[4:]))).isoformat() if value.startswith("ago:") else value
        for name, value in params.items()
    }
    client.force_login(editor)
    assert [query for query, _ in listed(client.get(LOG_URL, params))] == queries


@pytest.mark.django_db
def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(client, editor):
    logged(3, "pension", searches=1, found_nothing=1)
    client.force_login(editor)
    response = client.get(LOG_URL, {"start": "2026-05-01", "end": "2026-04-01"})
    assert "The period must start before it ends." in response.content.decode()
    assert listed(response) == [("pension", 1)]  # the default period


@pytest.mark.django_db
def test_start_a_draft_answer_links_to_the_answer_form_with_the_question_escaped(client, editor):
    hostile = '<script>alert(1)</script> & "x"'
    logged(1, hostile, searches=2, found_nothing=2)
    logged(1, "社保卡 丢了", searches=1, found_nothing=1)
    client.force_login(editor)
    page = client.get(LOG_URL).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;" in page
    link = f"/admin/articles/answer/add/?{urlencode({'question': hostile, 'language': 'en'})}"
    assert f'<a href="{html.escape(link)}">Start a draft answer</a>' in page
    assert html.escape("?" + urlencode({"question": "社保卡 丢了", "language": "zh-hans"})) in page
    form = client.get(link)
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["question"] == hostile
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"' in form.content.decode()


@pytest.mark.django_db
def test_the_page_makes_a_constant_number_of_queries(client, editor, django_assert_num_queries):
    client.force_login(editor)
    for count in (2, 30):
        SearchTermDay.objects.all().delete()
        for number in range(count):
            logged(number % 5, f"query {number}", searches=2, found_nothing=1)
        # The session, the user, its two-factor device, the user's and the groups' permissions, the rows, the totals.
        with django_assert_num_queries(7):
            response = client.get(LOG_URL)
        assert len(response.context["rows"]) == count


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LOG_URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_staff_who_may_not_change_answers_are_refused(client):
    client.force_login(UserFactory(username="clerk", is_staff=True))
    assert client.get(LOG_URL).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_editors_and_publishers_see_the_log_but_change_nothing(client, role):
    row = logged(1, "pension", searches=1, found_nothing=1)
    client.force_login(make_user(role, role))
    assert client.get(LOG_URL).status_code == 200
    assert LOG_URL in client.get("/admin/").content.decode()  # listed on the admin's home page
    assert client.get(f"{LOG_URL}add/").status_code == 403
    assert client.post(f"{LOG_URL}{row.pk}/change/", {"query": "changed"}).status_code == 403
    assert client.post(f"{LOG_URL}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.query == "pension"


@pytest.mark.django_db
def test_without_redis_a_search_is_counted_in_the_table_at_once(client, settings):
    settings.SEARCH_LOG_COUNTS_IN = "database"
    client.get(SEARCH_URL, {"q": "110105199001011234 nothing like this"})
    client.get(SEARCH_URL, {"q": "110105199001011234 nothing like this"})
    row = SearchTermDay.objects.get()
    assert (row.query, row.searches, row.found_nothing) == ("[number] nothing like this", 2, 2)
