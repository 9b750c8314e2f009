"""The results page's statements written once per process (search.statements): on PostgreSQL the ranked ids of a
text query, the law articles and the page's answers are sent as the ORM's own SQL with the query's pieces filled in,
so each is the statement the ORM sends (`SearchBackend`'s own methods, which SQLite uses), text for text, and reads
the same rows into the same instances."""

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from articles.models import Answer, Language, SectionKind
from search.backends import SearchBackend, backend
from search.results import search, spelling_suggestion
from search.statements import Slot, Statement
from search.synonyms import synonym_map
from tests.factories import make_answer, make_law, make_provision
from tests.search.test_chinese import make_corpus
from textkit.query import ParsedQuery

pytestmark = pytest.mark.django_db

QUERIES = [
    "card bank",
    '"social security card" bank',
    "card -hospital",
    "pension",
    "pensoin",  # corrected
    "art. 7 pension",
    "Article 7",  # the article alone: the ORM's statement on either database
    "第七条 养老",
    "Article 7 -pension",
    "社保卡 激活",
    "社保卡密码丢了怎么办",  # any of the words
    "社保卡 -密码",
    "挂失打12333",
    "補辦 社會保障卡",
    "zzzzqqq",
]


@pytest.fixture
def content(db):
    make_corpus()
    law = make_law()
    seven = make_provision(7, law=law, paragraphs=["A pension is paid monthly by the bank.", "养老金按月发放。"])
    make_provision(8, law=law, paragraphs=["社会保障卡 may be used at a hospital."])
    make_answer(
        "Which bank issues the social security card?",
        short_answer="Any partner bank <b>issues</b> it.",
        sections=[(SectionKind.GENERAL, "", "A pension is paid to the card's bank account.")],
        cites=[seven],
    )
    make_answer("How is a pension paid?", short_answer="Monthly, to the card.", cites=[seven])
    make_answer("Can I use the card at a hospital?", short_answer="Yes, and at a pharmacy.")
    make_answer("养老金每月怎么发放？", short_answer="按月发到社保卡。", language=Language.ZH_HANS, cites=[seven])
    synonym_map()


def forms(text):
    """The query and the forms the results page may search for: any of its words, corrected, any English word."""
    parsed = ParsedQuery.parse(text, synonym_map())
    found = [parsed, parsed.relaxed(), spelling_suggestion(parsed, backend()), parsed.relaxed(english=True)]
    return [form for form in found if form is not None]


def fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def sent(function, *args):
    """What `function(*args)` returns, and the SQL of the statements it sent (with their parameters)."""
    with CaptureQueriesContext(connection) as captured:
        result = function(*args)
    return result, [query["sql"] for query in captured.captured_queries]


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("text", QUERIES)
def test_the_ranked_ids_are_the_orm_s_statement_and_answers(text, language):
    engine = backend()
    with translation.override(language):
        for parsed in forms(text):
            written, written_sql = sent(engine.answer_ids, parsed)
            orm, orm_sql = sent(SearchBackend.answer_ids, engine, parsed)
            assert written == orm
            assert written_sql == orm_sql
    assert any(ids for (ids, _) in [engine.answer_ids(parsed) for parsed in forms(text)]) or text == "zzzzqqq"


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize("text", QUERIES)
def test_the_law_articles_are_the_orm_s_statement_and_instances(text):
    engine = backend()
    for parsed in forms(text):
        written, written_sql = sent(engine.first_provisions, parsed, 5)
        with CaptureQueriesContext(connection) as captured:  # the law is read with the article
            [provision.law.title for provision in written]
        assert len(captured) == 0
        orm, orm_sql = sent(SearchBackend.first_provisions, engine, parsed, 5)
        assert written_sql == orm_sql
        assert [fields(provision) for provision in written] == [fields(provision) for provision in orm]
        assert [fields(provision.law) for provision in written] == [fields(provision.law) for provision in orm]
        annotations = ("rank", "is_named", "headline")
        assert [[getattr(p, name, None) for name in annotations] for p in written] == [
            [getattr(p, name, None) for name in annotations] for p in orm
        ]


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize("text", ["card bank", "pension", "社保卡 激活", "Article 7", "card -hospital"])
def test_the_page_s_answers_are_the_orm_s_statement_and_instances(text):
    engine = backend()
    parsed = ParsedQuery.parse(text, synonym_map())
    ids, _ = engine.answer_ids(parsed)
    assert ids
    written, written_sql = sent(engine.page_answers, ids, parsed)
    orm, orm_sql = sent(SearchBackend.page_answers, engine, ids, parsed)
    assert written_sql == orm_sql
    written.sort(key=lambda answer: answer.pk)
    orm.sort(key=lambda answer: answer.pk)
    with CaptureQueriesContext(connection) as captured:  # the topic is read with the answer
        [(answer.topic.display_title, answer.get_absolute_url()) for answer in written]
    assert len(captured) == 0
    assert [set(answer._state.fields_cache) for answer in written] == [{"topic"} for answer in orm]
    assert [fields(answer) for answer in written] == [fields(answer) for answer in orm]
    assert [fields(answer.topic) for answer in written] == [fields(answer.topic) for answer in orm]
    headlines = ("title_headline", "snippet_headline")
    assert [[getattr(a, name, None) for name in headlines] for a in written] == [
        [getattr(a, name, None) for name in headlines] for a in orm
    ]
    assert [answer.get_deferred_fields() for answer in written] == [answer.get_deferred_fields() for answer in orm]
    assert [answer.loaded_slug for answer in written] == [answer.slug for answer in orm]


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize(("text", "statements"), [("pension", 3), ("pensoin", 6), ("社保卡密码丢了怎么办", 5)])
def test_a_results_page_compiles_no_statement_with_the_orm_once_its_statements_are_written(
    monkeypatch, text, statements
):
    search("card bank")  # the statements written (once per process)
    search("社保卡 激活")
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    with CaptureQueriesContext(connection) as captured:
        results = search(text)
    assert results.page.object_list
    assert len(captured) == statements
    if connection.vendor == "postgresql":
        assert compiled == []
    else:  # SQLite: the ORM builds every statement but the spelling vocabulary's
        assert len(compiled) >= statements - (text == "pensoin")


def test_a_statement_is_cut_at_its_slots_and_filled_with_each_slot_s_sql_and_parameters(db):
    queryset = Answer.objects.filter(pk__in=Slot("ids"), status=Value("published")).values_list("pk", flat=True)
    statement = Statement.of(queryset)
    assert statement.slots == ("ids",)
    sql, params = statement.fill(ids=("%s, %s", [3, 4]))
    expected_sql, expected_params = (
        Answer.objects.filter(pk__in=[3, 4], status=Value("published"))
        .values_list("pk", flat=True)
        .query.sql_with_params()
    )
    assert (sql, params) == (expected_sql, list(expected_params))


def test_a_slot_filled_twice_gets_its_parameters_at_each_place(db):
    queryset = Answer.objects.filter(pk__in=Slot("ids")).exclude(pk__in=Slot("ids")).values_list("pk", flat=True)
    statement = Statement.of(queryset)
    assert statement.slots == ("ids", "ids")
    sql, params = statement.fill(ids=("%s", [5]))
    assert sql.count("%s") == len(params) == 2 and params == [5, 5]
