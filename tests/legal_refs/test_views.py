"""The law pages: the instruments held, a law's table of contents, an article, its wording on a date, a
comparison of two wordings; and their links back to the answers citing an article."""

import datetime
import re

import pytest
from django.utils import timezone

from articles.models import Status
from legal_refs.models import Provision, ProvisionVersion, Translation
from legal_refs.pages import chinese_citation, english_citation
from legal_refs.services import amend, correct, save_translation
from tests.content import LAW_SLUG
from tests.factories import make_answer, make_law, make_provision, make_user
from tests.site_helpers import json_ld, links, page_of

pytestmark = pytest.mark.django_db

LAWS = "/en/laws/"
LAW = f"/en/laws/{LAW_SLUG}/"
BEIJING = "/en/laws/beijing-social-security-card-provisions/"
REGULATION = "/en/laws/social-insurance-handling-regulation/"


def article_url(number, law=LAW):
    return f"{law}articles/{number}/"


def article(number, slug=LAW_SLUG):
    return Provision.objects.get(law__slug=slug, number=number)


def between(html, start, end):
    """The part of `html` from the first `start` to the next `end`."""
    first = html.index(start)
    return html[first : html.index(end, first)]


def translate(provision, paragraphs, *, source_title="", translator=None, is_default=False):
    translation = Translation(
        provision=provision,
        paragraphs=paragraphs,
        source_title=source_title,
        translator=translator,
        is_default=is_default,
    )
    return save_translation(translation)


# --------------------------------------------------------------------- the list of instruments


def test_law_list_shows_each_instrument_with_kind_body_dates_status_and_article_count(client, law_corpus):
    html = client.get(LAWS).text
    assert page_of(html, "h1") == ["Laws and regulations"]
    assert page_of(html, "h2") == [
        "Social Insurance Law of the People's Republic of China",
        "Regulation on the Handling of Social Insurance",
        "Beijing Provisions on Promoting the Beijing-Tianjin-Hebei One-Card Social Security Card",
    ]  # a law, an administrative regulation, a local regulation
    assert [href for href in links(html) if href.startswith(LAWS) and href != LAWS] == [LAW, REGULATION, BEIJING]
    assert '<p class="title-zh" lang="zh-Hans">社会保险经办条例</p>' in html
    law, regulation, beijing = (
        between(html, f'id="law-{slug}"', "</dl>") for slug in (LAW_SLUG, REGULATION[9:-1], BEIJING[9:-1])
    )
    assert page_of(law, "dt") == ["Kind", "Issued by", "Adopted", "Took effect", "Last amended", "Status", "Articles"]
    assert page_of(law, "dd") == [
        "Law",
        "Standing Committee of the National People's Congress",
        "Oct. 28, 2010",
        "July 1, 2011",
        "Dec. 29, 2018",
        "In force",
        "98 articles",
    ]
    assert page_of(regulation, "dt")[2] == "Published"
    assert page_of(regulation, "dd")[:3] == ["Administrative regulation", "State Council", "Aug. 16, 2023"]
    assert page_of(regulation, "dd")[-1] == "63 articles"
    assert "On publication (Sept. 27, 2024)" in page_of(beijing, "dd")
    assert page_of(beijing, "dd")[-2:] == ["In force", "26 articles"]


def test_law_list_says_when_an_instrument_is_not_in_force(client, db):
    make_law(title="An Old Law", in_force=False)
    assert "Not in force" in page_of(client.get(LAWS).text, "dd")


def test_law_list_is_linked_from_every_page_and_its_breadcrumbs(client, social_insurance_law):
    for url in ["/en/", LAWS, LAW, article_url(4)]:
        footer = between(client.get(url).text, '<footer class="site-footer">', "</footer>")
        assert LAWS in links(footer), url
    nav = between(client.get(article_url(4)).text, 'class="breadcrumbs"', "</nav>")
    assert page_of(nav, "a") == ["Home", "Laws", "Social Insurance Law", "Article 4"]
    assert links(nav) == ["/en/", LAWS, LAW, article_url(4)]


def test_law_list_runs_one_query(client, law_corpus, django_assert_num_queries):
    # the laws; the next date a wording takes effect (the expiry of the pages' cache, once per content change)
    with django_assert_num_queries(2):
        assert client.get(LAWS).status_code == 200


# --------------------------------------------------------------------- a law's table of contents


