"""What a reader gets while the database is down or hung: a plain 503 page, rendered without the database."""

import logging

from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER = 10  # seconds


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
