"""Chinese searched by words, on SQLite and on PostgreSQL: the segmenter with the domain dictionary, synonyms
edited in the admin, traditional characters folded, the ranking of words, the index kept in step."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Answer, SectionKind
from articles.services import delete_answers, save_answer
from search.models import SynonymSet, normalize_terms
from search.synonyms import CACHE_KEY, synonym_map
from tests.factories import make_answer, make_provision, make_user
from tests.search.test_search import answers_found, provisions_found, search, text_of

LOST = "社保卡丢失了怎么办？"
# A small corpus on card topics, each answer using the words a real one would.
CORPUS = [
    (LOST, "立即拨打12333或到银行网点办理挂失，再到社保经办机构补办。", "挂失后原卡不能再使用。"),
    ("社保卡怎么激活金融功能？", "携带社保卡和身份证到合作银行网点激活。", "激活后可以存取款。"),
    ("如何申领电子社保卡？", "在国家政务服务平台或银行应用中申领。", "电子社保卡与实体卡一一对应。"),
    ("社保卡密码忘了怎么办？", "本人带身份证到网点重置密码。", "连续输错密码会被锁定。"),
    ("怎样换领第三代社保卡？", "到服务网点申请换领三代卡，旧卡同时注销。", "换卡不收费用。"),
    ("在外地可以用社保卡看病吗？", "办理异地就医备案后可以直接结算。", "备案可以在手机上办理。"),
    ("孩子怎么办理社保卡？", "由监护人带户口簿和出生证明办理。", "少儿也可以申领电子社保卡。"),
]


def make_corpus():
    return {
        question: make_answer(question, short_answer=short, sections=[(SectionKind.GENERAL, "", body)])
        for question, short, body in CORPUS
    }


# The segmenter -------------------------------------------------------------------------------------------


def test_every_word_of_the_domain_dictionary_is_kept_whole():
    from textkit.chinese import read_dictionary, segmenter

    words = [word for word, _, _ in read_dictionary()]
    assert {"社保卡", "社会保障卡", "第三代社保卡", "电子社保卡", "金融功能", "挂失", "补办", "人社局"} <= set(words)
    assert [word for word in words if segmenter().cut(word) != [word]] == []


def test_the_dictionary_refuses_a_line_it_cannot_read(tmp_path):
    from textkit.chinese import DictionaryError, read_dictionary

    path = tmp_path / "words.txt"
    path.write_text("# a comment\n社保卡 5 n\n\n补办 often\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"words.txt, line 4: expected `word \[frequency\] \[tag\]`"):
        read_dictionary(path)


def test_documents_are_cut_in_search_mode_and_queries_into_their_content_words():
    from textkit.chinese import index_words, query_words

    assert index_words("到社保经办机构補辦第三代社保卡") == (
        "到 社保 经办 机构 社保经办机构 补办 第三 三代 社保 第三代 社保卡 第三代社保卡"
    )
    assert index_words("拨打12333热线或用App") == "拨打 12333 热线 或用 app"  # digits and letters beside Chinese
    assert query_words("社保卡丢了怎么办") == ["社保卡", "丢"]  # 了 and 怎么办 are not required
    assert query_words("怎么办") == ["怎么办"]  # a query of stop words only keeps them
    assert query_words("医保卡丢了", known={"医保卡"}) == ["医保卡", "丢"]  # pieces joined again into a synonym


def test_the_segmenter_is_loaded_once_per_process():
    from textkit.chinese import segmenter

    assert segmenter() is segmenter()


# Words, sentences, ranking -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_question_typed_as_a_sentence_finds_the_lost_card_answer_first(client):
    make_corpus()
    assert answers_found(search(client, "社保卡丢了怎么办"))[0] == LOST
    assert answers_found(search(client, "我的社保卡丢了，该怎么补办？"))[0] == LOST


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("激活金融功能", "社保卡怎么激活金融功能？"),
        ("三代卡", "怎样换领第三代社保卡？"),
        ("社保卡密码忘记了", "社保卡密码忘了怎么办？"),
        ("小孩办社保卡", "孩子怎么办理社保卡？"),
        ("遗失", LOST),
    ],
)
def test_words_and_synonyms_find_the_right_answer_first(client, query, first):
    make_corpus()
    assert answers_found(search(client, query))[0] == first


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "question"),
    [
        ("宝宝 社保卡", "未成年人怎么办理社保卡？"),  # a baby's card is a child's card
        ("换卡", "怎么换领第三代社保卡？"),
        ("多久", "申请社保卡以后多长时间能拿到卡？"),
        ("社保卡 跨省 使用", "社保卡在其他省市能用吗？"),  # 跨省 = 异地, 使用 = 用
    ],
)
def test_words_find_answers_that_use_another_word_for_them(client, query, question):
    wanted = make_answer(question, short_answer="可以，异地也能用。", sections=[])
    make_answer("密码忘了怎么办？", short_answer="到网点重置。", sections=[])  # none of the words
    page = search(client, query)
    assert answers_found(page) == [wanted.question]
    assert page.context["results"].all_words_count is None and not page.context["results"].some_words


def test_a_modal_verb_of_a_sentence_is_not_required():
    from textkit.chinese import query_words

    assert query_words("办社保卡要多久才能拿到") == ["办", "社保卡", "多久", "拿到"]


@pytest.mark.django_db
def test_a_whole_word_ranks_above_a_match_of_two_character_tokens(client):
    tokens_only = make_answer("社保卡号码变更", short_answer="修改预留手机号码。")  # 卡号 across two words
    word = make_answer("查询社保卡卡号", short_answer="卡号印在卡面上。")
    assert answers_found(search(client, "卡号")) == [word.question, tokens_only.question]  # still found as written


@pytest.mark.django_db
def test_a_word_said_whole_is_not_counted_again_as_two_character_tokens(client):
    # 上网点击 (上网 点击) has 网点 across two words: as written it would count for the answer that says 网点 too.
    said = make_answer("在哪里办理？", short_answer="到银行网点办理。", sections=[])
    also_across = make_answer("在哪里申请？", short_answer="到银行网点办理，或上网点击申请。", sections=[])
    found = answers_found(search(client, "网点"))
    if connection.vendor == "sqlite":  # bm25 counts the word; the shorter text ranks first
        assert found == [said.question, also_across.question]
    else:  # the vector holds a word of two characters and its token as one lexeme, counted together
        assert sorted(found) == sorted([said.question, also_across.question])


@pytest.mark.django_db
def test_the_question_ranks_above_the_body(client):
    body = make_answer("社保卡常见问题", sections=[(SectionKind.GENERAL, "", "补办需要身份证。补办可以邮寄。")])
    question = make_answer("补办需要什么材料", short_answer="带上证件。")
    assert answers_found(search(client, "补办")) == [question.question, body.question]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["挂失打12333还是95588", "打12333挂失", "挂失12333挂失12333"])
def test_digits_typed_among_chinese_are_words_of_their_own(client, query):
    make_corpus()
    assert answers_found(search(client, query))[0] == LOST  # 95588 is in no answer: any of the words will do


@pytest.mark.django_db
def test_an_answer_whose_question_has_every_word_comes_before_a_long_text_that_repeats_one(client):
    long_text = "补卡须知：卡片丢失后补卡，收取工本费。" * 12
    fees = make_answer(
        "办社保卡要钱吗？", short_answer="首次申领免费。", sections=[(SectionKind.GENERAL, "", long_text)]
    )
    lost = make_answer("社保卡丢了怎么挂失？", short_answer="拨打12333。")
    assert answers_found(search(client, "社保卡丢了怎么办"))[:2] == [lost.question, fees.question]


@pytest.mark.django_db
def test_digits_written_against_chinese_in_the_question_are_in_the_question(client):
    # 12333热线 is one token of the question's English column; the question's Chinese words hold 12333 as a word.
    lost = make_answer(
        "社保卡丢了怎么挂失？",
        short_answer="拨打12333挂失。",
        sections=[(SectionKind.GENERAL, "", "电话挂失：拨打12333。线上挂失：掌上12333。")],
    )
    services = "可以咨询社保卡申领、补换、异地使用等政策，查询制卡进度、缴费记录、养老金发放情况。"
    hotline = make_answer(
        "12333热线可以办理哪些业务？", short_answer=services, sections=[(SectionKind.GENERAL, "", services * 3)]
    )
    assert answers_found(search(client, "12333")) == [hotline.question, lost.question]


@pytest.mark.django_db
def test_of_the_answers_with_some_of_the_words_one_with_a_rare_word_comes_before_one_with_a_common_word(client):
    # Every answer has 社保卡; only one has 带. No answer has 第一次: any of the words will do.
    rare = make_answer("办社保卡要带什么？", short_answer="带上身份证。", sections=[])
    common = make_answer(
        "社保卡和社会保障卡是一回事吗？",
        short_answer="社保卡就是社会保障卡，社会保障卡简称社保卡。",
        sections=[(SectionKind.GENERAL, "", "社保卡、社会保障卡：同一张卡。")],
    )
    make_answer("社保卡密码忘了怎么办？", short_answer="到网点重置社保卡密码。", sections=[])
    found = answers_found(search(client, "第一次办社保卡要带什么"))
    assert found[0] == rare.question and common.question in found


@pytest.mark.django_db
def test_of_the_answers_with_some_of_the_words_one_with_the_rarer_word_comes_first(client):
    # No answer has both words; 挂失 is in one answer, 密码 in four, one of which says it three times.
    rare = make_answer("社保卡挂失怎么办？", short_answer="拨打热线。", sections=[])
    make_answer(
        "社保卡密码忘了怎么办？",
        short_answer="到网点重置密码。",
        sections=[(SectionKind.GENERAL, "", "密码连续输错会被锁定。")],
    )
    for question in ("密码怎么修改？", "密码被锁了怎么办？", "交易密码是什么？"):
        make_answer(question, short_answer="到网点办理。", sections=[])
    assert answers_found(search(client, "挂失 密码"))[0] == rare.question


@pytest.mark.django_db
def test_text_containing_the_query_as_written_is_still_found(client):
    wanted = make_answer("社保卡号码变更", short_answer="修改预留手机号码。")
    assert answers_found(search(client, "保卡号")) == [wanted.question]  # no word, only the characters


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["卡", "更"])
def test_one_character_finds_every_text_containing_it(client, query):
    wanted = make_answer("社保卡号码变更")
    make_answer("How do I change my card?")
    assert answers_found(search(client, query)) == [wanted.question]


@pytest.mark.django_db
def test_one_latin_letter_is_a_substring_on_sqlite_and_a_word_on_postgresql(client):
    """As before: SQLite matches one letter as a substring (FTS5 has no one-letter tokens to look up),
    PostgreSQL as a word."""
    substring = make_answer("Form Z1 for the card?")
    word = make_answer("Plan Z for the pension?")
    make_answer("Another question?")
    found = set(answers_found(search(client, "z")))
    assert found == ({substring.question, word.question} if connection.vendor == "sqlite" else {word.question})


@pytest.mark.django_db
def test_the_results_mark_the_words_and_their_synonyms(client):
    make_answer("如何补领社会保障卡？", short_answer="到网点补领。")
    html = text_of(search(client, "社保卡补办"))
    assert "<mark>社会保障卡</mark>" in html and "<mark>补领</mark>" in html


@pytest.mark.django_db
def test_quoted_chinese_must_appear_as_written(client):
    make_answer("社会保险与保障卡", short_answer="两个词。")
    wanted = make_answer("社会保障卡的用途")
    assert answers_found(search(client, '"社会保障卡"')) == [wanted.question]


# Traditional characters ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_traditional_characters_find_simplified_ones_and_the_reverse(client):
    simplified = make_answer("补办社会保障卡需要什么？")
    traditional = make_answer("電子社會保障卡如何申領？")
    assert answers_found(search(client, "社會保障卡")) == sorted(
        [simplified.question, traditional.question], key=lambda q: q != simplified.question
    ) or set(answers_found(search(client, "社會保障卡"))) == {simplified.question, traditional.question}
    both = search(client, "补办社會保障卡")
    assert answers_found(both)[0] == simplified.question
    assert both.context["results"].all_words_count == 1  # the other has some of the words only
    assert answers_found(search(client, "电子社保卡")) == [traditional.question]


@pytest.mark.django_db
def test_a_traditional_article_reference_names_the_article(client):
    provision = make_provision(10, paragraphs=["用人单位应当缴纳社会保险费。"])
    assert provisions_found(search(client, "第十條")) == [provision.number]


# Synonyms -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_synonyms_are_seeded_from_the_file_in_the_repository():
    assert {"社会保障卡 = 社保卡", "居民身份证 = 身份证", "password = pin"} <= set(
        SynonymSet.objects.values_list("terms", flat=True)
    )
    assert synonym_map()["社会保障卡"] == ("社会保障卡", "社保卡")


@pytest.mark.django_db
def test_a_site_seeded_before_gets_the_synonyms_added_to_the_file_since():
    import importlib

    from django.apps import apps

    SynonymSet.objects.all().delete()
    SynonymSet.objects.create(terms="孩子 = 儿童 = 少儿 = 未成年人 = 小孩")  # as 0001_initial seeded it
    SynonymSet.objects.create(terms="换卡 = 换新卡")  # a publisher's set: kept, and given the missing terms
    migration = importlib.import_module("search.migrations.0003_more_synonyms")
    for _ in range(2):  # a second run changes nothing
        migration.add_synonyms(apps, None)
        assert set(SynonymSet.objects.values_list("terms", flat=True)) == {
            normalize_terms("孩子 = 儿童 = 少儿 = 未成年人 = 小孩 = 宝宝"),
            normalize_terms("换卡 = 换新卡 = 换领 = 换发"),
            normalize_terms("多久 = 多长时间"),
            normalize_terms("使用 = 用"),
        }


@pytest.mark.django_db
def test_a_site_seeded_before_gets_loss_as_a_synonym_of_lost():
    import importlib

    from django.apps import apps

    SynonymSet.objects.all().delete()
    SynonymSet.objects.create(terms="lost = missing")  # as 0001_initial seeded it
    migration = importlib.import_module("search.migrations.0004_lost_loss")
    for _ in range(2):  # a second run changes nothing
        migration.add_synonyms(apps, None)
        assert list(SynonymSet.objects.values_list("terms", flat=True)) == [normalize_terms("lost = missing = loss")]


@pytest.mark.django_db
def test_a_lost_card_finds_the_answer_on_reporting_the_loss(client):
    wanted = make_answer("How do I report the loss of my card?")
    make_answer("What if my lost wallet held my PIN?")  # lost, but no card: found only when any word will do
    assert answers_found(search(client, "lost card")) == [wanted.question]


@pytest.mark.django_db
def test_english_synonyms(client):
    wanted = make_answer("How do I reset my card password?")
    make_answer("How do I pay the premium?")
    assert answers_found(search(client, "PIN")) == [wanted.question]
    hotline = make_answer("拨打12333热线可以办理挂失吗？")
    assert answers_found(search(client, "12333")) == [hotline.question]
    assert answers_found(search(client, "reset -pin")) == [wanted.question]  # an exclusion is as written
    assert answers_found(search(client, "reset -password")) == []
    registration = make_answer("Which household registration do I need?")
    make_answer("Is the registration free?")
    assert answers_found(search(client, "hukou")) == [registration.question]  # a word for a phrase


@pytest.mark.django_db
def test_a_publisher_edits_synonyms_in_the_admin_and_the_search_follows(client):
    wanted = make_answer("医疗保障卡如何使用？")
    reader = Client()
    assert answers_found(search(reader, "医保卡")) == []
    client.force_login(make_user("publisher", "publisher"))
    add = reverse("admin:search_synonymset_add")
    response = client.post(add, {"terms": "醫保卡 =  医疗保障卡\r\n= 医保卡"})
    assert response.status_code == 302
    synonyms = SynonymSet.objects.get(terms__contains="医疗保障卡")
    assert synonyms.terms == "医保卡 = 医疗保障卡"  # folded, each term once, in order
    assert answers_found(search(reader, "医保卡")) == [wanted.question]
    assert answers_found(search(reader, "医保卡怎么用")) == [wanted.question]  # 医保卡 is cut as 医保 卡 otherwise
    change = reverse("admin:search_synonymset_change", args=[synonyms.pk])
    assert client.post(change, {"terms": "医保卡 = 医疗卡"}).status_code == 302
    assert answers_found(search(reader, "医保卡")) == []
    delete = reverse("admin:search_synonymset_delete", args=[synonyms.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not SynonymSet.objects.filter(pk=synonyms.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("社保卡", "Enter at least two different terms"),
        ("社保卡 = 社保卡", "Enter at least two different terms"),
        ("社保卡 = 社會保障卡", "Synonym set with this Terms already exists."),
        ("a = " + "b" * 41, "is too long for a term"),
        ("社保卡 = a\x00b", "control character"),
    ],
)
def test_the_admin_refuses_a_bad_synonym_set_and_says_why(client, terms, message):
    client.force_login(make_user("publisher", "publisher"))
    response = client.post(reverse("admin:search_synonymset_add"), {"terms": terms})
    assert response.status_code == 200
    assert message in text_of(response)


@pytest.mark.django_db
def test_editors_see_the_synonyms_and_may_not_change_them(client):
    synonyms = SynonymSet.objects.first()
    client.force_login(make_user("editor", "editor"))
    assert client.get(reverse("admin:search_synonymset_changelist")).status_code == 200
    assert client.post(reverse("admin:search_synonymset_add"), {"terms": "a = b"}).status_code == 403
    change = reverse("admin:search_synonymset_change", args=[synonyms.pk])
    assert client.post(change, {"terms": "a = b"}).status_code == 403
    assert SynonymSet.objects.get(pk=synonyms.pk).terms == synonyms.terms


@pytest.mark.django_db(transaction=True)
def test_a_change_of_synonyms_is_forgotten_by_the_cache_when_committed():
    from serving.pages import cache

    synonym_map()
    assert cache().get(CACHE_KEY) is not None
    SynonymSet.objects.create(terms="医保卡 = 医疗保障卡")
    assert cache().get(CACHE_KEY) is None
    assert synonym_map()["医保卡"] == ("医保卡", "医疗保障卡")


@pytest.mark.django_db
def test_a_cold_cache_costs_one_query_for_the_synonyms(client, django_assert_num_queries):
    make_corpus()
    # the synonyms, then as ever: the ids, the law articles, the page; and, as fewer than three answers have every
    # word, the ids of those with some of them
    with django_assert_num_queries(5):
        search(client, "社保卡丢了怎么办")
    with django_assert_num_queries(4):
        search(client, "社保卡丢了怎么办")


@pytest.mark.django_db
def test_synonyms_are_read_from_the_database_when_the_cache_does_not_answer(client, monkeypatch):
    from search import synonyms

    class Broken:
        def get(self, *args, **kwargs):
            raise ConnectionError("down")

    make_answer("如何补领社会保障卡？")
    monkeypatch.setattr(synonyms, "cache", lambda: Broken())
    assert answers_found(search(client, "社保卡")) == ["如何补领社会保障卡？"]


# Law articles ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_law_articles_are_found_by_words_synonyms_and_traditional_characters(client):
    article = make_provision(
        8, paragraphs=["社会保险经办机构提供社会保险服务，负责社会保险登记、个人权益记录、社会保险待遇支付等工作。"]
    )
    make_provision(9, paragraphs=["工会依法维护职工的合法权益。"])
    for query in ["经办机构", "社保经办机构 登记", "社會保險經辦機構", "待遇支付"]:
        assert provisions_found(search(client, query)) == [article.number], query


# The index in step with the content ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_index_follows_edits_and_deletes(client):
    answer = make_answer("社保卡怎么挂失？")
    assert answers_found(search(client, "挂失")) == [answer.question]
    answer.question = "电子社保卡怎么申领？"
    save_answer(answer)
    assert answers_found(search(client, "挂失")) == []
    assert answers_found(search(client, "申领")) == [answer.question]
    delete_answers([answer])
    assert answers_found(search(client, "申领")) == []
    if connection.vendor == "sqlite":  # nothing left behind in the FTS5 table
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM articles_answer_fts WHERE articles_answer_fts MATCH '申领'")
            assert cursor.fetchone() == (0,)


@pytest.mark.django_db
def test_the_stored_words_are_simplified_and_cut(client):
    answer = make_answer(
        "補辦第三代社保卡", short_answer="到人社局。", sections=[(SectionKind.GENERAL, "", "带身份证。")]
    )
    stored = Answer.objects.get(pk=answer.pk)
    assert stored.search_zh_question == "补办 第三 三代 社保 第三代 社保卡 第三代社保卡"
    assert stored.search_zh_short_answer == "到 人社局"
    assert stored.search_zh_document.startswith("带 身份 身份证")
    assert stored.search_cjk.startswith("补办 办第")


@pytest.mark.django_db
def test_the_index_covers_the_words():
    """On SQLite the FTS5 tables and their triggers (a migration that makes a table again drops its triggers:
    it must create them again); on PostgreSQL the generated vectors over the words."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%fts%'")
            names = {row[0] for row in cursor.fetchall()}
            assert names == {
                f"{table}_fts_{event}"
                for table in ("articles_answer", "legal_refs_provision")
                for event in ("insert", "update", "delete")
            }
        else:
            cursor.execute(
                "SELECT table_name, column_name, generation_expression FROM information_schema.columns"
                " WHERE column_name IN ('search_vector', 'search_question_vector')"
            )
            expressions = {(table, column): expression for table, column, expression in cursor.fetchall()}
            assert "search_zh_document" in expressions["articles_answer", "search_vector"]
            assert "search_zh_question" in expressions["articles_answer", "search_question_vector"]
            assert "search_words" in expressions["legal_refs_provision", "search_vector"]


