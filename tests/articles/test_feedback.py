"""Readers' feedback on an answer (articles.feedback): the form on the answer page, its endpoint, the editors'
inbox in the admin and the retention of comments."""

import datetime
import time
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.feedback import purge_comments, reason_token, set_feedback_state
from articles.models import Feedback, FeedbackReason, FeedbackState, Status
from tests.factories import make_answer, make_staff, make_user

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
CROSS_SITE = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
INBOX = reverse("admin:articles_feedback_changelist")
ANSWERS = reverse("admin:articles_answer_changelist")


@pytest.fixture
def answer(db):
    return make_answer("How do I replace a lost card?")


def feedback_url(answer, language="en"):
    return f"/{language}/questions/{answer.slug}/feedback/"


def post(client, url, data, headers=SAME_ORIGIN, **extra):
    return client.post(url, data, headers=headers, **extra)


def answer_no(client, answer, language="en"):
    """Post No; the reason form's token."""
    response = post(client, feedback_url(answer, language), {"helpful": "no"})
    assert response.status_code == 200
    return response.context["form"].initial["token"]


def assert_private_and_cookie_free(response):
    assert not response.cookies, response.cookies
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()


# --------------------------------------------------------------------- the form on the answer page


def test_the_answer_page_ends_with_a_yes_no_form_and_stays_cacheable_and_the_same_for_every_reader(answer):
    first, other = Client(), Client(REMOTE_ADDR="10.9.8.7")
    response = first.get(answer.get_absolute_url())
    html = response.text
    assert f'<form class="feedback" method="post" action="{feedback_url(answer)}"' in html
    assert 'name="helpful" value="yes"' in html and 'name="helpful" value="no"' in html
    assert "csrfmiddlewaretoken" not in html
    assert response["Cache-Control"] == "public, max-age=60"
    assert not response.cookies
    caches["default"].clear()  # built again for another reader: the same bytes
    assert other.get(answer.get_absolute_url()).content == response.content


def test_a_staff_preview_of_a_draft_has_no_feedback_form(client):
    draft = make_answer("A draft?", status=Status.DRAFT)
    client.force_login(make_staff())
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert 'class="feedback"' not in response.text


# --------------------------------------------------------------------- Yes and No


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_yes_is_stored_with_the_language_of_the_page_and_thanked(client, answer, language, django_assert_num_queries):
    with django_assert_num_queries(2):  # the answer, the new row
        response = post(client, feedback_url(answer, language), {"helpful": "yes"})
    assert response.status_code == 200
    feedback = Feedback.objects.get()
    assert (feedback.answer, feedback.helpful, feedback.language) == (answer, True, language)
    assert (feedback.reason, feedback.comment, feedback.state) == ("", "", FeedbackState.NEW)
    assert response["Cache-Control"] == "private, no-store"
    assert f'href="{answer.url_in(language)}"' in response.text  # back to the answer
    assert '<meta name="robots" content="noindex">' in response.text
    assert_private_and_cookie_free(response)


