"""The law admin: articles with their paragraphs as text, searchable, with the answers citing them."""

import ast
from pathlib import Path

from django.urls import reverse
from django.utils.html import escape

import legal_refs
from articles.models import Status
from legal_refs.models import Provision
from tests.content import LAW_SLUG
from tests.factories import make_answer, make_user


def citing_answers_management_form(provision):
    """The read-only inline of citing answers, as the change form sends it back."""
    citations = list(provision.citations.all())
    data = {
        "citations-TOTAL_FORMS": len(citations),
        "citations-INITIAL_FORMS": len(citations),
        "citations-MIN_NUM_FORMS": 0,
        "citations-MAX_NUM_FORMS": 1000,
    }
    for i, citation in enumerate(citations):
        data.update({f"citations-{i}-id": citation.pk, f"citations-{i}-provision": provision.pk})
    return data


def test_provision_paragraphs_are_edited_as_text_separated_by_blank_lines(admin_client, imported):
    provision = Provision.objects.get(law__slug=LAW_SLUG, number=10)
    url = reverse("admin:legal_refs_provision_change", args=[provision.pk])
    page = admin_client.get(url).content.decode()
    assert "\n\n".join(provision.paragraphs).split("\n\n")[1] in page
    response = admin_client.post(
        url,
        {
            "law": provision.law_id,
            "number": 10,
            "chapter": provision.chapter_id or "",
            "paragraphs": "First paragraph.\r\n\r\n\r\nSecond paragraph,\r\nstill second.\r\n\r\n  Third.  ",
            **citing_answers_management_form(provision),
        },
    )
    assert response.status_code == 302
    provision.refresh_from_db()
    assert provision.paragraphs == ["First paragraph.", "Second paragraph,\nstill second.", "Third."]


def test_empty_paragraphs_are_refused(admin_client, imported):
    provision = Provision.objects.get(law__slug=LAW_SLUG, number=10)
    url = reverse("admin:legal_refs_provision_change", args=[provision.pk])
    data = {"law": provision.law_id, "number": 10, "paragraphs": "  \r\n ", **citing_answers_management_form(provision)}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_law_aliases_are_edited_one_a_line(admin_client, social_insurance_law):
    law = social_insurance_law
    url = reverse("admin:legal_refs_law_change", args=[law.pk])
    assert escape(law.aliases[0]) in admin_client.get(url).content.decode()
    data = {
        "title": law.title,
        "short_title": law.short_title,
        "slug": law.slug,
        "aliases": "First alias\r\n\r\nSecond alias\r\n",
        "chapters-TOTAL_FORMS": 0,
        "chapters-INITIAL_FORMS": 0,
        "chapters-MIN_NUM_FORMS": 0,
        "chapters-MAX_NUM_FORMS": 1000,
    }
    data.update(
        {
            f"chapters-{i}-{field}": value
            for i, chapter in enumerate(law.chapters.all())
            for field, value in {
                "id": chapter.pk,
                "law": law.pk,
                "number": chapter.number,
                "title": chapter.title,
                "first_article": chapter.first_article or "",
                "last_article": chapter.last_article or "",
            }.items()
        }
    )
    data["chapters-TOTAL_FORMS"] = data["chapters-INITIAL_FORMS"] = law.chapters.count()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    law.refresh_from_db()
    assert law.aliases == ["First alias", "Second alias"]


def test_article_admin_shows_the_answers_citing_it_read_only(client, imported):
    provision = Provision.objects.get(law__slug=LAW_SLUG, number=10)
    draft = make_answer("A draft citing article 10?", status=Status.DRAFT, cites=[(provision, 2)])
    client.force_login(make_user("editor", "editor"))
    page = client.get(reverse("admin:legal_refs_provision_change", args=[provision.pk])).content.decode()
    assert "Answers citing this article" in page
    assert "Can social security be upgraded halfway" in page
    assert reverse("admin:articles_answer_change", args=[draft.pk]) in page
    assert 'name="citations-0-answer"' not in page  # read-only: no inputs


def test_article_list_searches_by_law_and_number(client, imported):
    client.force_login(make_user("editor", "editor"))
    response = client.get(reverse("admin:legal_refs_provision_changelist"), {"q": "social-insurance-law 5"})
    assert [str(p) for p in response.context["cl"].result_list] == ["Social Insurance Law, Article 5"]


def test_legal_refs_imports_nothing_from_articles():
    imported_modules = set()
    for source in Path(legal_refs.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported_modules.add(node.module)
            elif isinstance(node, ast.Import):
                imported_modules.update(alias.name for alias in node.names)
    assert not {m for m in imported_modules if m == "articles" or m.startswith("articles.")}


def test_viewers_read_paragraphs_as_numbered_text(client, imported):
    provision = Provision.objects.get(law__slug=LAW_SLUG, number=10)
    client.force_login(make_user("editor", "editor"))
    page = client.get(reverse("admin:legal_refs_provision_change", args=[provision.pk])).content.decode()
    assert f"<p><strong>2.</strong> {escape(provision.paragraphs[1])}</p>" in page
    assert '["' not in page


def test_viewers_read_law_aliases_one_a_line(client, social_insurance_law):
    client.force_login(make_user("editor", "editor"))
    page = client.get(reverse("admin:legal_refs_law_change", args=[social_insurance_law.pk])).content.decode()
    assert f"<p>{escape(social_insurance_law.aliases[0])}</p>" in page
