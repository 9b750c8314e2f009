"""The site in two languages: the language in every reader URL, `/` and the former addresses, the switcher and the
alternates, caching per language with no cookie, the sitemap and the feed of each language."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import translation

from articles.models import Language
from articles.services import link_translations
from tests.content import LAW_SLUG
from tests.factories import make_answer, make_provision, make_topic
from tests.site_helpers import links, page_of

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def answers(db):
    """A Chinese answer and its English translation, and an English answer with no Chinese one."""
    topic = make_topic("Losing a card")
    topic.title_zh = "挂失补办"
    topic.save()
    chinese = make_answer("社保卡丢了怎么办？", topic=topic, language=Language.ZH_HANS, cites=[make_provision(4)])
    english = make_answer("What do I do if I lose my card?", topic=topic, language=Language.EN)
    only_english = make_answer("Can a child have a card?", topic=topic, language=Language.EN)
    link_translations(chinese, english)
    return chinese, english, only_english


# --------------------------------------------------------------------- `/` and the former addresses


@pytest.mark.parametrize(
    ("asked", "language"),
    [
        ("", "zh-hans"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
        ("en-US,en;q=0.9", "en"),
        ("en-GB,zh-CN;q=0.5", "en"),
        ("fr-FR,fr;q=0.9", "zh-hans"),  # neither: Chinese
        ("fr-FR,en;q=0.5", "en"),
        ("zh-TW", "zh-hans"),
    ],
)
def test_root_sends_the_reader_to_the_language_the_browser_asks_for(asked, language):
    response = Client().get("/", headers={"Accept-Language": asked} if asked else {})
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/"
    assert response["Vary"] == "Accept-Language"
    assert not response.cookies


def test_root_reads_no_language_cookie():
    client = Client(headers={"Accept-Language": "en"})
    client.cookies["django_language"] = "zh-hans"
    assert client.get("/")["Location"] == "/en/"


@pytest.mark.parametrize(
    ("former", "now"),
    [
        ("/laws/", "/en/laws/"),
        ("/laws", "/en/laws/"),
        (f"/laws/{LAW_SLUG}/articles/4/", f"/en/laws/{LAW_SLUG}/articles/4/"),
        (f"/laws/{LAW_SLUG}/articles/4/versions/2012-01-01/", f"/en/laws/{LAW_SLUG}/articles/4/versions/2012-01-01/"),
        ("/questions/some-answer/", "/en/questions/some-answer/"),
        ("/topics/some-topic/?page=2", "/en/topics/some-topic/?page=2"),
        ("/search/?q=lost+card&page=2", "/en/search/?q=lost+card&page=2"),
        ("/search/?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1", "/en/search/?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1"),
        ("/feed/", "/en/feed/"),
        ("/sitemap.xml", "/en/sitemap.xml"),
        ("/zh-hans", "/zh-hans/"),
    ],
)
def test_former_unprefixed_addresses_answer_301_to_their_english_address(client, former, now):
    response = client.get(former, headers={"Accept-Language": "zh-CN"})  # the browser's language does not count
    assert response.status_code == 301
    assert response["Location"] == now
    assert "Vary" not in response
    assert not response.cookies


def test_a_prefixed_address_without_its_final_slash_answers_301_to_it(client, answers):
    for language in ("zh-hans", "en"):
        response = client.get(f"/{language}/laws")
        assert (response.status_code, response["Location"]) == (301, f"/{language}/laws/")


def test_an_unknown_address_outside_the_prefixes_is_a_404(client):
    assert client.get("/no/such/page/").status_code == 404
    assert client.get("/en/no/such/page/").status_code == 404


@pytest.mark.parametrize("path", ["/robots.txt", "/healthz", "/admin/login/"])
def test_the_staffs_and_the_machines_addresses_have_no_prefix(client, path):
    assert client.get(path).status_code == 200
    assert client.get(f"/en{path}").status_code == 404


def test_only_the_staffs_pages_follow_the_browsers_language(client):
    chinese = Client(headers={"Accept-Language": "zh-CN"}).get("/admin/login/")
    english = Client(headers={"Accept-Language": "en"}).get("/admin/login/")
    assert chinese["Content-Language"] == "zh-hans" and english["Content-Language"] == "en"
    assert "Accept-Language" in chinese["Vary"]
    assert "Vary" not in client.get("/robots.txt")


# --------------------------------------------------------------------- reader pages, cached per language


def reader_pages(answers):
    chinese, english, _ = answers
    article = f"/laws/{LAW_SLUG}/articles/4/"
    return [
        "/",
        chinese.topic.get_absolute_url().removeprefix("/en"),
        "/laws/",
        f"/laws/{LAW_SLUG}/",
        article,
        f"{article}versions/2012-01-01/",
        "/feed/",
        "/sitemap.xml",
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_reader_pages_are_cached_per_language_without_cookie_or_vary(
    client, answers, language, django_assert_num_queries
):
    for path in reader_pages(answers):
        url = f"/{language}{path}"
        first = client.get(url, headers={"Accept-Language": "fr"})
        assert first.status_code == 200, url
        assert first["Cache-Control"] == "public, max-age=60", url
        assert first["Content-Language"] == language, url
        assert "Vary" not in first and not first.cookies, url
        with django_assert_num_queries(0):
            second = client.get(url, headers={"Accept-Language": "zh-CN" if language == "en" else "en"})
        assert second.content == first.content and second["ETag"] == first["ETag"], url
        assert second["Content-Language"] == language, url
        assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304, url


def test_the_same_page_in_each_language_is_cached_apart(client, answers):
    chinese, english = (client.get(f"/{code}/laws/").text for code in ("zh-hans", "en"))
    assert '<html lang="zh-Hans">' in chinese and '<html lang="en">' in english
    assert (client.get("/zh-hans/laws/").text, client.get("/en/laws/").text) == (chinese, english)


def test_a_cached_page_is_served_before_the_url_is_resolved(client, answers, monkeypatch):
    client.get("/zh-hans/laws/")

    def resolving(*args, **kwargs):
        raise AssertionError("the URL was resolved")

    monkeypatch.setattr("django.urls.resolvers.URLResolver.resolve", resolving)
    response = client.get("/zh-hans/laws/")
    assert response.status_code == 200 and response["Content-Language"] == "zh-hans"


def test_staff_pages_in_either_language_are_private(client, answers, admin_user):
    client.force_login(admin_user)
    for language in ("zh-hans", "en"):
        response = client.get(f"/{language}/laws/")
        assert response["Cache-Control"] == "private, no-store"


# --------------------------------------------------------------------- the switcher and the alternates


def switcher(html):
    start = html.index('<nav class="languages"')
    return html[start : html.index("</nav>", start)]


def alternates(html):
    """{hreflang: href} of the page's `<link rel="alternate" hreflang>`."""
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def test_the_switcher_leads_to_the_same_page_in_the_other_language(client, answers):
    html = client.get(f"/en/laws/{LAW_SLUG}/articles/4/").text
    nav = switcher(html)
    assert links(nav) == [f"/zh-hans/laws/{LAW_SLUG}/articles/4/"]
    assert page_of(nav, "a") == ["简体中文"] and 'aria-current="page" lang="en">English<' in nav
    assert '<html lang="en">' in html


