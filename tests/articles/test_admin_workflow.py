"""The editorial workflow through the admin, as editors and publishers use it."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Answer, Proposal, ProposalStatus, Section, SectionKind, Status
from articles.services import save_answer
from legal_refs.models import Provision
from tests.articles.admin_forms import answer_form_data
from tests.content import FIRST_CLASS_CARD_SLUG, LAW_SLUG
from tests.factories import UserFactory, make_answer, make_topic, make_user

ADD_URL = reverse("admin:articles_answer_add")


def change_url(answer):
    return reverse("admin:articles_answer_change", args=[answer.pk])


@pytest.fixture
def editor(db):
    return make_user("editor", "editor")


@pytest.fixture
def publisher(db):
    return make_user("publisher", "publisher")


@pytest.fixture
def provision(imported):
    return lambda number: Provision.objects.get(law__slug=LAW_SLUG, number=number)


def new_answer_data(topic, provision, status=Status.DRAFT):
    return answer_form_data(
        question="How do I replace a lost social security card?",
        slug="replace-a-lost-card",
        topic=topic.pk,
        short_answer="Report the loss, then apply for a new card.",
        status=status,
        sections=[
            (SectionKind.METHODS, "How to apply", "1. Report the loss.\n2. Apply at the service hall."),
            (SectionKind.ANALYSIS, "Why", "Everyone may ask about their records under [[social-insurance-law 4(2)]]."),
        ],
        citations=[(provision(10), None)],
    )


def test_editor_drafts_publisher_publishes_and_readers_see_it_with_its_legal_basis(
    client, editor, publisher, provision
):
    topic = make_topic("Card replacement")
    client.force_login(editor)
    response = client.post(ADD_URL, new_answer_data(topic, provision))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    answer = Answer.objects.get(slug="replace-a-lost-card")
    assert answer.status == Status.DRAFT and answer.published_at is None
    assert [s.heading for s in answer.sections.all()] == ["How to apply", "Why"]
    # Article 10 was chosen; Article 4 (paragraph 2) is cited in the text and was added on save.
    assert [(c.provision.number, c.paragraph) for c in answer.citations.all()] == [(10, None), (4, 2)]

    client.logout()
    assert client.get(answer.get_absolute_url()).status_code == 404

    client.force_login(publisher)
    response = client.post(change_url(answer), answer_form_data(answer, status=Status.PUBLISHED))
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.status == Status.PUBLISHED and answer.published_at is not None

    client.logout()
    page = client.get(answer.get_absolute_url()).content.decode()
    assert "How do I replace a lost social security card?" in page
    assert '<a href="/en/laws/social-insurance-law/articles/4/#paragraph-2"' in page
    assert "paragraph 2 of Article 4 of the Social Insurance Law" in page
    assert 'href="/en/laws/social-insurance-law/articles/10/"' in page
    assert "<li>Report the loss.</li>" in page


def test_a_save_rebuilds_the_search_document_once_whatever_rows_it_saves(client, editor, provision, search_refreshes):
    """Adding an answer saves it, two sections, a citation and one cited in the text: one rebuild, complete."""
    client.force_login(editor)
    assert client.post(ADD_URL, new_answer_data(make_topic(), provision)).status_code == 302
    answer = Answer.objects.get(slug="replace-a-lost-card")
    assert search_refreshes == [answer.pk]
    assert "Apply at the service hall." in answer.search_document
    assert "Social Insurance Law, Article 4" in answer.search_document
    assert answer.search_citations == "article4 article10"

    search_refreshes.clear()
    data = answer_form_data(answer, sections=[(SectionKind.GENERAL, "Where", "At the counter.")])
    data["sections-0-DELETE"] = "on"
    assert client.post(change_url(answer), data).status_code == 302
    answer.refresh_from_db()
    assert search_refreshes == [answer.pk]
    assert "At the counter." in answer.search_document
    assert "Apply at the service hall." not in answer.search_document

    with CaptureQueriesContext(connection) as reading:  # showing the form writes nothing: no transaction
        assert client.get(change_url(answer)).status_code == 200
    assert not [query for query in reading.captured_queries if "SAVEPOINT" in query["sql"]]


def test_deleting_an_answer_rebuilds_no_search_document(client, imported, search_refreshes):
    admin_user = UserFactory(username="admin", superuser=True)
    answer = Answer.objects.get(slug=FIRST_CLASS_CARD_SLUG)  # two sections, two citations
    search_refreshes.clear()
    client.force_login(admin_user)
    delete_url = reverse("admin:articles_answer_delete", args=[answer.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Answer.objects.filter(pk=answer.pk).exists()
    assert search_refreshes == []  # nothing is left to rebuild


def test_editor_cannot_publish(client, editor, provision):
    topic = make_topic("Card replacement")
    client.force_login(editor)
    response = client.post(ADD_URL, new_answer_data(topic, provision, status=Status.PUBLISHED))
    assert response.status_code == 200
    assert "Only a publisher may publish an answer" in response.content.decode()
    assert not Answer.objects.filter(slug="replace-a-lost-card").exists()


def test_an_editor_change_to_a_published_answer_is_only_proposed_whatever_the_post_says(client, editor, imported):
    answer = Answer.objects.published().first()
    client.force_login(editor)
    for status in (Status.PUBLISHED, Status.IN_REVIEW, Status.DRAFT):
        response = client.post(change_url(answer), answer_form_data(answer, status=status, short_answer="Unreviewed."))
        assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.status, answer.short_answer) == (Status.PUBLISHED, "")
    assert client.get(answer.get_absolute_url()).status_code == 200
    proposal = Proposal.objects.get(status=ProposalStatus.PENDING)  # each replaced the one before
    assert proposal.revision.snapshot["short_answer"] == "Unreviewed."
    assert proposal.revision.snapshot["status"] == Status.PUBLISHED


def test_an_editor_sees_a_published_answer_as_a_form_that_proposes(client, editor, imported):
    answer = Answer.objects.published().first()
    client.force_login(editor)
    page = client.get(change_url(answer)).content.decode()
    assert 'name="_save"' in page and 'name="short_answer"' in page
    assert 'name="status"' not in page  # only a publisher takes it off the site
    assert "Saving proposes your change to a publisher" in page


def test_publisher_can_take_an_answer_back_to_draft_and_publish_it_again(client, publisher, imported):
    answer = Answer.objects.published().first()
    client.force_login(publisher)
    client.post(change_url(answer), answer_form_data(answer, status=Status.DRAFT))
    answer.refresh_from_db()
    assert answer.status == Status.DRAFT and answer.published_at is None
    client.post(change_url(answer), answer_form_data(answer, status=Status.PUBLISHED))
    answer.refresh_from_db()
    assert answer.status == Status.PUBLISHED and answer.published_at is not None


def test_unknown_inline_citation_is_a_form_error_naming_it_and_nothing_is_saved(client, editor, imported):
    Answer.objects.update(status=Status.IN_REVIEW)  # editors revise answers readers do not see
    answer = Answer.objects.first()
    before = [(s.pk, s.body) for s in answer.sections.all()]
    client.force_login(editor)
    data = answer_form_data(
        answer,
        status=Status.DRAFT,
        question="Renamed?",
        sections=[
            (
                SectionKind.GENERAL,
                "",
                "See [[social-insurance-law 999]] and [[no-such-law 1]] and [[social-insurance-law 4(7)]].",
            )
        ],
    )
    response = client.post(change_url(answer), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "[[social-insurance-law 999]]: we hold no article 999 of that law." in page
    assert "[[no-such-law 1]]: there is no law “no-such-law”." in page
    assert "[[social-insurance-law 4(7)]]: we hold no article 4 with a paragraph 7 in that law." in page
    answer.refresh_from_db()
    assert answer.question != "Renamed?"
    assert [(s.pk, s.body) for s in answer.sections.all()] == before


def test_citation_paragraph_must_exist(client, editor, provision):
    topic = make_topic("Card replacement")
    client.force_login(editor)
    data = new_answer_data(topic, provision)
    data["citations-0-paragraph"] = 9
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "has 3 paragraph(s)" in response.content.decode()
    assert not Answer.objects.filter(slug="replace-a-lost-card").exists()


def test_history_records_who_changed_what_including_sections_and_added_citations(client, editor, imported):
    Answer.objects.update(status=Status.IN_REVIEW)  # editors revise answers readers do not see
    answer = Answer.objects.get(slug=FIRST_CLASS_CARD_SLUG)  # cites articles 4 and 5
    client.force_login(editor)
    data = answer_form_data(
        answer,
        status=Status.DRAFT,
        sections=[(SectionKind.GENERAL, "Note", "As [[social-insurance-law 10]] says.")],
    )
    assert client.post(change_url(answer), data).status_code == 302
    entry = LogEntry.objects.get(object_id=str(answer.pk))
    assert entry.user == editor
    message = entry.get_change_message()
    assert "Changed Status." in message
    assert "Added section “Note”." in message
    assert "Added citation “Social Insurance Law, Article 10 (cited in the text)”." in message
    history = client.get(reverse("admin:articles_answer_history", args=[answer.pk])).content.decode()
    assert "Added section" in history


def test_staff_preview_shows_drafts_to_editors_and_view_on_site_points_at_the_answer(client, editor, db):
    draft = make_answer("A draft?", status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(make_user("visitor"))
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(editor)
    assert client.get(draft.get_absolute_url()).status_code == 200
    change_page = client.get(change_url(draft)).content.decode()
    view_on_site = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(draft).pk, draft.pk])
    assert view_on_site in change_page
    assert client.get(view_on_site)["Location"].endswith(draft.get_absolute_url())


def test_answer_list_searches_and_filters_by_cited_law(client, editor, imported):
    make_answer("Unrelated question about nothing?", status=Status.DRAFT)
    client.force_login(editor)
    url = reverse("admin:articles_answer_changelist")
    response = client.get(url, {"q": "first-class"})
    assert [a.slug for a in response.context["cl"].result_list] == [
        "can-the-social-security-card-be-upgraded-to-a-first-class-card"
    ]
    response = client.get(url, {"law": LAW_SLUG})
    assert response.context["cl"].result_count == 2
    response = client.get(url, {"status__exact": Status.DRAFT})
    assert [a.question for a in response.context["cl"].result_list] == ["Unrelated question about nothing?"]


def test_answer_list_queries_are_constant(client, editor, imported, django_assert_max_num_queries):
    for _ in range(5):
        make_answer(status=Status.DRAFT)
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:articles_answer_changelist")).status_code == 200


def test_citation_autocomplete_finds_articles_by_law_and_number(client, editor, imported):
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "social insurance 10", "app_label": "articles", "model_name": "citation", "field_name": "provision"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Social Insurance Law, Article 10"]


def test_new_sections_and_citations_go_last_unless_given_a_position(client, editor, imported):
    Answer.objects.update(status=Status.IN_REVIEW)  # editors revise answers readers do not see
    answer = Answer.objects.get(slug=FIRST_CLASS_CARD_SLUG)  # cites articles 4 and 5; sections at 0, 1, …
    headings = [s.heading for s in answer.sections.all()]
    client.force_login(editor)
    data = answer_form_data(
        answer,
        status=Status.DRAFT,
        sections=[(SectionKind.GENERAL, "Appended", "Last."), (SectionKind.GENERAL, "First", "First.")],
        citations=[(Provision.objects.get(number=10), None)],
    )
    n = len(headings)
    data[f"sections-{n}-position"] = ""
    data[f"sections-{n + 1}-position"] = 0
    data["citations-2-position"] = ""
    assert client.post(change_url(answer), data).status_code == 302
    assert [s.heading for s in answer.sections.all()][-1] == "Appended"
    assert [s.heading for s in answer.sections.all()][:2] == [headings[0], "First"]
    assert [c.provision.number for c in answer.citations.all()] == [4, 5, 10]


def test_new_section_form_has_no_position_yet(client, editor, imported):
    client.force_login(editor)
    page = client.get(ADD_URL).content.decode()
    [position_input] = re.findall(r'<input[^>]*name="sections-__prefix__-position"[^>]*>', page)
    assert "value=" not in position_input


def test_positions_beyond_the_largest_are_a_form_error_not_a_crash(client, editor, imported):
    Answer.objects.update(status=Status.IN_REVIEW)
    answer = Answer.objects.get(slug=FIRST_CLASS_CARD_SLUG)
    client.force_login(editor)
    data = answer_form_data(answer, sections=[(SectionKind.GENERAL, "Appended", "Last.")])
    data["sections-0-position"] = 32767
    n = answer.sections.count()
    data[f"sections-{n}-position"] = ""
    response = client.post(change_url(answer), data)
    assert response.status_code == 200
    assert "There is no position left after 32767" in response.content.decode()
    assert not answer.sections.filter(heading="Appended").exists()


def test_citations_cited_in_the_text_fit_after_the_largest_position(imported):
    answer = Answer.objects.get(slug=FIRST_CLASS_CARD_SLUG)
    answer.citations.update(position=32767)
    section = answer.sections.first()
    section.body += "\n\nSee [[social-insurance-law 10]]."
    [added] = save_answer(answer, sections=[section])
    positions = list(answer.citations.order_by("position").values_list("provision__number", "position"))
    assert positions == [(4, 0), (5, 1), (10, 2)] and added.position == 2


def test_an_admin_save_renders_each_section_once(client, editor, imported, monkeypatch):
    import articles.models

    answer = Answer.objects.get(slug=FIRST_CLASS_CARD_SLUG)
    answer.status = Status.DRAFT
    save_answer(answer, sections=[Section(position=5, body="Another section.")])
    rendered, render = [], articles.models.render
    monkeypatch.setattr(articles.models, "render", lambda text: rendered.append(text) or render(text))
    client.force_login(editor)
    data = answer_form_data(answer)
    data["sections-0-body"] += "\n\nOne more line."
    assert client.post(change_url(answer), data).status_code == 302
    assert len(rendered) == answer.sections.count() == 2
    assert answer.sections.filter(body__endswith="One more line.").exists()


def test_an_unknown_reference_in_a_section_left_as_it_was_is_reported(client, editor, imported):
    answer = make_answer("A draft?", status=Status.DRAFT, sections=[(SectionKind.GENERAL, "", "See [[old-name 4]].")])
    client.force_login(editor)
    response = client.post(change_url(answer), answer_form_data(answer, short_answer="Changed."))
    assert response.status_code == 200
    assert "[[old-name 4]]: there is no law “old-name”." in response.content.decode()
    answer.refresh_from_db()
    assert answer.short_answer == ""