HOSTILE_CHINESE = [
    '"社保卡',
    "社保卡 OR",
    "NEAR(社保卡 补办)",
    "社保卡*",
    "{question}: 社保卡",
    "^社保卡",
    "社保卡 AND NOT",
    "-社保卡",
    "- 社保卡 -",
    "了了了了",
    "社保卡 '",
    "社保\u200b卡",
    "'社保卡':* & !卡",
    "𠀀𠀁",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE_CHINESE)
def test_hostile_chinese_queries_give_a_normal_page(client, query):
    make_answer("社保卡丢失了怎么办？", short_answer="补办。")
    response = client.get(reverse("search:search"), {"q": query})
    assert response.status_code == 200
    assert '<form class="search" role="search"' in text_of(response)


@pytest.mark.django_db
def test_when_no_answer_has_every_word_those_with_the_most_of_them_are_listed(client, django_assert_num_queries):
    make_corpus()
    SynonymSet.objects.filter(terms__contains="忘").delete()  # 忘记 is then in no answer
    synonym_map()
    # All the words (none has 忘记), then any of them (two more queries), the page.
    with django_assert_num_queries(5):
        found = answers_found(search(client, "社保卡密码忘记"))
    assert found[0] == "社保卡密码忘了怎么办？"
    assert set(found) == {question for question, _, _ in CORPUS}  # each has 社保卡; the one with 密码 first


