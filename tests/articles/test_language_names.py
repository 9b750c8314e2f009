"""An answer's language is named in the page's language (英文 on the Chinese site, Simplified Chinese on the English
one) wherever a sentence or a label names it; an answer shown on the other language's site keeps the reader there,
and its question, in the breadcrumbs too, carries its own `lang`."""

import re

import pytest

from articles.models import Language
from articles.services import link_translations
from tests.factories import make_answer, make_topic


@pytest.fixture
def answers(db):
    topic = make_topic("Cards")
    chinese = make_answer("社保卡丢了怎么办？", topic=topic, language=Language.ZH_HANS)
    english = make_answer("What if I lose my card?", topic=topic, language=Language.EN)
    link_translations(chinese, english)
    only_english = make_answer("Can a child have a card?", topic=topic, language=Language.EN)
    return chinese, english, only_english


def notice(html):
    return re.search(r'<p class="language-notice">(.*?)</p>', html).group(1)


def test_an_answer_shown_on_the_other_site_names_its_language_in_the_pages_language(client, answers):
    _, _, only_english = answers
    html = client.get(only_english.url_in("zh-hans")).text
    assert "英文" in notice(html) and "English" not in notice(html)
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    current = f'<a href="{only_english.url_in("zh-hans")}" aria-current="page" lang="en">Can a child have a card?</a>'
    assert current in crumbs  # the page being read, its question marked as English


def test_an_answers_translation_is_named_in_the_pages_language(client, answers):
    chinese, english, _ = answers
    assert "另有英文版本：" in client.get(chinese.get_absolute_url()).text
    assert "Also in Simplified Chinese:" in client.get(english.get_absolute_url()).text


def test_a_list_labels_an_answer_in_the_other_language_in_the_pages_language(client, answers):
    _, _, only_english = answers
    html = client.get("/zh-hans/topics/cards/").text
    assert f'<a href="{only_english.url_in("zh-hans")}" lang="en">Can a child have a card?</a>' in html
    assert '<span class="language-label">英文</span>' in html


def test_search_results_keep_the_reader_on_their_site_and_label_other_languages_in_theirs(client, answers):
    _, _, only_english = answers
    html = client.get("/zh-hans/search/", {"q": "child card"}).text
    [result] = re.findall(r'<li class="search-result search-result-answer">.*?</li>', html, re.S)
    assert '<span class="language-label">英文</span>' in result
    assert f'<a href="{only_english.url_in("zh-hans")}" lang="en">' in result  # as the lists link it


def test_the_official_text_line_has_no_space_after_a_chinese_full_stop(client, db):
    from legal_refs.models import Law
    from tests.factories import make_provision

    four = make_provision(4)
    chinese = make_answer("社保卡是什么？", language=Language.ZH_HANS, cites=[four])
    english = make_answer("What is the card?", language=Language.EN, cites=[four])
    assert Law.objects.exists()
    assert re.search(r"现行官方中文文本。<a ", client.get(chinese.get_absolute_url()).text)
    assert re.search(r"as in force today\. <a ", client.get(english.get_absolute_url()).text)
