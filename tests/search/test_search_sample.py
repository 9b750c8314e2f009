"""How PostgreSQL chooses the answers it ranks, those whose question matches and those matching anywhere
(`search.backends.first_found`, articles migration 0015): the first MAX_CANDIDATES of the sample (the answers whose
id is a multiple of SAMPLE_EVERY, under GIN indexes of their own) when it has that many, else the first of all, as
before there was a sample; published answers only, whatever the query (words, an exclusion, Chinese words looked up
as the answers' character grams, a named article)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Answer, SectionKind, Status
from search import backends
from search.synonyms import synonym_map
from tests.factories import make_answer, make_provision, make_topic
from textkit.query import ParsedQuery

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite ranks every match: it has no candidates"),
]

# Queries that every answer of `answers_with_the_words` matches, in its question or in its text only.
QUERIES = ["pension", "pension -passport", "养老金", "金", "Article 10 pension", "第十条 养老金"]


def answers_with_the_words(count, where):
    """`count` answers with consecutive ids, all citing article 10, with "pension" and 养老金 in their question (which
    then matches anywhere too) or in their text only."""
    topic, provision = make_topic(), make_provision(10)
    answers = [
        make_answer(f"Pension 养老金 {number}?", topic=topic, cites=[provision])
        if where == "question"
        else make_answer(
            f"Question {number}?",
            topic=topic,
            cites=[provision],
            sections=[(SectionKind.GENERAL, "", "养老金 pension")],
        )
        for number in range(count)
    ]
    ids = [answer.pk for answer in answers]
    assert ids == list(range(ids[0], ids[0] + count))
    return ids


def found(text):
    ids, _ = backends.backend().answer_ids(ParsedQuery.parse(text, synonym_map()))
    return ids


@pytest.fixture
def small_limits(monkeypatch):
    """Three candidates of each kind, and a sample of every other answer."""
    monkeypatch.setattr(backends, "MAX_CANDIDATES", 3)
    monkeypatch.setattr(backends, "SAMPLE_EVERY", 2)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("where", ["question", "text"])
def test_when_the_sample_has_enough_matches_they_are_the_candidates(small_limits, where, query):
    answers_with_the_words(12, where)  # six of them in the sample
    ids = found(query)
    assert 3 <= len(ids) <= 6  # three of each kind
    assert all(pk % 2 == 0 for pk in ids)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("where", ["question", "text"])
def test_when_the_sample_has_too_few_the_first_of_all_are_the_candidates(small_limits, where, query):
    answers_with_the_words(4, where)  # two of them in the sample
    ids = found(query)
    assert len(ids) >= 3
    assert any(pk % 2 for pk in ids)  # not the sample's only


@pytest.mark.parametrize("where", ["question", "text"])
def test_the_sample_holds_published_answers_only(small_limits, where):
    """Drafts in the sample would fill it, and the page would then drop them: none found."""
    ids = answers_with_the_words(12, where)
    Answer.objects.filter(pk__in=[pk for pk in ids if pk % 2 == 0]).update(status=Status.DRAFT)
    found_ids = found("pension")
    assert len(found_ids) == 3
    assert all(pk % 2 for pk in found_ids)


@pytest.mark.parametrize("index", ["answer_search_sample_idx", "answer_search_question_sample_idx"])
def test_the_samples_indexes_hold_the_answers_the_search_takes_for_the_sample(index):
    """Migration 0015's predicate is the search's condition, SAMPLE_EVERY, for PostgreSQL to read the sample from
    them (`bench/search.py` prints the indexes each kind of query uses)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = %s::regclass", [index])
        (predicate,) = cursor.fetchone()
    assert predicate == f"((id % ({backends.SAMPLE_EVERY})::bigint) = 0)"
    with CaptureQueriesContext(connection) as captured:
        found("pension")
    in_sample = f'("id" % {backends.SAMPLE_EVERY}) = 0'
    (statement,) = [query["sql"] for query in captured.captured_queries if in_sample in query["sql"]]
    assert statement.count(in_sample) == 2  # each kind of candidate
