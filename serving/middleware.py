"""The reader pages' cache and headers, and the database faults (see serving.pages and serving.faults).

Placed after WhiteNoise and before the session middleware, so that the response it sees already carries what
the session and CSRF middleware add (it takes `Vary: Cookie` off an anonymous reader page, which is the same for
every reader), and a page it serves from the cache still passes through the security headers.
"""

import copy
import logging
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers

from . import faults, metrics, pages
from .faults import unavailable

logger = logging.getLogger(__name__)

# The headers a cached page keeps; the middleware that adds the others adds them again when the page is served.
# (those of the middleware below this one, such as X-Frame-Options, are kept: a cached page never reaches it).
KEPT_HEADERS = {"content-type", "content-language", "x-robots-tag", "last-modified", "etag", "x-frame-options"}
PRIVATE = "private, no-store"
# The preconditions a reader page answers: those on its ETag. It has no Last-Modified, so If-Modified-Since and
# If-Unmodified-Since are ignored (RFC 9110, 13.1.3 and 13.1.4: without a modification date there is nothing to
# compare; Django's get_conditional_response would answer If-Unmodified-Since with 412).
ETAG_CONDITIONS = frozenset({"HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH"})
DATE_CONDITIONS = frozenset({"HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE"})


def conditional(request, response):
    """`response` (a reader page with its ETag), or 304/412 as the request's ETag preconditions say."""
    if ETAG_CONDITIONS.isdisjoint(request.META):
        return response
    if not DATE_CONDITIONS.isdisjoint(request.META):
        # left out: Django would weigh them against no date (If-Unmodified-Since beside If-None-Match: 412)
        request = copy.copy(request)
        request.META = {name: value for name, value in request.META.items() if name not in DATE_CONDITIONS}
    return get_conditional_response(request, etag=response.headers["ETag"], response=response)


def signed_in(request):
    """Whether a user is signed in (only a request with a session cookie is looked up)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_authenticated


class ReaderPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.reader_page = None  # {"key": the cache key or None, "hit": served from the cache}
        request.signed_in = None
        request.page_lookup = None  # (key, generation, stored page) looked up before the URL was resolved
        cached = self.cached_page(request)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if request.signed_in is None and settings.SESSION_COOKIE_NAME in request.COOKIES:
            try:
                request.signed_in = signed_in(request)
            except DatabaseError:
                request.signed_in = True  # unknown: kept private
        if request.signed_in:
            response.headers["Cache-Control"] = PRIVATE
        elif request.reader_page is not None:
            response = self.finish_reader_page(request, response)
        return response

    def process_view(self, request, view, args, kwargs):
        if getattr(view, "reader_page", False) and request.method in {"GET", "HEAD"}:
            response = self.reader_page_view(request, paginated=getattr(view, "paginated", False))
            if response is not None:
                return response
        if faults.database_down() and not getattr(view, "needs_no_database", False):
            return unavailable(request)  # at once: the database failed a request of this worker a moment ago
        return None

    def reader_page_view(self, request, paginated=False):
        """The cached page, or None to build it (noting what to store it under)."""
        try:
            request.signed_in = signed_in(request)
        except (OperationalError, InterfaceError) as error:
            logger.warning("The database did not answer (session of %s).", request.path, exc_info=True)
            metrics.database_error(error)
            if faults.is_connection_failure(error):
                faults.mark_down()
            return unavailable(request)
        if request.signed_in:
            return None  # staff never get nor fill a cached page
        if request.page_lookup is not None:  # looked up already (no session cookie): it was not there
            key, token, _ = request.page_lookup
        else:
            key = pages.page_key(request)
            if key:
                token, stored = pages.lookup(key)
                if stored is not None:
                    return self.serve(request, stored)
            else:  # a page that is not stored (another query parameter) still reads and fills fragments
                token = pages.generation()
        if token is None or (request.GET and not paginated):
            key = None  # the cache does not answer, or a page number on a page that has none: nothing is stored
        # the generation read before the view reads the database: the page and its fragments are stored under it
        request.reader_page = {"key": key, "hit": False, "token": token}
        if key:
            metrics.cache_miss()
        return None

    def cached_page(self, request):
        """The cached page for an anonymous reader (no session cookie) before the URL is even resolved: one round
        trip to the cache. Only reader pages are ever stored, so whatever is found is one."""
        if request.method not in {"GET", "HEAD"} or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        key = pages.page_key(request)
        if key is None:
            return None
        token, stored = pages.lookup(key)
        if stored is None:
            request.page_lookup = (key, token, None)
            return None
        return self.serve(request, stored)

    def serve(self, request, stored):
        metrics.cache_hit()
        request.metrics_view = stored["view"]
        response = HttpResponse(stored["content"])
        response.headers["Content-Length"] = str(len(stored["content"]))
        for name, value in stored["headers"].items():
            response.headers[name] = value
        response.headers["Cache-Control"] = f"public, max-age={pages.CDN_MAX_AGE}"
        return conditional(request, response)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.warning("The database did not answer (%s): %s", request.path, exception)
            metrics.database_error(exception)
            if faults.is_connection_failure(exception):
                faults.mark_down()
            return unavailable(request)
        if isinstance(exception, pages.CacheUnavailable):
            logger.warning("The cache did not take a change (%s); the write was refused.", request.path)
            return unavailable(request)
        return None

    @staticmethod
    def vary_not_on_cookie(response):
        """An anonymous reader's page does not vary on the cookie (the session was read only to know the reader
        is anonymous)."""
        if "Vary" in response.headers:
            kept = [v.strip() for v in response.headers["Vary"].split(",") if v.strip().lower() != "cookie"]
            del response.headers["Vary"]
            if kept:
                patch_vary_headers(response, kept)

    def finish_reader_page(self, request, response):
        if response.streaming or response.cookies:
            return response
        # e.g. an answer's address sending to its translation or its new address, or an answer withdrawn (410)
        if response.status_code in (301, 302, 307, 308, 410):
            self.vary_not_on_cookie(response)
            response.headers["Cache-Control"] = f"public, max-age={pages.CDN_MAX_AGE}"
            return response
        if response.status_code != 200:
            return response
        state = request.reader_page
        self.vary_not_on_cookie(response)
        response.headers["ETag"] = pages.etag(response.content)
        response.headers["Cache-Control"] = f"public, max-age={pages.CDN_MAX_AGE}"
        if state["key"] and not state["hit"]:
            headers = {name: value for name, value in response.headers.items() if name.lower() in KEPT_HEADERS}
            match = getattr(request, "resolver_match", None)
            timeout = pages.timeout(state["token"])
            stored = {
                "token": state["token"],
                "content": response.content,
                "headers": headers,
                "view": (match and match.view_name) or "",
                "expires": time.time() + timeout,  # when the cache drops it: its copies in workers go then too
            }
            pages.cache_set(state["key"], stored, timeout)
        return conditional(request, response)