def test_no_is_stored_at_once_and_asks_for_a_reason(client, answer, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = post(client, feedback_url(answer), {"helpful": "no"})
    assert response.status_code == 200
    feedback = Feedback.objects.get()
    assert (feedback.helpful, feedback.reason, feedback.language) == (False, "", "en")
    html = response.text
    for value, label in FeedbackReason.choices:
        assert f'type="radio" name="reason" value="{value}"' in html
        assert str(label) in html
    assert 'name="comment"' in html and 'maxlength="2000"' in html
    assert 'type="hidden" name="token"' in html
    assert "csrfmiddlewaretoken" not in html
    assert_private_and_cookie_free(response)


def test_the_reason_and_comment_attach_to_that_no_through_its_token(client, answer, django_assert_num_queries):
    token = answer_no(client, answer)
    with django_assert_num_queries(2):  # the answer, the update
        response = post(
            client, feedback_url(answer), {"token": token, "reason": "city_differs", "comment": "In Tianjin\r\nno."}
        )
    assert response.status_code == 200
    assert "Thank you for your feedback" in response.text
    feedback = Feedback.objects.get()
    assert (feedback.helpful, feedback.reason, feedback.comment) == (False, "city_differs", "In Tianjin\nno.")
    assert_private_and_cookie_free(response)


def test_a_token_is_used_once(client, answer):
    token = answer_no(client, answer)
    assert post(client, feedback_url(answer), {"token": token, "reason": "unclear"}).status_code == 200
    again = post(client, feedback_url(answer), {"token": token, "reason": "wrong", "comment": "Changed my mind"})
    assert again.status_code == 400
    assert "Already sent" in again.text
    assert Feedback.objects.values_list("reason", "comment").get() == ("unclear", "")
    assert_private_and_cookie_free(again)


def test_a_forged_expired_or_foreign_token_is_refused_and_changes_nothing(client, answer):
    answer_no(client, answer)
    feedback = Feedback.objects.get()
    other = make_answer("Another question?")
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 2 * 60 * 60):
        expired = reason_token(feedback)
    forged = reason_token(feedback)[:-2] + "xx"
    foreign = post(client, feedback_url(other), {"token": reason_token(feedback), "reason": "wrong"})
    assert foreign.status_code == 400
    for token in [expired, forged, "", "1"]:
        response = post(client, feedback_url(answer), {"token": token, "reason": "wrong", "comment": "x"})
        assert response.status_code == 400, token
        assert "This form has expired" in response.text
        assert_private_and_cookie_free(response)
    assert Feedback.objects.values_list("reason", "comment").get() == ("", "")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": "", "comment": "No reason"}, "This field is required."),
        ({"reason": "nonsense"}, "Select a valid choice."),
        ({"reason": "other", "comment": "bell \x07 here"}, "control character U+0007"),
        ({"reason": "other", "comment": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_a_reason_form_that_is_not_valid_is_shown_again_and_changes_nothing(client, answer, data, error):
    token = answer_no(client, answer)
    response = post(client, feedback_url(answer), {"token": token, **data})
    assert response.status_code == 400
    assert error in response.text
    assert f'value="{token}"' in response.text  # the reader may correct it and send it again
    assert Feedback.objects.values_list("reason", "comment").get() == ("", "")


@pytest.mark.parametrize("data", [{}, {"helpful": "maybe"}, {"helpful": "YES"}])
def test_a_post_that_is_neither_yes_nor_no_is_400(client, answer, data):
    response = post(client, feedback_url(answer), data)
    assert response.status_code == 400
    assert not Feedback.objects.exists()


# --------------------------------------------------------------------- what the endpoint refuses


def test_get_is_405_and_sets_no_cookie(client, answer):
    response = client.get(feedback_url(answer))
    assert response.status_code == 405
    assert_private_and_cookie_free(response)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_feedback_on_an_answer_that_is_not_published_is_404(client, status):
    draft = make_answer("Not yet?", status=status)
    response = post(client, feedback_url(draft), {"helpful": "yes"})
    assert response.status_code == 404
    assert_private_and_cookie_free(response)
    assert post(client, "/en/questions/no-such-answer/feedback/", {"helpful": "yes"}).status_code == 404
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        CROSS_SITE,
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
        {"Origin": "null"},
        {"Origin": "https://testserver"},  # another scheme is another origin
        {"Referer": "https://evil.example/page"},
        {},  # nothing says where it comes from
    ],
)
def test_a_post_from_another_site_is_refused_with_403_and_nothing_is_stored(client, answer, headers):
    token = answer_no(client, answer)
    for data in [{"helpful": "yes"}, {"token": token, "reason": "wrong", "comment": "spam"}]:
        response = post(client, feedback_url(answer), data, headers=headers)
        assert response.status_code == 403, data
        assert "Feedback not accepted" in response.text
        assert_private_and_cookie_free(response)
    assert Feedback.objects.values_list("helpful", "reason", "comment").get() == (False, "", "")


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Referer": "http://testserver/en/questions/x/"},  # an old browser: neither Origin nor Sec-Fetch-Site
    ],
)
def test_a_post_from_this_site_is_accepted_by_whichever_header_the_browser_sends(client, answer, headers):
    assert post(client, feedback_url(answer), {"helpful": "yes"}, headers=headers).status_code == 200
    assert Feedback.objects.count() == 1