@pytest.mark.django_db
def test_rebuilding_the_search_words_cuts_every_answer_and_article_again(client):
    from django.core.management import call_command

    from legal_refs.models import Provision

    answer = make_answer("医保卡怎么挂失？")
    provision = make_provision(8, paragraphs=["社会保险经办机构提供社会保险服务。"])
    Answer.objects.filter(pk=answer.pk).update(search_zh_question="stale", search_cjk="")
    Provision.objects.filter(pk=provision.pk).update(search_words="", search_cjk="")
    assert answers_found(search(client, "挂失")) == []
    out = io.StringIO()
    call_command("rebuild_search_words", stdout=out)
    assert out.getvalue() == "Search words cut again: 1 answers and 1 law articles changed.\n"
    assert answers_found(search(client, "挂失")) == [answer.question]
    assert provisions_found(search(client, "经办机构")) == [8]
    call_command("rebuild_search_words", stdout=out)
    assert out.getvalue().endswith("Search words cut again: 0 answers and 0 law articles changed.\n")


@pytest.mark.django_db
def test_a_change_of_synonyms_the_cache_cannot_follow_is_refused(client, monkeypatch):
    from search import synonyms

    class Broken:
        def delete(self, *args, **kwargs):
            raise ConnectionError("down")

    client.force_login(make_user("publisher", "publisher"))
    monkeypatch.setattr(synonyms, "cache", lambda: Broken())
    response = client.post(reverse("admin:search_synonymset_add"), {"terms": "医保卡 = 医疗保障卡"})
    assert response.status_code == 503  # try again
    assert not SynonymSet.objects.filter(terms="医保卡 = 医疗保障卡").exists()  # the admin's transaction rolled back


