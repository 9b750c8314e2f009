"""Search: /search/ over published answers and law articles, on SQLite and on PostgreSQL."""

import io
import re

import pytest
from django.db import connection

from articles.models import Answer, Section, SectionKind, Status
from articles.services import save_answer
from search.backends import cjk_tsquery
from tests.content import FIRST_CLASS_CARD, UPGRADE_HALFWAY
from tests.factories import make_answer, make_law, make_provision, make_topic

SEARCH_URL = "/en/search/"


def search(client, q, **params):
    response = client.get(SEARCH_URL, {"q": q, **params})
    assert response.status_code == 200
    return response


def answers_found(response):
    results = response.context["results"]
    return [answer.question for answer in results.page.object_list] if results else []


def provisions_found(response):
    results = response.context["results"]
    return [provision.number for provision in results.provisions] if results else []


def text_of(response):
    return response.content.decode()


@pytest.fixture
def synonyms_cached(db):
    """The synonyms in the cache, as a worker has them after its first search (a cold cache costs one query)."""
    from search.synonyms import synonym_map

    synonym_map()


# The imported content: "done when" ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "first"),
    [("upgrade", UPGRADE_HALFWAY), ("bank", UPGRADE_HALFWAY), ("first-class card", FIRST_CLASS_CARD)],
)
def test_imported_content_right_answer_first(client, imported, query, first):
    assert answers_found(search(client, query))[0] == first


@pytest.mark.django_db
def test_imported_article_4_puts_the_article_first_then_the_answers_citing_it(client, imported):
    response = search(client, "Article 4")
    assert provisions_found(response)[0] == 4
    assert sorted(answers_found(response)) == sorted([UPGRADE_HALFWAY, FIRST_CLASS_CARD])
    html = text_of(response)
    assert html.index('href="/en/laws/social-insurance-law/articles/4/"') < html.index('href="/en/questions/')


@pytest.mark.django_db
@pytest.mark.parametrize("typo", ["securty", "soical security"])
def test_imported_misspelt_security(client, imported, typo):
    """The misspelt words are corrected against the published answers' words, and the page says so."""
    response = search(client, typo)
    assert answers_found(response)[0] == UPGRADE_HALFWAY
    assert response.context["results"].similar_to.endswith("security")
    html = text_of(response)
    assert f"Nothing contains “{typo}”; showing results for “{response.context['results'].similar_to}”" in html
    assert "<mark>security</mark>" in html


# Ranking, highlighting, articles ---------------------------------------------------------------------


@pytest.mark.django_db
def test_question_match_ranks_above_body_match(client):
    body_match = make_answer(
        "How do I replace my card?",
        short_answer="Go to the counter.",
        sections=[(SectionKind.METHODS, "", "Bring your passport. A passport photo page is accepted. Passport.")],
    )
    question_match = make_answer("Can I use a passport to apply?", short_answer="Yes.")
    found = answers_found(search(client, "passport"))
    assert found == [question_match.question, body_match.question]


@pytest.mark.django_db
def test_short_answer_match_ranks_above_section_match(client):
    make_answer("Question one?", short_answer="Nothing here.", sections=[(SectionKind.GENERAL, "", "The pension.")])
    make_answer("Question two?", short_answer="About your pension.")
    assert answers_found(search(client, "pension")) == ["Question two?", "Question one?"]


@pytest.mark.django_db
def test_results_show_highlighted_title_and_snippet(client):
    make_answer(
        "Where is the pension office?",
        short_answer="The pension office is in the city centre.",
        sections=[(SectionKind.GENERAL, "", "Open on weekdays.")],
    )
    html = text_of(search(client, "pension"))
    assert re.search(r"Where is the <mark>pension</mark> office\?", html)
    assert re.search(r'<p class="snippet">[^<]*<mark>pension</mark> office is in the city centre', html)


