"""The law and law-article pages, and their links back to the answers citing them."""

import pytest

from articles.models import Answer, Status
from legal_refs.models import Provision
from tests.content import FIRST_CLASS_CARD, UPGRADE_HALFWAY
from tests.factories import make_answer, make_law, make_provision
from tests.site_helpers import json_ld, links, page_of

pytestmark = pytest.mark.django_db

LAW = "/laws/social-insurance-law/"


def article_url(number):
    return f"{LAW}articles/{number}/"


# --------------------------------------------------------------------- law


def test_law_page_shows_title_dates_and_held_articles_by_chapter_with_counts(client, imported):
    response = client.get(LAW)
    assert response.status_code == 200
    html = response.text
    assert page_of(html, "h1") == ["Social Insurance Law of the People's Republic of China"]
    assert page_of(html, "dt") == ["Adopted", "Promulgated", "In force since", "Last amended"]
    assert '<time datetime="2010-10-28">' in html
    assert '<time datetime="2011-07-01">' in html
    assert '<time datetime="2018-12-29">' in html
    assert page_of(html, "h3") == ["Chapter I General Provisions", "Chapter II Basic Pension Insurance"]
    articles = page_of(html, "ul li")
    assert "Article 4 cited by 2 answers" in articles
    assert "Article 5 cited by 1 answer" in articles
    assert "Article 10 cited by 1 answer" in articles
    assert [href for href in links(html) if "/articles/" in href] == [article_url(n) for n in (4, 5, 10)]


def test_law_page_counts_published_answers_only(client, db):
    provision = make_provision(4)
    make_answer(cites=[provision])
    make_answer(cites=[provision], status=Status.DRAFT)
    assert "cited by 1 answer" in client.get(provision.law.get_absolute_url()).text


def test_unknown_law_is_404(client, db):
    assert client.get("/laws/no-such-law/").status_code == 404
    assert client.get("/laws/no-such-law/articles/4/").status_code == 404


@pytest.mark.parametrize("articles", [1, 30])
def test_law_page_runs_three_queries(client, django_assert_num_queries, articles):
    for _ in range(articles):
        make_answer(cites=[make_provision(), make_provision()])
    url = make_law().get_absolute_url()
    # the law, its articles with chapters, the cited-by counts
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.text.count("cited by 1 answer") == 2 * articles


# --------------------------------------------------------------------- article


@pytest.mark.parametrize(
    "number, citing",
    [(4, [UPGRADE_HALFWAY, FIRST_CLASS_CARD]), (5, [FIRST_CLASS_CARD]), (10, [UPGRADE_HALFWAY])],
)
def test_article_page_links_back_to_the_answers_citing_it(client, imported, number, citing):
    html = client.get(article_url(number)).text
    section = html[html.index('id="citing"') : html.index("</section>", html.index('id="citing"'))]
    assert page_of(section, "li a") == sorted(citing)
    assert set(links(section)) == {Answer.objects.get(question=q).get_absolute_url() for q in citing}


def test_article_page_shows_heading_text_anchors_and_neighbours(client, imported):
    html = client.get(article_url(5)).text
    assert page_of(html, "h1") == ["Social Insurance Law — Article 5"]
    assert (
        '<a href="/laws/social-insurance-law/">Social Insurance Law of the People&#x27;s Republic of China</a>' in html
    )
    assert "Chapter I General Provisions" in html
    provision = Provision.objects.get(number=5)
    for k, paragraph in enumerate(provision.paragraphs, start=1):
        assert f'<p id="paragraph-{k}">' in html
        assert paragraph in html.replace("&#x27;", "'")
    assert 'rel="prev" href="/laws/social-insurance-law/articles/4/"' in html
    assert 'rel="next" href="/laws/social-insurance-law/articles/10/"' in html


def test_first_and_last_held_articles_have_one_neighbour(client, imported):
    first, last = client.get(article_url(4)).text, client.get(article_url(10)).text
    assert 'rel="prev"' not in first and 'rel="next" href="/laws/social-insurance-law/articles/5/"' in first
    assert 'rel="next"' not in last and 'rel="prev" href="/laws/social-insurance-law/articles/5/"' in last


def test_article_page_structured_data(client, imported):
    legislation, breadcrumbs = json_ld(client.get(article_url(4)).text)
    assert legislation["@type"] == "Legislation"
    assert legislation["isPartOf"]["name"] == "Social Insurance Law of the People's Republic of China"
    assert legislation["text"].startswith("Employers and individuals")
    assert [item["name"] for item in breadcrumbs["itemListElement"]] == ["Home", "Social Insurance Law", "Article 4"]


def test_article_not_held_is_a_404_linking_to_the_law(client, imported):
    response = client.get(article_url(7))
    assert response.status_code == 404
    assert "does not hold Article 7" in response.text
    assert LAW in links(response.text)


def test_article_uncited_says_so(client, db):
    provision = make_provision(4)
    assert "No published answer cites this article yet." in client.get(provision.get_absolute_url()).text


@pytest.mark.parametrize("citing", [1, 30])
def test_article_page_runs_four_queries(client, django_assert_num_queries, citing):
    provisions = [make_provision(n) for n in (3, 4, 5)]
    for _ in range(citing):
        make_answer(cites=provisions)
    # the article with law and chapter, previous, next, the answers citing it
    with django_assert_num_queries(4):
        response = client.get(provisions[1].get_absolute_url())
    assert response.text.count('href="/questions/') == citing


def test_missing_article_page_runs_two_queries(client, django_assert_num_queries):
    url = f"{make_law().get_absolute_url()}articles/99/"
    # the article (not found), the law
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 404