@pytest.mark.django_db
def test_the_migrations_cut_the_stored_answers_and_articles(client):
    import importlib

    from django.apps import apps

    from legal_refs.models import Provision

    answer = make_answer("補辦社保卡要多久？")
    provision = make_provision(8, paragraphs=["社会保险经办机构提供社会保险服务。"])
    Answer.objects.update(search_zh_question="", search_zh_short_answer="", search_zh_document="", search_cjk="")
    Provision.objects.update(search_words="", search_cjk="")
    importlib.import_module("articles.migrations.0011_search_words").fill_search_words(apps, None)
    importlib.import_module("legal_refs.migrations.0005_search_words").fill_search_words(apps, None)
    assert Answer.objects.get(pk=answer.pk).search_zh_question.startswith("补办 社保 社保卡")
    # The migrations' frozen copies cut as the application does.
    from textkit.chinese import index_words

    text = "到社保经办机构補辦第三代社保卡，激活金融功能，或拨打12333热线（App办理）。"
    for name in ("articles.migrations.0011_search_words", "legal_refs.migrations.0005_search_words"):
        fold, frozen_index_words, _ = importlib.import_module(name).chinese_tools()
        assert frozen_index_words(text) == index_words(text)
    assert answers_found(search(client, "补办")) == [answer.question]
    assert provisions_found(search(client, "经办机构")) == [provision.number]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_answers_in_the_readers_language_come_first(language):
    from django.utils import translation

    from articles.models import Language
    from search.results import search as find

    english = make_answer("Can I call 12333 about my card?", language=Language.EN)
    chinese = make_answer("拨打12333热线可以办理挂失吗？", language=Language.ZH_HANS)
    with translation.override(language):
        found = [answer.pk for answer in find("12333").page.object_list]
    assert found == ([chinese.pk, english.pk] if language == "zh-hans" else [english.pk, chinese.pk])


