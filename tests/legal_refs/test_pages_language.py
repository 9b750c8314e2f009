"""Law pages in each language: the English citation form stays English; dates are written as each language does;
article numbers are written as each language does (第四条, Article 4) wherever a page names an article; a chapter
is named in each language, each name marked with its own language; the breadcrumbs name an article and a date as
the page does; the English page says when no English translation of an article is held."""

import datetime
import re
from html import unescape

import pytest
from django.utils import timezone, translation

from legal_refs.models import Chapter, Provision, Translation
from legal_refs.pages import english_citation
from legal_refs.services import save_translation
from legal_refs.templatetags.law_text import article_name, article_number
from tests.factories import make_answer, make_law, make_provision
from tests.site_helpers import json_ld, page_of

LAW_ZH = "/zh-hans/laws/social-insurance-law/"
LAW_EN = "/en/laws/social-insurance-law/"


def between(html, start, end):
    """The part of `html` from the first `start` to the next `end`."""
    first = html.index(start)
    return html[first : html.index(end, first)]


def meta_description(html):
    """The page's description (its `<meta name="description">`), unescaped."""
    (description,) = re.findall(r'<meta name="description" content="([^"]*)">', html)
    return unescape(description)


def crumbs(html):
    """The names of the breadcrumbs as the page shows them and as its BreadcrumbList gives them."""
    shown = page_of(between(html, 'class="breadcrumbs"', "</nav>"), "a")
    (trail,) = [data for data in json_ld(html) if data["@type"] == "BreadcrumbList"]
    return shown, [item["name"] for item in trail["itemListElement"]]


@pytest.mark.django_db
def test_the_english_citation_stays_english_on_the_chinese_site(social_insurance_law):
    provision = social_insurance_law.provisions.get(number=58)
    with translation.override("zh-hans"):
        assert english_citation(provision, 3) == "Social Insurance Law, Article 58(3)"
        assert english_citation(provision) == "Social Insurance Law, Article 58"


@pytest.mark.django_db
def test_law_pages_write_dates_the_way_each_language_does(client, social_insurance_law):
    chinese = client.get("/zh-hans/laws/social-insurance-law/articles/57/versions/2011-07-01/").text
    english = client.get("/en/laws/social-insurance-law/articles/57/versions/2011-07-01/").text
    assert "2011年7月1日" in chinese and "2011-07-01施行" not in chinese
    assert "2011-07-01" in english and "2011年7月1日" not in english


@pytest.mark.django_db
def test_an_article_is_named_the_chinese_way_on_the_chinese_site(social_insurance_law):
    provision = social_insurance_law.provisions.get(number=4)
    with translation.override("zh-hans"):
        assert str(provision) == "《中华人民共和国社会保险法》第四条"
    with translation.override("en"):
        assert str(provision) == "Social Insurance Law, Article 4"


# --------------------------------------------------------------------- article numbers


@pytest.mark.django_db
def test_an_article_number_and_name_are_written_as_the_page_language_does(social_insurance_law):
    provision = social_insurance_law.provisions.get(number=43)
    with translation.override("zh-hans"):
        assert [article_number(4), article_number("33"), article_number(110)] == ["四", "三十三", "一百一十"]
        assert article_name(provision) == "第四十三条"
    with translation.override("en"):
        assert [article_number(4), article_number("33"), article_number(110)] == ["4", "33", "110"]
        assert article_name(provision) == "Article 43"


@pytest.mark.django_db
def test_an_article_of_a_law_without_its_chinese_title_is_numbered_the_chinese_way_on_the_chinese_site(db):
    provision = make_provision(4, law=make_law(slug="no-chinese-title", title="A Law", title_zh=""))
    with translation.override("zh-hans"):
        assert str(provision) == "《A Law》第四条"
    with translation.override("en"):
        assert str(provision) == "A Law, Article 4"


@pytest.mark.django_db
def test_the_law_page_numbers_its_articles_and_the_chapters_ranges_as_each_language_does(client, social_insurance_law):
    chinese = client.get(LAW_ZH).text
    english = client.get(LAW_EN).text
    assert page_of(between(chinese, 'class="contents"', "</nav>"), "span")[3] == "第三十三条至第四十三条"
    assert page_of(between(english, 'class="contents"', "</nav>"), "span")[3] == "Articles 33–43"
    chapter = '<section class="chapter" aria-labelledby="chapter-4">'
    assert page_of(between(chinese, chapter, "</section>"), "li a")[:3] == ["第三十三条", "第三十四条", "第三十五条"]
    assert page_of(between(english, chapter, "</section>"), "li a")[:3] == ["Article 33", "Article 34", "Article 35"]
    last = '<section class="chapter" aria-labelledby="chapter-12">'
    assert page_of(between(chinese, last, "</section>"), "li a")[-1] == "第九十八条"
    assert "第33条" not in chinese and "第98条" not in chinese