def test_law_page_shows_titles_facts_and_every_article_by_chapter(client, social_insurance_law):
    html = client.get(LAW).text
    assert page_of(html, "h1") == ["Social Insurance Law of the People's Republic of China"]
    assert '<p class="title-zh" lang="zh-Hans">中华人民共和国社会保险法</p>' in html
    assert page_of(html, "dt") == [
        "Kind", "Issued by", "Adopted", "Promulgated", "Took effect", "Last amended", "Status", "Articles",
    ]  # fmt: skip
    chapters = page_of(html, "section h2")
    assert len(chapters) == 12
    assert chapters[0] == "Chapter I General Provisions 第一章 总则"
    assert chapters[11] == "Chapter XII Supplementary Provisions 第十二章 附则"
    assert '<span class="title-zh" lang="zh-Hans">第七章 社会保险费征缴</span>' in html
    assert [href for href in links(html) if "/articles/" in href] == [article_url(n) for n in range(1, 99)]
    seventh = between(html, 'id="chapter-7"', "</section>")
    assert [href for href in links(seventh)] == [article_url(n) for n in range(57, 64)]
    contents = between(html, 'class="contents"', "</nav>")
    assert links(contents) == [f"#chapter-{n}" for n in range(1, 13)]


def test_law_page_gives_each_article_its_opening_words_in_force(client, social_insurance_law):
    openings = re.findall(r'<span class="opening" lang="zh-Hans">([^<]*)</span>', client.get(LAW).text)
    assert len(openings) == 98
    # Article 66 as amended in 2018 (the 2010 wording goes on "社会保险基金预算…"), cut at 40 characters.
    assert openings[65] == "社会保险基金按照统筹层次设立预算。除基本医疗保险基金与生育保险基金预算合并编制…"
    assert len(openings[65]) == 40
    assert openings[64] == "社会保险基金通过预算实现收支平衡。"  # article 65, short: whole
    # An article whose first paragraph has items: the paragraph's own words, not its items.
    assert openings[29] == "下列医疗费用不纳入基本医疗保险基金支付范围:"


def test_law_page_of_an_instrument_without_chapters_lists_its_articles(client, law_corpus):
    html = client.get(BEIJING).text
    assert page_of(html, "h2") == ["Articles"]
    assert 'class="contents"' not in html
    assert [href for href in links(html) if "/articles/" in href] == [article_url(n, BEIJING) for n in range(1, 27)]


def test_law_page_counts_the_published_answers_citing_each_article(client, social_insurance_law):
    make_answer(cites=[article(4), article(10)])
    make_answer(cites=[article(4)])
    make_answer(cites=[article(5)], status=Status.DRAFT)
    html = client.get(LAW).text
    assert re.findall(r'<span class="meta cited-by">([^<]*)</span>', html) == [
        "cited by 2 answers",
        "cited by 1 answer",
    ]
    assert "cited by 2 answers" in between(html, f'href="{article_url(4)}"', "</li>")
    assert "cited by 1 answer" in between(html, f'href="{article_url(10)}"', "</li>")
    assert "cited by" not in between(html, f'href="{article_url(5)}"', "</li>")


def test_law_page_structured_data_is_the_instrument(client, social_insurance_law):
    legislation, breadcrumbs = json_ld(client.get(LAW).text)
    assert legislation == {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": "Social Insurance Law of the People's Republic of China",
        "alternateName": ["中华人民共和国社会保险法", "Social Insurance Law"],
        "url": f"http://testserver{LAW}",
        "legislationIdentifier": LAW_SLUG,
        "legislationType": "Law",
        "legislationJurisdiction": "CN",
        "legislationLegalForce": "https://schema.org/InForce",
        "inLanguage": "zh-Hans",
        "legislationPassedBy": {
            "@type": "Organization",
            "name": "Standing Committee of the National People's Congress",
        },
        "legislationDate": "2010-10-28",
        "legislationDateVersion": "2018-12-29",
    }
    assert [item["name"] for item in breadcrumbs["itemListElement"]] == ["Home", "Laws", "Social Insurance Law"]


