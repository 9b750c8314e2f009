"""Scheduled publishing: `manage.py publish_scheduled` (articles.services.publish_due) and the admin's times."""

import threading
from dataclasses import replace
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Answer, Status
from articles.services import SCHEDULED_CHANGES, ScheduledChange, publish_due
from tests.articles.admin_forms import answer_form_data
from tests.factories import make_answer, make_topic, make_user

pytestmark = pytest.mark.django_db


def scheduled(question="A scheduled question?", *, status=Status.IN_REVIEW, **times):
    """An answer with its times set (in the past, as the admin never allows, so that it is due now)."""
    answer = make_answer(question, status=status)
    Answer.objects.filter(pk=answer.pk).update(**times)
    return Answer.objects.get(pk=answer.pk)


def publish_scheduled():
    out = StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()


def an_hour(sign=1):
    return timezone.now() + sign * timedelta(hours=1)


# --------------------------------------------------------------------- the command


def test_an_answer_whose_time_has_passed_is_published_once(client):
    answer = scheduled(publish_at=an_hour(-1))
    assert client.get(answer.get_absolute_url()).status_code == 404
    assert publish_scheduled() == f"Published: A scheduled question? ({answer.pk})\n"
    answer.refresh_from_db()
    assert (answer.status, answer.publish_at) == (Status.PUBLISHED, None)
    published_at = answer.published_at
    assert published_at is not None
    assert client.get(answer.get_absolute_url()).status_code == 200
    assert publish_scheduled() == "Nothing is due.\n"
    answer.refresh_from_db()
    assert answer.published_at == published_at


def test_an_answer_due_later_waits_in_its_status(client):
    answer = scheduled(publish_at=an_hour())
    assert publish_scheduled() == "Nothing is due.\n"
    answer.refresh_from_db()
    assert (answer.status, answer.publish_at is not None) == (Status.IN_REVIEW, True)
    assert client.get(answer.get_absolute_url()).status_code == 404


def test_an_answer_whose_time_to_come_off_has_passed_is_withdrawn_and_gone(client):
    answer = scheduled(status=Status.PUBLISHED, unpublish_at=an_hour(-1))
    assert publish_scheduled() == f"Taken off the site: A scheduled question? ({answer.pk})\n"
    answer.refresh_from_db()
    assert (answer.status, answer.unpublish_at, answer.published_at) == (Status.DRAFT, None, None)
    assert answer.withdrawn_at is not None
    assert client.get(answer.get_absolute_url()).status_code == 410


def test_an_answer_due_to_go_live_and_to_come_off_in_one_run_ends_off_the_site(client):
    answer = scheduled(publish_at=an_hour(-1) - timedelta(minutes=5), unpublish_at=an_hour(-1))
    assert publish_scheduled().splitlines() == [
        f"Published: A scheduled question? ({answer.pk})",
        f"Taken off the site: A scheduled question? ({answer.pk})",
    ]
    assert client.get(answer.get_absolute_url()).status_code == 410


def test_an_answer_published_by_hand_before_its_time_is_left_as_it_is():
    answer = scheduled(status=Status.PUBLISHED, publish_at=an_hour(-1))
    published_at = answer.published_at
    assert publish_scheduled() == "Nothing is due.\n"
    answer.refresh_from_db()
    assert (answer.publish_at, answer.published_at) == (None, published_at)


def test_a_change_that_fails_leaves_its_time_to_be_tried_again(monkeypatch):
    answer = scheduled(publish_at=an_hour(-1))

    def failing(row):
        raise RuntimeError("the save failed")

    change = ScheduledChange("Published", Answer.objects.all, "publish_at", failing)
    with pytest.raises(RuntimeError):
        publish_due(changes=[change])
    answer.refresh_from_db()
    assert answer.publish_at is not None and answer.status == Status.IN_REVIEW


# --------------------------------------------------------------------- two runs at once


def counted_publishing(calls):
    """The scheduled publishing, recording each answer it is carried out on (publishing is also a no-op on an
    answer published already: the count shows the claim, not that, lets one run through)."""
    publish = SCHEDULED_CHANGES[0]
    assert publish.time_field == "publish_at"

    def carry_out(answer):
        calls.append(answer.pk)
        return publish.carry_out(answer)

    return [replace(publish, carry_out=carry_out)]


