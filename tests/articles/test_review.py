"""Answers know when their law changed: an amendment of a cited article makes the answer due for review until a
publisher marks it checked; a correction does not."""

import datetime

import pytest
from django.urls import reverse

from articles import review
from articles.models import Answer, Citation, Section, SectionKind
from articles.services import AnswerWrite, save_answer, save_answers
from legal_refs.lawtext.loader import import_law_paths
from legal_refs.models import Provision, ProvisionVersion
from legal_refs.services import amend, correct
from tests.content import AMENDMENT_2027, ARTICLE_4_2, ARTICLE_4_2_NEW, replace_in
from tests.factories import make_answer, make_law, make_provision, make_user


def article(number):
    return Provision.objects.get(law__slug="social-insurance-law", number=number)


@pytest.fixture
def answers(db, law_copy):
    """Three answers on the law as loaded from a copy of its texts: two cite article 4, one article 5."""
    import_law_paths([law_copy])
    return {
        "4": make_answer("Who may see my records?", cites=[article(4)]),
        "4(2)": make_answer("May I check my employer's payments?", cites=[(article(4), 2)]),
        "5": make_answer("Who funds social insurance?", cites=[article(5)]),
    }


def due():
    return set(review.due_for_review().values_list("question", flat=True))


def test_a_citation_remembers_the_version_in_force_when_it_was_written(answers):
    citation = answers["4"].citations.get()
    assert citation.version == ProvisionVersion.objects.get(provision=article(4))
    article_57 = article(57)
    answer = make_answer("Who registers employers?", cites=[article_57])
    assert answer.citations.get().version.effective_from == datetime.date(2018, 12, 29)  # not the 2010 wording
    assert not due()


def test_an_amendment_from_a_file_flags_exactly_the_answers_citing_the_article(answers, law_copy):
    replace_in(law_copy / "social-insurance-law.zh.md", ARTICLE_4_2, ARTICLE_4_2_NEW)
    replace_in(law_copy / "social-insurance-law.toml", "\n[instrument]", AMENDMENT_2027 + "\n[instrument]")
    import_law_paths([law_copy])
    assert due() == {answers["4"].question, answers["4(2)"].question}
    reasons = review.amended(Citation.objects.filter(answer=answers["4"]).prefetch_related("provision__versions"))
    assert [(r.checked.effective_from, r.newer.effective_from, r.is_coming) for r in reasons] == [
        (datetime.date(2011, 7, 1), datetime.date(2027, 1, 1), True)
    ]


def test_the_same_change_unmarked_is_a_correction_and_flags_nothing(answers, law_copy):
    replace_in(law_copy / "social-insurance-law.zh.md", ARTICLE_4_2, ARTICLE_4_2_NEW)
    assert len(import_law_paths([law_copy]).corrections) == 1
    assert not due()


def test_an_amendment_in_the_admin_flags_and_a_correction_does_not(answers):
    correct(ProvisionVersion.objects.get(provision=article(5)), ["更正后的文本。"], "typo")
    assert not due()
    amend(article(5), ["新文本。"], datetime.date(2026, 1, 1), "某决定")
    assert due() == {answers["5"].question}


def test_adding_an_earlier_wording_flags_nothing(answers):
    amend(article(4), ["更早的文本。"], datetime.date(2000, 1, 1), "")
    assert not due()


def test_marking_checked_records_who_and_when_and_ends_the_reason(answers):
    amend(article(4), ["新文本。"], datetime.date(2026, 1, 1), "某决定")
    publisher = make_user("publisher", "publisher")
    review.mark_checked(answers["4"], publisher)
    assert due() == {answers["4(2)"].question}
    answer = Answer.objects.get(pk=answers["4"].pk)
    assert answer.checked_by == publisher and answer.checked_at is not None
    assert answer.citations.get().version.effective_from == datetime.date(2026, 1, 1)