@pytest.mark.django_db
def test_snippets_escape_content_and_mark_only_matches(client):
    make_answer(
        "Is <script>alert(1)</script> a pension question?",
        short_answer='The pension <img src=x onerror="alert(2)"> office.',
    )
    html = text_of(search(client, "pension"))
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>pension</mark>" in html


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Article 10", "art. 10", "ART 10", "第十条"])
def test_query_naming_an_article_puts_it_first(client, query):
    ten = make_provision(10, paragraphs=["Employees take part in the basic old-age insurance."])
    make_provision(11, paragraphs=["Article 10 is mentioned here, but this is Article 11."])
    citing = make_answer("Who pays the old-age insurance?", cites=[ten])
    response = search(client, query)
    assert provisions_found(response)[0] == 10
    assert answers_found(response) == [citing.question]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Article 10 pension", "pension art. 10", "第十条 pension"])
def test_article_and_words_find_the_answers_citing_it_that_have_the_words(client, query):
    one, ten, eleven = (make_provision(number) for number in (1, 10, 11))
    wanted = make_answer("Where is the pension office?", cites=[ten, eleven])
    make_answer("Who pays in?", cites=[ten])  # cites it, lacks the word
    make_answer("Pension for farmers?", cites=[eleven])  # has the word, cites another article
    make_answer("Pension at one?", cites=[one])  # article 1 is not article 10
    make_answer("Pension and Article 10?", short_answer="Article 10 says so.")  # names it, does not cite it
    make_answer("Is article10 about the pension?")  # the token's own spelling, in text
    assert answers_found(search(client, query)) == [wanted.question]
    assert answers_found(search(client, "Article 1 pension")) == ["Pension at one?"]


@pytest.mark.django_db
def test_article_with_only_excluded_words(client):
    ten = make_provision(10)
    make_answer("Pension from article ten?", cites=[ten])
    make_answer("Card from article ten?", cites=[ten])
    make_answer("Card from another article?", cites=[make_provision(11)])
    assert answers_found(search(client, "Article 10 -pension")) == ["Card from article ten?"]


@pytest.mark.django_db
def test_there_is_no_article_0(client):
    make_provision(1)
    make_answer("Pension at zero?", cites=[make_provision(2)])
    response = search(client, "Article 0 pension")
    assert response.context["results"].query.provision_number is None
    # "Article" and "0" are words here, which no answer has: those with some of the words are listed.
    assert response.context["results"].some_words
    assert answers_found(response) == ["Pension at zero?"]


@pytest.mark.django_db
def test_law_articles_are_found_by_their_text_and_told_apart(client):
    make_provision(5, paragraphs=["The state raises social insurance funds through multiple channels."])
    make_answer("What are the channels?", short_answer="Several funding channels exist.")
    response = search(client, "channels")
    assert provisions_found(response) == [5]
    html = text_of(response)
    assert "Law article" in html and "Answer" in html
    assert "<mark>channels</mark>" in html


@pytest.mark.parametrize("query", ["Article 10", "第十条"])
def test_the_same_article_of_three_instruments_is_listed_by_their_rank(client, law_corpus, query):
    response = search(client, query)
    laws = [provision.law.slug for provision in response.context["results"].provisions]
    assert laws == [
        "social-insurance-law",
        "social-insurance-handling-regulation",
        "beijing-social-security-card-provisions",
    ]


@pytest.mark.django_db
def test_quoted_phrase_must_appear_as_written(client):
    make_answer("Lost card at the bank?", short_answer="Report the lost card to the bank.")
    make_answer("Card lost?", short_answer="The card was lost; tell the bank.")
    assert answers_found(search(client, '"lost card"')) == ["Lost card at the bank?"]


@pytest.mark.django_db
def test_excluded_word_removes_answers(client):
    make_answer("Replace a card at the bank?", short_answer="Any branch can replace it.")
    make_answer("Replace a card online?", short_answer="Use the website to replace it.")
    assert answers_found(search(client, "replace -bank")) == ["Replace a card online?"]
    assert answers_found(search(client, 'replace -"the bank"')) == ["Replace a card online?"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["pension -passport", "pension -护照"])
def test_excluded_word_anywhere_in_the_answer_removes_it(client, query):
    make_answer("Where is the pension office?", sections=[(SectionKind.GENERAL, "", "Bring your passport 护照.")])
    make_answer("Pension for farmers?", short_answer="The village office.")
    assert answers_found(search(client, query)) == ["Pension for farmers?"]