def test_a_flood_from_one_client_is_refused_with_429_counted_without_its_address(client, answer, settings):
    settings.BEHIND_TLS_PROXY = False
    with mock.patch("serving.limits.time.time", return_value=6000.0):
        statuses = [post(client, feedback_url(answer), {"helpful": "yes"}).status_code for _ in range(11)]
        assert statuses == [200] * 10 + [429]
        refused = post(client, feedback_url(answer), {"helpful": "no"})
        assert refused["Retry-After"] == "600"
        assert_private_and_cookie_free(refused)
        other = post(client, feedback_url(answer), {"helpful": "yes"}, REMOTE_ADDR="10.0.0.2")
        assert other.status_code == 200
        keys = [key for key in caches["default"]._cache if ":limit:feedback:" in key]  # LocMemCache's keys
        assert len(keys) == 2
        assert not any("127.0.0.1" in key or "10.0.0.2" in key for key in keys)
    assert Feedback.objects.count() == 11
    with mock.patch("serving.limits.time.time", return_value=6600.0):
        assert post(client, feedback_url(answer), {"helpful": "yes"}).status_code == 200  # the next window


def test_feedback_changes_no_reader_page(client, answer, django_assert_num_queries):
    client.get(answer.get_absolute_url())
    token = answer_no(client, answer)
    post(client, feedback_url(answer), {"token": token, "reason": "unclear"})
    with django_assert_num_queries(0):  # still served from the cache
        assert client.get(answer.get_absolute_url()).status_code == 200


# --------------------------------------------------------------------- the editors' inbox


def give(answer, helpful, *, reason="", comment="", state=FeedbackState.NEW, **fields):
    return Feedback.objects.create(
        answer=answer, helpful=helpful, reason=reason, comment=comment, language="en", state=state, **fields
    )


@pytest.fixture
def editor(db):
    return make_user("editor", "editor")


