"""Answers in two languages: each answer has a language, and editors link answers that translate each other."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles.models import Answer, Language, Topic
from articles.services import link_translations
from tests.articles.admin_forms import answer_form_data
from tests.factories import AnswerFactory, UserFactory

pytestmark = pytest.mark.django_db


def pair():
    return AnswerFactory(question="How do I replace a lost card?"), AnswerFactory(
        question="社保卡丢了怎么补办？", language=Language.ZH_HANS
    )


def test_linking_makes_the_link_both_ways():
    english, chinese = pair()
    link_translations(english, chinese)
    assert Answer.objects.get(pk=english.pk).translation_id == chinese.pk
    assert Answer.objects.get(pk=chinese.pk).translation_id == english.pk


def test_relinking_leaves_the_former_partner_without_a_translation():
    english, chinese = pair()
    other = AnswerFactory(question="补办社保卡要带什么？", language=Language.ZH_HANS)
    link_translations(english, chinese)
    link_translations(other, english)
    assert Answer.objects.get(pk=chinese.pk).translation_id is None
    assert Answer.objects.get(pk=english.pk).translation_id == other.pk
    link_translations(english, None)
    assert set(Answer.objects.filter(translation__isnull=False)) == set()


@pytest.mark.parametrize("same_language", [True, False])
def test_a_translation_is_another_answer_in_another_language(same_language):
    english, chinese = pair()
    target = AnswerFactory(question="Another English answer?") if same_language else english
    with pytest.raises(ValidationError):
        link_translations(english, target)
    assert Answer.objects.filter(translation__isnull=False).count() == 0


def test_the_database_refuses_an_answer_linked_to_itself():
    english, _ = pair()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=english.pk).update(translation=english)


def test_a_topic_is_named_in_the_language_asked_for():
    topic = Topic.objects.create(title="Replacing a card", title_zh="补办社保卡", slug="replacing")
    assert topic.title_in("zh-hans") == "补办社保卡"
    assert topic.title_in("en") == "Replacing a card"
    unnamed = Topic.objects.create(title="Upgrading", slug="upgrading")
    assert unnamed.title_in("zh-hans") == "Upgrading"  # no Chinese name yet: the English one


def test_an_editor_links_a_translation_in_the_admin_both_ways(client):
    english, chinese = pair()
    client.force_login(UserFactory(role="publisher"))
    url = reverse("admin:articles_answer_change", args=[english.pk])
    response = client.post(url, answer_form_data(english, translation=chinese.pk))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert Answer.objects.get(pk=chinese.pk).translation_id == english.pk
    response = client.post(url, answer_form_data(Answer.objects.get(pk=english.pk), translation=""))
    assert response.status_code == 302
    assert not Answer.objects.filter(translation__isnull=False).exists()


def test_the_admin_refuses_a_translation_in_the_same_language(client):
    english, _ = pair()
    other = AnswerFactory(question="Another English answer?")
    client.force_login(UserFactory(role="publisher"))
    response = client.post(
        reverse("admin:articles_answer_change", args=[english.pk]), answer_form_data(english, translation=other.pk)
    )
    assert response.status_code == 200
    assert "another language" in str(response.context["errors"])
    assert not Answer.objects.filter(translation__isnull=False).exists()


def test_the_admin_relinks_an_answer_that_already_has_a_translation(client):
    english, chinese = pair()
    link_translations(english, chinese)
    other = AnswerFactory(question="Lost card: what now?")
    client.force_login(UserFactory(role="publisher"))
    response = client.post(
        reverse("admin:articles_answer_change", args=[other.pk]), answer_form_data(other, translation=chinese.pk)
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert Answer.objects.get(pk=chinese.pk).translation_id == other.pk
    assert Answer.objects.get(pk=english.pk).translation_id is None


def test_search_lists_an_answer_and_not_also_its_translation(client):
    english, chinese = pair()
    link_translations(english, chinese)
    assert chinese.get_absolute_url() in client.get("/zh-hans/search/", {"q": "社保卡"}).text
    # on the Chinese site the English answer is there as its translation, not a second result
    assert english.get_absolute_url() not in client.get("/zh-hans/search/", {"q": "lost card"}).text
    assert english.get_absolute_url() in client.get("/en/search/", {"q": "lost card"}).text


def test_an_article_linked_in_a_chinese_answers_text_is_named_as_chinese_cites_it(social_insurance_law):
    from articles.models import Section, SectionKind
    from articles.services import save_answer

    answer = AnswerFactory(question="社保卡丢了怎么补办？", language=Language.ZH_HANS, sections=[])
    save_answer(answer, sections=[Section(kind=SectionKind.GENERAL, body="依据[[social-insurance-law 4(2)]]办理。")])
    html = answer.sections.get().body_html
    assert "《中华人民共和国社会保险法》第四条第二款</a>" in html and 'href="/zh-hans/laws/' in html
    english = AnswerFactory(question="Lost card?", sections=[])
    save_answer(english, sections=[Section(kind=SectionKind.GENERAL, body="See [[social-insurance-law 4(2)]].")])
    assert "paragraph 2 of Article 4 of the Social Insurance Law</a>" in english.sections.get().body_html