@pytest.mark.django_db
def test_exclusions_keep_every_match_beyond_the_candidate_limit(client, monkeypatch):
    """Candidates are chosen with the exclusions applied, not before: none of the wanted is lost to the limit."""
    monkeypatch.setattr("search.backends.MAX_CANDIDATES", 2)
    topic = make_topic()
    # More answers with the excluded word (in the text, not the question) than candidates of both kinds.
    for number in range(20):
        make_answer(f"Card question {number}?", topic=topic, sections=[(SectionKind.GENERAL, "", "A lost card.")])
    wanted = {make_answer(f"Card question {number}b?", topic=topic).question for number in range(2)}
    if connection.vendor == "postgresql":
        # Rows stored in creation order, so that a limit taken before the exclusion keeps only unwanted ones.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # CLUSTER refuses pending deferred checks
            cursor.execute("CLUSTER articles_answer USING articles_answer_pkey")
    assert set(answers_found(search(client, "card -lost"))) == wanted


@pytest.mark.django_db
def test_all_words_are_required(client):
    make_answer("Replace a card at the bank?")
    make_answer("Replace a card online?")
    assert answers_found(search(client, "replace online")) == ["Replace a card online?"]


# Chinese ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["社保卡", "社保", "保卡升级", "升", "办理 银行", "第三代社保卡"])
def test_chinese_query_finds_text_containing_it(client, query):
    wanted = make_answer(
        "如何办理社保卡升级？",
        short_answer="可以到银行办理第三代社保卡。",
        sections=[(SectionKind.METHODS, "", "携带身份证原件。")],
    )
    make_answer("How do I upgrade my card?", short_answer="At the bank.")
    assert answers_found(search(client, query)) == [wanted.question]


@pytest.mark.django_db
def test_chinese_in_sections_is_found_and_highlighted(client):
    make_answer("Documents?", sections=[(SectionKind.METHODS, "", "请携带身份证原件到窗口办理。")])
    response = search(client, "身份证")
    assert answers_found(response) == ["Documents?"]
    assert "<mark>身份证</mark>" in text_of(response)


@pytest.mark.django_db
def test_chinese_query_does_not_match_scattered_characters(client):
    make_answer("保险与社会", short_answer="社会和保险是两个词。")
    assert answers_found(search(client, "社会保险")) == []


# Drafts, pagination, queries ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_drafts_are_never_found(client):
    make_answer("Draft about pensions?", status=Status.DRAFT, short_answer="pension")
    published = make_answer("Published about pensions?", short_answer="pension")
    assert answers_found(search(client, "pension")) == [published.question]
    assert answers_found(search(client, "Draft")) == []


@pytest.mark.django_db
def test_pagination_keeps_the_query(client):
    topic = make_topic("Cards")
    for number in range(23):
        make_answer(f"Card question {number:02}?", topic=topic)
    first = search(client, "card question")
    assert first.context["results"].page.paginator.count == 23
    assert len(answers_found(first)) == 10
    html = text_of(first)
    assert 'href="?q=card+question&amp;page=2"' in html
    third = search(client, "card question", page=3)
    assert len(answers_found(third)) == 3
    assert 'href="?q=card+question&amp;page=2"' in text_of(third)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["0", "-1", "999", "abc", "1e9", "２"])
def test_out_of_range_pages_show_a_page_of_results(client, page):
    make_answer("Card question?")
    assert answers_found(search(client, "card", page=page)) == ["Card question?"]


def _fill(count, provision):
    topic = make_topic()
    for number in range(count):
        make_answer(
            f"Pension question {number}?",
            topic=topic,
            sections=[(SectionKind.GENERAL, "A", "pension text"), (SectionKind.METHODS, "B", "more pension")],
            cites=[provision],
        )


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 15])
@pytest.mark.usefixtures("synonyms_cached")
def test_results_page_makes_a_constant_number_of_queries(client, django_assert_num_queries, count):
    _fill(count, make_provision(7, paragraphs=["A pension article."]))
    # The ranked ids; the page's answers with their snippets; the law articles.
    with django_assert_num_queries(3):
        response = search(client, "pension")
    assert len(answers_found(response)) == min(count, 10)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 15])
