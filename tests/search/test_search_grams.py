"""How PostgreSQL looks up Chinese words: a word of one or three characters as one of the answers' character grams
(articles migration 0014, `search.backends.anywhere_condition`): the same answers as the search vector finds; the
words as one raw tsquery, the value their forms' queries have combined."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Answer, SectionKind
from search import backends
from tests.factories import make_answer
from tests.search.test_search import answers_found, search

pytestmark = pytest.mark.django_db

# Texts that have a query's word, as a word or inside a longer one, and texts that have its characters apart.
CORPUS = [
    ("医保卡丢了怎么办？", "到医保经办机构挂失。"),
    ("社会保障卡和医保卡号有什么区别？", "卡号印在卡面上。"),
    ("醫保卡可以在外地用嗎？", "辦理備案後可以。"),  # traditional: found as simplified
    ("医保报销需要什么？", "带上保卡和病历。"),  # 医保 and 保卡, never 医保卡
    ("孩子的社保卡坏了能换吗？", "可以到网点换卡，坏卡收回。"),
    ("社保卡怎么激活？", "带身份证到银行网点激活。"),
    ("Can I use the card abroad?", "No, only in the mainland."),
]
QUERIES = [
    "医保卡",
    "卡",
    "坏 换",
    "社保卡 坏",
    "医保卡 激活",
    "卡 -激活",
    "银行 卡",
    "孩子的社保卡坏了能换吗",
    "card 卡",
]


def make_corpus():
    for question, body in CORPUS:
        make_answer(question, short_answer=body, sections=[(SectionKind.GENERAL, "", body)])


def statements(captured):
    return "\n".join(query["sql"] for query in captured.captured_queries)


def test_a_word_of_one_or_three_characters_finds_every_text_containing_it_and_no_other(client):
    make_corpus()
    assert set(answers_found(search(client, "医保卡"))) == {CORPUS[0][0], CORPUS[1][0], CORPUS[2][0]}
    assert set(answers_found(search(client, "坏 换"))) == {CORPUS[4][0]}
    assert set(answers_found(search(client, "卡 -激活"))) == {question for question, _ in CORPUS[:5]}


@pytest.mark.parametrize("query", QUERIES)
def test_the_grams_find_what_the_search_vector_finds(client, monkeypatch, query):
    make_corpus()
    found = answers_found(search(client, query))
    monkeypatch.setattr(backends, "GRAM_LENGTHS", ())  # every word looked up in the search vector
    with CaptureQueriesContext(connection) as captured:
        assert answers_found(search(client, query)) == found
    assert "search_cjk_grams" not in statements(captured)


@pytest.mark.parametrize(("query", "grams"), [("医保卡", True), ("坏 换", True), ("医保", False), ("card", False)])
def test_words_of_one_or_three_characters_are_looked_up_in_the_grams_on_postgresql(client, query, grams):
    make_corpus()
    with CaptureQueriesContext(connection) as captured:
        search(client, query)
    uses_grams = "search_cjk_grams @@" in statements(captured)
    assert uses_grams == (grams and connection.vendor == "postgresql")


def test_the_grams_are_each_character_and_each_three_in_a_row_of_one_run_on_postgresql():
    answer = make_answer("社会保险，卡号码", short_answer="A card.")
    if connection.vendor != "postgresql":  # SQLite looks up the two-character tokens in its FTS5 table
        assert not hasattr(answer, "search_cjk_grams")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_cjk_grams::text FROM articles_answer WHERE id = %s", [answer.pk])
        grams = cursor.fetchone()[0]
    assert set(grams.split()) == {
        "'社'",
        "'会'",
        "'保'",
        "'险'",
        "'卡'",
        "'号'",
        "'码'",
        "'社会保'",
        "'会保险'",
        "'卡号码'",
    }


def test_chinese_words_are_one_raw_tsquery_of_the_value_their_forms_combined_have():
    from search.backends import all_of, any_of, form_tsquery, tsquery
    from textkit.query import ParsedQuery

    parsed = ParsedQuery.parse(
        "社保卡 补办 坏", {"社保卡": ("社保卡", "社会保障卡"), "社会保障卡": ("社保卡", "社会保障卡")}
    )
    groups = [group for term in parsed.terms for group in parsed.chinese_words(term)]
    assert groups == [("社保卡", "社会保障卡"), ("补办",), ("坏",)]
    combined = all_of([any_of([form_tsquery(form) for form in group]) for group in groups])
    queryset = Answer.objects.all()
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.compile(tsquery(parsed).resolve_expression(queryset.query))
    assert sql.count("to_tsquery(") == 1  # one expression, however many words and forms
    if connection.vendor == "postgresql":
        combined_sql, combined_params = compiler.compile(combined.resolve_expression(queryset.query))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT ({sql})::text, ({combined_sql})::text", [*params, *combined_params])
            one, each = cursor.fetchone()
        card = "'社保卡' | '社保' <-> '保卡' | '社会保障卡' | '社会' <-> '会保' <-> '保障' <-> '障卡'"
        assert one == each == f"( {card} ) & '补办' & '坏':*"
