"""A reader in a real browser (Debian's Chromium): the journey, print styles, accessibility, the CSP."""

import pytest
from django.conf import settings
from django.test import Client

from articles.models import Answer, Status
from tests.content import FIRST_CLASS_CARD, UPGRADE_HALFWAY
from tests.factories import make_answer, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ("en", "zh-hans")


@pytest.fixture
def csp_free_page(browser):
    """A page whose context lets axe-core be injected as an inline script (the site's CSP forbids those)."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


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


def test_axe_finds_no_violations_on_any_page_type(live_server, csp_free_page, axe_violations, imported):
    """Every page type in one browser session; a failure lists each page type with its violations."""
    urls = page_types(imported)
    found, statuses = {}, {}
    for page_type, url in urls.items():
        response = csp_free_page.goto(live_server.url + url)
        statuses[page_type] = response.status
        found[page_type] = axe_violations(csp_free_page)
    sign_in_staff(csp_free_page, live_server)
    response = csp_free_page.goto(live_server.url + make_answer("A draft?", status=Status.DRAFT).get_absolute_url())
    statuses["draft preview"] = response.status
    found["draft preview"] = axe_violations(csp_free_page)
    not_found = {
        f"{page_type} ({language})" for page_type in ("article out of range", "not found") for language in LANGUAGES
    }
    expected = {page_type: 404 if page_type in not_found else 200 for page_type in urls}
    assert statuses == {**expected, "draft preview": 200}
    assert {page_type: violations for page_type, violations in found.items() if violations} == {}


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