def test_on_the_chinese_site_the_structured_data_names_the_law_and_article_in_chinese(client, social_insurance_law):
    legislation, _ = json_ld(client.get(LAW.replace("/en/", "/zh-hans/", 1)).text)
    assert legislation["name"] == "中华人民共和国社会保险法"
    assert legislation["alternateName"] == [
        "Social Insurance Law of the People's Republic of China",
        "Social Insurance Law",
    ]
    assert legislation["legislationPassedBy"]["name"] == "全国人民代表大会常务委员会"
    article, _ = json_ld(client.get(article_url(57).replace("/en/", "/zh-hans/", 1)).text)
    assert article["name"] == "《中华人民共和国社会保险法》第五十七条"
    assert article["alternateName"] == "Social Insurance Law, Article 57"
    assert article["isPartOf"]["name"] == "中华人民共和国社会保险法"


def test_an_article_of_a_law_without_chinese_title_is_named_as_its_page_cites_it(client, db):
    provision = make_provision(3)
    provision.law.title_zh, provision.law.short_title = "", "Short title"
    provision.law.save()
    html = client.get(provision.get_absolute_url().replace("/en/", "/zh-hans/", 1)).text
    article, _ = json_ld(html)
    assert article["name"] == chinese_citation(provision)
    assert article["alternateName"] == english_citation(provision)


def test_unknown_law_is_404(client, db):
    assert client.get("/en/laws/no-such-law/").status_code == 404
    assert client.get("/en/laws/no-such-law/articles/4/").status_code == 404


def test_law_page_runs_four_queries_whatever_the_number_of_articles(client, law_corpus, django_assert_num_queries):
    make_answer(cites=[article(4), article(5, "beijing-social-security-card-provisions")])
    # the law; its articles with chapters; their versions; the cited-by counts; and, for the first page built
    # since the content changed, the next date a wording takes effect (the expiry of the pages' cache)
    for url, articles, first in [(BEIJING, 26, 1), (LAW, 98, 0)]:
        with django_assert_num_queries(4 + first):
            response = client.get(url)
        assert response.text.count('class="opening"') == articles
        assert response.text.count("cited by 1 answer") == 1


# --------------------------------------------------------------------- an article


def test_article_page_shows_the_official_text_in_force_with_paragraph_anchors(client, social_insurance_law):
    html = client.get(article_url(57)).text
    assert page_of(html, "h1") == ["Social Insurance Law — Article 57"]
    assert f'<a href="{LAW}">Social Insurance Law of the People&#x27;s Republic of China</a>' in html
    assert "Chapter VII Collection and Payment of Social Insurance Premiums" in html
    official = between(html, 'id="official-text"', "</section>")
    for k in (1, 2, 3):
        assert f'<div class="paragraph" id="paragraph-{k}">' in official
        assert f'href="#paragraph-{k}" aria-label="Paragraph {k}"' in official
    assert '<span lang="zh-Hans">市场监督管理部门、民政部门' in official
    assert "工商行政" not in html


def test_article_page_gives_items_their_own_anchors(client, social_insurance_law):
    html = client.get(article_url(30)).text
    items = between(html, '<ul class="items" lang="zh-Hans">', "</ul>")
    assert page_of(items, "li") == [
        "（一）应当从工伤保险基金中支付的；",
        "（二）应当由第三人负担的；",
        "（三）应当由公共卫生负担的；",
        "（四）在境外就医的。",
    ]
    for m in range(1, 5):
        assert f'<li id="paragraph-1-item-{m}">' in items
    assert '<div class="paragraph" id="paragraph-2">' in html


def test_article_page_shows_translations_default_first_each_unofficial_with_its_origin(client, social_insurance_law):
    provision = article(4)
    translate(provision, ["Employers and individuals <b>pay</b>."], source_title="A quoting source")
    translate(provision, ["An editor's translation."], translator=make_user("translator"), is_default=True)
    html = client.get(article_url(4)).text
    assert page_of(html, "figcaption") == [
        "Unofficial English translation, by an editor (shown by default)",
        "Unofficial English translation, quoted in the source text “A quoting source”",
    ]
    assert page_of(html, "figure div p") == ["An editor's translation.", "Employers and individuals <b>pay</b>."]
    assert "&lt;b&gt;pay&lt;/b&gt;" in html
    assert '<div lang="en">' in html


def test_article_page_links_plain_neighbours_by_number(client, social_insurance_law):
    middle, first, last = (client.get(article_url(n)).text for n in (57, 1, 98))
    assert f'rel="prev" href="{article_url(56)}"' in middle and f'rel="next" href="{article_url(58)}"' in middle
    assert 'rel="prev"' not in first and f'rel="next" href="{article_url(2)}"' in first
    assert 'rel="next"' not in last and f'rel="prev" href="{article_url(97)}"' in last