def test_the_admin_lists_filters_and_marks_answers_due(client, answers):
    amend(article(4), ["新文本。"], datetime.date(2026, 1, 1), "某决定")
    changelist = reverse("admin:articles_answer_changelist")
    client.force_login(make_user("editor", "editor"))
    listed = client.get(changelist, {"review": "due"}).context["cl"].result_list
    assert {answer.question for answer in listed} == {answers["4"].question, answers["4(2)"].question}
    page = client.get(reverse("admin:articles_answer_change", args=[answers["4"].pk])).content.decode()
    assert "a version in force from 2026-01-01" in page
    assert (
        reverse(
            "legal_refs:compare",
            kwargs={"slug": "social-insurance-law", "number": 4, "a": "2011-07-01", "b": "2026-01-01"},
        )
        in page
    )
    # Editors cannot mark an answer checked: the action is the publishers'.
    data = {"action": "mark_checked", "_selected_action": [answers["4"].pk]}
    client.post(changelist, data)
    assert len(due()) == 2
    client.force_login(make_user("publisher", "publisher"))
    response = client.post(changelist, data, follow=True)
    assert "1 answer marked checked against the law." in response.content.decode()
    assert due() == {answers["4(2)"].question}
    listed = client.get(changelist, {"review": "checked"}).context["cl"].result_list
    assert answers["4"].question in {answer.question for answer in listed}


def test_writing_the_citations_again_keeps_the_wording_they_were_checked_against(answers):
    amend(article(4), ["新文本。"], datetime.date(2026, 1, 1), "某决定")
    answer = answers["4"]
    # An import rewrites every citation of the answers it updates...
    save_answers([AnswerWrite(answer, [], [Citation(provision=article(4))], replace=True)])
    assert answer.question in due()
    # ...and an editor may remove a citation and add it again in one save.
    old = answer.citations.get()
    save_answer(answer, citations=[Citation(provision=article(4), paragraph=1)], removed=[old])
    assert answer.question in due()
    assert answer.citations.get().version.effective_from == datetime.date(2011, 7, 1)


def test_citations_from_before_the_official_texts_are_due_until_checked(answers):
    Citation.objects.filter(answer=answers["5"]).update(version=None)
    assert due() == {answers["5"].question}
    citations = Citation.objects.filter(answer=answers["5"]).prefetch_related("provision__versions")
    assert [citation.provision.number for citation in review.unchecked(citations)] == [5]
    review.mark_checked(answers["5"], make_user("publisher", "publisher"))
    assert not due()


def test_a_citation_of_an_article_without_official_text_is_never_due(db):
    answer = make_answer(
        "About another law?", cites=[make_provision(number=3, law=make_law("other-law"), version=False)]
    )
    assert answer.citations.get().version is None
    assert not due()


def test_a_citation_never_checked_stays_unchecked_through_every_write_but_the_check(answers):
    answer = answers["5"]
    Citation.objects.filter(answer=answer).update(version=None)
    save_answers([AnswerWrite(answer, [], [Citation(provision=article(5))], replace=True)])  # a re-import
    assert answer.question in due()
    citation = answer.citations.get()
    citation.paragraph = 2  # an editor changes its paragraph
    save_answer(answer, citations=[citation])
    assert answer.question in due()
    save_answer(answer, citations=[Citation(provision=article(5))], removed=[answer.citations.get()])  # re-added
    assert answer.question in due()
    assert answer.citations.get().version is None
    review.mark_checked(answer, make_user("publisher", "publisher"))
    assert answer.question not in due()


def test_an_article_cited_again_in_the_text_keeps_the_wording_it_was_checked_against(answers):
    amend(article(4), ["新文本。"], datetime.date(2026, 1, 1), "某决定")
    answer = answers["4"]
    section = Section(kind=SectionKind.METHODS, heading="Basis", body="See [[social-insurance-law 4]].")
    save_answer(answer, sections=[section], removed=[answer.citations.get()])
    assert answer.citations.get().version.effective_from == datetime.date(2011, 7, 1)
    assert answer.question in due()
