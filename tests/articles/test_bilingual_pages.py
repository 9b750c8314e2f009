"""Content in two languages on the reader's pages: an answer at its language's address, sent to its translation or
shown with a notice on the other language's site; lists in the page's language first; topics, citations, law
names, article texts and dates the way each language writes them."""

import datetime

import pytest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from articles.models import Answer, Language, Status
from articles.services import link_translations
from legal_refs.models import Law, Translation
from legal_refs.services import save_translation
from tests.content import LAW_SLUG
from tests.factories import make_answer, make_staff, make_topic
from tests.site_helpers import links, page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic():
    topic = make_topic("Losing a card")
    topic.title_zh = "挂失补办"
    topic.save()
    return topic


@pytest.fixture
def pair(topic, social_insurance_law):
    """A Chinese answer citing article 4 paragraph 2, and its English translation."""
    four = social_insurance_law.provisions.get(number=4)
    chinese = make_answer("社保卡丢了怎么办？", topic=topic, language=Language.ZH_HANS, cites=[(four, 2)])
    english = make_answer("What do I do if I lose my card?", topic=topic, language=Language.EN, cites=[(four, 2)])
    link_translations(chinese, english)
    return Answer.objects.get(pk=chinese.pk), Answer.objects.get(pk=english.pk)


def test_an_answer_is_at_its_languages_address(pair):
    chinese, english = pair
    assert chinese.get_absolute_url().startswith("/zh-hans/questions/")
    assert english.get_absolute_url().startswith("/en/questions/")


def test_at_the_other_prefix_an_answer_leads_to_its_translation(client, pair):
    chinese, english = pair
    response = client.get(english.url_in("zh-hans"))
    assert (response.status_code, response["Location"]) == (302, chinese.get_absolute_url())
    response = client.get(chinese.url_in("en"))
    assert (response.status_code, response["Location"]) == (302, english.get_absolute_url())
    assert not response.cookies


def test_a_draft_translation_is_not_where_readers_are_sent(client, pair):
    chinese, english = pair
    Answer.objects.filter(pk=chinese.pk).update(status=Status.DRAFT)
    response = client.get(english.url_in("zh-hans"))
    assert response.status_code == 200 and 'class="language-notice"' in response.text


def test_an_answer_without_translation_is_shown_in_the_other_interface_with_a_notice(client, topic):
    english = make_answer("Can a child have a card?", topic=topic, language=Language.EN, sections=[])
    response = client.get(english.url_in("zh-hans"))
    assert response.status_code == 200
    html = response.text
    assert '<html lang="zh-Hans">' in html
    assert 'class="language-notice"' in html and english.get_absolute_url() in links(html)
    assert '<h1 id="question" lang="en">Can a child have a card?</h1>' in html
    assert f'<link rel="canonical" href="http://testserver{english.get_absolute_url()}">' in html
    # on its own site, no notice and no lang attribute of its own
    own = client.get(english.get_absolute_url()).text
    assert 'class="language-notice"' not in own and '<h1 id="question">Can a child have a card?</h1>' in own


def test_a_page_with_a_translation_offers_it(client, pair):
    chinese, english = pair
    html = client.get(english.get_absolute_url()).text
    offer = html[html.index('class="meta translation-link"') :]
    assert links(offer)[0] == chinese.get_absolute_url()
    assert chinese.question in offer[: offer.index("</p>")]


def answer_list(html):
    """The questions of the page's first list of answers."""
    start = html.index('<ul class="answer-list">')
    return page_of(html[start : html.index("</ul>", start)], "a")


def test_lists_show_the_pages_language_first_and_label_the_others(client, pair, topic):
    chinese, english = pair
    only_english = make_answer("Can a child have a card?", topic=topic, language=Language.EN)
    for url in ("/zh-hans/", topic.get_absolute_url().replace("/en/", "/zh-hans/")):
        html = client.get(url).text
        listed = answer_list(html)
        assert listed == [chinese.question, only_english.question], url  # the translated English one is left out
        assert f'<a href="{only_english.url_in("zh-hans")}" lang="en">' in html, url
        assert '<span class="language-label">英文</span>' in html, url
    html = client.get(topic.get_absolute_url()).text
    assert answer_list(html) == [only_english.question, english.question]
    assert 'class="language-label"' not in html


