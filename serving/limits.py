"""A per-client limit on a view's requests (search, the one public page that cannot be cached)."""

import functools
import hashlib
import logging
import time

from django.http import HttpResponse
from django.utils.translation import gettext as _

from .client import client_address
from .pages import cache

logger = logging.getLogger(__name__)


def rate_limited(name, requests, seconds):
    """At most `requests` requests per client in each window of `seconds`; then 429 with `Retry-After`. (A fixed
    window: a client may make up to twice as many across the edge of two windows.) The cache down: no limit."""

    def decorator(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            window = int(time.time() // seconds)
            client = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
            key = f"limit:{name}:{window}:{client}"
            try:
                cache().add(key, 0, seconds + 1)
                count = cache().incr(key)
            except Exception:
                logger.warning("The cache did not answer (rate limit %s).", name, exc_info=True)
                count = 0
            if count > requests:
                response = HttpResponse(
                    _("Too many requests: please wait a few seconds."), status=429, content_type="text/plain"
                )
                response.headers["Retry-After"] = str(seconds - int(time.time()) % seconds)
                response.headers["Cache-Control"] = "no-store"
                return response
            return view(request, *args, **kwargs)

        return limited

    return decorator
