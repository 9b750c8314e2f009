"""A change to a published answer in a real browser (Debian's Chromium): an editor proposes it, readers go on
seeing the answer as it was, and a publisher approves it (readers then see the new text) or sends it back."""

import re

import pytest
from django.contrib.auth import get_user_model

from articles import proposals
from articles.models import Answer, Proposal, ProposalStatus, SectionKind
from tests.browser.conftest import assert_no_axe_violations
from tests.factories import PASSWORD, make_answer, make_user

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "How do I replace a lost card?"
OLD = "Report the loss at the bank."
NEW = "Report the loss at the service hall."
PROPOSAL_URL = re.compile(r"/admin/articles/proposal/\d+/change/$")


@pytest.fixture
def live():
    """A published English answer with two sections."""
    return make_answer(
        QUESTION,
        sections=[
            (SectionKind.METHODS, "Steps", OLD),
            (SectionKind.PRECAUTIONS, "", "Bring your identity card."),
        ],
    )


@pytest.fixture
def sign_in(browser, live_server):
    """A function that signs a new user with a role in through the admin's sign-in form, in a browser context of
    their own (which lets axe-core be injected as an inline script), and returns its page on the admin's home."""
    contexts = []

    def sign_in(username, role):
        make_user(username, role)
        context = browser.new_context(bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    yield sign_in
    for context in contexts:
        context.close()


@pytest.fixture
def reader(browser, live_server):
    """A function that opens an answer as an anonymous reader, in a fresh browser context each time, and returns the
    text of its section "Steps" (without its heading). The reader gets no cookie. (With a reader's context left
    open, the next page another context asked for hung until its timeout: the live server serves one connection
    at a time, and Chromium seems to keep one open ahead.)"""

    def read(answer):
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            response = page.goto(live_server.url + answer.get_absolute_url())
            assert response.status == 200
            section = page.locator("section", has=page.get_by_role("heading", name="Steps"))
            text = section.locator("p").inner_text()
            assert context.cookies() == []
        finally:
            context.close()
        return text

    return read


def propose_in_admin(page, live_server, answer):
    """The editor changes the first section's body of the published `answer` in the Markdown editor, with both
    notes, and saves: the proposal's page opens."""
    page.goto(f"{live_server.url}/admin/articles/answer/{answer.pk}/change/")
    assert "Saving proposes your change to a publisher." in page.locator(".proposal-notice").inner_text()
    editor = page.locator("#id_sections-0-body")
    assert editor.input_value() == OLD
    editor.fill(NEW)
    page.locator("#sections-0 .markdownx-preview").get_by_text(NEW).wait_for()
    page.get_by_label("Change note").fill("The bank no longer replaces cards.")
    page.get_by_label("Note for readers").fill("Cards are replaced at the service hall now.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(PROPOSAL_URL)


def assert_shows_the_marked_diff(page):
    assert page.get_by_role("heading", level=1).inner_text() == f"Proposed change to “{QUESTION}”"
    changed = page.locator(".revision-section.changed")
    assert changed.count() == 1
    assert changed.locator("h4").inner_text().startswith("Section 1 → 1")
    body = changed.locator(".diff-body")
    assert body.locator("del").all_inner_texts() == ["bank"]
    assert body.locator("ins").all_inner_texts() == ["service hall"]
    assert page.locator(".revision-section:not(.changed) .diff-body").inner_text() == "Bring your identity card."


def test_an_editor_proposes_a_change_readers_see_it_only_once_a_publisher_approves_it(
    live_server, sign_in, reader, live
):
    assert reader(live) == OLD  # now in the page cache, which the approval must clear

    editor = sign_in("writer", "editor")
    propose_in_admin(editor, live_server, live)
    assert "Your change is proposed." in editor.locator(".messagelist .success").inner_text()
    assert_shows_the_marked_diff(editor)
    content = editor.locator("#content-main")
    assert "Change note: The bank no longer replaces cards." in content.inner_text()
    assert "Note for readers: Cards are replaced at the service hall now." in content.inner_text()
    assert content.get_by_role("button", name="Approve").count() == 0  # an editor cannot approve
    proposal = Proposal.objects.get()
    assert proposal.status == ProposalStatus.PENDING
    assert reader(live) == OLD
    assert Answer.objects.get().sections.get(position=0).body == OLD

    publisher = sign_in("checker", "publisher")
    publisher.get_by_role("link", name="1 proposed change waits for review").click()
    publisher.wait_for_url(re.compile(r"/admin/articles/proposal/$"))
    publisher.locator("#result_list").get_by_role("link", name=QUESTION).click()
    publisher.wait_for_url(f"{live_server.url}/admin/articles/proposal/{proposal.pk}/change/")
    assert_shows_the_marked_diff(publisher)
    publisher.get_by_role("button", name="Approve", exact=True).click()
    assert publisher.locator(".messagelist .success").inner_text() == "The change is approved."
    assert "Status: Published." in publisher.locator("#content-main").inner_text()

    assert reader(live) == NEW
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PUBLISHED
    assert proposal.decided_by.username == "checker"
    live.refresh_from_db()
    assert live.live_revision.note == "The bank no longer replaces cards."
    assert live.live_revision.reader_note == "Cards are replaced at the service hall now."
    publisher.goto(f"{live_server.url}/admin/")
    assert publisher.get_by_role("link", name=re.compile("waits? for review")).count() == 0


def test_a_publisher_sends_a_change_back_and_the_editor_sees_why_on_the_answer(live_server, sign_in, reader, live):
    editor = sign_in("writer", "editor")
    propose_in_admin(editor, live_server, live)
    proposal = Proposal.objects.get()

    publisher = sign_in("checker", "publisher")
    publisher.goto(f"{live_server.url}/admin/articles/proposal/{proposal.pk}/change/")
    assert_shows_the_marked_diff(publisher)
    publisher.get_by_label("What should change").fill("Name the <b>service hall</b>, please.")
    publisher.get_by_role("button", name="Send back to the author").click()
    assert publisher.locator(".messagelist .success").inner_text() == "The change is sent back to its author."
    assert publisher.get_by_role("button", name="Approve", exact=True).count() == 0

    editor.goto(f"{live_server.url}/admin/articles/answer/{live.pk}/change/")
    listed = editor.locator(".module.proposals li")
    assert listed.count() == 1
    text = listed.inner_text()
    assert "Sent back" in text and "Comment: Name the <b>service hall</b>, please." in text
    assert listed.locator("b").count() == 0  # the comment is escaped
    listed.get_by_role("link").click()
    editor.wait_for_url(f"{live_server.url}/admin/articles/proposal/{proposal.pk}/change/")
    assert "Reviewer's comment: Name the <b>service hall</b>, please." in editor.locator(".errornote").inner_text()

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SENT_BACK
    assert reader(live) == OLD


def test_axe_finds_no_violations_on_the_review_revisions_and_compare_pages(live_server, sign_in, axe_violations, live):
    """The review page waiting (with its forms) and in conflict (with what changed on the site since), the
    revisions and a comparison chosen on them; a failure lists each page with its violations."""
    base = live.live_revision
    content = {**base.snapshot, "short_answer": "Report it, then apply."}
    content["sections"] = [{**content["sections"][0], "body": NEW}, content["sections"][1]]
    waiting = proposals.propose(live, content, by=make_user("writer", "editor"), base=base)
    other = {**base.snapshot, "short_answer": "Report it."}
    other = proposals.propose(live, other, by=make_user("other-writer", "editor"), base=base)
    publisher = sign_in("checker", "publisher")
    review = f"{live_server.url}/admin/articles/proposal/{waiting.pk}/change/"
    found = {}

    publisher.goto(review)
    assert publisher.get_by_role("button", name="Approve", exact=True).is_visible()
    assert publisher.get_by_label("What should change").is_visible()
    found["review, waiting"] = axe_violations(publisher)

    proposals.approve(other, by=get_user_model().objects.get(username="checker"))
    publisher.goto(review)
    assert publisher.get_by_text("In conflict:").is_visible()
    assert publisher.get_by_role("heading", name="What changed on the site since the proposal was started").is_visible()
    found["review, in conflict"] = axe_violations(publisher)

    publisher.goto(f"{live_server.url}/admin/articles/answer/{live.pk}/revisions/")
    assert publisher.locator("#revision-list tbody tr").count() == 4  # saved, proposed twice, approved
    assert publisher.get_by_role("button", name="Restore").count() == 3
    found["revisions"] = axe_violations(publisher)

    publisher.get_by_role("radio", name="Compare from this revision").last.check()  # the first revision
    publisher.get_by_role("button", name="Compare", exact=True).click()
    publisher.wait_for_url(re.compile(r"/revisions/compare/\?"))
    assert publisher.locator(".revision-fields ins").all_inner_texts() == ["Report it."]
    found["compare"] = axe_violations(publisher)

    assert_no_axe_violations(found)