@pytest.mark.django_db
def test_the_article_page_names_the_articles_before_and_after_it_as_each_language_does(client, social_insurance_law):
    chinese = client.get(f"{LAW_ZH}articles/57/").text
    english = client.get(f"{LAW_EN}articles/57/").text
    assert page_of(between(chinese, 'class="neighbours"', "</nav>"), "a") == ["← 第五十六条", "第五十八条 →"]
    assert page_of(between(english, 'class="neighbours"', "</nav>"), "a") == ["← Article 56", "Article 58 →"]


@pytest.mark.django_db
def test_the_wording_page_numbers_its_article_as_each_language_does(client, social_insurance_law):
    chinese = client.get(f"{LAW_ZH}articles/57/versions/2015-01-01/").text
    assert page_of(chinese, "h1") == ["《中华人民共和国社会保险法》第五十七条（2015年1月1日施行的文本）"]
    assert page_of(chinese, "title")[0].startswith("《中华人民共和国社会保险法》第五十七条（2015年1月1日） · ")
    assert meta_description(chinese) == "《中华人民共和国社会保险法》第五十七条在2015年1月1日施行的官方文本。"
    assert "第57条" not in chinese

    english = client.get(f"{LAW_EN}articles/57/versions/2015-01-01/").text
    assert page_of(english, "h1") == ["Social Insurance Law — Article 57 as in force on 2015-01-01"]
    assert page_of(english, "title")[0].startswith("Social Insurance Law — Article 57 on 2015-01-01 · ")
    assert meta_description(english) == (
        "The official wording of Social Insurance Law, Article 57, in force on 2015-01-01."
    )


@pytest.mark.django_db
def test_the_comparison_page_numbers_its_article_as_each_language_does(client, social_insurance_law):
    chinese = client.get(f"{LAW_ZH}articles/57/compare/2015-01-01/2019-01-01/").text
    assert page_of(chinese, "h1") == ["《中华人民共和国社会保险法》第五十七条：修改对照"]  # as its title
    assert page_of(chinese, "title")[0].startswith("《中华人民共和国社会保险法》第五十七条：修改对照 · ")
    assert meta_description(chinese).startswith("《中华人民共和国社会保险法》第五十七条2015年1月1日施行的文本")
    assert "第57条" not in chinese

    english = client.get(f"{LAW_EN}articles/57/compare/2015-01-01/2019-01-01/").text
    assert page_of(english, "h1") == ["Social Insurance Law — Article 57: what changed"]
    assert page_of(english, "title")[0].startswith("Social Insurance Law — Article 57: changes · ")
    assert meta_description(english) == (
        "What changed in Social Insurance Law, Article 57, between the wordings in force on 2015-01-01 "
        "and on 2019-01-01."
    )


# --------------------------------------------------------------------- chapters


@pytest.mark.django_db
def test_a_chapter_has_an_english_name_and_a_chinese_one_whatever_the_language(social_insurance_law):
    chapter = social_insurance_law.chapters.get(number=4)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert chapter.english_name == "Chapter IV Work-related Injury Insurance", language
            assert chapter.chinese_name == "第四章 工伤保险", language
    with translation.override("zh-hans"):
        assert str(chapter) == "第四章 工伤保险"
    assert str(chapter) == "Chapter IV Work-related Injury Insurance"
    assert social_insurance_law.chapters.get(number=12).chinese_name == "第十二章 附则"


@pytest.mark.django_db
def test_a_chapter_without_its_official_title_has_no_chinese_name(db):
    chapter = Chapter.objects.create(law=make_law(), number=2, title="Second Things")
    assert chapter.chinese_name == ""
    with translation.override("zh-hans"):
        assert str(chapter) == "Chapter II Second Things"


