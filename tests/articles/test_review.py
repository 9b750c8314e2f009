"""Answers know when their law changed: an amendment of a cited article makes the answer due for review until a
publisher marks it checked; a correction does not."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import review
from articles.importer.loader import import_paths
from articles.models import (
    Answer,
    Citation,
    Feedback,
    ReviewReason,
    ReviewRequest,
    Section,
    SectionKind,
    Status,
    Topic,
)
from articles.services import AnswerWrite, save_answer, save_answers
from legal_refs.lawtext.loader import import_law_paths
from legal_refs.models import Provision, ProvisionVersion
from legal_refs.services import amend, correct
from tests.content import AMENDMENT_2027, ARTICLE_4_2, ARTICLE_4_2_NEW, replace_in
from tests.factories import make_answer, make_law, make_provision, make_topic, make_user


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


# --------------------------------------------------------------------- review dates: every reason


NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


def published_on(answer, when):
    Answer.objects.filter(pk=answer.pk).update(published_at=when, created_at=when)


def reasons_at(answer):
    return review.reasons_for(answer, now=NOW).reasons


def due_at():
    return set(review.due_for_review(now=NOW).values_list("question", flat=True))


def give_feedback(answer, no=0, yes=0, when=None):
    when = when or days_ago(1)
    Feedback.objects.bulk_create(
        [Feedback(answer=answer, helpful=False, language="en", created_at=when) for _ in range(no)]
        + [Feedback(answer=answer, helpful=True, language="en", created_at=when) for _ in range(yes)]
    )


def test_an_answer_comes_due_when_its_topics_interval_passes(db):
    topic = make_topic("Cards")
    Topic.objects.filter(pk=topic.pk).update(review_interval_days=30)
    overdue, recent = make_answer("Overdue?", topic=topic), make_answer("Recent?", topic=topic)
    published_on(overdue, days_ago(31))
    published_on(recent, days_ago(29))
    assert due_at() == {"Overdue?"}
    assert reasons_at(overdue) == [ReviewReason.INTERVAL]
    reasons = review.reasons_for(overdue, now=NOW)
    assert (reasons.interval_days, reasons.due_since) == (30, days_ago(1))


def test_an_answers_own_interval_overrides_its_topics(db):
    own, default = make_answer("Own interval?", review_interval_days=10), make_answer("Topic's interval?")
    published_on(own, days_ago(11))
    published_on(default, days_ago(300))  # the topic's 365 days have not passed
    assert due_at() == {"Own interval?"}


def test_the_interval_counts_from_the_last_check(db):
    answer = make_answer("Checked lately?")
    published_on(answer, days_ago(400))
    assert due_at() == {"Checked lately?"}
    review.mark_checked(answer, make_user("publisher", "publisher"), now=days_ago(364))
    assert not due_at()
    assert reasons_at(answer) == []


def test_drafts_are_never_due(answers):
    amend(article(4), ["新文本。"], datetime.date(2026, 1, 1), "某决定")
    answer = answers["4"]
    answer.status = Status.DRAFT
    save_answer(answer)
    Answer.objects.filter(pk=answer.pk).update(created_at=days_ago(4000))
    give_feedback(answer, no=9)
    assert answer.question not in due_at()
    assert reasons_at(answer) == []


def test_each_reason_on_its_own_makes_the_answer_due_and_the_check_ends_it(answers):
    """SOURCE_CHANGED and QUOTE_DIFFERS as the importer records them: a request, until the next check."""
    publisher = make_user("publisher", "publisher")
    for reason in review.REQUESTED:
        answer = make_answer(f"Requested for {reason}?")
        review.request_reviews([(answer, reason, "The detail.")])
        assert reasons_at(answer) == [reason]
        assert review.reasons_for(answer, now=NOW).requests[reason][0].detail == "The detail."
        review.mark_checked(answer, publisher)
        assert reasons_at(answer) == []
        review.request_reviews([(answer, reason, "The detail.")])  # the same again: no new reason
        assert reasons_at(answer) == []


def test_negative_feedback_makes_the_answer_due_until_it_is_checked(db):
    answer = make_answer("Disliked?")
    give_feedback(answer, no=5, yes=4)
    assert reasons_at(answer) == [ReviewReason.FEEDBACK]
    reasons = review.reasons_for(answer, now=NOW)
    assert (reasons.feedback_no, reasons.feedback_yes) == (5, 4)
    review.mark_checked(answer, make_user("publisher", "publisher"), now=days_ago(0))
    assert reasons_at(answer) == []


@pytest.mark.parametrize(
    ("no", "yes", "given", "checked", "due"),
    [
        (5, 0, 1, None, True),
        (4, 0, 1, None, False),  # too few "No"
        (5, 6, 1, None, False),  # more "Yes"
        (5, 5, 1, None, False),  # as many "Yes"
        (5, 0, 31, None, False),  # older than the window
        (5, 0, 29, None, True),
        (5, 0, 3, 2, False),  # given before the last check
        (5, 0, 2, 3, True),  # given after it
    ],
)
def test_the_feedback_rule(db, no, yes, given, checked, due):
    answer = make_answer("Feedback?")
    give_feedback(answer, no=no, yes=yes, when=days_ago(given))
    if checked is not None:
        Answer.objects.filter(pk=answer.pk).update(checked_at=days_ago(checked))
    assert (reasons_at(answer) == [ReviewReason.FEEDBACK]) is due
    assert (answer.question in due_at()) is due


def test_the_feedback_rule_follows_the_settings(db, settings):
    settings.REVIEW_FEEDBACK_MIN_NO, settings.REVIEW_FEEDBACK_DAYS = 2, 7
    answer = make_answer("Feedback?")
    give_feedback(answer, no=2, when=days_ago(6))
    assert reasons_at(answer) == [ReviewReason.FEEDBACK]
    settings.REVIEW_FEEDBACK_DAYS = 5
    assert reasons_at(answer) == []


def test_all_reasons_at_once_are_listed_in_a_fixed_number_of_queries(answers, django_assert_num_queries):
    answer = answers["4"]
    with django_assert_num_queries(5):
        assert reasons_at(answer) == []
    amend(article(4), ["新文本。"], datetime.date(2026, 1, 1), "某决定")
    Citation.objects.filter(answer=answer).update(version=None)
    save_answer(answer, citations=[Citation(provision=article(5))])  # checked: its version is recorded
    amend(article(5), ["新文本。"], datetime.date(2026, 1, 1), "某决定")
    published_on(answer, days_ago(400))
    review.request_reviews([(answer, reason, f"{reason} detail") for reason in review.REQUESTED])
    give_feedback(answer, no=5)
    with django_assert_num_queries(5):
        reasons = review.reasons_for(answer, now=NOW)
    assert reasons.reasons == list(ReviewReason)
    assert [reason.citation.provision.number for reason in reasons.amended] == [5]
    assert [citation.provision.number for citation in reasons.unchecked] == [4]


# --------------------------------------------------------------------- the importer's reasons


def source_text(title, basis, answer="Yes."):
    return f"Site - Topic - {title}\n\n{title}\n\n{answer}\n\n{basis}"


def requests_of(answer):
    return list(ReviewRequest.objects.filter(answer=answer).values_list("reason", flat=True))


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_changed_source_of_an_edited_answer_makes_it_due(social_insurance_law, tmp_path, overwrite):
    path = tmp_path / "a.txt"
    path.write_text(source_text("A", "", "Yes."), encoding="utf-8")
    import_paths([tmp_path])
    answer = Answer.objects.get()
    answer.short_answer = "Yes, edited."
    save_answer(answer)
    import_paths([tmp_path])  # the source as before: skipped, nothing new
    assert requests_of(answer) == []
    path.write_text(source_text("A", "", "No."), encoding="utf-8")
    report = import_paths([tmp_path], overwrite_edited=overwrite)
    assert (report.updated if overwrite else report.skipped) == [str(path)]
    assert reasons_at(answer) == [ReviewReason.SOURCE_CHANGED]
    detail = ReviewRequest.objects.get().detail
    assert ("overwrote the editors' changes" if overwrite else "kept it as edited") in detail
    import_paths([tmp_path])  # the same source again
    assert requests_of(answer) == [ReviewReason.SOURCE_CHANGED]
    review.mark_checked(answer, make_user("publisher", "publisher"))
    import_paths([tmp_path])
    assert reasons_at(answer) == []


def test_a_changed_source_of_an_answer_not_edited_makes_it_due(social_insurance_law, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(source_text("A", "", "Yes."), encoding="utf-8")
    import_paths([tmp_path])
    answer = Answer.objects.get()
    assert reasons_at(answer) == []  # a new answer is not due
    path.write_text(source_text("A", "", "No."), encoding="utf-8")
    import_paths([tmp_path])
    assert reasons_at(answer) == [ReviewReason.SOURCE_CHANGED]
    assert "the import updated the answer" in ReviewRequest.objects.get().detail


def test_a_quote_differing_from_the_official_text_makes_the_answer_due(law_corpus, tmp_path):
    basis = "法律依据：《社会保险经办条例》第七条 社会保障卡是个人参加社会保险的凭证。"
    (tmp_path / "a.txt").write_text(source_text("A", basis), encoding="utf-8")
    import_paths([tmp_path])
    answer = Answer.objects.get()
    assert reasons_at(answer) == [ReviewReason.QUOTE_DIFFERS]
    request = ReviewRequest.objects.get()
    assert "社会保障卡是个人参加社会保险的凭证。" in request.detail
    assert "Social Insurance Handling Regulation, Article 7" in request.detail
    import_paths([tmp_path])  # still differs: the same request, not another
    assert requests_of(answer) == [ReviewReason.QUOTE_DIFFERS]
    review.mark_checked(answer, make_user("publisher", "publisher"))
    import_paths([tmp_path])
    assert reasons_at(answer) == []


# --------------------------------------------------------------------- the admin and the reader's page


def make_due(question, reason):
    """A published answer due for `reason` alone (today): interval, feedback or a request."""
    answer = make_answer(question)
    if reason == ReviewReason.INTERVAL:
        Answer.objects.filter(pk=answer.pk).update(published_at=days_ago(4000))
    elif reason == ReviewReason.FEEDBACK:
        give_feedback(answer, no=5, when=datetime.datetime.now(datetime.UTC))
    else:
        review.request_reviews([(answer, reason, f"Why: {reason}.")])
    return answer


def test_the_admin_lists_each_reason_and_filters_on_it(client, db):
    make_answer("Not due?")
    for reason in (ReviewReason.INTERVAL, ReviewReason.SOURCE_CHANGED, ReviewReason.FEEDBACK):
        make_due(f"Due for {reason}?", reason)
    changelist = reverse("admin:articles_answer_changelist")
    client.force_login(make_user("editor", "editor"))
    response = client.get(changelist, {"review": ReviewReason.SOURCE_CHANGED})
    assert [answer.question for answer in response.context["cl"].result_list] == ["Due for source_changed?"]
    page = client.get(changelist).content.decode()
    for reason in (ReviewReason.INTERVAL, ReviewReason.SOURCE_CHANGED, ReviewReason.FEEDBACK):
        assert str(reason.label).replace("'", "&#x27;") in page
    listed = client.get(changelist, {"review": "due"}).context["cl"].result_list
    assert len(listed) == 3
    assert [a.question for a in client.get(changelist, {"review": "checked"}).context["cl"].result_list] == ["Not due?"]


def test_the_answer_list_runs_the_same_queries_for_one_due_answer_and_many(client, db, django_assert_num_queries):
    client.force_login(make_user("editor", "editor"))
    changelist = reverse("admin:articles_answer_changelist")
    make_due("Due 0?", ReviewReason.INTERVAL)
    client.get(changelist)  # the session and permissions cached as for any later page
    with django_assert_num_queries(10) as one:
        response = client.get(changelist, {"review": "due"})
    assert len(response.context["cl"].result_list) == 1
    for number in range(3):
        for reason in [*review.REQUESTED, ReviewReason.INTERVAL, ReviewReason.FEEDBACK]:
            make_due(f"Due {number} {reason}?", reason)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(changelist, {"review": "due"})
    assert len(response.context["cl"].result_list) == 13


def test_the_answer_page_in_the_admin_says_why_it_is_due(client, answers, django_assert_num_queries):
    answer = answers["4"]
    amend(article(4), ["新文本。"], datetime.date(2026, 1, 1), "某决定")
    Answer.objects.filter(pk=answer.pk).update(published_at=days_ago(4000), review_interval_days=30)
    review.request_reviews([(answer, ReviewReason.QUOTE_DIFFERS, "Article 4: the source quotes <it> otherwise.")])
    give_feedback(answer, no=6, yes=2, when=datetime.datetime.now(datetime.UTC))
    client.force_login(make_user("publisher", "publisher"))
    page = client.get(reverse("admin:articles_answer_change", args=[answer.pk])).content.decode()
    assert "Its review interval (30 days) has passed" in page
    assert "a version in force from 2026-01-01" in page
    assert "the source quotes &lt;it&gt; otherwise." in page  # escaped
    assert "6 “No” and 2 “Yes” in the last 30 days" in page
    assert 'name="review_interval_days"' in page and 'name="responsible_editor"' in page


def test_publishers_set_the_review_fields_and_editors_see_them(client, db):
    topic = make_topic("Cards")
    editor = make_user("editor", "editor")
    client.force_login(editor)
    page = client.get(reverse("admin:articles_topic_change", args=[topic.pk])).content.decode()
    assert "review interval (days)" in page.lower() and 'name="review_interval_days"' not in page
    client.force_login(make_user("publisher", "publisher"))
    page = client.get(reverse("admin:articles_topic_change", args=[topic.pk])).content.decode()
    assert 'name="review_interval_days"' in page and 'name="responsible_editor"' in page
    data = {"title": "Cards", "title_zh": "社保卡", "slug": topic.slug, "review_interval_days": 90}
    data["responsible_editor"] = editor.pk
    response = client.post(reverse("admin:articles_topic_change", args=[topic.pk]), data)
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.review_interval_days, topic.responsible_editor) == (90, editor)


def test_readers_see_when_the_answer_was_checked_against_the_law(client, db):
    answer = make_answer("Checked?")
    assert "Checked against the law" not in client.get(answer.get_absolute_url()).content.decode()
    when = datetime.datetime(2026, 11, 27, 3, tzinfo=datetime.UTC)
    review.mark_checked(answer, make_user("publisher", "publisher"), now=when)
    assert "Checked against the law on Nov. 27, 2026" in client.get(answer.get_absolute_url()).content.decode()
    chinese = make_answer("已核对？", language="zh-hans")
    review.mark_checked(chinese, make_user("publisher2", "publisher"), now=when)
    page = client.get(chinese.get_absolute_url()).content.decode()
    assert "2026年11月27日" in page


def test_the_answer_page_in_the_admin_runs_the_same_queries_whatever_the_reasons(
    client, answers, django_assert_num_queries
):
    answer = answers["4"]
    client.force_login(make_user("publisher", "publisher"))
    page = reverse("admin:articles_answer_change", args=[answer.pk])
    client.get(page)
    with CaptureQueriesContext(connection) as none:
        assert "Nothing: it is not due for review." in client.get(page).content.decode()
    amend(article(4), ["新文本。"], datetime.date(2026, 1, 1), "某决定")
    Answer.objects.filter(pk=answer.pk).update(published_at=days_ago(4000))
    review.request_reviews([(answer, reason, f"{reason} detail") for reason in review.REQUESTED])
    review.request_reviews([(answer, ReviewReason.SOURCE_CHANGED, "again")])
    give_feedback(answer, no=6, when=datetime.datetime.now(datetime.UTC))
    with django_assert_num_queries(len(none.captured_queries)):
        page_text = client.get(page).content.decode()
    assert "again" in page_text and "6 “No”" in page_text
