"""A reader in a real browser (Debian's Chromium): the journey, print styles, accessibility, the CSP."""

import pytest
from django.conf import settings
from django.test import Client

from articles.models import Answer, Status
from tests.content import FIRST_CLASS_CARD, UPGRADE_HALFWAY
from tests.factories import make_answer, make_staff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def csp_free_page(browser):
    """A page whose context lets axe-core be injected as an inline script (the site's CSP forbids those)."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def page_types(imported):
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
    assert page.url == f"{live_server.url}/laws/social-insurance-law/articles/4/"
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
    assert page.evaluate(style, [link, "::after", "content"]) == '" </laws/social-insurance-law/articles/4/>"'


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
    expected = {page_type: 404 if page_type in ("article out of range", "not found") else 200 for page_type in urls}
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
