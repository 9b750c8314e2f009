import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def empty_cache():
    """The sign-in counters live in the (local-memory) cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username, password=PASSWORD, address="203.0.113.5", code="", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "otp_token": code, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in(client):
    return "_auth_user_id" in client.session
