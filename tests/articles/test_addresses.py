"""Addresses that last: an answer's former slug answers 301 to its address, a withdrawn answer 410."""

import pytest
from django.urls import reverse
from django.utils.translation import override

from articles.models import Answer, FormerSlug, Status
from articles.services import save_answer
from tests.articles.admin_forms import answer_form_data
from tests.factories import make_answer, make_staff, make_topic, make_user
from tests.site_helpers import links

pytestmark = pytest.mark.django_db


def renamed(answer, slug):
    answer.slug = slug
    save_answer(answer)
    return answer


def address(slug, language="en"):
    return f"/{language}/questions/{slug}/"


# --------------------------------------------------------------------- former slugs


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_old_slug_answers_301_to_the_answer_on_the_same_language_site(client, language):
    renamed(make_answer(slug="old-address"), "new-address")
    response = client.get(address("old-address", language))
    assert (response.status_code, response["Location"]) == (301, address("new-address", language))
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Cookie" not in response.get("Vary", "")
    assert client.get(address("new-address", language)).status_code == 200


def test_a_slug_changed_in_the_admin_is_kept_as_a_former_slug(client):
    answer = make_answer(slug="lost-card", status=Status.PUBLISHED)
    client.force_login(make_user("publisher", "publisher"))
    response = client.post(
        reverse("admin:articles_answer_change", args=[answer.pk]), answer_form_data(answer, slug="replace-lost-card")
    )
    assert response.status_code == 302
    assert list(FormerSlug.objects.values_list("answer", "slug")) == [(answer.pk, "lost-card")]
    client.logout()
    assert client.get(address("lost-card"))["Location"] == address("replace-lost-card")


def test_after_two_renames_both_old_slugs_lead_to_the_current_one(client):
    renamed(renamed(make_answer(slug="a"), "b"), "c")
    for old in ["a", "b"]:
        response = client.get(address(old))
        assert (response.status_code, response["Location"]) == (301, address("c")), old


def test_a_slug_renamed_back_is_live_again(client):
    answer = renamed(renamed(make_answer(slug="a"), "b"), "a")
    assert client.get(address("a")).status_code == 200
    assert list(FormerSlug.objects.filter(answer=answer).values_list("slug", flat=True)) == ["b"]


def test_a_former_slug_taken_by_another_answer_leads_to_that_answer(client):
    renamed(make_answer("First?", slug="shared"), "first")
    second = make_answer("Second?", slug="shared")
    response = client.get(address("shared"))
    assert response.status_code == 200 and "Second?" in response.text
    assert not FormerSlug.objects.filter(slug="shared").exists()
    renamed(second, "second")  # the address is the second answer's former one now
    assert client.get(address("shared"))["Location"] == address("second")


def test_a_save_that_keeps_the_slug_reads_and_writes_no_former_slug(django_assert_num_queries):
    answer = make_answer(status=Status.DRAFT)
    loaded = Answer.objects.get(pk=answer.pk)
    loaded.question = "Changed?"
    # Savepoint; the answer (with its search columns); its sections; its citations; the revision and the answer's
    # live revision; release: no former slug read nor written.
    with django_assert_num_queries(7):
        save_answer(loaded)
    assert not FormerSlug.objects.exists()


def test_a_former_slug_of_a_draft_never_published_is_404(client):
    renamed(make_answer(slug="draft-a", status=Status.DRAFT), "draft-b")
    assert client.get(address("draft-a")).status_code == 404
    assert client.get(address("draft-b")).status_code == 404


def test_an_unknown_slug_is_still_404(client, django_assert_num_queries):
    make_answer()
    # the answer, the withdrawn answer, the former slug
    with django_assert_num_queries(3):
        assert client.get(address("no-such-answer")).status_code == 404


def test_a_former_slug_answers_in_three_queries(client, django_assert_num_queries):
    renamed(make_answer(slug="old"), "new")
    with django_assert_num_queries(3):
        assert client.get(address("old")).status_code == 301


# --------------------------------------------------------------------- withdrawn answers


def withdrawn(question="Withdrawn question?", **fields):
    answer = make_answer(question, **fields)
    answer.status = Status.DRAFT
    save_answer(answer)
    assert answer.withdrawn_at is not None
    return answer


def test_a_withdrawn_answer_answers_410_with_a_link_to_its_topic(client, django_assert_num_queries):
    topic = make_topic("Cards")
    make_answer("Still published?", topic=topic)
    answer = withdrawn(topic=topic)
    # the answer the reader may see; the withdrawn one with its topic and whether the topic is public
    with django_assert_num_queries(2):
        response = client.get(answer.get_absolute_url())
    assert response.status_code == 410
    assert "This answer has been withdrawn" in response.text and "Withdrawn question?" in response.text
    assert topic.get_absolute_url() in links(response.text)
    assert '<meta name="robots" content="noindex">' in response.text
    assert response["Cache-Control"] == "public, max-age=60"
    with override("zh-hans"):
        topic_in_chinese = topic.get_absolute_url()
    chinese = client.get(address(answer.slug, "zh-hans"))
    assert chinese.status_code == 410 and topic_in_chinese in links(chinese.text)
    # the way on, as the page-not-found page says it: one sentence, its link inside it
    assert '您可以<a href="/zh-hans/">查看全部问题</a>，或在上方搜索。' in chinese.text


def test_a_withdrawn_answer_whose_topic_has_no_published_answer_links_no_topic(client):
    answer = withdrawn(topic=make_topic("Empty now"))
    response = client.get(answer.get_absolute_url())
    assert response.status_code == 410
    assert answer.topic.get_absolute_url() not in links(response.text)
    assert reverse("articles:home") in links(response.text)


def test_the_former_slug_of_a_withdrawn_answer_leads_to_its_410(client):
    answer = make_answer(slug="before")
    renamed(answer, "after")
    answer.status = Status.DRAFT
    save_answer(answer)
    response = client.get(address("before"), follow=True)
    assert response.redirect_chain == [(address("after"), 301)]
    assert response.status_code == 410


def test_a_draft_never_published_is_404_not_410(client):
    answer = make_answer(status=Status.DRAFT)
    answer.status = Status.IN_REVIEW
    save_answer(answer)
    assert client.get(answer.get_absolute_url()).status_code == 404


def test_a_withdrawn_answer_published_again_is_back(client):
    answer = withdrawn()
    answer.status = Status.PUBLISHED
    save_answer(answer)
    assert answer.withdrawn_at is None
    assert client.get(answer.get_absolute_url()).status_code == 200


def test_staff_still_preview_a_withdrawn_answer(client):
    answer = withdrawn()
    client.force_login(make_staff())
    response = client.get(answer.get_absolute_url())
    assert response.status_code == 200 and 'class="draft-banner"' in response.text


def test_the_feed_and_the_sitemap_leave_out_a_withdrawn_answer(client):
    make_answer("Still published?")
    answer = withdrawn()
    for url in ["/en/feed/", "/en/sitemap.xml"]:
        text = client.get(url).text
        assert "Still published?" in text or "still-published" in text, url
        assert answer.question not in text and answer.slug not in text, url
