"""A reader gives feedback on an answer in a real browser (Debian's Chromium): with JavaScript off, and axe-core on
every page the feedback leads to."""

import pytest
from django.utils import translation

from articles.models import Feedback, FeedbackReason, FeedbackState
from tests.browser.conftest import assert_no_axe_violations
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


QUESTIONS = {"en": "How do I replace a lost card?", "zh-hans": "社保卡丢了怎么补办？"}


@pytest.mark.parametrize("language", QUESTIONS)
def test_axe_finds_no_violations_on_the_feedback_pages(live_server, axe_page, axe_violations, language):
    """Each page a reader's feedback leads to on the site of the answer's language, reached by sending the forms:
    the reason form (its radio buttons and labels), that form shown again with what is missing, the thanks, and a
    problem (a reason form that expired); a failure lists each page with its violations."""
    answer = make_answer(QUESTIONS[language], language=language)
    with translation.override(language):
        headings = {
            "reason form": translation.gettext("What did the answer miss?"),
            "reason form, not valid": translation.gettext("What did the answer miss?"),
            "thanks": translation.gettext("Thank you for your feedback"),
            "problem: the form expired": translation.gettext("This form has expired"),
        }
    found, statuses = {}, {}

    def send(page_type, button):
        with axe_page.expect_navigation() as navigation:
            button.click()
        statuses[page_type] = navigation.value.status
        assert axe_page.get_by_role("heading", level=1).inner_text() == headings[page_type]
        found[page_type] = axe_violations(axe_page)

    def answer_no():
        axe_page.goto(live_server.url + answer.url_in(language))
        send("reason form", axe_page.locator("form.feedback button[value=no]"))

    reason_form = axe_page.locator("form.feedback-reason")
    answer_no()
    assert axe_page.get_by_role("radio").count() == len(FeedbackReason.choices)
    reason_form.evaluate("form => form.noValidate = true")  # a browser that lets a form go without its reason
    send("reason form, not valid", reason_form.get_by_role("button"))
    assert reason_form.locator(".errorlist").count() == 1
    axe_page.get_by_role("radio").first.check()
    reason_form.get_by_role("textbox").fill("In Tianjin the card is replaced at the bank.")
    send("thanks", reason_form.get_by_role("button"))
    answer_no()
    reason_form.locator("input[name=token]").evaluate("token => token.value = 'expired'")
    axe_page.get_by_role("radio").first.check()
    send("problem: the form expired", reason_form.get_by_role("button"))
    assert statuses == {
        "reason form": 200,
        "reason form, not valid": 400,
        "thanks": 200,
        "problem: the form expired": 400,
    }
    assert_no_axe_violations(found)
