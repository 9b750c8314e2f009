"""The labelled set of bench/search_quality.py is well-formed, and its metrics are computed right."""

import copy

import pytest

from articles.models import Answer, Citation, Status
from bench.search_quality import (
    MIN_ANSWERS,
    MIN_QUERIES,
    Scored,
    check_labelled_set,
    first_relevant_rank,
    load_corpus,
    load_into_database,
    load_queries,
    recall_at,
    reciprocal_rank,
    run_queries,
    summarise,
)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def queries():
    return load_queries()


def test_the_labelled_set_is_well_formed(corpus, queries):
    assert check_labelled_set(corpus, queries) == []


def test_the_labelled_set_meets_its_minimums(corpus, queries):
    for language in ("zh-hans", "en"):
        assert sum(answer["language"] == language for answer in corpus["answers"]) >= MIN_ANSWERS[language] >= 30
    assert sum(query["language"] == "zh-hans" for query in queries) >= MIN_QUERIES["zh-hans"] >= 40
    assert sum(query["language"] == "en" for query in queries) >= MIN_QUERIES["en"] >= 20
    chinese_kinds = {query["kind"] for query in queries if query["language"] == "zh-hans"}
    assert chinese_kinds == {"words", "sentence", "synonym", "traditional"}


def test_every_label_names_an_answer_of_the_querys_language(corpus, queries):
    language = {answer["key"]: answer["language"] for answer in corpus["answers"]}
    for query in queries:
        assert query["relevant"]
        assert {language[key] for key in query["relevant"]} == {query["language"]}, query["text"]


def test_the_check_finds_what_is_wrong(corpus, queries):
    broken_corpus, broken_queries = copy.deepcopy(corpus), copy.deepcopy(queries)
    broken_queries[0]["relevant"].append("no-such-answer.zh")
    english = next(answer for answer in broken_corpus["answers"] if answer["language"] == "en")
    broken_queries[1]["relevant"] = [english["key"]]  # a Chinese query labelled with an English answer
    english["sections"][0]["kind"] = "summary"
    broken_corpus["answers"] = [answer for answer in broken_corpus["answers"] if answer["key"] != "fees.zh"]
    problems = check_labelled_set(broken_corpus, broken_queries)
    assert f"query {queries[0]['text']!r}: no answer 'no-such-answer.zh' in the corpus" in problems
    wrong_language = f"answer {english['key']!r} is not in the query's language (zh-hans)"
    assert f"query {queries[1]['text']!r}: {wrong_language}" in problems
    assert any(problem.startswith(f"answer {english['key']!r}: a section needs a kind") for problem in problems)
    assert "answer 'fees.en': translation 'fees.zh' is no answer in another language" in problems
    few = check_labelled_set(corpus, queries[:5])  # five Chinese queries, no English one
    assert few == ["5 queries in zh-hans, fewer than 40", "0 queries in en, fewer than 20"]


def test_metrics_on_a_hand_made_example():
    found = ["a", "b", "c", "d", "e"]
    assert first_relevant_rank(found, {"c", "e"}) == 3
    assert first_relevant_rank(found, {"x"}) is None
    assert recall_at(found, {"b", "d"}) == 0.5  # b among the first three, d not
    assert recall_at(found, {"a", "b", "c", "d"}) == 1.0  # at most three can be in the first three
    assert recall_at(found, {"x"}) == 0.0
    assert recall_at([], {"a"}) == 0.0
    assert reciprocal_rank(found, {"d", "b"}) == 0.5
    assert reciprocal_rank(found, {"x"}) == 0.0
    with pytest.raises(ValueError):
        recall_at(found, set())

    scored = [
        Scored("q1", "en", "words", {"a"}, ["a", "b"]),  # recall 1, RR 1
        Scored("q2", "en", "words", {"b", "z"}, ["c", "d", "b"]),  # recall 1/2, RR 1/3
        Scored("q3", "en", "words", {"y"}, []),  # recall 0, RR 0
    ]
    recall, mrr = summarise(scored)
    assert recall == pytest.approx(0.5)
    assert mrr == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert [s.rank for s in scored] == [1, 3, None]


@pytest.mark.django_db
def test_the_benchmark_loads_the_corpus_and_scores_the_search(corpus):
    keys = load_into_database(corpus)
    assert sorted(keys.values()) == sorted(answer["key"] for answer in corpus["answers"])
    stored = {keys[answer.pk]: answer for answer in Answer.objects.select_related("translation")}
    assert {answer.status for answer in stored.values()} == {Status.PUBLISHED}
    assert stored["fees.en"].translation.pk == stored["fees.zh"].pk
    assert stored["fees.zh"].translation.pk == stored["fees.en"].pk
    assert stored["apply-first.zh"].language == "zh-hans"
    assert Citation.objects.filter(answer=stored["other-city-medical.zh"], provision__number=29).exists()
    [scored] = run_queries([{"text": "工本费", "language": "zh-hans", "kind": "words", "relevant": ["fees.zh"]}], keys)
    assert scored.found[0] == "fees.zh"
    assert scored.rank == 1
    # The issue's own example: a question typed as a sentence finds an answer about a lost card first.
    lost = {"text": "社保卡丢了怎么办", "language": "zh-hans", "kind": "sentence", "relevant": ["report-loss.zh"]}
    [sentence] = run_queries([lost], keys)
    assert sentence.found[0] in {"report-loss.zh", "replace-lost.zh"}
