"""`save_answer`: the one write path of an answer with its sections and citations."""

import pytest
from django.urls import reverse

from articles.models import Answer, Citation, Section, SectionKind, Status
from articles.services import save_answer
from tests.factories import make_answer, make_provision

pytestmark = pytest.mark.django_db


def found(client, q):
    response = client.get(reverse("search:search"), {"q": q})
    results = response.context["results"]
    return [answer.question for answer in results.page.object_list] if results else []


def test_editing_a_section_updates_what_is_found(client):
    answer = make_answer("A question?", sections=[(SectionKind.GENERAL, "", "About pensions.")])
    assert found(client, "hospital") == []
    section = answer.sections.get()
    section.body = "About the hospital."
    save_answer(answer, sections=[section])
    assert found(client, "hospital") == ["A question?"]
    assert found(client, "pensions") == []
    save_answer(answer, removed=[section])
    assert found(client, "hospital") == []
    assert not answer.sections.exists()


def test_a_save_rebuilds_the_search_document_once_at_its_end(search_refreshes):
    answer = make_answer("A question?")
    search_refreshes.clear()
    sections = [Section(kind=SectionKind.GENERAL, body=f"About the {word}.", position=i) for i, word in enumerate("ab")]
    citations = [Citation(provision=make_provision(n), position=i) for i, n in enumerate((41, 42))]
    save_answer(answer, sections=sections, citations=citations)
    assert search_refreshes == [answer.pk]
    answer.refresh_from_db()
    assert "About the a." in answer.search_document and "About the b." in answer.search_document
    assert answer.search_citations == "article41 article42"


def test_each_section_is_rendered_once_per_save(monkeypatch):
    import articles.models

    rendered, render = [], articles.models.render
    monkeypatch.setattr(articles.models, "render", lambda text: rendered.append(text) or render(text))
    answer = make_answer("A question?", sections=[(SectionKind.GENERAL, "", "One."), (SectionKind.GENERAL, "", "Two.")])
    assert sorted(rendered) == ["One.", "Two."]
    rendered.clear()
    first = answer.sections.get(body="One.")
    first.body = "One, changed."
    save_answer(answer, sections=[first])
    assert sorted(rendered) == ["One, changed.", "Two."]  # the unchanged one for the articles it cites


def test_an_error_rolls_back_the_rows_and_the_document(monkeypatch):
    import articles.services

    answer = make_answer("A question?", sections=[(SectionKind.GENERAL, "", "About the hospital.")])
    section = answer.sections.get()
    section.body = "About the bank."

    def fail(*args, **kwargs):
        raise RuntimeError

    monkeypatch.setattr(articles.services, "store_search_columns", fail)
    with pytest.raises(RuntimeError):
        save_answer(answer, sections=[section])
    answer.refresh_from_db()
    assert answer.sections.get().body == "About the hospital."
    assert "About the hospital." in answer.search_document and "bank" not in answer.search_document


def test_adding_and_removing_a_citation_updates_what_is_found(client):
    answer = make_answer("A question?")
    provision = make_provision(42, paragraphs=["Some text."])
    assert found(client, "Article 42 question") == []
    citation = Citation(provision=provision)
    save_answer(answer, citations=[citation])
    answer.refresh_from_db()
    assert "Article 42" in answer.search_document
    assert answer.search_citations == "article42"
    assert found(client, "Article 42 question") == ["A question?"]
    save_answer(answer, removed=[citation])
    answer.refresh_from_db()
    assert "Article 42" not in answer.search_document
    assert answer.search_citations == ""
    assert found(client, "Article 42 question") == []


def test_articles_cited_in_the_text_become_citations_and_are_searchable(client):
    make_provision(10)
    answer = make_answer(
        "Who pays the pension?", sections=[(SectionKind.GENERAL, "", "See [[social-insurance-law 10]].")]
    )
    assert [c.provision.number for c in answer.citations.all()] == [10]
    answer.refresh_from_db()
    assert answer.search_citations == "article10"
    assert "Article 10" in answer.search_document
    assert found(client, "Article 10 pension") == ["Who pays the pension?"]
    assert save_answer(answer) == []  # cited already: nothing added again


def test_editing_the_question_updates_chinese_tokens(client):
    answer = make_answer("A question?")
    answer.question = "社保卡丢了怎么办？"
    save_answer(answer)
    assert found(client, "丢了") == ["社保卡丢了怎么办？"]
    assert Answer.objects.get(pk=answer.pk).search_cjk.startswith("社保")


@pytest.mark.parametrize("count", [1, 6])
def test_saving_a_changed_section_makes_as_many_queries_whatever_the_sections(django_assert_num_queries, count):
    answer = make_answer("A question?", status=Status.DRAFT, sections=[(SectionKind.GENERAL, "", "Text.")] * count)
    sections = list(answer.sections.all())
    sections[0].body = "Changed text."
    # Savepoint; the answer; the changed section; the citations held; the search columns; the revision and the
    # answer's live revision; release.
    with django_assert_num_queries(8):
        save_answer(answer, sections=sections[:1], others=sections[1:])
    # Without the other sections at hand, they are read: one query more.
    sections[0].body = "Changed again."
    with django_assert_num_queries(9):
        save_answer(answer, sections=sections[:1])
    answer.refresh_from_db()
    assert "Changed again." in answer.search_document
