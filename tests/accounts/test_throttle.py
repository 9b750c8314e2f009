"""Admin sign-in is throttled per account and per client address (sscard_kb.accounts.throttle)."""

import time

import pytest
from django.test import RequestFactory

from serving.client import client_address
from tests.accounts.conftest import sign_in, signed_in
from tests.factories import make_user

LOCKED = "Too many failed sign-in attempts for this account or from this address."


@pytest.fixture
def editor(db):
    return make_user("editor", "editor")


def test_thirty_wrong_passwords_lock_out_the_right_one_with_a_message(client, editor):
    for _ in range(30):
        response = sign_in(client, "editor", "wrong password")
        assert response.status_code == 200
    response = sign_in(client, "editor")
    assert response.status_code == 200
    assert not signed_in(client)
    assert LOCKED in response.text
    assert "Try again in 15 minutes." in response.text


def test_the_account_locks_after_five_failures(client, editor):
    for _ in range(4):
        sign_in(client, "editor", "wrong password")
    assert sign_in(client, "editor").status_code == 302  # the fifth try is the right password
    client.logout()
    for _ in range(5):
        sign_in(client, "editor", "wrong password")
    response = sign_in(client, "editor", address="198.51.100.7")  # from anywhere
    assert LOCKED in response.text


def test_a_successful_sign_in_clears_the_accounts_failures(client, editor):
    for _ in range(4):
        sign_in(client, "editor", "wrong password")
    assert sign_in(client, "editor").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "editor", "wrong password")
    assert sign_in(client, "editor").status_code == 302


def test_other_accounts_from_another_client_are_unaffected(client, editor):
    make_user("publisher", "publisher")
    for _ in range(30):
        sign_in(client, "editor", "wrong password", address="203.0.113.5")
    assert LOCKED in sign_in(client, "publisher", address="203.0.113.5").text  # the client is locked
    assert sign_in(client, "publisher", address="198.51.100.7").status_code == 302
    assert signed_in(client)


def test_a_client_is_locked_after_twenty_failures_across_accounts(client, editor):
    for n in range(20):
        sign_in(client, f"guess{n}", "wrong password")
    assert LOCKED in sign_in(client, "editor").text
    assert sign_in(client, "editor", address="198.51.100.7").status_code == 302


def test_the_lock_expires(client, editor, monkeypatch):
    for _ in range(30):
        sign_in(client, "editor", "wrong password")
    assert LOCKED in sign_in(client, "editor").text
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 15 * 60 + 1)  # the cache's expiry reads the same clock
    assert sign_in(client, "editor").status_code == 302


def test_a_locked_account_does_not_check_the_password(client, editor, django_assert_num_queries):
    for _ in range(5):
        sign_in(client, "editor", "wrong password")
    with django_assert_num_queries(0):
        sign_in(client, "editor")


@pytest.mark.parametrize(
    ("behind_proxy", "expected"),
    [(False, "10.0.0.1"), (True, "203.0.113.5")],
)
def test_the_client_address_comes_from_the_proxy_header_only_behind_the_proxy(settings, behind_proxy, expected):
    settings.BEHIND_TLS_PROXY = behind_proxy
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.2")
    assert client_address(request) == expected


def test_a_malformed_proxy_header_falls_back_to_the_peer(settings):
    settings.BEHIND_TLS_PROXY = True
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(request) == "10.0.0.1"


def test_behind_the_proxy_clients_are_counted_by_their_own_address(client, editor, settings):
    settings.BEHIND_TLS_PROXY = True
    for n in range(20):
        sign_in(client, f"guess{n}", "wrong password", address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert LOCKED in sign_in(client, "editor", address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5").text
    response = sign_in(client, "editor", address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 302


class DownCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("the cache does not answer")

        return fail


def test_with_the_cache_down_sign_in_works_unthrottled_and_says_so(client, editor, monkeypatch, caplog):
    from sscard_kb.accounts import throttle

    monkeypatch.setattr(throttle, "cache", DownCache())
    assert sign_in(client, "editor", "wrong password").status_code == 200
    assert sign_in(client, "editor").status_code == 302
    assert "Sign-in throttling is off: the cache does not answer." in caplog.text