@pytest.mark.django_db
def test_the_article_page_names_its_chapter_in_each_language_each_name_marked_as_such(client, social_insurance_law):
    chinese = client.get(f"{LAW_ZH}articles/33/").text
    english = client.get(f"{LAW_EN}articles/33/").text
    assert (
        '<p class="meta chapter-name">第四章 工伤保险 · <span lang="en">Chapter IV Work-related Injury Insurance</span>'
        "</p>"
    ) in chinese
    assert (
        '<p class="meta chapter-name">Chapter IV Work-related Injury Insurance · '
        '<span lang="zh-Hans">第四章 工伤保险</span></p>'
    ) in english
    assert "第IV章" not in chinese


@pytest.mark.django_db
def test_the_law_page_names_each_chapter_in_each_language_each_name_marked_as_such(client, social_insurance_law):
    chinese = client.get(LAW_ZH).text
    english = client.get(LAW_EN).text
    assert page_of(between(chinese, 'class="contents"', "</nav>"), "a")[3] == "第四章 工伤保险"
    assert page_of(between(english, 'class="contents"', "</nav>"), "a")[3] == "Chapter IV Work-related Injury Insurance"
    assert (
        '<h2 id="chapter-4">第四章 工伤保险 '
        '<span class="title-en" lang="en">Chapter IV Work-related Injury Insurance</span></h2>'
    ) in chinese
    assert (
        '<h2 id="chapter-4">Chapter IV Work-related Injury Insurance '
        '<span class="title-zh" lang="zh-Hans">第四章 工伤保险</span></h2>'
    ) in english
    assert "第IV章" not in chinese


@pytest.mark.django_db
def test_a_chapter_without_its_official_title_is_named_in_english_marked_as_english_on_the_chinese_site(client, db):
    law = make_law(slug="untitled-chapters", title="A Law", title_zh="某法")
    chapter = Chapter.objects.create(law=law, number=1, title="General Provisions")
    make_provision(1, law=law, chapter=chapter)
    law_page = client.get("/zh-hans/laws/untitled-chapters/").text
    assert '<a href="#chapter-1"><span lang="en">Chapter I General Provisions</span></a>' in law_page
    assert '<h2 id="chapter-1"><span class="title-en" lang="en">Chapter I General Provisions</span></h2>' in law_page
    article_page = client.get("/zh-hans/laws/untitled-chapters/articles/1/").text
    assert '<p class="meta chapter-name"><span lang="en">Chapter I General Provisions</span></p>' in article_page


# --------------------------------------------------------------------- breadcrumbs


@pytest.mark.django_db
def test_the_article_crumb_names_the_article_as_the_page_does(client, social_insurance_law):
    chinese = client.get(f"{LAW_ZH}articles/4/").text
    assert page_of(chinese, "h1") == ["《中华人民共和国社会保险法》第四条"]
    assert crumbs(chinese) == (["首页", "法律法规", "中华人民共和国社会保险法", "第四条"],) * 2
    english = client.get(f"{LAW_EN}articles/4/").text
    assert crumbs(english) == (["Home", "Laws", "Social Insurance Law", "Article 4"],) * 2


@pytest.mark.django_db
def test_the_crumbs_of_a_wording_and_a_comparison_write_dates_as_the_page_does(client, social_insurance_law):
    wording = client.get(f"{LAW_ZH}articles/57/versions/2015-01-01/").text
    assert (
        crumbs(wording) == (["首页", "法律法规", "中华人民共和国社会保险法", "第五十七条", "2015年1月1日的文本"],) * 2
    )
    comparison = client.get(f"{LAW_ZH}articles/57/compare/2015-01-01/2019-01-01/").text
    assert crumbs(comparison)[1][-2:] == ["第五十七条", "2015年1月1日至2019年1月1日的修改"]
    assert crumbs(comparison)[0] == crumbs(comparison)[1]

    wording = client.get(f"{LAW_EN}articles/57/versions/2015-01-01/").text
    assert page_of(wording, "h1") == ["Social Insurance Law — Article 57 as in force on 2015-01-01"]
    assert crumbs(wording) == (["Home", "Laws", "Social Insurance Law", "Article 57", "Wording on 2015-01-01"],) * 2
    comparison = client.get(f"{LAW_EN}articles/57/compare/2015-01-01/2019-01-01/").text
    assert (
        crumbs(comparison)
        == (["Home", "Laws", "Social Insurance Law", "Article 57", "Changes from 2015-01-01 to 2019-01-01"],) * 2
    )


# --------------------------------------------------------------------- no English translation


NO_TRANSLATION = (
    '<p class="language-notice">No English translation of this article is held. The official Chinese text follows.</p>'
)