def test_the_switcher_keeps_the_query_string_of_a_search(client, answers):
    html = client.get("/zh-hans/search/", {"q": "社保卡 丢失", "page": "1"}).text
    # the query kept, the page number not (the other language's results are another list)
    assert links(switcher(html)) == ["/en/search/?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1+%E4%B8%A2%E5%A4%B1"]
    assert '<html lang="zh-Hans">' in html


def test_every_reader_page_names_both_languages_and_x_default(client, answers):
    for path in reader_pages(answers)[:-2]:
        html = client.get(f"/en{path}").text
        found = alternates(html)
        assert set(found) == {"zh-Hans", "en", "x-default"}, path
        own = path.replace("versions/2012-01-01/", "versions/2011-07-01/")  # a date's wording: its version's page
        assert found["zh-Hans"] == f"http://testserver/zh-hans{own}", path
        assert found["en"] == f"http://testserver/en{own}", path
        assert found["x-default"] == ("http://testserver/" if path == "/" else found["zh-Hans"]), path


def test_an_answer_names_its_translation_as_its_alternate(client, answers):
    chinese, english, only_english = answers
    found = alternates(client.get(english.get_absolute_url()).text)
    assert found == {
        "zh-Hans": f"http://testserver{chinese.get_absolute_url()}",
        "en": f"http://testserver{english.get_absolute_url()}",
        "x-default": f"http://testserver{chinese.get_absolute_url()}",
    }
    assert links(switcher(client.get(english.get_absolute_url()).text)) == [chinese.get_absolute_url()]
    # Without a translation: no other language's page to name; the switcher shows it in the other interface.
    html = client.get(only_english.get_absolute_url()).text
    assert alternates(html) == {
        "en": f"http://testserver{only_english.get_absolute_url()}",
        "x-default": f"http://testserver{only_english.get_absolute_url()}",
    }
    assert links(switcher(html)) == [only_english.url_in("zh-hans")]
    # Shown on the Chinese site with a notice: its canonical page is the English one, and so is its x-default.
    html = client.get(only_english.url_in("zh-hans")).text
    assert f'<link rel="canonical" href="http://testserver{only_english.get_absolute_url()}">' in html
    own = f"http://testserver{only_english.get_absolute_url()}"
    assert alternates(html) == {"en": own, "x-default": own}


