"""The reader's pages of the Q&A content: home, topic and answer pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Answer, Citation, SectionKind, Status
from articles.review import mark_checked
from legal_refs.models import Provision, ProvisionVersion, Translation
from legal_refs.services import amend, save_translation
from serving.pages import content_changed
from tests.content import FIRST_CLASS_CARD, LAW_SLUG, UPGRADE_HALFWAY
from tests.factories import UserFactory, make_answer, make_provision, make_staff, make_topic, make_user
from tests.site_helpers import json_ld, links, page_of

pytestmark = pytest.mark.django_db

FEEDBACK_QUESTION = "Did this answer your question?"  # the readers' feedback form, after the answer


def staff_client(client):
    client.force_login(make_staff())
    return client


# --------------------------------------------------------------------- home


def test_home_lists_topics_with_their_published_questions(client, imported):
    make_answer("A draft question?", topic=imported_topic(), status=Status.DRAFT)
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.text
    assert "Social security inquiry" in html
    # each under its topic and under "Recently updated"
    assert html.count(UPGRADE_HALFWAY) == 2 and html.count(FIRST_CLASS_CARD) == 2
    assert "A draft question?" not in html
    assert 'action="/en/search/"' in html and 'name="q"' in html
    assert reverse("legal_refs:law", kwargs={"slug": LAW_SLUG}) in links(html)


def imported_topic():
    return Answer.objects.get(question=UPGRADE_HALFWAY).topic


def test_home_without_content_says_so(client, db):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "No questions have been published yet." in response.text


@pytest.mark.parametrize("answers", [1, 30])
def test_home_runs_four_queries_whatever_the_number_of_answers(client, django_assert_num_queries, answers):
    topic = make_topic("Cards")
    for _ in range(answers):
        make_answer(topic=topic, cites=[make_provision()])
    # topics, their published answers, recently updated answers, laws; the next date a wording takes effect
    # (the expiry of the pages' cache, once per content change)
    with django_assert_num_queries(5):
        response = client.get("/en/")
    # at most ten questions a topic (and a link to the topic's page), and the five most recent
    assert response.text.count('href="/en/questions/') == min(answers, 10) + min(answers, 5)
    assert ("All 30 questions on “Cards”" in response.text) == (answers == 30)


# --------------------------------------------------------------------- topic


def test_topic_page_lists_its_published_questions(client, imported):
    topic = imported_topic()
    make_answer("Not yet published?", topic=topic, status=Status.DRAFT)
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    assert UPGRADE_HALFWAY in response.text and FIRST_CLASS_CARD in response.text
    assert "Not yet published?" not in response.text
    assert page_of(response.text, "h1") == ["Social security inquiry"]


def test_topic_page_is_paginated_keeping_other_parameters(client, db):
    topic = make_topic("Cards")
    for number in range(30):
        make_answer(f"Question {number:02}?", topic=topic)
    first = client.get(topic.get_absolute_url(), {"utm": "x"})
    assert first.text.count('href="/en/questions/') == 25
    assert 'href="?utm=x&amp;page=2"' in first.text
    second = client.get(topic.get_absolute_url(), {"page": 2})
    assert second.text.count('href="/en/questions/') == 5
    assert "Question 29?" in second.text and "Question 00?" not in second.text
    assert f'<link rel="canonical" href="http://testserver{topic.get_absolute_url()}?page=2">' in second.text


@pytest.mark.parametrize("page", ["99", "x", "-1"])
def test_topic_page_out_of_range_is_404(client, db, page):
    topic = make_topic("Cards")
    make_answer(topic=topic)
    assert client.get(topic.get_absolute_url(), {"page": page}).status_code == 404


def test_unknown_topic_is_404(client, db):
    assert client.get("/en/topics/no-such-topic/").status_code == 404


@pytest.mark.parametrize("answers", [1, 30])
def test_topic_page_runs_three_queries(client, django_assert_num_queries, answers):
    topic = make_topic("Cards")
    for _ in range(answers):
        make_answer(topic=topic)
    # the topic, the count of its answers, one page of them; the next date a wording takes effect (the pages' cache)
    with django_assert_num_queries(4):
        assert client.get(topic.get_absolute_url()).status_code == 200


# --------------------------------------------------------------------- answer


def test_answer_page_reads_question_sections_and_legal_basis_in_order(client, imported):
    Translation.objects.all().delete()
    response = client.get(Answer.objects.get(question=UPGRADE_HALFWAY).get_absolute_url())
    assert response.status_code == 200
    html = response.text
    assert page_of(html, "h1") == [UPGRADE_HALFWAY]
    assert page_of(html, "h2") == [
        "The methods to improve the grade of social security cards are as follows",
        "Matters needing attention in upgrading social security card",
        "Legal basis",
        FEEDBACK_QUESTION,
        "Related questions",
    ]
    assert page_of(html, "h3") == ["Social Insurance Law, Article 4", "Social Insurance Law, Article 10"]
    # Methods as numbered steps, precautions as a list, each styled by kind.
    assert '<section class="section kind-methods"' in html and '<section class="section kind-precautions"' in html
    assert html.index("Online upgrade:") < html.index("Offline upgrade:") < html.index("Matters needing attention")
    # The imported answers have no short answer: no empty block is shown.
    assert 'class="short-answer"' not in html
    # The cited text is shown inline: with no translation held, the official text in force.
    assert '<p lang="zh-Hans">职工应当参加基本养老保险，由用人单位和职工共同缴纳基本养老保险费。</p>' in html
    assert f"Source: “{UPGRADE_HALFWAY}”" in html
    assert "Job Recruitment Website" in html
    assert "Last updated" in html


def test_answer_page_shows_a_short_answer_first(client, db):
    answer = make_answer(short_answer="Yes, at the issuing bank.", sections=[(SectionKind.METHODS, "", "1. Go.")])
    html = client.get(answer.get_absolute_url()).text
    assert '<p class="short-answer">Yes, at the issuing bank.</p>' in html
    assert html.index("short-answer") < html.index("kind-methods")
    assert page_of(html, "h2") == ["How to do it", FEEDBACK_QUESTION]  # a heading that fits the kind when none is given


@pytest.mark.parametrize(
    "kind, heading",
    [
        (SectionKind.METHODS, ["How to do it"]),
        (SectionKind.PRECAUTIONS, ["Points to watch"]),
        (SectionKind.CONDITIONS, ["Conditions"]),
        (SectionKind.ANALYSIS, ["Legal analysis"]),
        (SectionKind.GENERAL, []),
    ],
)
def test_section_without_heading_gets_one_fitting_its_kind(client, db, kind, heading):
    answer = make_answer(sections=[(kind, "", "Some text.")])
    assert page_of(client.get(answer.get_absolute_url()).text, "h2") == [*heading, FEEDBACK_QUESTION]


def test_answer_page_marks_the_cited_paragraph(client, db):
    provision = make_provision(4, paragraphs=["First paragraph.", "Second paragraph."])
    answer = make_answer(cites=[(provision, 2)])
    html = client.get(answer.get_absolute_url()).text
    assert '<p lang="zh-Hans">First paragraph.</p>' in html
    assert '<p class="cited"><mark lang="zh-Hans">Second paragraph.</mark>' in html
    assert f'href="{provision.get_absolute_url()}#paragraph-2"' in html


def legal_basis(html):
    start = html.index('id="legal-basis"')
    return html[start : html.index("</section>", start)]


def test_legal_basis_shows_the_default_translation_labelled_unofficial_with_the_official_wording_linked(
    client, social_insurance_law
):
    provision = Provision.objects.get(law=social_insurance_law, number=4)
    save_translation(Translation(provision=provision, paragraphs=["Employers <pay>.", "Individuals enjoy."]))
    save_translation(
        Translation(
            provision=provision, paragraphs=["Chosen first.", "Chosen second."], source_title="Q", is_default=True
        )
    )
    answer = make_answer(cites=[(provision, 2)])
    basis = legal_basis(client.get(answer.get_absolute_url()).text)
    assert '<blockquote cite="/en/laws/social-insurance-law/articles/4/" lang="en">' in basis
    assert "<p>Chosen first.</p>" in basis
    assert '<p class="cited"><mark>Chosen second.</mark>' in basis
    assert "Employers" not in basis
    assert "Unofficial translation, quoted in the source text “Q”." in page_of(basis, "p")[-1]
    assert "/en/laws/social-insurance-law/articles/4/#paragraph-2" in links(basis)
    assert "用人单位" not in basis


def test_legal_basis_shows_no_translation_of_another_wording_or_other_paragraphs(client, social_insurance_law):
    provision = Provision.objects.get(law=social_insurance_law, number=58)
    save_translation(Translation(provision=provision, paragraphs=["One paragraph only."], source_title="A"))
    answer = make_answer(cites=[(provision, 3)])
    basis = legal_basis(client.get(answer.get_absolute_url()).text)
    assert "One paragraph only." not in basis  # it could not mark paragraph 3: the official text is shown
    assert '<p class="cited"><mark lang="zh-Hans">国家建立全国统一的个人社会保障号码。' in basis
    article_4 = Provision.objects.get(law=social_insurance_law, number=4)
    save_translation(Translation(provision=article_4, paragraphs=["Old first.", "Old second."], source_title="B"))
    answer = make_answer(cites=[article_4])
    assert "Old first." in legal_basis(client.get(answer.get_absolute_url()).text)
    amend(article_4, ["新的第一款。", "新的第二款。"], date(2026, 1, 1), "某决定")
    basis = legal_basis(client.get(answer.get_absolute_url()).text)
    assert "Old first." not in basis and "新的第一款。" in basis  # no English of the earlier wording as today's
    page = client.get(article_4.get_absolute_url()).text
    assert "It translates the wording in force from 2011-07-01, not the one above." in page


def test_legal_basis_without_a_translation_shows_the_official_text_in_force_with_its_items(
    client, social_insurance_law
):
    answer = make_answer(cites=[(Provision.objects.get(law=social_insurance_law, number=30), 1)])
    basis = legal_basis(client.get(answer.get_absolute_url()).text)
    cited = (
        '<p class="cited"><mark lang="zh-Hans">下列医疗费用不纳入基本医疗保险基金支付范围:<br>'
        "（一）应当从工伤保险基金中支付的；"
    )
    assert cited in basis
    assert '<p lang="zh-Hans">医疗费用依法应当由第三人负担' in basis
    assert "The official text (Chinese), as in force today." in basis


def test_legal_basis_says_a_cited_article_was_amended_until_a_publisher_checks_the_answer(client, social_insurance_law):
    provision = Provision.objects.get(law=social_insurance_law, number=57)
    answer = make_answer(cites=[(provision, 3)])
    assert 'class="amended"' not in client.get(answer.get_absolute_url()).text  # written against today's wording
    Citation.objects.filter(answer=answer).update(version=provision.versions.get(effective_from=date(2011, 7, 1)))
    content_changed()  # the update above is the test's own, past the write services
    basis = legal_basis(client.get(answer.get_absolute_url()).text)
    assert '<p class="amended">This article was amended on 2018-12-29. <a href="' in basis
    assert "/en/laws/social-insurance-law/articles/57/compare/2011-07-01/2018-12-29/" in links(basis)
    assert "市场监督管理部门" in basis  # the wording in force is shown
    mark_checked(answer, make_user("publisher", role="publisher"))
    assert 'class="amended"' not in client.get(answer.get_absolute_url()).text


def test_legal_basis_says_when_a_cited_article_will_change(client, social_insurance_law):
    provision = Provision.objects.get(law=social_insurance_law, number=58)
    answer = make_answer(cites=[provision])
    coming_on = timezone.localdate() + timedelta(days=10)
    amend(provision, ["New wording."], coming_on, "A decision")
    basis = legal_basis(client.get(answer.get_absolute_url()).text)
    assert f"This article will change on {coming_on.isoformat()}." in basis
    assert f"/en/laws/social-insurance-law/articles/58/compare/2011-07-01/{coming_on.isoformat()}/" in links(basis)
    assert "New wording." not in basis and "用人单位应当自用工之日起三十日内" in basis


@pytest.mark.parametrize("answer_question, cited", [(UPGRADE_HALFWAY, [4, 10]), (FIRST_CLASS_CARD, [4, 5])])
def test_answer_links_each_cited_article(client, imported, answer_question, cited):
    html = client.get(Answer.objects.get(question=answer_question).get_absolute_url()).text
    article_links = dict.fromkeys(href for href in links(html) if "/articles/" in href)
    assert list(article_links) == [f"/en/laws/social-insurance-law/articles/{number}/" for number in cited]


def test_answer_links_mentions_of_its_cited_articles_only(client, db):
    cited, other = make_provision(4), make_provision(7)
    answer = make_answer(
        sections=[
            (
                SectionKind.ANALYSIS,
                "",
                "Article 4 of the People's Republic of China (PRC) Social Insurance Law applies; "
                "Article 7 does not, nor does [Article 4](https://example.org/).",
            )
        ],
        cites=[cited],
    )
    html = client.get(answer.get_absolute_url()).text
    assert f'<a href="{cited.get_absolute_url()}">Article 4</a> of the People' in html
    assert other.get_absolute_url() not in html
    assert 'nor does <a href="https://example.org/" rel="noopener noreferrer nofollow">Article 4</a>' in html


def test_short_answer_is_escaped_and_its_mentions_linked(client, db):
    cited = make_provision(10)
    answer = make_answer(short_answer="Yes <b>see</b> Article 10.\nThen go.", cites=[cited])
    html = client.get(answer.get_absolute_url()).text
    assert (
        '<p class="short-answer">Yes &lt;b&gt;see&lt;/b&gt; '
        f'<a href="{cited.get_absolute_url()}">Article 10</a>.<br>Then go.</p>'
    ) in html


def test_related_questions_share_cited_articles_most_shared_first(client, db):
    a, b, c = make_provision(1), make_provision(2), make_provision(3)
    answer = make_answer("The answer?", cites=[a, b, c])
    make_answer("Shares one?", cites=[c])
    make_answer("Shares three?", cites=[a, b, c])
    make_answer("Shares two?", cites=[b, a, make_provision(9)])
    make_answer("Shares none?", cites=[make_provision(8)])
    make_answer("A draft sharing all?", cites=[a, b, c], status=Status.DRAFT)
    html = client.get(answer.get_absolute_url()).text
    related = html[html.index('id="related"') : html.index("</aside>")]
    assert page_of(related, "li a") == ["Shares three?", "Shares two?", "Shares one?"]


def test_imported_answers_are_related_through_article_4(client, imported):
    first = Answer.objects.get(question=UPGRADE_HALFWAY)
    second = Answer.objects.get(question=FIRST_CLASS_CARD)
    assert second.get_absolute_url() in links(client.get(first.get_absolute_url()).text)
    assert first.get_absolute_url() in links(client.get(second.get_absolute_url()).text)


def test_answer_page_has_breadcrumbs_and_structured_data(client, imported):
    answer = Answer.objects.get(question=UPGRADE_HALFWAY)
    html = client.get(answer.get_absolute_url()).text
    start = html.index('class="breadcrumbs"')
    nav = html[start : html.index("</nav>", start)]
    assert page_of(nav, "a") == ["Home", "Social security inquiry", UPGRADE_HALFWAY]
    faq, breadcrumbs = json_ld(html)
    assert faq["@type"] == "FAQPage"
    assert faq["mainEntity"][0]["name"] == UPGRADE_HALFWAY
    assert "Online upgrade:" in faq["mainEntity"][0]["acceptedAnswer"]["text"]
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [item["item"] for item in breadcrumbs["itemListElement"]] == [
        "http://testserver/en/",
        "http://testserver/en/topics/social-security-inquiry/",
        f"http://testserver{answer.get_absolute_url()}",
    ]
    assert f'<link rel="canonical" href="http://testserver{answer.get_absolute_url()}">' in html
    assert '<meta name="description" content="The methods to improve the grade' in html


def test_content_cannot_break_out_of_the_structured_data(client, db):
    evil = "</script><script>alert(1)</script> & <!--"
    answer = make_answer(f"Is {evil}?", short_answer=evil, sections=[(SectionKind.GENERAL, evil, evil)])
    html = client.get(answer.get_absolute_url()).text
    assert "<script>alert(1)" not in html
    assert html.count("</script>") == 2  # the two JSON-LD blocks, nothing else
    faq, _ = json_ld(html)
    assert faq["mainEntity"][0]["name"] == f"Is {evil}?"


def test_answer_with_a_chinese_question_has_a_unicode_url(client, db):
    answer = make_answer("社保卡可以升级吗?")
    assert (
        answer.get_absolute_url()
        == "/en/questions/%E7%A4%BE%E4%BF%9D%E5%8D%A1%E5%8F%AF%E4%BB%A5%E5%8D%87%E7%BA%A7%E5%90%97/"
    )
    response = client.get(answer.get_absolute_url())
    assert response.status_code == 200
    assert page_of(response.text, "h1") == ["社保卡可以升级吗?"]


def test_unknown_answer_is_404(client, db):
    assert client.get("/en/questions/no-such-question/").status_code == 404


# --------------------------------------------------------------------- drafts


def test_draft_answer_is_404_for_anonymous_and_for_non_staff(client, db):
    answer = make_answer(status=Status.DRAFT)
    assert client.get(answer.get_absolute_url()).status_code == 404
    client.force_login(UserFactory(username="reader"))
    assert client.get(answer.get_absolute_url()).status_code == 404


def test_staff_preview_a_draft_with_a_banner(client, db):
    answer = make_answer(status=Status.DRAFT)
    response = staff_client(client).get(answer.get_absolute_url())
    assert response.status_code == 200
    assert 'class="draft-banner"' in response.text and "This answer is not published" in response.text
    assert '<meta name="robots" content="noindex">' in response.text
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_staff_see_no_draft_banner_on_published_answers(client, db):
    answer = make_answer()
    response = staff_client(client).get(answer.get_absolute_url())
    assert 'class="draft-banner"' not in response.text


def test_drafts_are_not_related_questions_nor_listed(client, db):
    provision = make_provision(4)
    answer = make_answer("Published?", cites=[provision])
    make_answer("Draft?", cites=[provision], status=Status.DRAFT)
    for url in ["/en/", answer.topic.get_absolute_url(), answer.get_absolute_url(), provision.get_absolute_url()]:
        assert "Draft?" not in client.get(url).text, url


# --------------------------------------------------------------------- query counts


@pytest.mark.parametrize("citations", [1, 30])
def test_answer_page_runs_eight_queries_and_one_with_its_blocks_cached_whatever_its_citations_and_sections(
    client, django_assert_num_queries, citations
):
    provisions = [make_provision() for _ in range(citations)]
    for provision in provisions:
        amend(provision, ["Amended."], date(2020, 1, 1), "A decision")
        save_translation(Translation(provision=provision, paragraphs=["Translated."]))  # of the wording in force
    Citation.objects.update(version=None)
    sections = [(SectionKind.METHODS, f"Step {n}", f"1. Do {n}.") for n in range(citations)]
    answer = make_answer(sections=sections, cites=provisions)
    for provision in provisions:
        make_answer(cites=[provision])
    first_versions = {
        version.provision_id: version for version in ProvisionVersion.objects.filter(effective_from=date(2011, 7, 1))
    }
    for citation in Citation.objects.filter(answer=answer):
        citation.version = first_versions[citation.provision_id]
        citation.save(update_fields=["version"])
    # the answer with its topic, its sections, its citations with articles, laws and chapters, the articles'
    # versions, their translations, related answers, the changes readers are told of; the next date a wording takes
    # effect (the pages' cache)
    with django_assert_num_queries(8):
        response = client.get(answer.get_absolute_url())
    # a page the page cache does not store (another query parameter): its blocks come from the cache
    # (serving.fragments); only the answer with its topic and translation is read
    with django_assert_num_queries(1):
        built = client.get(answer.get_absolute_url() + "?utm_source=feed")
    for html in [response.text, built.text]:
        assert html.count('class="cited-article"') == citations
        assert html.count("Translated.") == citations
        assert html.count('<p class="amended">') == citations
        assert html.count("shares 1 cited article") == min(citations, 10)


@pytest.mark.parametrize("citations", [1, 30])
def test_staff_draft_preview_runs_eleven_queries(client, django_assert_num_queries, citations):
    answer = make_answer(status=Status.DRAFT, cites=[make_provision() for _ in range(citations)])
    staff_client(client)
    # the session and the user, the user's and their groups' permissions, then the answer page's seven (staff get
    # no block from the cache)
    for _ in range(2):
        with django_assert_num_queries(11):
            assert client.get(answer.get_absolute_url()).status_code == 200


def test_staff_without_change_permission_get_404_for_a_draft(client):
    answer = make_answer(status=Status.DRAFT)
    client.force_login(UserFactory(username="viewer", is_staff=True))
    assert client.get(answer.get_absolute_url()).status_code == 404


def test_structured_data_and_description_hold_plain_text_not_entities(client):
    answer = make_answer("Entities?", sections=[(SectionKind.GENERAL, "", "A & B < C")])
    html = client.get(answer.get_absolute_url()).content.decode()
    [data] = [d for d in json_ld(html) if d["@type"] == "FAQPage"]
    assert "A & B < C" in data["mainEntity"][0]["acceptedAnswer"]["text"]
    assert 'content="A &amp; B &lt; C' in html


def test_topic_with_only_drafts_is_404(client):
    topic = make_topic("Only drafts")
    make_answer(topic=topic, status=Status.DRAFT)
    assert client.get(topic.get_absolute_url()).status_code == 404
