"""The law admin: articles with their paragraphs as text, searchable, with the answers citing them."""

import ast
import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

import legal_refs
from articles.models import Status
from legal_refs.models import Correction, Provision, ProvisionVersion, Translation
from legal_refs.services import amend, save_translation
from tests.content import LAW_SLUG
from tests.factories import UserFactory, make_answer, make_user


def correction_management_form():
    """The read-only inline of a version's corrections, as the form sends it back."""
    return {
        "corrections-TOTAL_FORMS": 0,
        "corrections-INITIAL_FORMS": 0,
        "corrections-MIN_NUM_FORMS": 0,
        "corrections-MAX_NUM_FORMS": 1000,
    }


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


ARTICLE_4_NEW = "第一款的新文本。\r\n\r\n第二款：\r\n（一）第一项；\r\n（二）第二项。"


def test_publishers_amend_an_article_with_a_new_version(client, social_insurance_law):
    article = Provision.objects.get(law=social_insurance_law, number=4)
    client.force_login(make_user("publisher", "publisher"))
    page = client.get(reverse("admin:legal_refs_provision_change", args=[article.pk])).content.decode()
    add = reverse("admin:legal_refs_provisionversion_add")
    assert f"{add}?provision={article.pk}" in page
    response = client.post(
        add,
        {
            "provision": article.pk,
            "effective_from": "2027-01-01",
            "made_by": "某决定",
            "paragraphs": ARTICLE_4_NEW,
            **correction_management_form(),
        },
    )
    assert response.status_code == 302, response.context["errors"]
    article.refresh_from_db()
    versions = list(article.versions.order_by("effective_from"))
    assert [(str(v.effective_from), v.made_by) for v in versions] == [("2011-07-01", ""), ("2027-01-01", "某决定")]
    assert versions[1].paragraphs == ["第一款的新文本。", "第二款：\n（一）第一项；\n（二）第二项。"]
    assert article.paragraphs == versions[1].paragraphs
    assert not Correction.objects.exists()


def test_an_amendment_names_the_instrument_that_made_it(client, social_insurance_law):
    article = Provision.objects.get(law=social_insurance_law, number=4)
    client.force_login(make_user("publisher", "publisher"))
    data = {"provision": article.pk, "effective_from": "2027-01-01", "made_by": "", "paragraphs": "文。"}
    response = client.post(reverse("admin:legal_refs_provisionversion_add"), {**data, **correction_management_form()})
    assert response.status_code == 200
    assert "An amendment names the instrument that made it." in response.content.decode()
    assert article.versions.count() == 1


def test_publishers_correct_a_version_with_a_note_and_no_new_version(client, social_insurance_law):
    version = ProvisionVersion.objects.get(provision__law=social_insurance_law, provision__number=64,
                                           effective_from="2018-12-29")  # fmt: skip
    client.force_login(make_user("publisher", "publisher"))
    url = reverse("admin:legal_refs_provisionversion_change", args=[version.pk])
    corrected = "\r\n\r\n".join(version.paragraphs).replace("统筹,其他", "统筹，其他")
    data = {"paragraphs": corrected, "note": "", **correction_management_form()}
    response = client.post(url, data)
    assert "Say what the correction fixes." in response.content.decode()
    unchanged = {**data, "paragraphs": "\r\n\r\n".join(version.paragraphs), "note": "x"}
    assert "there is nothing to correct" in client.post(url, unchanged).content.decode()
    response = client.post(url, {**data, "note": "Full-width comma, as in the 2010 text."})
    assert response.status_code == 302, response.context["errors"]
    version.refresh_from_db()
    assert "统筹，其他" in version.paragraphs[2]
    correction = Correction.objects.get()
    assert "统筹,其他" in correction.before[2] and correction.corrected_by.username.startswith("publisher")
    assert version.provision.versions.count() == 2  # no version made
    page = client.get(url).content.decode()
    assert "Full-width comma, as in the 2010 text." in page


@pytest.mark.parametrize("role", ["editor", None])
def test_only_publishers_amend_or_correct(client, social_insurance_law, role):
    version = ProvisionVersion.objects.filter(provision__law=social_insurance_law).first()
    client.force_login(make_user("someone", role) if role else UserFactory(username="someone", is_staff=True))
    add = client.post(reverse("admin:legal_refs_provisionversion_add"), {"provision": version.provision_id})
    change = client.post(reverse("admin:legal_refs_provisionversion_change", args=[version.pk]), {"note": "x"})
    assert (add.status_code, change.status_code) == (403, 403)
    assert ProvisionVersion.objects.count() == 101 and not Correction.objects.exists()


