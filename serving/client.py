"""The address of the client that sent a request, for limits and allow-lists."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's IP address: REMOTE_ADDR, or behind the TLS proxy (`BEHIND_TLS_PROXY`) the first entry of the
    X-Forwarded-For header that the proxy sets (docs/operations.md). Never trusted from a client otherwise."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            try:
                return str(ipaddress.ip_address(forwarded))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR", "")
