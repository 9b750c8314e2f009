"""`manage.py review_reminders`: what each responsible editor has due, printed and, with a real mail backend,
mailed (one mail per editor)."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from articles import review
from articles.models import Answer, ReviewReason, Topic
from serving.mail import mail_configured
from tests.factories import make_answer, make_topic, make_user

CONSOLE = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}


def run(*args):
    out = StringIO()
    call_command("review_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def due(db):
    """Due answers kept by Alice (her own and by her topic), by Bob (his own, in Alice's topic) and by nobody."""
    alice, bob = make_user("alice", "editor"), make_user("bob", "editor")
    topic, orphan = make_topic("Cards"), make_topic("Pensions")
    Topic.objects.filter(pk=topic.pk).update(responsible_editor=alice)
    answers = {
        "alice-topic": make_answer("Which card?", topic=topic),
        "bob": make_answer("Which bank?", topic=topic, responsible_editor=bob),
        "nobody": make_answer("Which pension?", topic=orphan),
        "alice-own": make_answer("Which office?", topic=orphan, responsible_editor=alice),
    }
    make_answer("Not due?", topic=topic)
    Answer.objects.filter(pk__in=[a.pk for a in answers.values()]).update(
        published_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    )
    review.request_reviews([(answers["bob"], ReviewReason.SOURCE_CHANGED, "Changed.")])
    return answers


def test_answers_are_grouped_by_their_responsible_editor(due, django_assert_num_queries):
    with django_assert_num_queries(1):
        groups = {reminder.name: [a.question for a in reminder.answers] for reminder in review.reminders()}
    assert groups == {
        "alice": ["Which card?", "Which office?"],
        "bob": ["Which bank?"],
        "nobody": ["Which pension?"],
    }
    assert list(groups) == ["alice", "bob", "nobody"]


def test_the_command_prints_each_editors_answers_with_reasons_and_admin_pages(due, settings):
    settings.SITE_URL = "https://kb.example.org"
    output = run("--no-mail")
    assert "alice (2 due):\nWhich card?\n  Its review interval has passed\n" in output
    bob = output[output.index("bob (1 due):") :]
    assert bob.startswith(
        "bob (1 due):\nWhich bank?\n  Its review interval has passed; Its source text changed\n"
        "  https://kb.example.org" + reverse("admin:articles_answer_change", args=[due["bob"].pk])
    )
    assert "nobody (1 due):\nWhich pension?" in output
    assert "Not due?" not in output
    assert output.endswith("Answers due: 4. Editors mailed: 0.\n")
    assert mail.outbox == []


def test_each_editor_is_mailed_their_own_list_once(due):
    output = run()
    assert output.endswith("Editors mailed: 2.\n")
    mails = {message.to[0]: message for message in mail.outbox}
    assert sorted(mails) == ["alice@example.org", "bob@example.org"]
    assert mails["alice@example.org"].subject == "2 answers due for review against the law"
    assert "Which card?" in mails["alice@example.org"].body and "Which office?" in mails["alice@example.org"].body
    assert "Which bank?" not in mails["alice@example.org"].body
    assert "Which pension?" not in "".join(message.body for message in mail.outbox)
    assert mails["bob@example.org"].subject == "1 answer due for review against the law"


def test_an_editor_without_an_address_is_named_not_mailed(due):
    get_user_model().objects.filter(username="bob").update(email="")
    output = run()
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    assert "Not mailed, no e-mail address: bob." in output


def test_nothing_is_mailed_with_the_console_backend(due, settings):
    settings.MAILERS = CONSOLE
    assert not mail_configured()
    assert run().endswith("Editors mailed: 0.\n")
    assert mail.outbox == []


def test_checked_answers_are_not_reminded(due):
    review.mark_checked(due["bob"], make_user("publisher", "publisher"))
    assert "Which bank?" not in run("--no-mail")
