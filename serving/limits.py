"""A per-client limit on a view's requests (search, the one public page that cannot be cached; readers' feedback).

The client is counted under a salted hash of its address (keyed with SECRET_KEY), in the cache only, for the
limit's window: the address itself is never stored.
"""

import functools
import logging
import time

from django.http import HttpResponse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .client import client_address
from .pages import cache

logger = logging.getLogger(__name__)


def hit(key, seconds):
    """Count one more event under `key`, a counter that lives `seconds` from its first event: the count, or None
    when the cache does not answer (then nothing is limited, and a warning is logged)."""
    try:
        cache().add(key, 0, seconds + 1)
        return cache().incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache().set(key, 1, seconds + 1)
        return 1
    except Exception:
        logger.warning("The cache did not answer (counter %s).", key.split(":")[0], exc_info=True)
        return None


def client_digest(request):
    """The client's address as a limit counts it: a salted hash, which names the client without holding its
    address (a plain hash of an IPv4 address is undone by hashing all four billion)."""
    return salted_hmac("serving.limits.client", client_address(request), algorithm="sha256").hexdigest()[:32]


def rate_limited(name, requests, seconds):
    """At most `requests` requests per client in each window of `seconds`; then 429 with `Retry-After`. (A fixed
    window: a client may make up to twice as many across the edge of two windows.) The cache down: no limit."""

    def decorator(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            window = int(time.time() // seconds)
            client = client_digest(request)
            count = hit(f"limit:{name}:{window}:{client}", seconds)
            if count is not None and count > requests:
                response = HttpResponse(
                    _("Too many requests: please wait a few seconds."), status=429, content_type="text/plain"
                )
                response.headers["Retry-After"] = str(seconds - int(time.time()) % seconds)
                response.headers["Cache-Control"] = "no-store"
                return response
            return view(request, *args, **kwargs)

        return limited

    return decorator
