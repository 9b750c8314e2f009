"""A reader in a real browser (Debian's Chromium): the journey, print styles, accessibility, the CSP."""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from articles.models import Answer, Language, SectionKind, Status
from articles.services import save_answer
from tests.browser.conftest import assert_no_axe_violations
from tests.content import FIRST_CLASS_CARD, UPGRADE_HALFWAY
from tests.factories import make_answer, make_staff
from tests.test_site import add_law_history, chinese_translation

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ("en", "zh-hans")


def page_types(imported):
    """Every page type under both language prefixes (the imported answers are English: under /zh-hans/ they are
    shown with a notice in the Chinese interface)."""
    english = english_page_types(imported)
    return {
        **{f"{page_type} (en)": url for page_type, url in english.items()},
        **{f"{page_type} (zh-hans)": f"/zh-hans/{url.removeprefix('/en/')}" for page_type, url in english.items()},
    }


def english_page_types(imported):
    return {
        "home": "/en/",
        "topic": "/en/topics/social-security-inquiry/",
        "answer": Answer.objects.get(question=UPGRADE_HALFWAY).get_absolute_url(),
        "laws": "/en/laws/",
        "law": "/en/laws/social-insurance-law/",
        "article": "/en/laws/social-insurance-law/articles/4/",
        "amended article": "/en/laws/social-insurance-law/articles/57/",
        "article with items": "/en/laws/social-insurance-law/articles/30/",
        "wording on a date": "/en/laws/social-insurance-law/articles/57/versions/2015-01-01/",
        "comparison": "/en/laws/social-insurance-law/articles/57/compare/2015-01-01/2019-01-01/",
        "article out of range": "/en/laws/social-insurance-law/articles/99/",
        "not found": "/en/no/such/page/",
        "search results": "/en/search/?q=upgrade+card",
        "search, nothing found": "/en/search/?q=zzqqxx",
    }


def sign_in_staff(page, live_server):
    """Give the browser a staff session (made by the test client, copied as a cookie)."""
    client = Client()
    client.force_login(make_staff())
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_reader_goes_from_home_to_an_answer_to_its_article_and_on_to_the_other_answer(live_server, page, imported):
    page.goto(live_server.url)
    page.get_by_role("link", name=UPGRADE_HALFWAY).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == UPGRADE_HALFWAY

    page.get_by_role("link", name="Social Insurance Law, Article 4").click()
    assert page.url == f"{live_server.url}/en/laws/social-insurance-law/articles/4/"
    assert page.get_by_role("heading", level=1).inner_text() == "Social Insurance Law — Article 4"

    citing = page.locator("section.citing")
    assert sorted(citing.locator("li a").all_inner_texts()) == sorted([UPGRADE_HALFWAY, FIRST_CLASS_CARD])
    citing.get_by_role("link", name=FIRST_CLASS_CARD).click()
    assert page.get_by_role("heading", level=1).inner_text() == FIRST_CLASS_CARD
    assert page.get_by_role("heading", name="Legal basis").is_visible()


def test_print_stylesheet_keeps_the_legal_basis_and_prints_link_targets(live_server, page, imported):
    page.goto(live_server.url + Answer.objects.get(question=UPGRADE_HALFWAY).get_absolute_url())
    style = "([selector, pseudo, property]) => getComputedStyle(document.querySelector(selector), pseudo)[property]"
    link = ".cited-article h3 a"
    assert page.evaluate(style, ["header.site-header", None, "display"]) != "none"
    assert page.evaluate(style, [link, "::after", "content"]) in ("none", "normal")

    page.emulate_media(media="print")
    assert page.evaluate(style, ["header.site-header", None, "display"]) == "none"
    assert page.evaluate(style, ["nav.breadcrumbs", None, "display"]) == "none"
    assert page.evaluate(style, [".legal-basis", None, "display"]) == "block"
    assert page.locator(".legal-basis").is_visible()
    assert page.evaluate(style, [link, "::after", "content"]) == '" </en/laws/social-insurance-law/articles/4/>"'


LOST_CARD = "社保卡丢了怎么补办？"


def bilingual_answers():
    """Beside the imported English answers, what every kind of answer page needs in both languages: a Chinese
    answer and its English translation (each page offers the other), a Chinese answer that has none (shown on the
    English site with a notice, as an untranslated English one is on the Chinese site), an answer whose cited
    article was amended since it was checked (with the law's history: a translation, a correction, a coming
    wording), a withdrawn answer and a draft."""
    upgrade = Answer.objects.get(question=UPGRADE_HALFWAY)
    chinese = chinese_translation(upgrade)
    lost_card = make_answer(
        LOST_CARD,
        topic=upgrade.topic,
        language=Language.ZH_HANS,
        sections=[(SectionKind.METHODS, "", "带上身份证，到社保经办机构或合作银行网点补办社保卡。")],
    )
    withdrawn = make_answer("Withdrawn?", topic=upgrade.topic)
    withdrawn.status = Status.DRAFT
    save_answer(withdrawn)
    return {
        "translated": {"zh-hans": chinese, "en": upgrade},
        "untranslated": {"zh-hans": Answer.objects.get(question=FIRST_CLASS_CARD), "en": lost_card},
        "amended since checked": add_law_history(),
        "withdrawn": withdrawn,
        "draft": make_answer("A draft?", status=Status.DRAFT),
    }


