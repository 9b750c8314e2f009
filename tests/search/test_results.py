"""The results page's count: "N answers", or "the best N answers" when the engine listed only some."""

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import SectionKind, Status
from search.backends import MAX_CANDIDATES, MAX_RESULTS
from tests.factories import make_answer, make_provision, make_topic

pytestmark = pytest.mark.django_db


def results_for(client, q):
    response = client.get(reverse("search:search"), {"q": q})
    assert response.status_code == 200
    return response.context["results"], response.content.decode()


def make_matching(count, **fields):
    topic = make_topic()
    for number in range(count):
        make_answer(f"Pension question {number}?", topic=topic, **fields)


def test_more_matches_than_candidates_but_fewer_than_listed(client):
    """60 answers match: more than PostgreSQL's candidate limit, fewer than the answers listed."""
    make_matching(60)
    assert MAX_CANDIDATES < 60 < MAX_RESULTS
    results, html = results_for(client, "pension")
    if connection.vendor == "sqlite":  # every match ranked: the page states the count
        assert results.page.paginator.count == 60
        assert not results.is_capped
        assert "60 answers" in html
        assert "The best 60 answers" not in html and "Many more answers" not in html
    else:  # candidates bounded: the page says they are the best of more
        assert results.is_capped
        assert f"The best {results.page.paginator.count} answers" in html


def test_more_matches_than_listed_are_the_best_of_more(client):
    make_matching(MAX_RESULTS + 5, sections=[(SectionKind.GENERAL, "", "Common words.")])
    results, html = results_for(client, "pension")
    assert results.page.paginator.count <= MAX_RESULTS
    assert results.is_capped
    assert "Many more answers contain these words" in html


def test_answers_citing_a_named_article_are_all_counted(client):
    provision = make_provision(10)
    topic = make_topic()
    for number in range(60):
        make_answer(f"Question {number}?", topic=topic, cites=[provision])
    results, html = results_for(client, "Article 10")
    assert results.page.paginator.count == 60
    assert not results.is_capped
    assert "60 answers" in html and "The best" not in html


def test_answers_citing_a_named_article_are_found_past_many_drafts_citing_it(client):
    provision = make_provision(10)
    topic = make_topic()
    for number in range(MAX_RESULTS + 5):
        make_answer(f"Draft {number}?", topic=topic, status=Status.DRAFT, cites=[provision])
    make_answer("Published?", topic=topic, cites=[provision])
    results, html = results_for(client, "Article 10")
    assert [answer.question for answer in results.page.object_list] == ["Published?"]
    assert not results.is_capped