@pytest.mark.django_db
def test_the_english_article_page_says_when_no_english_translation_is_held(client, social_insurance_law):
    html = client.get(f"{LAW_EN}articles/5/").text
    assert NO_TRANSLATION in html
    assert html.index(NO_TRANSLATION) < html.index('id="official-text"')


@pytest.mark.django_db
def test_the_english_article_page_with_a_translation_says_nothing_of_one_missing(client, social_insurance_law):
    provision = social_insurance_law.provisions.get(number=4)
    save_translation(Translation(provision=provision, paragraphs=["Employers and individuals pay."]))
    html = client.get(f"{LAW_EN}articles/4/").text
    assert "Employers and individuals pay." in html
    assert 'class="language-notice"' not in html


@pytest.mark.django_db
def test_the_chinese_article_page_says_nothing_of_an_english_translation(client, social_insurance_law):
    html = client.get(f"{LAW_ZH}articles/5/").text
    assert 'class="language-notice"' not in html
    assert "英文译文" not in html


@pytest.mark.django_db
def test_the_notice_promises_no_official_text_of_an_article_not_yet_in_force(client, db):
    provision = make_provision(3, version=timezone.localdate() + datetime.timedelta(days=5))
    with translation.override("en"):
        html = client.get(provision.get_absolute_url()).text
    assert "No wording of this article is in force yet." in html
    assert NO_TRANSLATION not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_chapter_with_a_first_article_and_no_last_one_shows_no_range(client, db, language):
    law = make_law(slug="open-chapter", title="A Law", title_zh="某法")
    chapter = Chapter.objects.create(law=law, number=1, title="General Provisions", first_article=5)
    make_provision(5, law=law, chapter=chapter)
    response = client.get(f"/{language}/laws/open-chapter/")
    assert response.status_code == 200
    contents = between(response.text, 'class="contents"', "</nav>")
    assert "None" not in contents and "–" not in contents and "至" not in contents
    with translation.override(language):
        assert article_number(None) == ""


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "names"), [("zh-hans", ["第一款", "第二款", "第三款"]), ("en", None)])
def test_an_article_page_numbers_its_paragraphs_as_each_language_does(client, social_insurance_law, language, names):
    names = names or ["Paragraph 1", "Paragraph 2", "Paragraph 3"]
    make_answer(
        "第二款？" if language == "zh-hans" else "Second?",
        cites=[(Provision.objects.get(number=58), 2)],
        language=language,
    )
    html = client.get(f"/{language}/laws/social-insurance-law/articles/58/").text
    official = between(html, 'id="official-text"', "</section>")
    # The paragraph's link shows its digit, which its accessible name must hold (axe: label-content-name-mismatch).
    labels = re.findall(r'class="paragraph-number" href="#paragraph-\d" aria-label="([^"]+)"', official)
    assert labels == (["第1款", "第2款", "第3款"] if language == "zh-hans" else names)
    assert page_of(between(html, 'id="cite"', "</section>"), "summary")[1:] == names
    assert page_of(between(html, 'id="citing"', "</section>"), "h3") == [names[1]]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (
            "全国人民代表大会常务委员会关于修改《中华人民共和国社会保险法》的决定",
            "《全国人民代表大会常务委员会关于修改〈中华人民共和国社会保险法〉的决定》",
        ),
        ("《国务院关于修改〈社会保险经办条例〉的决定》", "《国务院关于修改〈社会保险经办条例〉的决定》"),
        ("《中华人民共和国宪法》修正案", "《〈中华人民共和国宪法〉修正案》"),
        ("国务院关于修改《社会保险经办条例》", "《国务院关于修改〈社会保险经办条例〉》"),
    ],
)
def test_a_decisions_name_is_one_title_in_balanced_marks_on_the_chinese_site(name, shown):
    from legal_refs.templatetags.law_text import decision_name

    with translation.override("zh-hans"):
        assert decision_name(name) == shown


@pytest.mark.django_db
def test_a_wording_on_a_date_names_its_versions_own_page_in_each_language(client, social_insurance_law):
    html = client.get(f"{LAW_ZH}articles/57/versions/2015-01-01/").text  # the wording in force since 2011-07-01
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
    found = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert canonical == f"http://testserver{LAW_ZH}articles/57/versions/2011-07-01/"
    assert found == {
        "zh-Hans": canonical,
        "en": f"http://testserver{LAW_EN}articles/57/versions/2011-07-01/",
        "x-default": canonical,
    }