def test_the_inbox_shows_a_hostile_comment_escaped(client, editor, answer):
    feedback = give(answer, False, reason=FeedbackReason.WRONG, comment='<script>alert("x")</script> & more')
    client.force_login(editor)
    for url in [INBOX, reverse("admin:articles_feedback_change", args=[feedback.pk])]:
        html = client.get(url).text
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(" in html, url


def test_editors_read_feedback_and_change_its_state_but_nobody_adds_it(client, editor, answer):
    feedback = give(answer, False, reason=FeedbackReason.UNCLEAR, comment="Too long.")
    client.force_login(editor)
    assert client.get(INBOX).status_code == 200
    assert client.get(reverse("admin:articles_feedback_add")).status_code == 403
    change = reverse("admin:articles_feedback_change", args=[feedback.pk])
    response = client.post(change, {"state": FeedbackState.DONE, "comment": "edited", "helpful": "on"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.state, feedback.handled_by, feedback.comment, feedback.helpful) == (
        FeedbackState.DONE,
        editor,
        "Too long.",  # what the reader wrote is not editable
        False,
    )
    assert feedback.done_at is not None
    client.force_login(make_user("nobody"))
    assert client.get(INBOX).status_code == 302  # not staff: the sign-in page


def test_the_actions_mark_feedback_in_progress_and_done(client, editor, answer):
    first, second = give(answer, False), give(answer, True)
    client.force_login(editor)
    selected = [first.pk, second.pk]
    client.post(INBOX, {"action": "mark_in_progress", "_selected_action": selected})
    assert set(Feedback.objects.values_list("state", "done_at")) == {(FeedbackState.IN_PROGRESS, None)}
    client.post(INBOX, {"action": "mark_done", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert (first.state, first.handled_by) == (FeedbackState.DONE, editor)
    assert timezone.now() - first.done_at < datetime.timedelta(minutes=1)
    client.post(INBOX, {"action": "mark_in_progress", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert (first.state, first.done_at) == (FeedbackState.IN_PROGRESS, None)  # no longer done


def test_the_inbox_filters_by_state_answer_helpful_and_reason(client, editor, answer):
    other = make_answer("Other question?")
    make_answer("Question without feedback?")
    give(answer, False, reason=FeedbackReason.LAW_CHANGED)
    give(answer, True, state=FeedbackState.DONE)
    give(other, False, reason=FeedbackReason.UNCLEAR, state=FeedbackState.IN_PROGRESS)
    client.force_login(editor)

    def shown(**query):
        return sorted((f.answer.question, f.helpful) for f in client.get(INBOX, query).context["cl"].result_list)

    assert shown(state__exact="new") == [(answer.question, False)]
    assert shown(helpful__exact="1") == [(answer.question, True)]
    assert shown(reason__exact="unclear") == [(other.question, False)]
    assert shown(answer=str(other.pk)) == [(other.question, False)]
    assert shown(answer="x1") == []
    html = client.get(INBOX).text
    assert "?answer=" in html and "Question without feedback?" not in html  # only answers with feedback


@pytest.mark.parametrize("rows", [1, 20])
def test_the_inbox_runs_the_same_queries_whatever_the_feedback(client, editor, rows, django_assert_num_queries):
    for n in range(rows):
        give(make_answer(f"Question {n}?"), n % 2 == 0, comment="A comment.")
    client.force_login(editor)
    # the session, the user, whether they have an authenticator, the permissions (user's, groups'), the answers
    # with feedback (the filter), the counts (filtered and in all), the rows with their answers
    with django_assert_num_queries(9):
        response = client.get(INBOX)
    assert len(response.context["cl"].result_list) == rows


def test_the_answer_list_shows_each_answers_yes_and_no_linking_to_its_feedback(client, editor, answer):
    for helpful in [True, True, True, False, False]:
        give(answer, helpful)
    quiet = make_answer("Nobody answered?")
    client.force_login(editor)
    response = client.get(ANSWERS)
    rows = {a.pk: a for a in response.context["cl"].result_list}
    assert (rows[answer.pk].feedback_yes, rows[answer.pk].feedback_no) == (3, 2)
    assert (rows[quiet.pk].feedback_yes, rows[quiet.pk].feedback_no) == (0, 0)
    assert f'<a href="{INBOX}?answer={answer.pk}">3 yes / 2 no</a>' in response.text
    filtered = client.get(INBOX, {"answer": answer.pk})
    assert filtered.context["cl"].result_count == 5


@pytest.mark.parametrize("answers", [1, 20])
def test_the_answer_list_counts_feedback_without_a_query_per_answer(client, editor, answers, django_assert_num_queries):
    for n in range(answers):
        give(make_answer(f"Question {n}?"), True)
    client.force_login(editor)
    # the session, the user, whether they have an authenticator, the permissions (user's, groups'), the laws cited
    # and the topics (the filters), the counts (filtered and in all), the answers with their topics and their
    # feedback counted (subqueries: no query per answer)
    with django_assert_num_queries(10):
        assert client.get(ANSWERS).status_code == 200


# --------------------------------------------------------------------- retention


def test_comments_of_feedback_done_long_ago_are_blanked(answer, editor):
    now = timezone.now()
    old = give(answer, False, reason="wrong", comment="Old, done.", state=FeedbackState.DONE)
    Feedback.objects.filter(pk=old.pk).update(done_at=now - datetime.timedelta(days=181))
    recent = give(answer, False, reason="wrong", comment="Recent, done.")
    set_feedback_state(Feedback.objects.filter(pk=recent.pk), FeedbackState.DONE, editor)
    open_ = give(answer, False, reason="wrong", comment="Old, not done.", created_at=now - datetime.timedelta(days=400))
    assert purge_comments() == 1
    assert dict(Feedback.objects.values_list("pk", "comment")) == {
        old.pk: "",
        recent.pk: "Recent, done.",
        open_.pk: "Old, not done.",
    }
    assert Feedback.objects.get(pk=old.pk).reason == "wrong"  # the rest is kept for the counts
    assert purge_comments(days=0) == 1


def test_the_purge_command_follows_the_setting(answer, settings, capsys):
    settings.FEEDBACK_COMMENT_RETENTION_DAYS = 10
    old = give(answer, False, comment="Eleven days.", state=FeedbackState.DONE)
    Feedback.objects.filter(pk=old.pk).update(done_at=timezone.now() - datetime.timedelta(days=11))
    call_command("purge_feedback_comments")
    assert "1 comment(s) blanked." in capsys.readouterr().out
    assert Feedback.objects.get().comment == ""


def test_the_feedback_pages_are_valid_html(client, answer, html_errors):
    token = answer_no(client, answer)
    pages = {
        "reason form": post(client, feedback_url(answer), {"helpful": "no"}).text,
        "reason form with errors": post(
            client, feedback_url(answer), {"token": token, "comment": "No reason given."}
        ).text,
        "thanks": post(client, feedback_url(answer, "zh-hans"), {"helpful": "yes"}).text,
        "refused": post(client, feedback_url(answer), {"helpful": "yes"}, headers=CROSS_SITE).text,
        "expired": post(client, feedback_url(answer), {"token": "x", "reason": "other"}).text,
    }
    assert html_errors(pages) == {name: [] for name in pages}
