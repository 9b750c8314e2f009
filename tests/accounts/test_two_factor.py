"""Two-factor sign-in (TOTP): available to all staff, required for publishers when REQUIRE_2FA_FOR_PUBLISHERS."""

import base64
import re

import pytest
from django.urls import reverse

from sscard_kb.accounts import totp
from sscard_kb.accounts.admin_site import ENROLMENT_SESSION_KEY
from sscard_kb.accounts.models import TOTPDevice
from tests.accounts.conftest import sign_in, signed_in
from tests.factories import make_user

RFC_6238_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(("now", "code"), [(59, "287082"), (1111111109, "081804"), (2000000000, "279037")])
def test_codes_are_those_of_rfc_6238(now, code):
    assert totp.code_at(RFC_6238_SECRET, totp.current_counter(now)) == code


def test_a_code_is_accepted_one_step_either_side_and_not_again():
    secret, now = totp.new_secret(), 1_700_000_000
    counter = totp.current_counter(now)
    assert totp.matching_counter(secret, totp.code_at(secret, counter - 1), now=now) == counter - 1
    assert totp.matching_counter(secret, totp.code_at(secret, counter + 2), now=now) is None
    assert totp.matching_counter(secret, totp.code_at(secret, counter), now=now, after=counter) is None
    assert totp.matching_counter(secret, "12 34", now=now) is None


def current_code(secret):
    return totp.code_at(secret, totp.current_counter())


@pytest.fixture
def publisher(db):
    return make_user("publisher", "publisher")


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA_FOR_PUBLISHERS = True


def enrol(client):
    page = client.get(reverse("admin:two_factor"))
    assert page.status_code == 200
    secret = client.session[ENROLMENT_SESSION_KEY]
    return secret, client.post(reverse("admin:two_factor"), {"otp_token": current_code(secret)})


def test_a_publisher_without_a_device_is_sent_to_enrol_when_required(client, publisher, required):
    assert sign_in(client, "publisher").status_code == 302
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == reverse("admin:two_factor")
    assert client.get(reverse("admin:articles_answer_changelist")).url == reverse("admin:two_factor")


def test_a_publisher_enrols_and_then_signs_in_with_a_valid_code(client, publisher, required):
    sign_in(client, "publisher")
    page = client.get(reverse("admin:two_factor"))
    assert "Publishers sign in with two factors" in page.text
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page.text)  # CSP: img-src data:
    secret, confirmed = enrol(client)
    assert confirmed.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    assert TOTPDevice.objects.get(user=publisher).secret == secret

    client.post(reverse("admin:logout"))
    refused = sign_in(client, "publisher")  # no code
    assert refused.status_code == 200
    assert "Enter the current six-digit code from your authenticator app." in refused.text
    assert not signed_in(client)
    device = TOTPDevice.objects.get(user=publisher)
    device.last_counter = totp.current_counter() - 2  # enrolled a minute ago: the current code is unused
    device.save()
    assert sign_in(client, "publisher", code=current_code(secret)).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_code_signs_in_once_only(client, publisher):
    secret = totp.new_secret()
    TOTPDevice.objects.create(user=publisher, secret=secret)
    code = current_code(secret)
    assert sign_in(client, "publisher", code=code).status_code == 302
    client.post(reverse("admin:logout"))
    assert sign_in(client, "publisher", code=code).status_code == 200
    assert not signed_in(client)


def test_wrong_codes_count_as_failed_sign_ins(client, publisher):
    secret = totp.new_secret()
    TOTPDevice.objects.create(user=publisher, secret=secret)
    wrong = f"{(int(current_code(secret)) + 1) % 10**6:06d}"
    for _ in range(5):
        sign_in(client, "publisher", code=wrong)
    response = sign_in(client, "publisher", code=current_code(secret))
    assert "Too many failed sign-in attempts" in response.text


def test_an_editor_is_not_required_to_enrol(client, db, required):
    make_user("editor", "editor")
    assert sign_in(client, "editor").status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_publishers_are_not_required_when_the_switch_is_off(client, publisher):
    assert sign_in(client, "publisher").status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_any_staff_member_may_enrol(client, db):
    editor = make_user("editor", "editor")
    sign_in(client, "editor")
    assert 'href="/admin/two-factor/"' in client.get(reverse("admin:index")).text
    _, confirmed = enrol(client)
    assert confirmed.url == reverse("admin:index")
    assert TOTPDevice.objects.filter(user=editor).exists()


def test_a_wrong_enrolment_code_enrols_nothing(client, publisher):
    sign_in(client, "publisher")
    client.get(reverse("admin:two_factor"))
    secret = client.session[ENROLMENT_SESSION_KEY]
    wrong = f"{(int(current_code(secret)) + 1) % 10**6:06d}"
    response = client.post(reverse("admin:two_factor"), {"otp_token": wrong})
    assert response.status_code == 200
    assert "not the app" in response.text
    assert not TOTPDevice.objects.exists()


def test_a_session_that_did_not_give_the_code_is_signed_out(client, publisher):
    TOTPDevice.objects.create(user=publisher, secret=totp.new_secret())
    client.force_login(publisher)  # a session from before the device was set up
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not signed_in(client)
    assert client.get(reverse("admin:two_factor")).status_code == 302  # nor may it replace the device