def test_topics_are_named_in_the_pages_language(client, pair, topic):
    assert page_of(client.get("/zh-hans/").text, "h2 a")[0] == "挂失补办"
    assert page_of(client.get("/en/").text, "h2 a")[0] == "Losing a card"
    assert page_of(client.get(topic.get_absolute_url().replace("/en/", "/zh-hans/")).text, "h1") == ["挂失补办"]


def test_citations_read_the_chinese_way_on_the_chinese_site(client, pair):
    chinese, english = pair
    html = client.get(chinese.get_absolute_url()).text
    assert page_of(html, "h3 a") == ["《中华人民共和国社会保险法》第四条第二款"]
    assert page_of(client.get(english.get_absolute_url()).text, "h3 a") == ["Social Insurance Law, Article 4"]


def law_page(client, language, number=4):
    return client.get(f"/{language}/laws/{LAW_SLUG}/articles/{number}/").text


def test_law_articles_show_the_official_text_first_in_chinese_and_the_english_translation_first_in_english(
    client, social_insurance_law
):
    four = social_insurance_law.provisions.get(number=4)
    save_translation(Translation(provision=four, paragraphs=["Employers pay.", "Individuals enjoy."]))
    chinese, english = law_page(client, "zh-hans"), law_page(client, "en")
    assert chinese.index('id="official-text"') < chinese.index('id="translations"')
    assert english.index('id="translations"') < english.index('id="official-text"')
    assert "Unofficial" in english[english.index('id="translations"') : english.index('id="official-text"')]
    assert page_of(chinese, "h1") == ["《中华人民共和国社会保险法》第四条"]
    # Without an English translation the English site shows the official text first too.
    english = law_page(client, "en", 5)
    assert 'id="translations"' not in english and 'id="official-text"' in english


def test_laws_are_named_in_the_pages_language(client, social_insurance_law):
    law = Law.objects.get(slug=LAW_SLUG)
    assert page_of(client.get("/zh-hans/laws/").text, "h2 a") == [law.title_zh]
    assert page_of(client.get("/en/laws/").text, "h2 a") == [law.title]
    assert page_of(client.get(f"/zh-hans/laws/{LAW_SLUG}/").text, "h1") == [law.title_zh]


def test_dates_read_the_way_each_language_writes_them(client, pair):
    chinese, english = pair
    moment = timezone.make_aware(datetime.datetime(2026, 11, 27, 9, 30))
    Answer.objects.filter(pk__in=[chinese.pk, english.pk]).update(updated_at=moment)
    assert "2026年11月27日" in client.get(chinese.get_absolute_url()).text
    assert "Nov. 27, 2026" in client.get(english.get_absolute_url()).text


# --------------------------------------------------------------------- the same queries in both languages


def page_types(pair, topic, language):
    """The path of each page type under `language`'s prefix."""
    answer, other = pair if language == "zh-hans" else pair[::-1]
    article = f"laws/{LAW_SLUG}/articles/4/"
    return {
        "home": "",
        "topic": f"topics/{topic.slug}/",
        "answer": f"questions/{answer.slug}/",
        "answer in the other language": f"questions/{other.slug}/",
        "laws": "laws/",
        "law": f"laws/{LAW_SLUG}/",
        "article": article,
        "wording on a date": f"{article}versions/2012-01-01/",
        "comparison": f"{article}compare/2011-07-01/2019-01-01/",
        "search": "search/?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1" if language == "zh-hans" else "search/?q=card",  # finds it
        "feed": "feed/",
        "sitemap": "sitemap.xml",
    }


def queries(client, url):
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code in (200, 302), url
    return len(captured)


# The queries of each page built (nothing cached), the same in either language but for one: "answer" is the
# answer in the page's language, "answer in the other language" its translation's address there (a redirect to
# it, after reading the answer and nothing of its content: one query). A built answer page reads the cited
# articles' wordings and, on the English site only, their English translations (the Chinese site shows the
# official text): 7 queries in Chinese, 8 in English.
EXPECTED_QUERIES = {
    "home": 5,
    "topic": 4,
    "answer": {"zh-hans": 7, "en": 8},
    "answer in the other language": 1,
    "laws": 2,
    "law": 5,
    "article": 7,
    "wording on a date": 3,
    "comparison": 3,
    "search": 4,  # with the synonym sets read into the cache (search.synonyms), which `queries` empties
    "feed": 4,
    "sitemap": 6,
}


def expected(n):
    return n if isinstance(n, dict) else {"zh-hans": n, "en": n}


