"""A reader gives feedback on an answer in a real browser (Debian's Chromium) with JavaScript off."""

import pytest

from articles.models import Feedback, FeedbackState
from tests.factories import make_answer

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_without_javascript_answers_no_with_a_reason_and_a_comment(live_server, browser):
    answer = make_answer("How do I replace a lost card?")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + answer.get_absolute_url())

    feedback = page.get_by_role("form", name="Did this answer your question?")
    feedback.get_by_role("button", name="No").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What did the answer miss?"
    assert Feedback.objects.get().helpful is False  # counted before any reason is given

    page.get_by_role("radio", name="My city does it differently").check()
    page.get_by_role("textbox", name="Comment (optional)").fill("In Tianjin the card is replaced at the bank.")
    page.get_by_role("button", name="Send").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your feedback"
    page.get_by_role("link", name="Back to the answer").click()
    assert page.url == live_server.url + answer.get_absolute_url()
    stored = Feedback.objects.get()
    assert (stored.answer, stored.helpful, stored.reason, stored.language, stored.state) == (
        answer,
        False,
        "city_differs",
        "en",
        FeedbackState.NEW,
    )
    assert stored.comment == "In Tianjin the card is replaced at the bank."
    assert context.cookies() == []
    context.close()
