import pytest
from django.contrib.auth import get_user_model


@pytest.mark.django_db(transaction=True)
def test_staff_member_signs_in_to_the_admin(live_server, page):
    get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.get_by_role("link", name="Answers").first.is_visible()