def test_every_page_type_runs_the_same_queries_in_both_languages(client, pair, topic):
    paths = {language: page_types(pair, topic, language) for language in ("zh-hans", "en")}
    counts = {
        page_type: {language: queries(client, f"/{language}/{paths[language][page_type]}") for language in paths}
        for page_type in EXPECTED_QUERIES
    }
    assert counts == {page_type: expected(n) for page_type, n in EXPECTED_QUERIES.items()}


def test_an_answer_page_with_its_blocks_cached_runs_the_same_queries_in_both_languages(client, pair):
    """Once its blocks are cached (serving.fragments), a page the page cache does not hold reads the answer with
    its topic and translation, and nothing of its content: one query in either language."""
    from django.core.cache import cache
    from django.db import connection

    counts = {}
    for answer in pair:
        cache.clear()
        client.get(answer.get_absolute_url())
        with CaptureQueriesContext(connection) as captured:
            assert client.get(answer.get_absolute_url() + "?utm_source=feed").status_code == 200
        counts[answer.language] = len(captured)
    assert counts == {"zh-hans": 1, "en": 1}


def test_an_answer_without_translation_runs_the_queries_of_the_interface_it_is_shown_in(
    client, topic, social_insurance_law
):
    four = social_insurance_law.provisions.get(number=4)
    english = make_answer("Can a child have a card?", topic=topic, language=Language.EN, cites=[four])
    assert queries(client, english.get_absolute_url()) == 8
    assert queries(client, english.url_in("zh-hans")) == 7  # the official text: no translation read


def test_staff_preview_of_a_draft_in_the_other_interface(client, topic):
    draft = make_answer("A draft?", topic=topic, language=Language.EN, status=Status.DRAFT)
    assert client.get(draft.url_in("zh-hans")).status_code == 404
    client.force_login(make_staff())
    with translation.override("zh-hans"):
        response = client.get(draft.url_in("zh-hans"))
    assert response.status_code == 200 and 'class="draft-banner"' in response.text


def test_an_article_page_lists_the_answers_of_its_site(client, pair):
    chinese, english = pair
    for language, shown in (("zh-hans", chinese), ("en", english)):
        html = law_page(client, language)
        citing = html[html.index('id="citing"') :]
        assert shown.get_absolute_url() in links(citing), language
        assert pair[0 if shown is pair[1] else 1].question not in citing, language


def test_related_answers_are_those_of_the_pages_site(client, pair, topic, social_insurance_law):
    chinese, english = pair
    only_english = make_answer(
        "Can a child have a card?",
        topic=topic,
        language=Language.EN,
        cites=[social_insurance_law.provisions.get(number=4)],
    )
    html = client.get(chinese.get_absolute_url()).text
    start = html.index('id="related"')
    related = html[start : html.index("</aside>", start)]
    assert page_of(related, "li a") == [only_english.question]  # not the English translation of the page
    assert '<span class="language-label">英文</span>' in related


def test_an_answers_text_links_the_law_on_its_own_languages_site(topic, social_insurance_law):
    body = "见 [[social-insurance-law 4(2)]]。"
    chinese = make_answer(
        "社保卡丢了怎么办？", topic=topic, language=Language.ZH_HANS, sections=[("general", "", body)]
    )
    english = make_answer("Lost card?", topic=topic, language=Language.EN, sections=[("general", "", body)])
    assert 'href="/zh-hans/laws/social-insurance-law/articles/4/#paragraph-2"' in chinese.sections.get().body_html
    assert 'href="/en/laws/social-insurance-law/articles/4/#paragraph-2"' in english.sections.get().body_html


def test_home_shows_the_topics_with_answers_in_its_language_first(client, pair):
    chinese, english = pair
    other = make_topic("Applying for a card")  # sorts first by title, and has English answers only
    make_answer("How do I apply?", topic=other, language=Language.EN)
    assert page_of(client.get("/zh-hans/").text, "h2 a")[:2] == ["挂失补办", "Applying for a card"]
    assert page_of(client.get("/en/").text, "h2 a")[:2] == ["Applying for a card", "Losing a card"]


def test_the_redirect_to_a_translation_is_public_and_does_not_vary_on_the_cookie(client, pair):
    chinese, english = pair
    response = client.get(english.url_in("zh-hans"))
    assert response.status_code == 302 and response["Location"] == chinese.get_absolute_url()
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert response["Cache-Control"] == "public, max-age=60"
    assert not response.cookies