@pytest.mark.usefixtures("synonyms_cached")
def test_nothing_found_page_makes_a_constant_number_of_queries(client, django_assert_num_queries, count):
    _fill(count, make_provision(7, paragraphs=["A pension article."]))
    # The ids found, the nearest words (none near enough: no second search), the law articles, the topics.
    with django_assert_num_queries(4):
        response = search(client, "zzzzqqq")
    assert answers_found(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 15])
@pytest.mark.usefixtures("synonyms_cached")
def test_corrected_spelling_page_makes_a_constant_number_of_queries(client, django_assert_num_queries, count):
    _fill(count, make_provision(7, paragraphs=["A pension article."]))
    # Ids and law articles found (none), the nearest words, the corrected words' ids and law articles, the page.
    with django_assert_num_queries(6):
        response = search(client, "pensoin")
    assert len(answers_found(response)) == min(count, 10)
    assert response.context["results"].similar_to == "pension"


# Misspelt words ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_misspelt_words_are_each_corrected_and_highlighted(client):
    make_answer("Where is the pension office?", short_answer="Go to the city service centre.")
    make_answer("How do I replace a lost card?")
    response = search(client, "pensoin ofice")
    assert answers_found(response) == ["Where is the pension office?"]
    assert response.context["results"].similar_to == "pension office"
    html = text_of(response)
    assert "Nothing contains “pensoin ofice”; showing results for “pension office”." in html
    assert re.search(r"Where is the <mark>pension</mark> <mark>office</mark>\?", html)


@pytest.mark.django_db
def test_correctly_spelt_words_are_kept(client):
    make_answer("Where is the pension office?")
    make_answer("How do I replace a lost card?")
    make_answer("Is there a pension card?")
    response = search(client, "Pension cadr")
    assert response.context["results"].similar_to == "pension card"
    assert answers_found(response) == ["Is there a pension card?"]
    # Both words exist, but no answer has both: nothing to correct; the answers with either are listed.
    response = search(client, "office lost")
    assert response.context["results"].similar_to == ""
    assert response.context["results"].some_words
    assert set(answers_found(response)) == {"Where is the pension office?", "How do I replace a lost card?"}


@pytest.mark.django_db
def test_words_found_in_law_articles_are_not_corrected(client):
    make_provision(58, paragraphs=["Employers shall register with the agency."])
    make_answer("Where is the registry?")
    response = search(client, "register")
    assert provisions_found(response) == [58]
    assert response.context["results"].similar_to == ""
    assert "showing results for" not in text_of(response)


@pytest.mark.django_db
def test_a_corrected_spelling_never_names_an_article():
    from search.results import spelling_suggestion
    from textkit.query import ParsedQuery

    make_answer("Is there an art card?")
    suggestion = spelling_suggestion(ParsedQuery.parse("artt 10"))
    assert suggestion.text == "art 10"
    assert suggestion.provision_number is None


@pytest.mark.django_db
@pytest.mark.usefixtures("synonyms_cached")
def test_chinese_that_finds_nothing_is_not_looked_up_in_the_vocabulary(client, django_assert_num_queries):
    make_answer("社保卡丢了怎么办？")
    # The ids and law articles found (none), the topics offered: no spelling lookup for Chinese.
    with django_assert_num_queries(3):
        response = search(client, "养老金")
    assert answers_found(response) == []


@pytest.mark.django_db
def test_rebuilding_the_vocabulary_drops_the_words_no_published_answer_has():
    from django.core.management import call_command

    from articles.models import SearchWord

    answer = make_answer("Where is the pensoin office?")
    assert SearchWord.objects.filter(word="pensoin").exists()
    answer.question = "Where is the pension office?"
    save_answer(answer)
    SearchWord.objects.filter(word="office").delete()
    out = io.StringIO()
    call_command("rebuild_search_vocabulary", stdout=out)
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert "pensoin" not in words and {"pension", "office"} <= words
    assert f"Search vocabulary: {len(words)} words (1 added, 1 removed)." in out.getvalue()


@pytest.mark.django_db
def test_a_word_unlike_any_is_not_corrected(client):
    make_answer("Where is the pension office?")
    response = search(client, "xylophone")
    assert response.context["results"].similar_to == ""
    assert "Nothing was found for “xylophone”." in text_of(response)


