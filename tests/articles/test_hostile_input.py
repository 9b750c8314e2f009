"""Hostile input through the admin and the reader pages: a clear error in the form, never a 500."""

import random
import xml.etree.ElementTree as ET  # noqa: S405 (parses our own output)

import pytest
from django.urls import reverse

from articles.models import Answer, Section, SectionKind, Topic
from articles.search_document import MAX_INDEX_BYTES, index_size
from tests.articles.admin_forms import PREVIEW_URL, answer_form_data
from tests.factories import make_answer, make_topic, make_user

ADD_URL = reverse("admin:articles_answer_add")
ATOM = "{http://www.w3.org/2005/Atom}"
CONTROL_ERROR = "The text holds the invisible control character U+%s"


@pytest.fixture
def publisher_client(client, db):
    client.force_login(make_user("publisher", "publisher"))
    return client


def new_answer(topic, **fields):
    data = {
        "question": "How do I replace a lost card?",
        "slug": "replace-a-lost-card",
        "topic": topic.pk,
        "short_answer": "Apply again.",
        "status": "draft",
        "sections": [(SectionKind.GENERAL, "How", "1. Report the loss.\r\n2. Apply.")],
    }
    data.update(fields)
    return answer_form_data(**data)


@pytest.mark.parametrize(("field", "char"), [("question", "\x0b"), ("short_answer", "\x0c"), ("slug", "\x1b")])
def test_answer_form_refuses_control_characters(publisher_client, field, char):
    topic = make_topic()
    data = new_answer(topic)
    data[field] = f"{data[field][:3]}{char}{data[field][3:]}"  # at either end, the field strips it
    response = publisher_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert CONTROL_ERROR % f"{ord(char):04X}" in response.content.decode()
    assert not Answer.objects.exists()


def test_section_form_refuses_control_characters_and_stores_line_feeds(publisher_client):
    topic = make_topic()
    data = new_answer(topic)
    data["sections-0-heading"] = "H\x1bow"
    response = publisher_client.post(ADD_URL, data)
    assert CONTROL_ERROR % "001B" in response.content.decode()
    data["sections-0-heading"] = "How"
    assert publisher_client.post(ADD_URL, data).status_code == 302
    assert Section.objects.get().body == "1. Report the loss.\n2. Apply."  # posted with CRLF


def test_topic_form_refuses_control_characters(publisher_client):
    response = publisher_client.post(
        reverse("admin:articles_topic_add"), {"title": "Ca\x0brds", "slug": "cards", "description": ""}
    )
    assert CONTROL_ERROR % "000B" in response.content.decode()
    assert not Topic.objects.filter(slug="cards").exists()


def test_feed_strips_control_characters_stored_before_the_forms_refused_them(client, db):
    make_answer("Lost\x0b card\x0c again\x1b?", sections=[(SectionKind.GENERAL, "How\x0b", "Apply\x1b again.")])
    response = client.get("/en/feed/")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == "Lost card again?"


def test_preview_of_a_text_beyond_the_renderers_caps_says_why(publisher_client):
    response = publisher_client.post(PREVIEW_URL, {"content": "[" * 10_000})
    assert response.status_code == 200
    assert "too many “[” that are not closed" in response.content.decode()
    response = publisher_client.post(PREVIEW_URL, {"content": "* " * 300 + "x"})
    assert "nested more than 40 levels deep" in response.content.decode()


def test_a_section_beyond_the_renderers_caps_is_refused_in_the_form(publisher_client):
    topic = make_topic()
    for body, message in [
        ("* " * 300 + "x", "nested more than 40 levels deep"),  # a RecursionError (500) before
        ("[x](" * 20_000, "too many “[” that are not closed"),
        ("a " * 100_001, "a text may have at most 200,000"),
    ]:
        response = publisher_client.post(ADD_URL, new_answer(topic, sections=[(SectionKind.GENERAL, "How", body)]))
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Answer.objects.exists()


def chinese_text(length, seed=1):
    rng = random.Random(seed)  # noqa: S311 (test text)
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(length))


def test_an_answer_too_large_for_the_search_index_is_refused_in_the_form(publisher_client):
    """80,000 different Chinese characters make a tsvector of about 1.1 MB: PostgreSQL refuses it (a 500 that lost
    the form before). Two sections of 40,000, each within the renderer's caps, are refused together."""
    topic = make_topic()
    sections = [
        (SectionKind.GENERAL, "一", chinese_text(40_000, 1)),
        (SectionKind.GENERAL, "二", chinese_text(40_000, 2)),
    ]
    assert index_size(body for _, _, body in sections) > MAX_INDEX_BYTES
    response = publisher_client.post(ADD_URL, new_answer(topic, sections=sections))
    assert response.status_code == 200
    assert "The answer is too long for the search index" in response.content.decode()
    response = publisher_client.post(ADD_URL, new_answer(topic, sections=sections[:1]))
    assert response.status_code == 302  # half as much is saved, on PostgreSQL too
    assert len(Section.objects.get().body) == 40_000


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/answer/?law=%00",
        "/admin/articles/answer/?law=social-insurance-law%00",
        "/admin/autocomplete/?term=%00&app_label=articles&model_name=citation&field_name=provision",
        "/admin/autocomplete/?term=social%00&app_label=articles&model_name=citation&field_name=provision",
    ],
)
def test_nul_in_an_admin_filter_or_the_autocomplete_finds_nothing(publisher_client, imported, url):
    """A 500 on PostgreSQL before ("A string literal cannot contain NUL")."""
    response = publisher_client.get(url)
    assert response.status_code == 200
    if "autocomplete" in url:
        assert response.json()["results"] == []
    else:
        assert response.context["cl"].result_count == 0


def test_request_bodies_are_limited_but_an_answer_at_the_index_cap_fits(client, db, settings):
    """The form fields of an answer as large as the search index takes, URL-encoded, fit in the limit on
    request bodies; a body of form fields larger than that limit is refused (400) before any view."""
    from urllib.parse import urlencode

    from articles.search_document import BYTES_PER_CHARACTER, BYTES_PER_CHINESE_CHARACTER

    chinese = chinese_text(MAX_INDEX_BYTES // (BYTES_PER_CHARACTER + BYTES_PER_CHINESE_CHARACTER))
    english = "word " * (MAX_INDEX_BYTES // BYTES_PER_CHARACTER // 5)
    for text in (chinese, english):
        assert len(urlencode({"sections-0-body": text})) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 8 * 1024 * 1024
    body = urlencode({"q": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    response = client.post(reverse("admin:login"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