def test_article_page_lists_its_versions_with_their_pages_and_the_changes(client, social_insurance_law):
    html = client.get(article_url(57)).text
    line = between(html, 'class="meta versions-line"', "</p>")
    assert page_of(line, "a") == [
        "in force since 2018-12-29",
        "earlier wording 2011-07-01 to 2018-12-28",
        "what changed",
    ]
    assert links(line) == [
        f"{article_url(57)}versions/2018-12-29/",
        f"{article_url(57)}versions/2011-07-01/",
        f"{article_url(57)}compare/2011-07-01/2018-12-29/",
    ]
    history = between(html, 'class="history-list"', "</ol>")
    assert page_of(history, "li")[0] == "2011-07-01 Took effect (until 2018-12-28)"
    assert page_of(history, "li")[1].startswith("2018-12-29 Amended by 全国人民代表大会常务委员会关于修改")
    assert f"{article_url(57)}compare/2011-07-01/2018-12-29/" in links(history)
    unamended = between(client.get(article_url(58)).text, 'class="meta versions-line"', "</p>")
    assert page_of(unamended, "a") == ["in force since 2011-07-01"]


def test_article_page_history_lists_corrections_with_date_and_note(client, social_insurance_law):
    version = article(64).versions.get(effective_from=datetime.date(2018, 12, 29))
    fixed = [*version.paragraphs[:2], version.paragraphs[2].replace(",", "，")]
    correct(version, fixed, "ASCII comma made full-width")
    html = client.get(article_url(64)).text
    history = page_of(between(html, 'class="history-list"', "</ol>"), "li")
    today = timezone.localdate().isoformat()
    assert history[-1] == f"{today} Corrected in the wording in force from 2018-12-29: ASCII comma made full-width"
    assert "全国统筹，其他" in html


def test_article_page_shows_a_coming_version_beside_the_one_in_force(client, social_insurance_law):
    coming_on = timezone.localdate() + datetime.timedelta(days=30)
    amend(article(58), ["A coming wording."], coming_on, "A future decision")
    html = client.get(article_url(58)).text
    coming = between(html, 'class="coming"', "</section>")
    assert page_of(coming, "h2") == [f"Coming wording, in force from {coming_on.isoformat()}"]
    assert "A coming wording." in coming and "id=" not in coming.split("</h2>", 1)[1]  # no second set of anchors
    assert f"{article_url(58)}compare/2011-07-01/{coming_on.isoformat()}/" in links(coming)
    official = between(html, 'id="official-text"', "</section>")
    assert "用人单位应当自用工之日起三十日内" in official and "A coming wording." not in official
    assert page_of(between(html, 'class="meta versions-line"', "</p>"), "a")[0] == "in force since 2011-07-01"


def test_article_page_offers_citations_to_copy_for_the_article_and_each_paragraph(client, social_insurance_law):
    html = client.get(article_url(58)).text
    cite = between(html, 'id="cite"', "</section>")
    assert page_of(cite, "summary") == ["The whole article", "Paragraph 1", "Paragraph 2", "Paragraph 3"]
    third = between(cite, "<summary>Paragraph 3</summary>", "</details>")
    assert (
        '<label for="cite-3-zh">Chinese citation</label> <input id="cite-3-zh" type="text" readonly lang="zh-Hans" '
        'value="《中华人民共和国社会保险法》第五十八条第三款">'
    ) in third
    assert '<label for="cite-3-en">English citation</label>' in third
    assert 'value="Social Insurance Law, Article 58(3)"' in third
    assert (
        f'<input id="cite-3-link" type="url" readonly value="http://testserver{article_url(58)}#paragraph-3">' in third
    )
    whole = between(cite, "<summary>The whole article</summary>", "</details>")
    assert (
        'value="《中华人民共和国社会保险法》第五十八条"' in whole
        and 'value="Social Insurance Law, Article 58"' in whole
    )


def test_citation_forms_are_escaped(client, db):
    law = make_law(slug="quoted", title='A "quoted" <Law>', title_zh='《x"><script>')
    provision = make_provision(3, law=law)
    html = client.get(provision.get_absolute_url()).text
    assert "<script>" not in html.replace('<script type="application/ld+json">', "")
    assert 'value="《《x&quot;&gt;&lt;script&gt;》第三条"' in html


