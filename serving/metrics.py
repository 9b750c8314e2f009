"""Prometheus metrics: requests by view and status, latency, page-cache hits and misses, database errors.

With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (an empty directory, emptied before each start) in
the environment that starts gunicorn: each worker then writes its counts there and /metrics adds up all of them
(prometheus-client's multiprocess mode; docs/operations.md). Without it the counts are the answering process's.
"""

import hmac
import ipaddress
import os

from django.conf import settings
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import Http404, HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from serving.client import client_address
from serving.faults import needs_no_database

REQUESTS = Counter("sscard_kb_http_requests", "Requests answered, by view (URL name) and status.", ["view", "status"])
LATENCY = Histogram(
    "sscard_kb_http_request_duration_seconds",
    "Time to answer a request, by view (URL name).",
    ["view"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
PAGE_CACHE = Counter("sscard_kb_page_cache_lookups", "Reader pages looked up in the page cache, by result.", ["result"])
DATABASE_ERRORS = Counter("sscard_kb_database_errors", "Database errors: failed connections and queries.")
for result in ("hit", "miss"):
    PAGE_CACHE.labels(result)

UNMATCHED = "(unmatched)"  # a URL no view answers: one label for all of them


def cache_hit():
    """Call when a reader page is served from the page cache."""
    PAGE_CACHE.labels("hit").inc()


def cache_miss():
    """Call when a reader page is not in the page cache (and is built)."""
    PAGE_CACHE.labels("miss").inc()


def database_error(exception=None):
    """Call when a database operation fails (an exception passed is counted once however often it is reported)."""
    if exception is not None:
        if getattr(exception, "_sscard_kb_counted", False):
            return
        exception._sscard_kb_counted = True
    DATABASE_ERRORS.inc()


def view_name(request):
    if getattr(request, "metrics_view", None):  # a cached page: the view that built it
        return request.metrics_view
    match = getattr(request, "resolver_match", None)
    if match is None:  # answered before URL resolution (a middleware's response, a cached page)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return UNMATCHED
    return match.view_name or UNMATCHED


def observe_request(request, status, seconds):
    view = view_name(request)
    REQUESTS.labels(view, str(status)).inc()
    LATENCY.labels(view).observe(seconds)


def _count_query_errors(execute, sql, params, many, context):
    try:
        return execute(sql, params, many, context)
    except Exception as exception:
        database_error(exception)
        raise


@receiver(connection_created, dispatch_uid="serving.metrics.count_query_errors")
def count_query_errors(sender, connection, **kwargs):
    """Count failed queries on every database connection (a refused connection is counted by the middleware)."""
    if _count_query_errors not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count_query_errors)


def registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        return collected
    return REGISTRY


def allowed(request):
    token = settings.METRICS_TOKEN
    authorization = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(allowed, strict=False) for allowed in settings.METRICS_ALLOWED_IPS)


@needs_no_database  # scraped most when the database is away
@require_safe
@never_cache
def metrics_view(request):
    """The metrics in Prometheus's text format, for the addresses and token the operator allows; 404 for others."""
    if not allowed(request):
        raise Http404
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
