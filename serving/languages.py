"""The site's languages in its URLs: every reader URL starts with its language (`/zh-hans/…`, `/en/…`).

A page's language is the prefix of its address, so a reader page is the same for every reader who asks for that
address (and is cached under it) and varies on nothing. The browser's Accept-Language is read in two places only,
never a cookie: `/`, which sends the reader to a language (`root`, the one response that varies on it), and the
unprefixed pages that are not reader pages (the admin, a page not found outside the prefixes). The addresses of the
site before it had languages (`/laws/…`, `/questions/…`, `/search/?q=…`) answer 301 to their `/en/` address, since
all content was English then (`former_address`).
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

from .pages import QUERY_PARAMETERS as PAGE_PARAMETERS

FORMER_LANGUAGE = "en"  # the language of every page before the site had two
# The paths a former address may have: any path but those under a language prefix (a page not found there is
# not a former address; it stays unmatched).
_PREFIXES = "|".join(re.escape(code) for code, _ in settings.LANGUAGES)
FORMER_ADDRESS = rf"^(?!(?:{_PREFIXES})/)(?P<path>.+)$"


def codes():
    return [code for code, _ in settings.LANGUAGES]


def language_from_path(path):
    """The language whose prefix `path` starts with (`/en/…` → "en"), or None."""
    prefix = path.lstrip("/").split("/", 1)[0]
    return prefix if prefix in codes() else None


def browser_language(request):
    """The first of our languages the browser asks for (Accept-Language; "zh-CN" is zh-hans), else
    `settings.LANGUAGE_CODE`. No cookie is read: a reader page's language is in its address."""
    for asked, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if asked == "*":
            break
        try:
            return get_supported_language_variant(asked)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def is_chinese(code=None):
    """Whether the language `code` (by default the active one, the page being built) is Chinese."""
    return (code or translation.get_language() or "").lower().startswith("zh")


def html_lang(code):
    """A language code as BCP 47 writes it in `lang` and `hreflang`: zh-hans → zh-Hans, en → en."""
    return translation.to_locale(code).replace("_", "-")


class Written(str):
    """Text with the `lang` (as `html_lang` writes it) of the language it is written in where that is not the
    page's, else with ''; plain text wherever it is used as text (a breadcrumb's name in JSON-LD, say)."""

    lang: str

    def __new__(cls, text, lang=""):
        written = super().__new__(cls, text)
        written.lang = lang
        return written


def in_language(path, language):
    """`path` (a reader page's path, its query string kept) under `language`'s prefix instead of its own."""
    current = language_from_path(path)
    rest = path[len(current) + 1 :] if current else path
    return f"/{language}{rest}"


class LanguageMiddleware:
    """Activates the language of the URL's prefix while the URL is resolved and the response built (then
    restores the one before), else the browser's, in which case a page (HTML, not a redirect) varies on
    Accept-Language.
    Unlike Django's LocaleMiddleware it reads no cookie and makes no page vary that has a prefix."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_from_path(request.path_info)
        negotiated = language is None
        if negotiated:
            language = browser_language(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        page = response.headers.get("Content-Type", "").startswith("text/html") and not response.has_header("Location")
        if negotiated and page:
            patch_vary_headers(response, ["Accept-Language"])
        return response


def root(request):
    """`/`: to the home page of the language the browser asks for (Chinese when it asks for neither)."""
    response = HttpResponseRedirect(f"/{browser_language(request)}/")
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _served(path, language):
    """Whether `path` is a page of the site other than a former address (resolved under `language`)."""
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return False
    return match.func is not former_address


def former_address(request, path):
    """A path outside the language prefixes that the site does not serve: a former reader URL answers 301 to
    its `/en/` address (with its query string); a path that only lacks its final slash, 301 to it; else 404."""
    candidates = [(f"/{FORMER_LANGUAGE}/{path}", FORMER_LANGUAGE)]
    if settings.APPEND_SLASH and not path.endswith("/"):
        slashed = f"/{path}/"
        candidates += [(slashed, language_from_path(slashed) or FORMER_LANGUAGE)]
        candidates += [(f"/{FORMER_LANGUAGE}/{path}/", FORMER_LANGUAGE)]
    for target, language in candidates:
        if _served(target, language):
            query = request.GET.urlencode()
            return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    raise Http404("No page at this address.")


class LanguageSitemap(Sitemap):
    """A sitemap of the pages in the active language (each sitemap is served under a language prefix), each with
    its alternates: the same page in each language it exists in (`languages`, by default all), and x-default,
    the page for a reader asking for neither, in `settings.LANGUAGE_CODE` where the page exists in it.

    Django's i18n sitemap lists every page in every language in one sitemap, and its x-default is the page
    without a prefix (here a former address, answering 301): the items here are the active language's only."""

    i18n = True
    alternates = True

    def languages_of(self, item):
        """The languages `item` is a page in (all, unless a subclass says otherwise)."""
        return codes()

    def get_languages_for_item(self, item):
        return self.languages_of(item)

    def _items(self):
        language = translation.get_language()
        return [(item, language) for item in self.items() if language in self.languages_of(item)]

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            by_language = {alternate["lang_code"]: alternate["location"] for alternate in url["alternates"]}
            default = by_language.get(settings.LANGUAGE_CODE) or url["location"]
            url["alternates"] = [
                *({"lang_code": html_lang(code), "location": location} for code, location in by_language.items()),
                {"lang_code": "x-default", "location": default},
            ]
        return urls


@dataclass(frozen=True)
class PageVersion:
    """A page in one language, for the language switcher and the `hreflang` alternates."""

    code: str  # the language code (zh-hans)
    name: str  # the language named in itself (简体中文)
    url: str
    current: bool  # the page being read
    indexed: bool  # the page in that language is its own page (an alternate for search engines)

    @property
    def lang(self):
        return html_lang(self.code)


def first_page(path):
    """`path` without its page number: the sites of the two languages list different answers, so page N of a
    list in one language need not exist in the other (its first page does)."""
    base, _, query = path.partition("?")
    kept = [(name, value) for name, value in parse_qsl(query, keep_blank_values=True) if name not in PAGE_PARAMETERS]
    return f"{base}?{urlencode(kept)}" if kept else base


def page_versions(path, urls=None, indexed=None):
    """The page at `path` (a reader page's path and query string) in each language: at `urls[code]` where the
    view says (an answer and its translation), else at the same path under each prefix. `indexed`: the codes
    whose version is its own page (by default all)."""
    current = language_from_path(path) or translation.get_language()
    urls = urls or {}
    return [
        PageVersion(
            code=code,
            name=name,
            url=urls.get(code) or in_language(path if code == current else first_page(path), code),
            current=code == current,
            indexed=indexed is None or code in indexed,
        )
        for code, name in settings.LANGUAGES
    ]


def default_version(path, versions):
    """The x-default alternate: `/` for a home page (it chooses by the browser's language), else the page in
    `settings.LANGUAGE_CODE` where that is its own page, else the first that is its own page (an answer in one
    language: the page its other-language address names as canonical), else the page being read."""
    if path.split("?", 1)[0] in {f"/{code}/" for code in codes()}:
        return "/"
    by_code = {version.code: version for version in versions}
    default = by_code.get(settings.LANGUAGE_CODE)
    if default is not None and default.indexed:
        return default.url
    indexed = [version.url for version in versions if version.indexed]
    return indexed[0] if indexed else next(version.url for version in versions if version.current)
