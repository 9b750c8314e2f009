"""The benchmark's reference views (bench/http.py serves them beside the site with bench.floor_settings; never
part of the site): the floor of a page-cache hit, and the one-query page the uncached pages are measured against.
"""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from sscard_kb.urls import urlpatterns as site_urlpatterns


def cache_floor(request):
    """One value from the cache the reader pages come from: what a cache hit cannot go below."""
    return HttpResponse(cache.get_or_set("bench-floor", "<p>cached</p>"))


def one_query(request):
    """A short HTML page built from one query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM articles_topic")
        (count,) = cursor.fetchone()
    return HttpResponse(f"<!doctype html><title>topics</title><p>{count} topics</p>")


class NoFragments:
    """For a request with `fragments=0` in its query (a page the page cache does not store): no fragment of the page
    is read or stored either (serving.fragments), so that every block is rendered: the page as the first reader
    after a change of content gets it. Placed after serving's middleware (bench.floor_settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.GET.get("fragments") == "0" and getattr(request, "reader_page", None):
            request.reader_page["token"] = None


urlpatterns = [
    path("bench/cache-floor", cache_floor),
    path("bench/one-query", one_query),
    *site_urlpatterns,
]
