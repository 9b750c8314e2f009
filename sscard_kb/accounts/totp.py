"""Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps), as authenticator apps make.

Pure functions of a secret and a time; storing the secret and refusing a code used twice is the model's job.
"""

import base64
import hashlib
import hmac
import secrets
import time
from urllib.parse import quote, urlencode

DIGITS = 6
STEP = 30  # seconds
DRIFT = 1  # steps either side of now accepted, for clocks that are a little off


def new_secret():
    """A random 160-bit secret in base32 (what authenticator apps take)."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def code_at(secret, counter):
    """The code for time step `counter` (RFC 4226 dynamic truncation)."""
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def current_counter(now=None):
    return int((time.time() if now is None else now) // STEP)


def matching_counter(secret, code, now=None, after=-1):
    """The time step whose code `code` is (within DRIFT steps of now and later than `after`), or None."""
    code = "".join((code or "").split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    now_counter = current_counter(now)
    for counter in range(now_counter - DRIFT, now_counter + DRIFT + 1):
        if counter > after and hmac.compare_digest(code_at(secret, counter), code):
            return counter
    return None


def provisioning_uri(secret, account, issuer):
    """The otpauth:// URI an authenticator app reads from the QR code."""
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{label}?{query}"