def test_article_page_structured_data(client, social_insurance_law):
    legislation, breadcrumbs = json_ld(client.get(article_url(57)).text)
    assert legislation["@type"] == "Legislation"
    assert legislation["name"] == "Social Insurance Law, Article 57"
    assert legislation["alternateName"] == "《中华人民共和国社会保险法》第五十七条"
    assert legislation["legislationDate"] == "2010-10-28"
    assert legislation["legislationDateVersion"] == "2018-12-29"
    assert legislation["legislationLegalForce"] == "https://schema.org/InForce"
    assert legislation["legislationType"] == "Law"
    assert legislation["inLanguage"] == "zh-Hans"
    assert legislation["text"].startswith("用人单位应当自成立之日起三十日内")
    assert legislation["isPartOf"]["@type"] == "Legislation"
    assert legislation["isPartOf"]["name"] == "Social Insurance Law of the People's Republic of China"
    assert "@context" not in legislation["isPartOf"]
    assert [item["name"] for item in breadcrumbs["itemListElement"]] == [
        "Home", "Laws", "Social Insurance Law", "Article 57",
    ]  # fmt: skip
    assert json_ld(client.get(article_url(58)).text)[0]["legislationDateVersion"] == "2011-07-01"


def test_article_not_yet_in_force_is_not_in_force(client, db):
    provision = make_provision(3, version=timezone.localdate() + datetime.timedelta(days=5))
    html = client.get(provision.get_absolute_url()).text
    assert json_ld(html)[0]["legislationLegalForce"] == "https://schema.org/NotInForce"
    assert "not yet in force" in html and "Coming wording" in html


def test_article_page_groups_the_answers_citing_it_by_paragraph(client, social_insurance_law):
    make_answer("B whole?", cites=[article(4)])
    make_answer("A second paragraph?", cites=[(article(4), 2)])
    make_answer("C second paragraph?", cites=[(article(4), 2)])
    make_answer("D first paragraph?", cites=[(article(4), 1)])
    make_answer("E draft?", cites=[(article(4), 1)], status=Status.DRAFT)
    citing = between(client.get(article_url(4)).text, 'id="citing"', "</section>")
    assert page_of(citing, "h3") == ["The whole article", "Paragraph 1", "Paragraph 2"]
    assert page_of(citing, "li a") == ["B whole?", "D first paragraph?", "A second paragraph?", "C second paragraph?"]
    assert "#paragraph-2" in links(citing)


def test_article_uncited_says_so(client, social_insurance_law):
    assert "No published answer cites this article yet." in client.get(article_url(7)).text


