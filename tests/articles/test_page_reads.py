"""The reader's answer-page read written as SQL (articles.page_reads) gives what the ORM gives, on either database."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import PAGE_DEFERRED, Answer, Language, Status
from articles.page_reads import published_for_page
from articles.services import link_translations
from tests.factories import make_answer, make_topic


def values(instance):
    """Every field loaded, by name (the deferred search columns are not)."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
        if field.attname not in PAGE_DEFERRED
    }


def orm(slug):
    """The read as the view's queryset makes it (for staff); `test_the_queryset_is_the_one_written_as_sql` pins its
    shape, so that a change to it shows here."""
    return Answer.objects.published().for_page().select_related("translation").get(slug=slug)


def test_the_queryset_is_the_one_written_as_sql(rf):
    from django.contrib.auth.models import AnonymousUser

    from articles.views import AnswerDetailView

    view = AnswerDetailView()
    view.setup(rf.get("/"), slug="x")
    view.request.user = AnonymousUser()
    query = view.get_queryset().query
    assert query.select_related == {"topic": {}, "translation": {}}
    assert query.deferred_loading == (frozenset(PAGE_DEFERRED), True)
    assert not query.annotations and not query.extra


@pytest.fixture
def pair(db):
    topic = make_topic("Cards")
    topic.title_zh = "社保卡"
    topic.save()
    english = make_answer(
        "How do I apply for a card?",
        topic=topic,
        short_answer="At the bank.",
        checked_at=timezone.now() - datetime.timedelta(days=3),
        review_interval_days=90,
    )
    chinese = make_answer("怎样申请社保卡？", topic=topic, language=Language.ZH_HANS)
    link_translations(english, chinese)
    return english, chinese


def test_the_answer_its_topic_and_translation_are_those_the_orm_reads(pair):
    english, chinese = pair
    with CaptureQueriesContext(connection) as captured:
        read = published_for_page(english.slug)
    assert len(captured) == 1
    expected = orm(english.slug)
    assert values(read) == values(expected)
    assert values(read.topic) == values(expected.topic)
    assert values(read.translation) == values(expected.translation)
    assert read.translation.slug == chinese.slug and read.translation.language == Language.ZH_HANS
    # what is deferred, and which related objects are cached, as the queryset has them (the translation's search
    # columns are deferred too: the page shows its question and address only)
    assert read.get_deferred_fields() == expected.get_deferred_fields() == set(PAGE_DEFERRED)
    assert read.topic.get_deferred_fields() == expected.topic.get_deferred_fields() == set()
    assert read.translation.get_deferred_fields() == set(PAGE_DEFERRED)
    assert set(read._state.fields_cache) == set(expected._state.fields_cache) == {"topic", "translation"}
    assert isinstance(read.updated_at, datetime.datetime) and timezone.is_aware(read.updated_at)
    with CaptureQueriesContext(connection) as captured:  # nothing more is read for what the page shows
        read.get_absolute_url(), read.topic.display_title, read.translation.get_absolute_url(), read.loaded_slug
    assert len(captured) == 0


def test_an_answer_without_translation_has_none(db):
    answer = make_answer("Where do I apply?")
    read = published_for_page(answer.slug)
    assert read.translation is None and values(read) == values(orm(answer.slug))


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_only_a_published_answer_is_read(db, status):
    answer = make_answer("Not yet?", status=status)
    assert published_for_page(answer.slug) is None
    assert published_for_page("no-such-answer") is None
