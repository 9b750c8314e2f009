"""Revisions and proposed changes: every save writes a snapshot, any two compare, any one restores, and an
editor's change to a live answer waits for a publisher while readers see the answer as it was."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import formats, timezone

from articles import proposals
from articles.models import Answer, Proposal, ProposalStatus, Revision, SectionKind, Status
from articles.revisions import compare, snapshot
from articles.services import publish_due, save_answer
from tests.articles.admin_forms import answer_form_data
from tests.factories import make_answer, make_provision, make_topic, make_user
from textkit.diff import DELETE, EQUAL, INSERT, Segment


def staff_with_email(role):
    """A member of staff in `role` (named after it), with an address mail can go to."""
    user = make_user(role, role)
    user.email = f"{role}@example.org"
    user.save()
    return user


@pytest.fixture
def editor(db):
    return staff_with_email("editor")


@pytest.fixture
def publisher(db):
    return staff_with_email("publisher")


@pytest.fixture
def live(db):
    """A published English answer with two sections."""
    return make_answer(
        "How do I replace a lost card?",
        short_answer="Report the loss, then apply.",
        sections=[
            (SectionKind.METHODS, "Steps", "Report the loss at the bank."),
            (SectionKind.PRECAUTIONS, "", "Bring your identity card."),
        ],
    )


def change_url(answer):
    return reverse("admin:articles_answer_change", args=[answer.pk])


def proposal_url(proposal):
    return reverse("admin:articles_proposal_change", args=[proposal.pk])


def typo_fix(answer, **fields):
    """The change form's data for `answer` with its first section's typo fixed ("bank" -> "bank branch")."""
    data = answer_form_data(answer, **fields)
    data["sections-0-body"] = "Report the loss at the bank branch."
    data["base_revision"] = answer.live_revision_id
    return data


# --------------------------------------------------------------------- revisions on every path


def test_every_save_writes_a_revision_that_becomes_the_live_one(live):
    first = live.live_revision
    assert first.kind == Revision.Kind.SAVED and first.snapshot["question"] == "How do I replace a lost card?"
    assert [s["body"] for s in first.snapshot["sections"]] == [
        "Report the loss at the bank.",
        "Bring your identity card.",
    ]
    live.short_answer = "Report it first."
    save_answer(live, note="Shorter")
    live.refresh_from_db()
    second = live.live_revision
    assert second != first and second.base == first and second.note == "Shorter"
    assert second.snapshot["short_answer"] == "Report it first."
    assert live.revisions.count() == 2


def test_the_admin_save_writes_a_revision_with_who_and_the_notes(client, publisher, live):
    client.force_login(publisher)
    data = typo_fix(live, change_note="Typo", reader_note="The branch named.")
    response = client.post(change_url(live), data)
    assert response.status_code == 302
    live.refresh_from_db()
    revision = live.live_revision
    assert (revision.created_by, revision.via, revision.note, revision.reader_note) == (
        publisher,
        Revision.Via.ADMIN,
        "Typo",
        "The branch named.",
    )
    assert revision.snapshot["sections"][0]["body"] == "Report the loss at the bank branch."


def test_an_import_writes_revisions(imported):
    answers = list(Answer.objects.all())
    assert answers
    for answer in answers:
        assert answer.live_revision.via == Revision.Via.IMPORT
        assert answer.live_revision.snapshot["question"] == answer.question


def test_a_revision_never_changes(live):
    revision = live.live_revision
    revision.note = "Rewritten"
    with pytest.raises(TypeError):
        revision.save()
    with pytest.raises(TypeError):
        Revision.objects.filter(pk=revision.pk).update(note="Rewritten")
    revision.refresh_from_db()
    assert revision.note == ""


# --------------------------------------------------------------------- comparing


def test_a_chinese_section_is_compared_character_by_character():
    before = {"question": "社保卡丢了怎么办", "sections": [{"kind": "methods", "heading": "", "body": "先挂失再补办"}]}
    after = {"question": "社保卡丢了怎么办", "sections": [{"kind": "methods", "heading": "", "body": "先挂失后补领"}]}
    result = compare({**before, "citations": []}, {**after, "citations": []})
    assert result.fields == []
    assert result.sections[0].body == (
        Segment(EQUAL, "先挂失"),
        Segment(DELETE, "再"),
        Segment(INSERT, "后"),
        Segment(EQUAL, "补"),
        Segment(DELETE, "办"),
        Segment(INSERT, "领"),
    )


def test_an_english_section_is_compared_word_by_word():
    body = lambda text: {"sections": [{"kind": "general", "heading": "", "body": text}], "citations": []}  # noqa: E731
    result = compare(body("Apply at the bank."), body("Apply at the service hall."))
    assert result.sections[0].body == (
        Segment(EQUAL, "Apply at the "),
        Segment(DELETE, "bank"),
        Segment(INSERT, "service hall"),
        Segment(EQUAL, "."),
    )


def test_sections_added_and_removed_are_marked_whole():
    one = {"kind": "general", "heading": "A", "body": "One."}
    two = {"kind": "methods", "heading": "B", "body": "Two."}
    result = compare({"sections": [one], "citations": []}, {"sections": [one, two], "citations": []})
    assert [(s.before, s.after, s.changed) for s in result.sections] == [(1, 1, False), (None, 2, True)]
    assert result.sections[1].body == (Segment(INSERT, "Two."),)


def test_the_compare_page_marks_what_changed_and_escapes_it(client, publisher, live):
    live.sections.filter(position=0).update(body="x")  # bypasses the service: only to get a second revision below
    live.short_answer = "<script>alert(1)</script> Report it."
    save_answer(live)
    first, second = live.revisions.order_by("created_at", "pk")
    client.force_login(publisher)
    url = reverse("admin:articles_answer_compare", args=[live.pk])
    page = client.get(url, {"from": first.pk, "to": second.pk}).content.decode()
    assert (
        "<ins>&lt;script&gt;alert(1)&lt;/script&gt; </ins>Report <del>the loss, then apply</del><ins>it</ins>" in page
    )
    assert "<script>alert(1)" not in page


@pytest.mark.parametrize("saves", [1, 12])
def test_the_revision_pages_make_a_fixed_number_of_queries(client, publisher, live, django_assert_num_queries, saves):
    for n in range(saves):
        live.short_answer = f"Version {n}."
        save_answer(live)
    proposals.propose(
        live, {**live.live_revision.snapshot, "question": "Proposed?"}, by=publisher, base=live.live_revision
    )
    client.force_login(publisher)
    client.get(reverse("admin:articles_answer_revisions", args=[live.pk]))  # the session warmed
    revisions = list(live.revisions.order_by("created_at"))
    # the session, the user, the two-factor device; the answer (with its review flags); its revisions with their
    # authors and proposals; the user's and their groups' permissions
    with django_assert_num_queries(7):
        response = client.get(reverse("admin:articles_answer_revisions", args=[live.pk]))
    assert response.content.decode().count('name="from"') == saves + 2
    # the session, the user, the device; the answer; the two revisions; their topics and cited articles; permissions
    with django_assert_num_queries(8):
        response = client.get(
            reverse("admin:articles_answer_compare", args=[live.pk]),
            {"from": revisions[0].pk, "to": revisions[-2].pk},
        )
    page = response.content.decode()
    assert "Version</ins>" in page and f"{saves - 1}</ins>" in page


# --------------------------------------------------------------------- proposing a change to a live answer


def test_an_editor_fixes_a_typo_and_readers_see_the_old_text_until_a_publisher_approves_it(
    client, editor, publisher, live
):
    page_url = live.get_absolute_url()
    client.force_login(editor)
    response = client.post(change_url(live), typo_fix(live, change_note="Typo", reader_note="The branch named."))
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal_url(proposal)
    assert proposal.status == ProposalStatus.PENDING and proposal.revision.created_by == editor
    assert proposal.revision.base == live.live_revision
    # The answer is untouched, everywhere readers look.
    live.refresh_from_db()
    assert live.sections.get(position=0).body == "Report the loss at the bank."
    client.logout()
    assert "bank branch" not in client.get(page_url).content.decode()
    assert "bank branch" not in client.get(reverse("search:search"), {"q": "branch"}).content.decode()
    assert "branch" not in client.get(reverse("articles:feed")).content.decode()
    # The publisher reads the diff and approves.
    client.force_login(publisher)
    review = client.get(proposal_url(proposal)).content.decode()
    assert "<del>bank</del>" not in review and "<ins>branch</ins>" in review.replace("<ins> ", "<ins>")
    client.post(proposal_url(proposal), {"action": "approve", "publish_at": ""})
    proposal.refresh_from_db()
    live.refresh_from_db()
    assert proposal.status == ProposalStatus.PUBLISHED and proposal.decided_by == publisher
    assert live.status == Status.PUBLISHED
    assert live.sections.get(position=0).body == "Report the loss at the bank branch."
    assert live.live_revision.via == Revision.Via.APPROVAL and live.live_revision.applied_from == proposal.revision
    assert live.live_revision.note == "Typo"
    client.logout()
    assert "bank branch" in client.get(page_url).content.decode()


def test_the_editor_cannot_publish_unpublish_or_delete_through_a_proposal(client, editor, live):
    client.force_login(editor)
    for status in (Status.DRAFT, Status.IN_REVIEW):
        client.post(change_url(live), typo_fix(live, status=status))
    live.refresh_from_db()
    assert live.status == Status.PUBLISHED
    assert all(p.revision.snapshot["status"] == Status.PUBLISHED for p in Proposal.objects.all())
    delete = reverse("admin:articles_answer_delete", args=[live.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Answer.objects.filter(pk=live.pk).exists()


def test_a_proposal_to_an_answer_changed_since_is_in_conflict_until_brought_up_to_date(client, editor, publisher, live):
    other = make_user("other-editor", "editor")
    client.force_login(editor)
    client.post(change_url(live), typo_fix(live))
    client.force_login(other)
    data = answer_form_data(live)
    data["base_revision"] = live.live_revision_id
    data["short_answer"] = "Report the loss first."
    client.post(change_url(live), data)
    first, second = Proposal.objects.order_by("pk")
    client.force_login(publisher)
    client.post(proposal_url(second), {"action": "approve"})
    second.refresh_from_db()
    assert second.status == ProposalStatus.PUBLISHED
    # The first was started from the answer before that change: approving it would undo it.
    page = client.get(proposal_url(first)).content.decode()
    assert "In conflict" in page and 'value="approve"' not in page
    client.post(proposal_url(first), {"action": "approve"})
    first.refresh_from_db()
    live.refresh_from_db()
    assert first.status == ProposalStatus.PENDING
    assert live.short_answer == "Report the loss first."
    assert live.sections.get(position=0).body == "Report the loss at the bank."
    # Its author brings it up to date: the change made again on the answer as it stands replaces it.
    client.force_login(editor)
    client.post(change_url(live), typo_fix(live))
    first.refresh_from_db()
    assert first.status == ProposalStatus.SUPERSEDED
    current = Proposal.objects.get(status=ProposalStatus.PENDING)
    assert not proposals.is_conflict(current)
    proposals.approve(current, by=publisher)
    live.refresh_from_db()
    assert live.short_answer == "Report the loss first."
    assert live.sections.get(position=0).body == "Report the loss at the bank branch."


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_of_proposals_from_one_base_let_one_through(live, editor, publisher):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    other = make_user("other-editor", "editor")
    base = live.live_revision
    content = dict(base.snapshot)
    one = proposals.propose(live, {**content, "short_answer": "One."}, by=editor, base=base)
    two = proposals.propose(live, {**content, "short_answer": "Two."}, by=other, base=base)
    outcomes = []

    def approve(proposal):
        try:
            proposals.approve(proposal, by=publisher)
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(p,)) for p in (one, two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    live.refresh_from_db()
    assert live.revisions.filter(via=Revision.Via.APPROVAL).count() == 1


def test_two_pending_proposals_one_approved_the_other_refused(live, editor, publisher):
    other = make_user("other-editor", "editor")
    base = live.live_revision
    one = proposals.propose(live, {**base.snapshot, "short_answer": "One."}, by=editor, base=base)
    two = proposals.propose(live, {**base.snapshot, "short_answer": "Two."}, by=other, base=base)
    proposals.approve(one, by=publisher)
    with pytest.raises(ValidationError, match="bring it up to date"):
        proposals.approve(two, by=publisher)
    live.refresh_from_db()
    assert live.short_answer == "One."


def test_a_publisher_sends_a_proposal_back_and_the_editor_sees_the_comment(client, editor, publisher, live):
    client.force_login(editor)
    client.post(change_url(live), typo_fix(live))
    proposal = Proposal.objects.get()
    client.force_login(publisher)
    response = client.post(proposal_url(proposal), {"action": "send_back", "comment": ""})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING and response.status_code == 200
    client.post(proposal_url(proposal), {"action": "send_back", "comment": "Name the bank."})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SENT_BACK and proposal.comment == "Name the bank."
    client.force_login(editor)
    page = client.get(change_url(live)).content.decode()
    assert "Sent back" in page and "Name the bank." in page
    mine = reverse("admin:articles_proposal_changelist") + "?status=sent_back&mine=1"
    assert "How do I replace a lost card?" in client.get(mine).content.decode()
    assert "1 of your proposed changes was sent back to you" in client.get(reverse("admin:index")).content.decode()


def test_an_editor_cannot_approve(client, editor, live):
    client.force_login(editor)
    client.post(change_url(live), typo_fix(live))
    proposal = Proposal.objects.get()
    assert client.post(proposal_url(proposal), {"action": "approve"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_publishers_are_told_how_many_proposals_wait(
    client, editor, publisher, live, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(live), typo_fix(live))
    assert [message.to for message in mail.outbox] == [["publisher@example.org"]]
    assert "1 proposed change waits for review" in mail.outbox[0].subject
    client.force_login(publisher)
    assert "1 proposed change waits for review" in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_the_proposal_pages_make_a_fixed_number_of_queries(client, publisher, django_assert_num_queries, count):
    for n in range(count):
        answer = make_answer(f"Question {n}?", sections=[(SectionKind.GENERAL, "", "Text.")])
        author = make_user(f"editor-{n}", "editor")
        proposals.propose(
            answer, {**answer.live_revision.snapshot, "short_answer": "New."}, by=author, base=answer.live_revision
        )
    proposal = Proposal.objects.first()
    client.force_login(publisher)
    client.get(reverse("admin:articles_proposal_changelist"))
    # the session, the user, the device; the proposal with its answer, revisions and people; permissions; the
    # topics of the two snapshots (they cite no article: none read)
    with django_assert_num_queries(7):
        assert client.get(proposal_url(proposal)).status_code == 200
    # the session, the user, the device; permissions; the count filtered and the total; the page of proposals with
    # their answers and authors
    with django_assert_num_queries(8):
        page = client.get(reverse("admin:articles_proposal_changelist")).content.decode()
    assert page.count("Question ") >= count


# --------------------------------------------------------------------- restoring


def test_restoring_a_revision_of_a_draft_saves_it_keeping_the_status(client, publisher):
    answer = make_answer("A draft?", status=Status.DRAFT, short_answer="First.")
    first = answer.live_revision
    answer.short_answer = "Second."
    save_answer(answer)
    client.force_login(publisher)
    client.post(reverse("admin:articles_answer_restore", args=[answer.pk, first.pk]))
    answer.refresh_from_db()
    assert answer.short_answer == "First." and answer.status == Status.DRAFT
    assert answer.live_revision.via == Revision.Via.RESTORE and answer.live_revision.applied_from == first


def test_restoring_a_revision_of_a_live_answer_proposes_it_and_leaves_the_answer_on_the_site(client, publisher, live):
    first = live.live_revision
    live.short_answer = "Changed."
    save_answer(live)
    client.force_login(publisher)
    response = client.post(reverse("admin:articles_answer_restore", args=[live.pk, first.pk]))
    proposal = Proposal.objects.get()
    assert response["Location"] == proposal_url(proposal)
    live.refresh_from_db()
    assert live.status == Status.PUBLISHED and live.short_answer == "Changed."
    proposals.approve(proposal, by=publisher)
    live.refresh_from_db()
    assert live.short_answer == "Report the loss, then apply." and live.status == Status.PUBLISHED


def test_a_restore_refuses_what_no_longer_exists(publisher):
    topic = make_topic("Gone soon")
    answer = make_answer("Old?", status=Status.DRAFT, topic=topic)
    old = answer.live_revision
    answer.topic = make_topic("Kept")
    save_answer(answer)
    topic.delete()
    with pytest.raises(ValidationError, match="topic"):
        proposals.restore(old, by=publisher)


# --------------------------------------------------------------------- scheduled approval


def test_an_approval_for_later_goes_live_then_once(live, editor, publisher):
    base = live.live_revision
    proposal = proposals.propose(live, {**base.snapshot, "short_answer": "Later."}, by=editor, base=base)
    later = timezone.now() + timezone.timedelta(hours=1)
    proposals.approve(proposal, by=publisher, publish_at=later)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert publish_due(timezone.now(), proposals.SCHEDULE) == []
    live.refresh_from_db()
    assert live.short_answer == "Report the loss, then apply."
    assert [done.row.pk for done in publish_due(later, proposals.SCHEDULE)] == [proposal.pk]
    assert publish_due(later, proposals.SCHEDULE) == []
    live.refresh_from_db()
    assert live.short_answer == "Later." and live.live_revision.via == Revision.Via.SCHEDULE
    assert live.revisions.filter(via=Revision.Via.SCHEDULE).count() == 1


def test_snapshot_orders_parts_by_position():
    class Part:
        def __init__(self, position, pk, **values):
            self.position, self.pk = position, pk
            self.__dict__.update(values)

    answer = Answer(question="Q", slug="q", language="en", topic_id=1, short_answer="", status="draft")
    sections = [Part(1, 5, kind="general", heading="", body="B"), Part(0, 9, kind="general", heading="", body="A")]
    citations = [Part(1, 1, provision_id=4, paragraph=None), Part(0, 2, provision_id=3, paragraph=2)]
    result = snapshot(answer, sections, citations)
    assert [s["body"] for s in result["sections"]] == ["A", "B"]
    assert result["citations"] == [{"provision": 3, "paragraph": 2}, {"provision": 4, "paragraph": None}]


def test_a_citation_change_is_listed(live, publisher):
    provision = make_provision()
    base = live.live_revision
    changed = {**base.snapshot, "citations": [{"provision": provision.pk, "paragraph": 2}]}
    result = compare(base.snapshot, changed)
    assert result.citations_added == [{"provision": provision.pk, "paragraph": 2}]


def test_an_approved_change_whose_answer_changed_before_its_time_goes_back_to_its_author(live, editor, publisher):
    base = live.live_revision
    proposal = proposals.propose(live, {**base.snapshot, "short_answer": "Later."}, by=editor, base=base)
    later = timezone.now() + timezone.timedelta(hours=1)
    proposals.approve(proposal, by=publisher, publish_at=later)
    live.short_answer = "Changed by a publisher meanwhile."
    save_answer(live, by=publisher)
    assert publish_due(later, proposals.SCHEDULE) == []
    proposal.refresh_from_db()
    live.refresh_from_db()
    assert proposal.status == ProposalStatus.SENT_BACK and "bring it up to date" in proposal.comment
    assert live.short_answer == "Changed by a publisher meanwhile."


# --------------------------------------------------------------------- change notes for readers


def test_a_published_change_with_a_note_shows_on_the_answer_and_in_the_feed_newest_first(client, live, publisher):
    live.short_answer = "Report the loss at once."
    save_answer(live, by=publisher, reader_note="The deadline added.")
    live.short_answer = "Report the loss at once, then apply."
    save_answer(live, by=publisher, reader_note="How to apply added.", note="internal: asked by a reader")
    live.short_answer = "Report the loss at once, then apply!"
    save_answer(live, by=publisher)  # no note for readers: not listed
    page = client.get(live.get_absolute_url()).content.decode()
    assert page.index("How to apply added.") < page.index("The deadline added.")
    assert "internal: asked by a reader" not in page
    today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"Updated {today}: How to apply added." in page
    feed = client.get(reverse("articles:feed")).content.decode()
    assert "How to apply added." in feed and "The deadline added." not in feed  # the latest one


def test_a_note_written_while_the_answer_was_a_draft_is_not_a_change_readers_are_told_of(client, publisher):
    answer = make_answer("Draft first?", status=Status.DRAFT)
    answer.short_answer = "Written."
    save_answer(answer, by=publisher, reader_note="Drafting note.")
    answer.status = Status.PUBLISHED
    save_answer(answer, by=publisher)
    assert "Drafting note." not in client.get(answer.get_absolute_url()).content.decode()


def test_a_pending_proposal_shows_nowhere_readers_look(client, live, editor):
    base = live.live_revision
    proposals.propose(
        live,
        {**base.snapshot, "question": "Pending wording?", "short_answer": "Pending text."},
        by=editor,
        base=base,
        reader_note="Pending note.",
    )
    for url in (
        live.get_absolute_url(),
        live.topic.get_absolute_url(),
        reverse("articles:home"),
        reverse("articles:feed"),
        reverse("search:search") + "?q=pending",
        "/en/sitemap.xml",
    ):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, url
        assert b"Pending" not in body, url


# --------------------------------------------------------------------- what review found


def test_restoring_a_proposal_in_conflict_keeps_it_in_conflict(live, editor, publisher):
    base = live.live_revision
    mine = proposals.propose(live, {**base.snapshot, "short_answer": "Editor's version."}, by=editor, base=base)
    live.short_answer = "Publisher's fix."
    save_answer(live, by=publisher)
    restored = proposals.restore(mine.revision, by=editor)
    assert proposals.is_conflict(restored)
    with pytest.raises(ValidationError, match="bring it up to date"):
        proposals.approve(restored, by=publisher)
    live.refresh_from_db()
    assert live.short_answer == "Publisher's fix."


def test_an_editor_cannot_change_a_live_answers_translation_through_a_proposal(client, editor, live):
    other = make_answer("社保卡丢了怎么办？", language="zh-hans")
    client.force_login(editor)
    assert client.get(change_url(live)).context["adminform"].form.fields["translation"].disabled
    data = typo_fix(live)
    data["translation"] = other.pk
    client.post(change_url(live), data)
    live.refresh_from_db()
    assert live.translation is None and Proposal.objects.count() == 1


def test_a_proposal_shows_the_citations_its_text_adds(client, editor, publisher, live):
    article = make_provision(4)
    client.force_login(editor)
    data = typo_fix(live)
    data["sections-0-body"] = f"Report the loss at the bank branch, as [[{article.law.slug} 4]] allows."
    client.post(change_url(live), data)
    proposal = Proposal.objects.get()
    assert proposal.revision.snapshot["citations"] == [{"provision": article.pk, "paragraph": None}]
    client.force_login(publisher)
    assert "<ins>" in client.get(proposal_url(proposal)).content.decode().split("Citations")[1]
    proposals.approve(proposal, by=publisher)
    live.refresh_from_db()
    assert live.live_revision.snapshot["citations"] == proposal.revision.snapshot["citations"]


def test_a_withdrawn_approved_change_is_not_published_and_the_run_goes_on(live, editor, publisher):
    base = live.live_revision
    later = timezone.now() + timezone.timedelta(hours=1)
    gone = proposals.propose(live, {**base.snapshot, "short_answer": "Withdrawn."}, by=editor, base=base)
    proposals.approve(gone, by=publisher, publish_at=later)
    other = make_answer("Another?")
    kept = proposals.propose(
        other, {**other.live_revision.snapshot, "short_answer": "Kept."}, by=editor, base=other.live_revision
    )
    proposals.approve(kept, by=publisher, publish_at=later)
    proposals.withdraw(gone)
    gone.refresh_from_db()
    assert gone.status == ProposalStatus.WITHDRAWN and gone.publish_at is None
    assert [done.row.pk for done in publish_due(later, proposals.SCHEDULE)] == [kept.pk]
    live.refresh_from_db()
    assert live.short_answer == "Report the loss, then apply."


def test_a_proposal_that_changes_nothing_is_refused(client, editor, live):
    client.force_login(editor)
    data = answer_form_data(live)
    data["base_revision"] = live.live_revision_id
    response = client.post(change_url(live), data, follow=True)
    assert not Proposal.objects.exists()
    assert "Nothing was changed" in response.content.decode()


def test_withdrawing_what_cannot_be_withdrawn_says_so(live, editor, publisher):
    base = live.live_revision
    proposal = proposals.propose(live, {**base.snapshot, "short_answer": "New."}, by=editor, base=base)
    proposals.approve(proposal, by=publisher)
    with pytest.raises(ValidationError, match="can no longer be withdrawn"):
        proposals.withdraw(proposal)


def test_a_publisher_saving_over_a_change_made_since_the_form_was_opened_is_refused(client, publisher, live):
    opened = live.live_revision_id
    live.short_answer = "Changed meanwhile."
    save_answer(live)
    client.force_login(publisher)
    data = answer_form_data(live, short_answer="Mine.")
    data["base_revision"] = opened
    response = client.post(change_url(live), data)
    assert response.status_code == 200 and "Someone changed this answer after you opened it" in response.text
    live.refresh_from_db()
    assert live.short_answer == "Changed meanwhile."


def test_an_editors_change_to_a_scheduled_answer_cancels_its_schedule(client, editor):
    answer = make_answer("Scheduled?", status=Status.IN_REVIEW)
    Answer.objects.filter(pk=answer.pk).update(publish_at=timezone.now() + timezone.timedelta(hours=1))
    answer.refresh_from_db()
    client.force_login(editor)
    data = answer_form_data(answer, short_answer="Unreviewed text.")
    data["base_revision"] = answer.live_revision_id
    response = client.post(change_url(answer), data, follow=True)
    answer.refresh_from_db()
    assert answer.short_answer == "Unreviewed text." and answer.publish_at is None
    assert "scheduled publication is cancelled" in response.content.decode()
    assert publish_due(timezone.now() + timezone.timedelta(hours=2), proposals.SCHEDULE) == []
    answer.refresh_from_db()
    assert answer.status == Status.IN_REVIEW


def test_the_revisions_page_compares_the_last_two_saves_at_first(client, editor, publisher, live):
    base = live.live_revision
    proposal = proposals.propose(live, {**base.snapshot, "short_answer": "New."}, by=editor, base=base)
    proposals.approve(proposal, by=publisher)
    live.refresh_from_db()
    client.force_login(publisher)
    page = client.get(reverse("admin:articles_answer_revisions", args=[live.pk])).content.decode()
    assert f'name="to" value="{live.live_revision_id}" aria-label="Compare to this revision" checked' in page
    assert f'name="from" value="{base.pk}" aria-label="Compare from this revision" checked' in page


def proposal_form_data(answer, proposal, changed):
    """The change form's data when it edits `proposal`: its parts are new forms, `changed` {index: body} changed."""
    snap = proposal.revision.snapshot
    data = {
        "question": snap["question"],
        "slug": snap["slug"],
        "language": snap["language"],
        "topic": snap["topic"],
        "short_answer": snap["short_answer"],
        "base_revision": answer.live_revision_id,
        "sections-TOTAL_FORMS": len(snap["sections"]),
        "sections-INITIAL_FORMS": 0,
        "citations-TOTAL_FORMS": len(snap["citations"]),
        "citations-INITIAL_FORMS": 0,
    }
    for i, section in enumerate(snap["sections"]):
        data |= {f"sections-{i}-{name}": section[name] for name in ("kind", "heading", "body")}
        data |= {f"sections-{i}-id": "", f"sections-{i}-position": ""}
        if i in changed:
            data[f"sections-{i}-body"] = changed[i]
    for i, citation in enumerate(snap["citations"]):
        data |= {
            f"citations-{i}-provision": citation["provision"],
            f"citations-{i}-paragraph": citation["paragraph"] or "",
        }
        data |= {f"citations-{i}-id": "", f"citations-{i}-position": ""}
    return data