@pytest.mark.parametrize("url", [article_url(99), article_url(0), article_url(4, "/en/laws/no-such-law/")])
def test_article_out_of_range_is_a_plain_404(client, social_insurance_law, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_every_article_of_the_three_instruments_has_its_page_with_its_official_text(client, law_corpus):
    for provision in Provision.objects.select_related("law").order_by("law", "number"):
        response = client.get(provision.get_absolute_url())
        assert response.status_code == 200, provision
        opening = provision.paragraphs[0].split("\n")[0]
        assert opening[:20] in response.text, provision
    assert Provision.objects.count() == 187


@pytest.mark.parametrize("citing", [1, 30])
def test_article_page_runs_six_queries(client, social_insurance_law, django_assert_num_queries, citing):
    provision = article(57)
    translate(provision, ["A translation."])
    correct(provision.versions.last(), provision.versions.last().paragraphs, "Checked")
    for n in range(citing):
        make_answer(cites=[(provision, 1 + n % 3)])
    # the article with law and chapter; its versions; their corrections; its translations; its neighbours;
    # the answers citing it; the next date a wording takes effect (the pages' cache, once per content change)
    with django_assert_num_queries(7):
        response = client.get(article_url(57))
    assert response.text.count('href="/en/questions/') == citing


# --------------------------------------------------------------------- the wording on a date


def version_url(number, date):
    return f"{article_url(number)}versions/{date}/"


def test_version_page_shows_the_wording_in_force_on_any_date(client, social_insurance_law):
    html = client.get(version_url(57, "2015-01-01")).text
    assert page_of(html, "h1") == ["Social Insurance Law — Article 57 as in force on 2015-01-01"]
    assert "工商行政管理部门" in html and "市场监督管理部门" not in html
    assert "This is the original text, in force from 2011-07-01 to 2018-12-28." in html
    assert article_url(57) in links(html)
    assert f'<link rel="canonical" href="http://testserver{version_url(57, "2011-07-01")}">' in html
    assert '<div class="paragraph" id="paragraph-3">' in html

    current = client.get(version_url(57, "2019-01-01")).text
    assert "市场监督管理部门" in current and "工商行政管理部门" not in current
    assert "This is the wording in force since 2018-12-29." in current
    assert "It is the wording in force today." in current
    assert f"{article_url(57)}compare/2011-07-01/2018-12-29/" in links(current)


def test_version_page_of_a_coming_wording_says_when_it_takes_effect(client, social_insurance_law):
    coming_on = timezone.localdate() + datetime.timedelta(days=30)
    amend(article(58), ["A coming wording."], coming_on, "A future decision")
    html = client.get(version_url(58, coming_on + datetime.timedelta(days=1))).text
    assert f"This is the wording that takes effect on {coming_on.isoformat()}." in html
    assert "A coming wording." in html and "It is the wording in force today." not in html
    today = client.get(version_url(58, timezone.localdate())).text
    assert "It is the wording in force today." in today
    until = (coming_on - datetime.timedelta(days=1)).isoformat()
    assert f"This is the original text, in force from 2011-07-01 to {until}." in today


def test_version_page_of_each_version_is_its_absolute_url(client, social_insurance_law):
    for version in ProvisionVersion.objects.filter(provision__law__slug=LAW_SLUG, provision__number=64):
        assert client.get(version.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("date", ["2011-06-30", "1990-01-01"])
def test_version_page_before_the_first_version_is_404(client, social_insurance_law, date):
    assert client.get(version_url(57, date)).status_code == 404


@pytest.mark.parametrize("date", ["2019-02-30", "2019-1-1", "20190101", "2019-13-01", "x"])
def test_version_page_of_an_invalid_date_is_404(client, social_insurance_law, date):
    assert client.get(version_url(57, date)).status_code == 404


def test_version_page_runs_two_queries(client, social_insurance_law, django_assert_num_queries):
    # the article with law and chapter; its versions; the next date a wording takes effect (the pages' cache)
    with django_assert_num_queries(3):
        assert client.get(version_url(57, "2015-01-01")).status_code == 200


# --------------------------------------------------------------------- comparing two wordings


def compare_url(number, a, b):
    return f"{article_url(number)}compare/{a}/{b}/"


def test_comparison_marks_exactly_what_the_2018_amendment_changed_in_article_57(client, social_insurance_law):
    html = client.get(compare_url(57, "2015-01-01", "2019-01-01")).text
    assert page_of(html, "del") == ["工商行政"]
    assert page_of(html, "ins") == ["市场监督"]
    assert "<del>工商行政</del><ins>市场监督</ins>管理部门、民政部门" in html
    assert html.count('<div class="paragraph changed">') == 1
    assert page_of(between(html, '<div class="paragraph changed">', "</div>"), "p")[0].startswith(
        "3 (paragraph changed)"
    )
    assert f'href="{version_url(57, "2011-07-01")}"' in html and f'href="{version_url(57, "2018-12-29")}"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_comparison_marks_a_replaced_comma_and_inserted_clauses(client, social_insurance_law):
    html = client.get(compare_url(64, "2011-07-01", "2018-12-29")).text
    assert page_of(html, "del") == ["，", "，"]
    assert page_of(html, "ins") == ["除基本医疗保险基金与生育保险基金合并建账及核算外，其他", "。社会保险基金", ","]


def test_comparison_of_dates_with_one_wording_says_nothing_changed(client, social_insurance_law):
    html = client.get(compare_url(57, "2012-01-01", "2015-01-01")).text
    assert "The wording was the same on both dates." in html
    assert "<del>" not in html and "<ins>" not in html


@pytest.mark.parametrize(
    "a, b", [("2011-06-30", "2019-01-01"), ("2019-01-01", "2010-01-01"), ("2019-02-30", "2019-01-01"), ("x", "y")]
)
def test_comparison_with_a_date_before_the_first_version_or_invalid_is_404(client, social_insurance_law, a, b):
    assert client.get(compare_url(57, a, b)).status_code == 404


def test_comparison_runs_two_queries(client, social_insurance_law, django_assert_num_queries):
    # the article with law and chapter; its versions; the next date a wording takes effect (the pages' cache)
    with django_assert_num_queries(3):
        assert client.get(compare_url(57, "2015-01-01", "2019-01-01")).status_code == 200
