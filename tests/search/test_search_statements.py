"""How PostgreSQL's search statements are built (`search.backends.compiled`, `TextSearch`, `WordsRank`): each text
query resolved and compiled once however many places of a statement have it, for the same answers in the same
order. Django resolves, copies and compiles an expression of its own at every place (the candidates, the question's
match, the rank, ``ORDER BY``), which took longer than PostgreSQL took to run the statement."""

import math

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils.translation import get_language

from articles.models import Answer
from legal_refs.models import Provision
from search.backends import StoredSearchVector, all_of, any_of, backend, tsquery_parts
from search.synonyms import synonym_map
from tests.factories import make_answer, make_provision
from tests.search.test_chinese import make_corpus
from textkit.query import ParsedQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(monkeypatch):
    """The text queries resolved (each leaf of a combined query counts), in order."""
    calls = []
    original = SearchQuery.resolve_expression

    def counting(self, *args, **kwargs):
        calls.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SearchQuery, "resolve_expression", counting)
    return calls


@pytest.mark.parametrize(
    ("query", "any_word"),
    [
        ("社保卡丢了怎么办", True),  # any of the words: the rank of each word weighted by its rarity
        ("社保卡 激活", False),
        ("社保卡 -密码", False),  # an exclusion: the candidates checked against the whole vector too
        ("card bank", False),
    ],
)
def test_a_ranking_statement_resolves_each_text_query_once(resolved, query, any_word):
    make_corpus()
    make_answer("Which bank issues the card?", short_answer="Any partner bank.")
    parsed = ParsedQuery.parse(query, synonym_map())
    parsed = parsed.relaxed() if any_word else parsed
    resolved.clear()
    ids, _ = backend().answer_ids(parsed)
    assert ids
    if connection.vendor == "postgresql":
        assert resolved
        twice = [query for query in resolved if resolved.count(query) > 1]
        assert twice == []
    else:  # SQLite builds FTS5 expressions, no text query
        assert resolved == []


def test_the_law_articles_statement_resolves_its_text_query_once(resolved):
    make_provision(8, paragraphs=["社会保险经办机构提供社会保险服务。"])
    parsed = ParsedQuery.parse("经办机构 服务", synonym_map())
    resolved.clear()
    assert [provision.number for provision in backend().provisions(Provision.objects.all(), parsed)[:5]] == [8]
    if connection.vendor == "postgresql":  # the match and the rank (Chinese has no ts_headline)
        assert resolved
        assert [query for query in resolved if resolved.count(query) > 1] == []
    else:
        assert resolved == []


def test_the_any_word_rank_is_each_word_s_best_form_weighted_by_its_rarity_among_the_answers_found():
    """ln(1 + (n - d + 0.5) / (d + 0.5)) for d of the n answers found having the word (any of its forms), times the
    best ``ts_rank`` of its forms, summed over the words: what `WordsRank` writes as SQL."""
    make_corpus()
    parsed = ParsedQuery.parse("社保卡密码丢了怎么办", synonym_map()).relaxed()
    ranked = dict(backend().answers(Answer.objects.published(), parsed).values_list("pk", "rank"))
    assert len(ranked) == 7  # each has 社保卡
    if connection.vendor != "postgresql":  # SQLite ranks by bm25 over its FTS5 table
        return
    _, words = tsquery_parts(parsed)
    assert len(words) == 3  # 社保卡, 密码, 丢 (with their synonyms)
    answers = Answer.objects.filter(pk__in=ranked).alias(vector=StoredSearchVector())
    expected = dict.fromkeys(ranked, 0.0)
    for forms in words:
        having = answers.filter(vector=any_of(forms)).count()
        rarity = math.log(1 + (len(ranked) - having + 0.5) / (having + 0.5))
        best = dict.fromkeys(ranked, 0.0)
        for form in forms:
            for pk, rank in answers.annotate(rank=SearchRank(F("vector"), form)).values_list("pk", "rank"):
                best[pk] = max(best[pk], rank)
        for pk in ranked:
            expected[pk] += rarity * best[pk]
    assert ranked == pytest.approx(expected)
    assert max(ranked, key=ranked.get) == Answer.objects.get(question="社保卡密码忘了怎么办？").pk


@pytest.mark.parametrize(
    ("query", "as_alternatives"),
    [
        ("社保卡 办理", True),
        ("社會保障卡 網點", True),
        ("社保卡 办理 -密码", False),  # another term (an exclusion): the conjunction, as PostgreSQL ranks it
        ("社保卡 网点 12333", False),  # digits typed apart are an English term
    ],
)
def test_a_query_of_words_all_required_is_ranked_by_its_words_as_alternatives(query, as_alternatives):
    """Every answer found has all the words: ``ts_rank`` of the words as alternatives ranks them. Of a conjunction,
    it would weigh each pair of operands by their distance, a Chinese word's two-character tokens among them."""
    make_corpus()
    make_answer("社保卡在哪个网点办？", short_answer="拨打12333查询附近网点。")
    parsed = ParsedQuery.parse(query, synonym_map())
    assert not parsed.any_word
    ranked = dict(backend().answers(Answer.objects.published(), parsed).values_list("pk", "rank"))
    assert len(ranked) > 1
    if connection.vendor != "postgresql":  # SQLite ranks by bm25 over its FTS5 table
        return
    parts, words = tsquery_parts(parsed)
    answers = Answer.objects.filter(pk__in=ranked).alias(vector=StoredSearchVector())

    def ranks(text_query):
        return dict(answers.annotate(rank=SearchRank(F("vector"), text_query)).values_list("pk", "rank"))

    alternatives = ranks(any_of([any_of(forms) for forms in words]))
    conjunction = ranks(all_of([*parts, *(any_of(forms) for forms in words)]))
    assert ranked == pytest.approx(alternatives if as_alternatives else conjunction)
    assert ranked != pytest.approx(conjunction if as_alternatives else alternatives)


@pytest.mark.parametrize("query", ["社保卡密码丢了怎么办", "激活 金融功能 丢失"])
def test_the_answers_found_with_any_word_are_listed_in_the_order_of_their_rank(query):
    make_corpus()
    parsed = ParsedQuery.parse(query, synonym_map()).relaxed()
    ranked = list(backend().answers(Answer.objects.for_site(get_language()), parsed).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        ids, _ = backend().answer_ids(parsed)
    assert len(ranked) > 1
    assert ids == ranked
    if connection.vendor == "postgresql":  # ranked around each candidate's vector read once (`first_ids`)
        (statement,) = [query["sql"] for query in captured.captured_queries]
        assert "|| ''::tsvector" in statement
        assert 'ts_rank("articles_answer"."search_vector"' not in statement
        assert "ts_rank(found.vector" in statement