@pytest.mark.django_db
def test_only_plain_words_are_corrected(client):
    make_answer("Where is the pension office?")
    for query in ['"pensoin office"', "pensoin -card", "pensoin Article 4"]:
        response = search(client, query)
        assert response.context["results"].similar_to == "", query
        assert answers_found(response) == [], query


@pytest.mark.django_db
def test_vocabulary_holds_the_words_of_published_answers_only(client):
    from articles.models import SearchWord

    draft = make_answer(
        "Confidential restructuring?", status=Status.DRAFT, sections=[(SectionKind.GENERAL, "", "Embargoed.")]
    )
    make_answer("Where is the pension office?", sections=[(SectionKind.GENERAL, "", "Bring your 社保卡 passport.")])
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"where", "the", "pension", "office", "bring", "your", "passport"} <= words
    assert not {"confidential", "restructuring", "embargoed"} & words
    assert not any(char in "".join(words) for char in "社保卡")
    assert "is" not in words  # shorter than three letters
    # A misspelling of a draft's word finds nothing and shows nothing of it.
    response = search(client, "confidental")
    assert answers_found(response) == []
    assert response.context["results"].similar_to == ""
    # Once published, its words are in the vocabulary.
    draft.status = Status.PUBLISHED
    save_answer(draft)
    assert SearchWord.objects.filter(word__in=["confidential", "embargoed"]).count() == 2
    assert answers_found(search(client, "confidental")) == ["Confidential restructuring?"]


@pytest.mark.django_db
def test_migration_fills_the_vocabulary_from_published_answers():
    import importlib

    from django.apps import apps

    from articles.models import SearchWord

    make_answer("Where is the pension office?")
    make_answer("Secret draft?", status=Status.DRAFT)
    SearchWord.objects.all().delete()
    migration = importlib.import_module("articles.migrations.0005_search_vocabulary")
    migration.fill_vocabulary(apps, None)
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"where", "pension", "office", "body", "text"} <= words
    assert not {"secret", "draft"} & words


# Hostile input -------------------------------------------------------------------------------------------

HOSTILE = [
    "",
    "   ",
    "\t\n",
    "x" * 10_000,
    "pension\x00",
    "\x00",
    "\x1b[31mpension\x07",
    "\u202epension\u200b",
    "' OR 1=1 --",
    "'; DROP TABLE articles_answer; --",
    "pension' UNION SELECT password FROM auth_user --",
    '"',
    '"""',
    "-",
    "- - -",
    "!!! & | :* <-> (",
    "pension:* & !card",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "%_%",
    "\\",
    "😀 pension 😀",
    "Article 99999999999999999999",
    "第九九九九九九九九九条",
    "art.",
    "or",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_a_normal_page_never_unescaped(client, query):
    make_answer("A pension question?", short_answer="About the pension.")
    response = client.get(SEARCH_URL, {"q": query})
    assert response.status_code == 200
    html = text_of(response)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert '<form class="search" role="search"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("x" * 10_000, "Please shorten your search to at most 200 characters (it has 10000)."),
        ("pension\x00", "Null characters are not allowed."),
    ],
)
def test_unusable_query_gets_a_clear_message(client, query, message):
    response = client.get(SEARCH_URL, {"q": query})
    assert response.status_code == 200
    assert message in text_of(response)
    assert response.context["results"] is None


@pytest.mark.django_db
def test_sql_like_query_is_only_text(client):
    make_answer("A pension question?")
    search(client, "'; DROP TABLE articles_answer; --")
    assert Answer.objects.count() == 1


@pytest.mark.django_db
def test_empty_query_invites_a_search(client):
    html = text_of(search(client, "  "))
    assert "Type a question or a few words" in html


@pytest.mark.django_db
def test_page_without_query_shows_the_labelled_form(client):
    response = client.get(SEARCH_URL)
    assert response.status_code == 200
    assert re.search(
        r'<label for="id_q">[^<]+</label>\s*(<span[^>]*>)?<input type="search" id="id_q" name="q"', text_of(response)
    )


# The search document stays in step (the writes themselves: tests/articles/test_services.py) ------


