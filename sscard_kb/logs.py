"""Log records as one JSON object per line, each carrying the id of the request it was written in."""

import contextvars
import datetime
import json
import logging

# (request id, method, path) of the request being answered, set by sscard_kb.middleware.RequestIdMiddleware.
current_request = contextvars.ContextVar("current_request", default=None)

REQUEST_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "view")


class RequestContextFilter(logging.Filter):
    """Adds the request's id, method and path to each record: the request's a record names (Django logs 4xx and 5xx
    responses after the middleware has returned), else the one being answered; request_id "-" outside a request."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if hasattr(request, "request_id"):
            context = (request.request_id, request.method, request.path)
        else:
            context = current_request.get() or ("-", None, None)
        request_id, method, path = context
        if not hasattr(record, "request_id"):
            record.request_id = request_id
        if method and not hasattr(record, "method"):
            record.method, record.path = method, path
        if not hasattr(record, "status") and hasattr(record, "status_code"):  # django.request's name for it
            record.status = record.status_code
        return True


class JSONFormatter(logging.Formatter):
    """time, level, logger, message, then the request fields a record has, and the exception if there is one."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
