"""Sign-in throttling: failed attempts counted per account and per client address in the default cache.

After `LOGIN_FAILURES_PER_ACCOUNT` failures for one username, or `LOGIN_FAILURES_PER_CLIENT` from one address,
within `LOGIN_LOCK_SECONDS` of the first of them, sign-in is refused (without checking the password) until that
window ends. A successful sign-in clears the account's count. The counters live in the shared cache, so every
worker and app server sees them; if the cache is down, sign-in is not throttled and a warning is logged.
Password reset emails are limited per client address in the same way.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

from serving.client import client_address
from serving.limits import hit

logger = logging.getLogger(__name__)

PASSWORD_RESETS_PER_CLIENT = 5  # reset emails one client address may ask for per LOGIN_LOCK_SECONDS


def _keys(request, username):
    account = hashlib.sha256((username or "").strip().casefold().encode()).hexdigest()
    return [
        (f"login-failures:account:{account}", settings.LOGIN_FAILURES_PER_ACCOUNT),
        (f"login-failures:client:{client_address(request)}", settings.LOGIN_FAILURES_PER_CLIENT),
    ]


def locked_for(request, username):
    """Seconds until sign-in for `username` from this client is allowed again; 0 when it is allowed now."""
    keys = _keys(request, username)
    try:
        stored = cache.get_many([k for key, _ in keys for k in (key, f"{key}:since")])
    except Exception:
        logger.warning("Sign-in throttling is off: the cache does not answer.", exc_info=True)
        return 0
    waits = [
        stored.get(f"{key}:since", 0) + settings.LOGIN_LOCK_SECONDS - time.time()
        for key, limit in keys
        if stored.get(key, 0) >= limit
    ]
    return max([0, *(math.ceil(wait) for wait in waits)])


def record_failure(request, username):
    for key, _ in _keys(request, username):
        try:
            cache.add(f"{key}:since", time.time(), settings.LOGIN_LOCK_SECONDS)
        except Exception:
            logger.warning("A failed sign-in was not counted: the cache does not answer.", exc_info=True)
            return
        hit(key, settings.LOGIN_LOCK_SECONDS)


def record_success(request, username):
    key = _keys(request, username)[0][0]
    try:
        cache.delete_many([key, f"{key}:since"])
    except Exception:
        logger.warning("The failed sign-ins of an account were not cleared: the cache does not answer.", exc_info=True)


def allow_password_reset(request):
    """Whether this client may ask for another password reset email (PASSWORD_RESETS_PER_CLIENT per window)."""
    count = hit(f"password-resets:client:{client_address(request)}", settings.LOGIN_LOCK_SECONDS)
    return count is None or count <= PASSWORD_RESETS_PER_CLIENT
