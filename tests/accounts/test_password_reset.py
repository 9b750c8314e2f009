"""Staff reset a forgotten password by email, from the admin's sign-in page (Django's views under /admin/)."""

import re

import pytest
from django.urls import reverse

from tests.accounts.conftest import sign_in
from tests.factories import make_user


@pytest.fixture
def editor(db):
    return make_user("editor", "editor")


def test_the_sign_in_page_links_to_password_reset(client, db):
    response = client.get(reverse("admin:login"))
    assert 'href="/admin/password_reset/"' in response.text
    assert 'name="otp_token"' in response.text


def test_a_staff_member_resets_the_password_by_email(client, editor, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "kb@example.org"
    response = client.post(reverse("admin_password_reset"), {"email": "editor@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["editor@example.org"]
    assert message.from_email == "kb@example.org"
    link = re.search(r"http://testserver(/admin/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)  # the token moves to the session, the URL to set-password
    assert form_page.status_code == 200
    new_password = "a new and long password 42"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.url == reverse("password_reset_complete")

    assert sign_in(client, "editor", new_password).status_code == 302


def test_an_unknown_address_sends_nothing_and_says_the_same(client, editor, mailoutbox):
    response = client.post(reverse("admin_password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_password_reset_requests_are_limited_per_client(client, editor, mailoutbox):
    for _ in range(5):
        client.post(reverse("admin_password_reset"), {"email": "editor@example.org"})
    response = client.post(reverse("admin_password_reset"), {"email": "editor@example.org"})
    assert response.status_code == 200
    assert "Too many password reset requests from this address." in response.text
    assert len(mailoutbox) == 5