@pytest.mark.django_db
def test_a_sentence_found_by_some_of_its_words_says_so_once(client):
    make_corpus()
    html = search(client, "挂失打12333还是95588").text
    assert "No answer contains all the words of" in html
    assert "showing results for" not in html  # not the same query named twice as a correction
    assert "No answer contains all the words of" not in search(client, "挂失").text


@pytest.mark.django_db
def test_when_few_answers_have_every_word_those_with_some_of_them_follow_marked(client):
    make_corpus()
    # Only the lost-card answer has both 挂失 and 补办; others have one of them.
    make_answer("挂失的社保卡找到了怎么办？", short_answer="到网点解除挂失即可。", sections=[])
    page = search(client, "挂失 补办")
    found = answers_found(page)
    assert found[0] == LOST and "挂失的社保卡找到了怎么办？" in found
    html = page.content.decode()
    assert "Only 1 answer contains all the words of “挂失 补办”" in html
    assert html.count("some of the words") == len(found) - 1


@pytest.mark.django_db
def test_when_enough_answers_have_every_word_none_with_only_some_follow(client):
    make_corpus()
    for n in range(3):
        make_answer(f"社保卡挂失补办第{n}问？", short_answer="挂失后补办。", sections=[])
    page = search(client, "挂失 补办")
    assert "挂失的社保卡找到了怎么办？" not in answers_found(page)
    assert "some of the words" not in page.content.decode()


def test_money_words_are_kept_whole():
    from textkit import chinese

    assert "取钱" in chinese.query_words("社保卡能取钱吗")
