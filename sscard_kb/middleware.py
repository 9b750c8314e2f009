import logging
import re
import time
import uuid

from django.db import Error as DatabaseError

from serving import metrics
from sscard_kb.logs import current_request

request_logger = logging.getLogger("sscard_kb.request")

# An X-Request-ID from the proxy is kept when it is a short token that is safe in a header and a log line.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


class RequestIdMiddleware:
    """Gives each request an id (the proxy's X-Request-ID if it is a safe short token, else a new one), puts it on
    every log record written while answering and on the response's X-Request-ID, and logs one line per request with
    its method, path, status and duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.META.get("HTTP_X_REQUEST_ID", "")  # not request.headers, which copies every header
        request.request_id = offered if SAFE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        token = current_request.set((request.request_id, request.method, request.path))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response.headers["X-Request-ID"] = request.request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            current_request.reset(token)


class MetricsMiddleware:
    """Counts each request by view and status, its latency by view, and database errors (serving.metrics)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        metrics.observe_request(request, response.status_code, time.perf_counter() - started)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError):
            metrics.database_error(exception)