def test_a_page_not_found_names_no_alternates(client):
    assert alternates(client.get("/en/no/such/page/").text) == {}


# --------------------------------------------------------------------- the sitemap and the feed of each language


def sitemap(client, language):
    root = ET.fromstring(client.get(f"/{language}/sitemap.xml").content)  # noqa: S314  (our own output)
    return {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link[@rel='alternate']")
        }
        for url in root.iter(f"{SITEMAP}url")
    }


def test_each_languages_sitemap_lists_its_pages_with_their_alternates(client, answers):
    chinese, english, only_english = answers
    site = "http://testserver"
    zh, en = sitemap(client, "zh-hans"), sitemap(client, "en")
    assert zh[f"{site}{chinese.get_absolute_url()}"] == {
        "zh-Hans": f"{site}{chinese.get_absolute_url()}",
        "en": f"{site}{english.get_absolute_url()}",
        "x-default": f"{site}{chinese.get_absolute_url()}",
    }
    assert f"{site}{english.get_absolute_url()}" in en and f"{site}{only_english.get_absolute_url()}" in en
    assert en[f"{site}{only_english.get_absolute_url()}"] == {
        "en": f"{site}{only_english.get_absolute_url()}",
        "x-default": f"{site}{only_english.get_absolute_url()}",
    }
    # An answer is listed only on its own language's site.
    assert not any("/questions/" in url for url in zh if url != f"{site}{chinese.get_absolute_url()}")
    law = f"/laws/{LAW_SLUG}/"
    assert zh[f"{site}/zh-hans{law}"] == {
        "zh-Hans": f"{site}/zh-hans{law}",
        "en": f"{site}/en{law}",
        "x-default": f"{site}/zh-hans{law}",
    }
    assert en[f"{site}/en{law}"] == zh[f"{site}/zh-hans{law}"]
    # The home pages, whose x-default is `/` (it sends a reader to the language the browser asks for).
    home = {"zh-Hans": f"{site}/zh-hans/", "en": f"{site}/en/", "x-default": f"{site}/"}
    assert zh[f"{site}/zh-hans/"] == home and en[f"{site}/en/"] == home
    assert all(url.startswith(f"{site}/zh-hans/") for url in zh) and all(url.startswith(f"{site}/en/") for url in en)


def test_each_language_has_its_own_feed(client, answers):
    chinese, english, only_english = answers
    titles = {}
    for language in ("zh-hans", "en"):
        feed = ET.fromstring(client.get(f"/{language}/feed/").content)  # noqa: S314  (our own output)
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == translation.to_locale(language).replace(
            "_", "-"
        )
        titles[language] = sorted(entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry"))
        # Atom requires an author of the feed where its entries name none: the site, in the feed's language.
        assert (
            feed.find(f"{ATOM}author/{ATOM}name").text
            == {"zh-hans": "社保卡问题解答", "en": "Social security card answers"}[language]
        )
    assert titles == {"zh-hans": [chinese.question], "en": sorted([english.question, only_english.question])}


def test_the_other_language_of_a_page_of_a_list_is_its_first_page():
    from serving.languages import page_versions

    versions = {v.code: v.url for v in page_versions("/en/topics/cards/?page=2")}
    # the two sites list different answers: page 2 in English need not exist in Chinese
    assert versions == {"en": "/en/topics/cards/?page=2", "zh-hans": "/zh-hans/topics/cards/"}
    versions = {v.code: v.url for v in page_versions("/en/search/?q=card&page=3")}
    assert versions["zh-hans"] == "/zh-hans/search/?q=card"