def reader_pages(language, answers):
    """Every reader page type on the site of `language`: its address and the status it is served with."""
    law = f"/{language}/laws/social-insurance-law"
    search = f"/{language}/search/?"
    return {
        "home": (f"/{language}/", 200),
        "topic": (f"/{language}/topics/social-security-inquiry/", 200),
        "answer offering its translation": (answers["translated"][language].url_in(language), 200),
        "answer in the other language, with a notice": (answers["untranslated"][language].url_in(language), 200),
        "answer citing an article amended since": (answers["amended since checked"].url_in(language), 200),
        "withdrawn answer": (answers["withdrawn"].url_in(language), 410),
        "laws": (f"/{language}/laws/", 200),
        "law": (f"{law}/", 200),
        "article with a translation": (f"{law}/articles/4/", 200),
        "article with items": (f"{law}/articles/30/", 200),
        "amended article": (f"{law}/articles/57/", 200),
        "article with a coming wording": (f"{law}/articles/58/", 200),
        "corrected article": (f"{law}/articles/64/", 200),
        "wording on a date": (f"{law}/articles/57/versions/2015-01-01/", 200),
        "comparison": (f"{law}/articles/57/compare/2015-01-01/2019-01-01/", 200),
        "comparison with a correction": (f"{law}/articles/64/compare/2011-07-01/2018-12-29/", 200),
        "article out of range": (f"{law}/articles/99/", 404),
        "not found": (f"/{language}/no/such/page/", 404),
        "search, English query": (search + urlencode({"q": "upgrade card"}), 200),
        "search, Chinese query": (search + urlencode({"q": "社保卡 补办"}), 200),
        "search, nothing found": (search + urlencode({"q": "zzqqxx"}), 200),
        "search, query too long": (search + urlencode({"q": "x" * 300}), 200),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_violations_on_any_page_type(
    live_server, axe_page, axe_violations, imported, law_corpus, language
):
    """Every reader page type of one language's site in one browser session, and what staff see there (a draft and
    a withdrawn answer previewed); a failure lists each page type with its violations."""
    answers = bilingual_answers()
    pages = reader_pages(language, answers)
    found, statuses = {}, {}

    def check(page_type, url):
        response = axe_page.goto(live_server.url + url)
        statuses[page_type] = response.status
        found[page_type] = axe_violations(axe_page)

    # Staff first: the previews are never stored, whereas a reader's 410 is kept by the browser a while.
    sign_in_staff(axe_page, live_server)
    check("draft preview", answers["draft"].url_in(language))
    check("withdrawn answer, staff preview", answers["withdrawn"].url_in(language))
    axe_page.context.clear_cookies()
    for page_type, (url, _status) in pages.items():
        check(page_type, url)
        if page_type == "answer offering its translation":  # the pair: each page links to the other
            other = answers["translated"]["en" if language == "zh-hans" else "zh-hans"]
            assert axe_page.locator(".translation-link a").get_attribute("href") == other.get_absolute_url()
        elif page_type == "answer in the other language, with a notice":
            assert axe_page.locator(".language-notice").is_visible()
        elif page_type == "search, English query":
            assert axe_page.locator(".search-result-answer").count() > 0
        elif page_type == "search, Chinese query":
            assert axe_page.locator(".search-result-answer").get_by_role("link", name=LOST_CARD).count() == 1
        elif page_type == "search, query too long":
            assert axe_page.locator("#id_q_errors").is_visible()
    assert statuses == {
        "draft preview": 200,
        "withdrawn answer, staff preview": 200,
        **{page_type: status for page_type, (_url, status) in pages.items()},
    }
    assert_no_axe_violations(found)

    # A control: the check reports what is wrong in a page (here an image without a text alternative).
    axe_page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    assert [v for v in axe_violations(axe_page) if v.startswith("image-alt:")] == [
        "image-alt: Images must have alternative text (img)"
    ]


def test_pages_load_under_the_content_security_policy_without_violations(live_server, page, imported):
    problems = []
    page.on("console", lambda message: message.type in ("error", "warning") and problems.append(message.text))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} {request.failure}"))
    for url in page_types(imported).values():
        response = page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # the stylesheet applied
    # Only the two deliberate 404 pages may complain (about their own status), nothing about the policy.
    assert [p for p in problems if "404" not in p] == []


@pytest.mark.parametrize(("locale", "language"), [("en-US", "en"), ("zh-CN", "zh-hans"), ("fr-FR", "zh-hans")])
def test_the_root_opens_the_site_in_the_browsers_language(live_server, browser, imported, locale, language):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.url == f"{live_server.url}/{language}/"
    assert page.locator("html").get_attribute("lang") == {"en": "en", "zh-hans": "zh-Hans"}[language]
    assert context.cookies() == []
    context.close()


def test_the_switcher_keeps_the_reader_on_the_same_page_without_javascript(live_server, browser, imported):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/en/laws/social-insurance-law/articles/4/")
    page.locator("nav.languages").get_by_role("link", name="简体中文").click()
    assert page.url == f"{live_server.url}/zh-hans/laws/social-insurance-law/articles/4/"
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", level=1).inner_text() == "《中华人民共和国社会保险法》第四条"

    page.goto(live_server.url + "/zh-hans/search/?q=upgrade+card")
    page.locator("nav.languages").get_by_role("link", name="English").click()
    assert page.url == f"{live_server.url}/en/search/?q=upgrade+card"
    assert page.get_by_role("searchbox").first.input_value() == "upgrade card"

    answer = Answer.objects.get(question=UPGRADE_HALFWAY)
    page.goto(live_server.url + answer.get_absolute_url())
    page.locator("nav.languages").get_by_role(
        "link", name="简体中文"
    ).click()  # no Chinese version: shown in the Chinese interface
    assert page.url == live_server.url + answer.url_in("zh-hans")
    assert page.locator(".language-notice").is_visible()
    assert page.get_by_role("heading", level=1).get_attribute("lang") == "en"
    assert context.cookies() == []
    context.close()
