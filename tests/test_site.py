"""Site-wide pieces: error pages, robots.txt, sitemap, feed, security headers, valid HTML on every page type."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.test import RequestFactory
from django.utils import timezone
from django.views.defaults import server_error

from articles.models import Answer, Citation, Language, Status
from articles.services import link_translations, save_answer
from legal_refs.models import Law, Translation
from legal_refs.services import amend, correct, save_translation
from tests.content import FIRST_CLASS_CARD, UPGRADE_HALFWAY
from tests.factories import make_answer, make_provision, make_staff
from tests.site_helpers import json_ld, links

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_unknown_page_is_a_404_in_the_site_design(client):
    response = client.get("/en/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text and 'action="/en/search/"' in response.text
    assert "/static/css/site.css" in response.text


def test_server_error_page_in_the_site_design_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "/static/css/site.css" in html


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert {"Disallow: /admin/", "Disallow: /zh-hans/search/", "Disallow: /en/search/"} <= set(lines)
    assert {"Sitemap: http://testserver/zh-hans/sitemap.xml", "Sitemap: http://testserver/en/sitemap.xml"} <= set(lines)


def test_sitemap_lists_published_answers_topics_laws_and_articles_with_lastmod(client, imported):
    draft = make_answer("A draft?", status=Status.DRAFT)
    response = client.get("/en/sitemap.xml")
    assert response.status_code == 200
    urls = {
        url.find(f"{SITEMAP}loc").text: url.findtext(f"{SITEMAP}lastmod")
        for url in ET.fromstring(response.content)  # noqa: S314  (our own output).iter(f"{SITEMAP}url")
    }
    assert urls.pop("http://testserver/en/") is None  # the home page changes with every answer: no lastmod
    answers = [Answer.objects.get(question=q) for q in (UPGRADE_HALFWAY, FIRST_CLASS_CARD)]
    expected = {f"http://testserver{answer.get_absolute_url()}" for answer in answers} | {
        "http://testserver/en/topics/social-security-inquiry/",
        "http://testserver/en/laws/",
        "http://testserver/en/laws/social-insurance-law/",
        *(f"http://testserver/en/laws/social-insurance-law/articles/{n}/" for n in range(1, 99)),
    }
    assert set(urls) == expected
    assert f"http://testserver{draft.get_absolute_url()}" not in urls
    assert all(urls.values())
    # The date where the site is (TIME_ZONE), as the sitemap writes it, not the UTC date.
    lastmod = timezone.localdate(answers[0].updated_at).isoformat()
    assert urls[f"http://testserver{answers[0].get_absolute_url()}"] == lastmod


def test_feed_lists_recently_updated_published_answers(client, imported):
    make_answer("A draft?", status=Status.DRAFT)
    response = client.get("/en/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314  (our own output)
    entries = feed.findall(f"{ATOM}entry")
    assert sorted(entry.find(f"{ATOM}title").text for entry in entries) == sorted([UPGRADE_HALFWAY, FIRST_CLASS_CARD])
    first = next(entry for entry in entries if entry.find(f"{ATOM}title").text == UPGRADE_HALFWAY)
    upgrade_halfway_url = Answer.objects.get(question=UPGRADE_HALFWAY).get_absolute_url()
    assert first.find(f"{ATOM}link").get("href").endswith(upgrade_halfway_url)
    assert first.find(f"{ATOM}updated").text
    assert "Online upgrade:" in first.find(f"{ATOM}summary").text
    assert first.find(f"{ATOM}category").get("term") == "Social security inquiry"


@pytest.mark.parametrize("answers", [1, 30])
def test_feed_and_sitemap_run_a_fixed_number_of_queries(client, django_assert_num_queries, answers):
    for _ in range(answers):
        make_answer(cites=[make_provision()])
    # the answers, their sections, their latest change readers are told of; the next date a wording takes effect
    # (the pages' cache, once per content change)
    with django_assert_num_queries(4):
        client.get("/en/feed/")
    # the items of answers, topics, laws and articles (each listed once: the count and page are of that list); the
    # latest change of any article
    with django_assert_num_queries(5):
        client.get("/en/sitemap.xml")


def test_pages_send_a_strict_content_security_policy(client, imported):
    policy = client.get("/en/").headers["Content-Security-Policy"]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy


def test_no_page_has_inline_script_or_style(client, imported):
    for url in page_urls():
        html = client.get(url).text
        assert " style=" not in html and "<style" not in html, url
        assert html.count("<script") == html.count('<script type="application/ld+json">'), url


CONTROL = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body><p>x</p></body></html>'
)


def page_urls():
    """Every page type under both language prefixes (the imported answers are English: under /zh-hans/ they are
    shown with a notice in the Chinese interface)."""
    english = english_page_urls()
    return [*english, *(f"/zh-hans/{url.removeprefix('/en/')}" for url in english)]


def english_page_urls():
    return [
        "/en/",
        "/en/topics/social-security-inquiry/",
        Answer.objects.get(question=UPGRADE_HALFWAY).get_absolute_url(),
        Answer.objects.get(question=FIRST_CLASS_CARD).get_absolute_url(),
        "/en/laws/",
        "/en/laws/social-insurance-law/",
        "/en/laws/social-insurance-law/articles/4/",
        "/en/laws/social-insurance-law/articles/57/",
        "/en/laws/social-insurance-law/articles/30/",
        "/en/laws/social-insurance-law/articles/57/versions/2015-01-01/",
        "/en/laws/social-insurance-law/articles/57/compare/2015-01-01/2019-01-01/",
        "/en/laws/social-insurance-law/articles/64/compare/2011-07-01/2018-12-29/",
        "/en/laws/social-insurance-law/articles/99/",
        "/en/no/such/page/",
        "/en/search/?q=upgrade+card",
        "/en/search/?q=zzqqxx",
        "/en/search/?q=" + "x" * 300,
    ]


def test_every_page_has_title_description_and_valid_json_ld(client, imported):
    for url in page_urls():
        html = client.get(url).text
        assert "<title>" in html and '<meta name="description" content="' in html, url
        for data in json_ld(html):
            assert data["@context"] == "https://schema.org", url
        assert all(not href.startswith("//") and "://" not in href for href in links(html)), url


def add_law_history():
    """What the article and answer pages show beyond the law texts: a translation, a correction, a coming
    wording, and an answer whose cited article was amended since it was checked."""
    law = Law.objects.get(slug="social-insurance-law")
    four, fifty_seven, sixty_four = (law.provisions.get(number=n) for n in (4, 57, 64))
    save_translation(Translation(provision=four, paragraphs=["Employers & individuals pay.", "Individuals enjoy."]))
    latest = sixty_four.versions.order_by("effective_from").last()
    correct(latest, [*latest.paragraphs[:2], latest.paragraphs[2].replace(",", "，")], "Full-width comma")
    amend(law.provisions.get(number=58), ["A coming wording."], timezone.localdate() + timedelta(days=30), "A decision")
    answer = make_answer("Amended since checked?", cites=[(fifty_seven, 3), (four, 2), law.provisions.get(number=58)])
    Citation.objects.filter(answer=answer, provision=fifty_seven).update(
        version=fifty_seven.versions.order_by("effective_from").first()
    )
    make_answer("Whole article?", cites=[four])
    return answer


def test_every_page_type_is_valid_html(client, imported, law_corpus, html_errors):
    staff = make_staff()
    draft = make_answer("A draft?", status=Status.DRAFT, cites=[make_provision(99)])
    amended = add_law_history()
    pages = {url: client.get(url).content for url in page_urls()}
    chinese = chinese_translation(Answer.objects.get(question=UPGRADE_HALFWAY))  # its page, and the English one's
    for url in [
        amended.get_absolute_url(),
        "/en/laws/social-insurance-law/articles/58/",
        "/en/laws/social-insurance-law/articles/64/",
        "/en/laws/beijing-social-security-card-provisions/",
        "/en/laws/social-insurance-handling-regulation/articles/1/",
    ]:
        for language in ("en", "zh-hans"):
            url = f"/{language}/{url.removeprefix('/en/')}"
            pages[url] = client.get(url).content
    for answer in (chinese, chinese.translation):
        pages[f"{answer.get_absolute_url()} (translated)"] = client.get(answer.get_absolute_url()).content
    pages["500"] = server_error(RequestFactory().get("/")).content
    withdrawn = make_answer("Withdrawn?", topic=chinese.topic)
    withdrawn.status = Status.DRAFT
    save_answer(withdrawn)
    for language in ("en", "zh-hans"):
        response = client.get(withdrawn.url_in(language))
        assert response.status_code == 410
        pages[f"{withdrawn.url_in(language)} (withdrawn)"] = response.content
    client.force_login(staff)
    pages["draft preview"] = client.get(draft.get_absolute_url()).content
    pages["draft preview, Chinese interface"] = client.get(draft.url_in("zh-hans")).content
    for query in ("upgrade", "nothing-at-all-here", "社保卡"):  # results with highlights; nothing found
        for language in ("en", "zh-hans"):
            pages[f"/{language}/search/?q={query}"] = client.get(f"/{language}/search/", {"q": query}).content
    # Two control documents show that the checker reads what it is given and reports what is invalid.
    pages["control: valid"] = CONTROL
    pages["control: invalid"] = CONTROL.replace("<p>x</p>", "<p><div>x</div></p>")
    errors = html_errors(pages)  # one run of the checker for the whole suite
    assert errors.pop("control: invalid"), "the checker found nothing wrong in an invalid document"
    assert {url: page_errors for url, page_errors in errors.items() if page_errors} == {}


def chinese_translation(answer):
    """A Chinese answer citing article 4, paragraph 2, linked to `answer` as its translation."""
    four = Law.objects.get(slug="social-insurance-law").provisions.get(number=4)
    chinese = make_answer("社保卡可以中途升级吗？", topic=answer.topic, language=Language.ZH_HANS, cites=[(four, 2)])
    link_translations(chinese, answer)
    return chinese


def test_sitemap_lastmod_of_an_article_follows_its_latest_translation_version_or_correction(client):
    provision = make_provision(4)
    translation = save_translation(Translation(provision=provision, paragraphs=["A translation."]))
    later = timezone.now() + timedelta(days=40)
    Translation.objects.filter(pk=translation.pk).update(updated_at=later)

    def lastmod():
        urls = ET.fromstring(client.get("/en/sitemap.xml").content)  # noqa: S314  (our own output)
        for url in urls.iter(f"{SITEMAP}url"):
            if url.find(f"{SITEMAP}loc").text.endswith(provision.get_absolute_url()):
                return url.find(f"{SITEMAP}lastmod").text
        raise AssertionError("the article is not in the sitemap")

    assert lastmod() == timezone.localdate(later).isoformat()
    correction = correct(provision.versions.get(), ["Fixed.", "Text."], "A typo")
    even_later = later + timedelta(days=5)
    type(correction).objects.filter(pk=correction.pk).update(created_at=even_later)
    assert lastmod() == timezone.localdate(even_later).isoformat()


def rendered_templates(response):
    return {template.name for template in response.templates}


def test_what_depends_on_the_language_alone_is_rendered_once_per_language(client):
    first = client.get("/en/")
    assert {"includes/footer.html", "includes/search_form.html"} <= rendered_templates(first)
    again = client.get("/en/laws/")
    # the footer is not rendered again, yet every page has it, and the header and head parts it keeps
    assert "includes/footer.html" not in rendered_templates(again)
    for part in ('class="skip-link"', 'class="site-name" href="/en/"', "All questions", 'href="/en/feed/"'):
        assert part in first.text and part in again.text, part
    kept = caches["template_fragments"]
    for name in ["head", "header", "search_form", "search_button", "footer"]:
        assert kept.get(make_template_fragment_key(name, ["en"])) in again.text, name
        assert kept.get(make_template_fragment_key(name, ["zh-hans"])) is None, name
    chinese = client.get("/zh-hans/laws/")
    assert "includes/footer.html" in rendered_templates(chinese)
    assert "全部问题" in chinese.text and 'class="site-name" href="/zh-hans/"' in chinese.text
    assert "All questions" not in chinese.text and 'href="/zh-hans/feed/"' in chinese.text


def test_the_search_box_holds_each_pages_own_query(client):
    """The header's box (`search-q`; the results page has a form of its own besides)."""
    box = 'id="search-q" name="q" value="{}"'
    client.get("/en/")
    assert box.format("upgrade &lt;card&gt;") in client.get("/en/search/", {"q": "upgrade <card>"}).text
    assert box.format("") in client.get("/en/laws/").text
    assert box.format("lost") in client.get("/en/search/", {"q": "lost"}).text
