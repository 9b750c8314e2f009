import pytest

from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db(transaction=True)
def test_staff_member_signs_in_to_the_admin(live_server, page):
    UserFactory(username="editor", superuser=True)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.get_by_role("link", name="Answers").first.is_visible()