def test_a_second_run_that_read_the_answer_as_due_finds_it_claimed(monkeypatch):
    """The runs overlap: each reads the answer as due before either claims it; the claim lets one through."""
    answer = scheduled(publish_at=an_hour(-1))
    due = ScheduledChange.due
    other_runs = []

    def overlapping(change, now):
        found = due(change, now)
        if not other_runs and found:
            other_runs.append(None)
            other_runs[0] = publish_due(now)  # the other run, from its own read to its end, before this one claims
        return found

    monkeypatch.setattr(ScheduledChange, "due", overlapping)
    calls = []
    this_run = publish_due(changes=counted_publishing(calls))
    assert [(done.change, done.row.pk) for done in this_run + other_runs[0]] == [("Published", answer.pk)]
    assert this_run == [] and calls == []  # the other run published it; this one claimed nothing


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_publish_the_answer_once(monkeypatch):
    answer = scheduled(publish_at=an_hour(-1))
    both_read = threading.Barrier(2, timeout=60)
    due = ScheduledChange.due
    calls = []
    changes = counted_publishing(calls)

    def read_together(change, now):
        found = due(change, now)
        if change.time_field == "publish_at":
            both_read.wait()  # each run has read the answer as due before either claims it
        return found

    monkeypatch.setattr(ScheduledChange, "due", read_together)
    results = {}

    def run(name):
        try:
            results[name] = publish_due(changes=changes)
        finally:
            connection.close()

    runs = [threading.Thread(target=run, args=[name]) for name in ["first", "second"]]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(60)
    assert sorted(len(done) for done in results.values()) == [0, 1]
    assert calls == [answer.pk]
    answer.refresh_from_db()
    assert (answer.status, answer.publish_at) == (Status.PUBLISHED, None)


# --------------------------------------------------------------------- the cached pages, the feed, the sitemap


def test_cached_pages_the_feed_and_the_sitemap_show_the_answer_right_after_the_command(
    client, django_assert_num_queries
):
    topic = make_topic("Cards")
    make_answer("Already published?", topic=topic)
    answer = scheduled("Published on time?", publish_at=an_hour(-1))
    urls = ["/en/", topic.get_absolute_url(), "/en/feed/", "/en/sitemap.xml"]
    for url in urls:
        client.get(url)
        with django_assert_num_queries(0):  # served from the page cache
            response = client.get(url)
        assert "Published on time?" not in response.text and answer.slug not in response.text, url
    publish_scheduled()
    for url in urls:
        response = client.get(url)
        assert "Published on time?" in response.text or answer.slug in response.text, url


# --------------------------------------------------------------------- the admin


def change_url(answer):
    return reverse("admin:articles_answer_change", args=[answer.pk])


def times(publish_at=None, unpublish_at=None):
    """The admin form's fields for the times (a date and a time each), in the site's time zone."""
    data = {}
    for name, when in [("publish_at", publish_at), ("unpublish_at", unpublish_at)]:
        local = timezone.localtime(when) if when else None
        data[f"{name}_0"] = local.strftime("%Y-%m-%d") if local else ""
        data[f"{name}_1"] = local.strftime("%H:%M:%S") if local else ""
    return data


def test_a_publisher_schedules_an_answer(client):
    answer = make_answer(status=Status.IN_REVIEW)
    client.force_login(make_user("publisher", "publisher"))
    publish_at, unpublish_at = an_hour(2), an_hour(24 * 30)
    response = client.post(change_url(answer), answer_form_data(answer, **times(publish_at, unpublish_at)))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    answer.refresh_from_db()
    assert answer.publish_at == publish_at.replace(microsecond=0)
    assert answer.unpublish_at == unpublish_at.replace(microsecond=0)
    assert answer.status == Status.IN_REVIEW


@pytest.mark.parametrize(
    ("publish_at", "unpublish_at", "field", "message"),
    [
        (an_hour(-1), None, "publish_at", "Choose a time in the future."),
        (None, an_hour(-1), "unpublish_at", "Choose a time in the future."),
        (an_hour(3), an_hour(2), "unpublish_at", "The answer must come off the site after it goes live."),
    ],
)
def test_a_publisher_cannot_schedule_in_the_past_nor_off_before_live(client, publish_at, unpublish_at, field, message):
    answer = make_answer(status=Status.IN_REVIEW)
    client.force_login(make_user("publisher", "publisher"))
    response = client.post(change_url(answer), answer_form_data(answer, **times(publish_at, unpublish_at)))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    answer.refresh_from_db()
    assert (answer.publish_at, answer.unpublish_at) == (None, None)


def test_a_published_answer_cannot_be_scheduled_to_go_live(client):
    answer = make_answer(status=Status.PUBLISHED)
    client.force_login(make_user("publisher", "publisher"))
    response = client.post(change_url(answer), answer_form_data(answer, **times(an_hour(2))))
    assert response.status_code == 200
    assert "publish_at" in response.context["adminform"].form.errors


def test_an_editor_sees_the_times_but_cannot_set_them(client):
    answer = make_answer(status=Status.IN_REVIEW)
    planned = an_hour(5)
    Answer.objects.filter(pk=answer.pk).update(publish_at=planned)
    answer.refresh_from_db()
    client.force_login(make_user("editor", "editor"))
    page = client.get(change_url(answer))
    form = page.context["adminform"].form
    assert "publish_at" not in form.fields and "unpublish_at" not in form.fields
    assert "publish at" in page.text.lower()  # shown read-only
    response = client.post(change_url(answer), answer_form_data(answer, **times(an_hour(1), an_hour(2))))
    assert response.status_code == 302
    answer.refresh_from_db()
    # The times posted are ignored; and the editor's save cancels the schedule a publisher set for the answer as
    # it was (a publisher schedules the changed answer again).
    assert (answer.publish_at, answer.unpublish_at) == (None, None)