@pytest.mark.django_db
def test_migration_fills_the_article_tokens():
    import importlib
    from types import SimpleNamespace

    answer = make_answer("A question?", cites=[make_provision(42), make_provision(7)])
    uncited = make_answer("Another question?")
    Answer.objects.update(search_citations="stale")

    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    migration = importlib.import_module("articles.migrations.0006_search_citations")
    migration.fill_search_citations(None, SimpleNamespace(connection=connection, execute=execute))
    answer.refresh_from_db()
    uncited.refresh_from_db()
    assert answer.search_citations == "article7 article42"  # as citation_tokens writes them
    assert uncited.search_citations == ""


@pytest.mark.django_db
def test_import_fills_the_search_document(imported):
    answer = Answer.objects.get(question=UPGRADE_HALFWAY)
    assert "Postal Savings Bank" in answer.search_document
    assert "Article 10" in answer.search_document
    assert Section.objects.filter(answer=answer).exists()


@pytest.mark.django_db
def test_new_wording_of_a_law_article_is_found(client):
    provision = make_provision(9, paragraphs=["Old words."])
    provision.paragraphs = ["Brand new wording about hospitals."]
    provision.save(update_fields=["paragraphs", "updated_at"])
    assert provisions_found(search(client, "hospitals")) == [9]


def test_chinese_runs_become_a_phrase_of_overlapping_tokens_on_postgresql():
    assert cjk_tsquery("社保卡") == "'社保' <-> '保卡'"
    assert cjk_tsquery("卡") == "'卡':*"


def test_a_chinese_snippet_of_a_law_article_is_marked_as_chinese(client, social_insurance_law):
    html = client.get("/en/search/", {"q": "市场监督管理部门"}).text
    assert re.search(r'<p class="snippet" lang="zh-Hans">[^<]*<mark>市场监督管理部门</mark>', html)
    english = make_provision(7, law=make_law("other"), paragraphs=["Employers shall register with the agency."])
    html = client.get("/en/search/", {"q": "register agency"}).text
    assert english.get_absolute_url() in html
    assert '<p class="snippet">' in html and '<p class="snippet" lang' not in html


# English words: any of them when no answer has them all --------------------------------------------------

ENGLISH_ANSWERS = [
    ("How do I report a lost card?", "Call the hotline to report the card lost."),
    ("Can I get medical treatment in another province?", "Register with your home city first."),
    ("What does a new card cost?", "The first card is free."),
]


def make_english_answers():
    topic = make_topic()
    for question, short_answer in ENGLISH_ANSWERS:
        make_answer(question, short_answer=short_answer, topic=topic, language="en")


@pytest.mark.django_db
@pytest.mark.usefixtures("synonyms_cached")
def test_english_words_no_answer_has_all_of_find_those_with_some_rarer_words_first(client, django_assert_num_queries):
    make_english_answers()
    # All the words (ids, law articles), the nearest words (bicycle has none), any of the words (ids, law
    # articles), the page's answers.
    with django_assert_num_queries(6):
        response = search(client, "bicycle card in another province")
    found = answers_found(response)
    # "province" is in one answer, "card" in two: the answer with the rarer word comes first.
    assert found[0] == "Can I get medical treatment in another province?"
    assert set(found) == {question for question, _ in ENGLISH_ANSWERS}
    assert response.context["results"].some_words
    assert "these contain some of them" in text_of(response)


@pytest.mark.django_db
@pytest.mark.usefixtures("synonyms_cached")
def test_english_words_all_found_give_those_answers_only(client):
    make_english_answers()
    response = search(client, "lost card")
    assert answers_found(response) == ["How do I report a lost card?"]
    results = response.context["results"]
    assert not results.some_words and results.all_words_count is None


@pytest.mark.django_db
@pytest.mark.usefixtures("synonyms_cached")
def test_english_phrases_and_exclusions_stay_required_when_any_word_will_do(client):
    make_english_answers()
    assert answers_found(search(client, '"lost card" bicycle hotline')) == ["How do I report a lost card?"]
    assert answers_found(search(client, "bicycle card -lost")) == ["What does a new card cost?"]
    assert answers_found(search(client, "bicycle tandem")) == []