def test_an_editor_edits_a_proposal_sent_back_and_proposes_it_again(client, editor, publisher, live):
    client.force_login(editor)
    client.post(change_url(live), typo_fix(live))
    first = Proposal.objects.get()
    proposals.send_back(first, by=publisher, comment="Say which card to bring.")
    page = client.get(proposal_url(first)).content.decode()
    assert "Edit this proposal" in page
    form = client.get(change_url(live) + f"?proposal={first.pk}").content.decode()
    assert "You are editing your proposed change" in form and "Report the loss at the bank branch." in form
    data = proposal_form_data(live, first, {1: "Bring your identity card and your old card."})
    response = client.post(change_url(live) + f"?proposal={first.pk}", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    first.refresh_from_db()
    second = Proposal.objects.get(status=ProposalStatus.PENDING)
    assert first.status == ProposalStatus.SUPERSEDED
    assert [s["body"] for s in second.revision.snapshot["sections"]] == [
        "Report the loss at the bank branch.",
        "Bring your identity card and your old card.",
    ]
    live.refresh_from_db()
    assert live.sections.get(position=0).body == "Report the loss at the bank."  # still the live text


def test_only_the_author_edits_a_proposal(client, editor, live):
    client.force_login(editor)
    client.post(change_url(live), typo_fix(live))
    proposal = Proposal.objects.get()
    client.force_login(make_user("other-editor", "editor"))
    form = client.get(change_url(live) + f"?proposal={proposal.pk}").content.decode()
    assert "You are editing your proposed change" not in form
    assert "Report the loss at the bank." in form and "bank branch" not in form


def test_an_approved_change_withdrawn_after_the_run_read_it_is_not_claimed(live, editor, publisher):
    base = live.live_revision
    later = timezone.now() + timezone.timedelta(hours=1)
    proposal = proposals.propose(live, {**base.snapshot, "short_answer": "Withdrawn."}, by=editor, base=base)
    proposals.approve(proposal, by=publisher, publish_at=later)
    approved_changes = proposals.SCHEDULE[-1]
    [(pk, when)] = approved_changes.due(later)
    Proposal.objects.filter(pk=pk).update(status=ProposalStatus.WITHDRAWN)  # withdrawn by its author meanwhile
    assert approved_changes.claim_and_carry_out(pk, when) is None
    live.refresh_from_db()
    assert live.short_answer == "Report the loss, then apply."