def test_versions_are_never_deleted(admin_client, social_insurance_law):
    version = ProvisionVersion.objects.filter(provision__law=social_insurance_law).first()
    response = admin_client.post(
        reverse("admin:legal_refs_provisionversion_delete", args=[version.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert ProvisionVersion.objects.filter(pk=version.pk).exists()


def test_editors_add_translations_as_theirs_and_publishers_choose_the_default(client, social_insurance_law):
    article = Provision.objects.get(law=social_insurance_law, number=4)
    editor = make_user("editor", "editor")
    client.force_login(editor)
    add = reverse("admin:legal_refs_translation_add")
    assert 'name="is_default"' not in client.get(add).content.decode()
    for text in ["First English.\r\n\r\nSecond paragraph.", "Another English."]:
        response = client.post(add, {"provision": article.pk, "language": "en", "paragraphs": text})
        assert response.status_code == 302, response.context["errors"]
    first, second = Translation.objects.order_by("pk")
    assert first.paragraphs == ["First English.", "Second paragraph."] and first.translator == editor
    assert first.version == article.versions.get()  # the wording it translates
    assert (first.is_default, second.is_default) == (True, False)  # the first is shown until one is chosen
    assert client.post(reverse("admin:legal_refs_translation_change", args=[second.pk]), {}).status_code == 403
    changelist = reverse("admin:legal_refs_translation_changelist")
    choose = {"action": "show_by_default", "_selected_action": [second.pk]}
    client.post(changelist, choose)  # not an editor's action
    second.refresh_from_db()
    assert not second.is_default
    client.force_login(make_user("publisher", "publisher"))
    both = client.post(changelist, {**choose, "_selected_action": [first.pk, second.pk]}, follow=True)
    assert "Choose one translation for each article and language." in both.content.decode()
    response = client.post(changelist, choose, follow=True)
    assert "1 translation is now shown by default." in response.content.decode()
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    article.refresh_from_db()
    assert "Another English." in article.search_text


def test_law_aliases_are_edited_one_a_line(admin_client, social_insurance_law):
    law = social_insurance_law
    url = reverse("admin:legal_refs_law_change", args=[law.pk])
    assert escape(law.aliases[0]) in admin_client.get(url).content.decode()
    data = {
        "title": law.title,
        "short_title": law.short_title,
        "slug": law.slug,
        "title_zh": law.title_zh,
        "kind": law.kind,
        "in_force": "on",
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
                "title_zh": chapter.title_zh,
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


def test_the_article_page_reads_the_official_text_as_numbered_paragraphs(client, social_insurance_law):
    provision = Provision.objects.get(law=social_insurance_law, number=30)
    client.force_login(make_user("editor", "editor"))
    page = client.get(reverse("admin:legal_refs_provision_change", args=[provision.pk])).content.decode()
    assert "<p><strong>2.</strong> 医疗费用依法应当由第三人负担" in page
    assert (
        "<p><strong>1.</strong> 下列医疗费用不纳入基本医疗保险基金支付范围:<br>（一）应当从工伤保险基金中支付的；<br>"
        in page
    )
    assert '["' not in page
    assert reverse("admin:legal_refs_provisionversion_add") not in page  # editors do not amend


def test_viewers_read_law_aliases_one_a_line(client, social_insurance_law):
    client.force_login(make_user("editor", "editor"))
    page = client.get(reverse("admin:legal_refs_law_change", args=[social_insurance_law.pk])).content.decode()
    assert f"<p>{escape(social_insurance_law.aliases[0])}</p>" in page


def test_a_translation_changed_in_the_admin_translates_the_wording_in_force(client, social_insurance_law):
    article = Provision.objects.get(law=social_insurance_law, number=4)
    translation = save_translation(Translation(provision=article, paragraphs=["Old.", "Words."], source_title="S"))
    first = translation.version
    amend(article, ["新的第一款。", "新的第二款。"], datetime.date(2026, 1, 1), "某决定")
    client.force_login(make_user("publisher", "publisher"))
    url = reverse("admin:legal_refs_translation_change", args=[translation.pk])
    data = {"provision": article.pk, "language": "en", "paragraphs": "Old.\r\n\r\nWords."}
    assert client.post(url, data).status_code == 302  # the text as it was: still of the first wording
    translation.refresh_from_db()
    assert translation.version == first
    assert client.post(url, {**data, "paragraphs": "New.\r\n\r\nWords."}).status_code == 302
    translation.refresh_from_db()
    assert translation.version.effective_from == datetime.date(2026, 1, 1)


def test_law_texts_refuse_control_characters(client, social_insurance_law):
    article = Provision.objects.get(law=social_insurance_law, number=4)
    client.force_login(make_user("publisher", "publisher"))
    response = client.post(
        reverse("admin:legal_refs_translation_add"),
        {"provision": article.pk, "language": "en", "paragraphs": "First\x0c English.\r\n\r\nSecond."},
    )
    assert response.status_code == 200
    assert "The text holds the invisible control character U+000C" in response.content.decode()
    assert not Translation.objects.filter(provision=article).exists()
    version = article.versions.get()
    response = client.post(
        reverse("admin:legal_refs_provisionversion_change", args=[version.pk]),
        {"paragraphs": "新\x1b文本。", "note": "A fix\x0b.", **correction_management_form()},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "U+001B" in content and "U+000B" in content
