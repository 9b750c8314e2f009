"""What a reader gets while the database is down or hung: a plain 503 page, rendered without the database."""

import logging
import time

from django.db import InterfaceError, connection
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER = 10  # seconds
# After the database failed a request, a worker answers 503 at once for this many seconds instead of waiting on it
# again for each request (each would wait up to DB_CLIENT_TIMEOUT, and the requests queued behind it longer).
SHORT_CIRCUIT = 5  # seconds

_down_until = 0.0  # this process's view: until when the database is taken as down


def mark_down():
    global _down_until
    _down_until = time.monotonic() + SHORT_CIRCUIT


def database_down():
    return time.monotonic() < _down_until


def is_connection_failure(exception):
    """Whether `exception` says the database is unreachable (and not that one statement failed: a timeout, a
    deadlock, a lock held, SQLite's "database is locked"): only that takes the database as down."""
    if isinstance(exception, InterfaceError):
        return True
    if connection.vendor != "postgresql":
        return False
    code = getattr(exception.__cause__, "pgcode", None)
    return code is None or code.startswith("08")  # no code: the connection; class 08: connection exceptions


def needs_no_database(view):
    """Mark a view that answers without the database (it is served while the database is taken as down)."""
    view.needs_no_database = True
    return view


def unavailable(request):
    """The 503 page, with `Retry-After`; a line of text if even the template cannot be rendered."""
    try:
        content = loader.render_to_string("503.html", request=request)
    except Exception:
        logger.exception("The 503 page could not be rendered.")
        content = "Service unavailable: please try again in a few seconds."
    response = HttpResponse(content, status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response
