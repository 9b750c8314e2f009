"""Fragments of reader pages (serving.fragments): the answer page's blocks (its description and structured data, the
answer itself, each cited article's legal-basis block, the related questions) are rendered once per content
generation, never stale, never for staff, per language."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from articles import proposals
from articles.models import Citation, Status
from articles.services import link_translations, save_answer
from legal_refs.models import Provision, Translation
from legal_refs.services import amend, save_translation
from serving import fragments, pages
from tests.factories import make_answer, make_staff, make_topic, make_user
from tests.test_cache import WRITES

MARKER = "<p>FROM-THE-FRAGMENT-CACHE</p>"
# A query parameter the page cache does not store: the page is built, its fragments come from the cache.
BUILT = "?utm_source=test"
LAW_VIEW = "articles.views.LawView"  # the law page's view, named in its block's key


@pytest.fixture
def article_4(social_insurance_law):
    return Provision.objects.get(law=social_insurance_law, number=4)


@pytest.fixture
def answer(article_4):
    return make_answer("How do I apply for a card?", topic=make_topic("Cards"), cites=[(article_4, 2)])


def page_blocks(answer):
    """The blocks of the answer's page: its description, structured data (naming the host), the answer itself, and
    the related questions."""
    return [
        ("answer-description", answer.pk),
        ("answer-data", answer.pk, "http", "testserver"),
        ("answer-body", answer.pk),
        ("related", answer.pk),
    ]


def cited_blocks(answer):
    """The legal-basis blocks of the answer's page: one for each cited article, as cited."""
    citations = Citation.objects.filter(answer=answer)
    return [("cited-article", c.provision_id, c.paragraph, c.version_id) for c in citations]


def identities(answer):
    """Every block of the answer's page."""
    return [*page_blocks(answer), *cited_blocks(answer)]


def plant_markers(answer, blocks=identities):
    """Replace the stored HTML of the answer page's fragments (`blocks(answer)`) with MARKER (each must be stored
    already)."""
    for identity in blocks(answer):
        key = fragments.fragment_key(identity)
        stored = pages.cache().get(key)
        assert stored is not None, identity
        pages.cache().set(key, {**stored, "html": MARKER}, 60)


def get(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return response.text, len(context.captured_queries)


def test_the_answer_page_renders_its_fragments_once_per_content_generation(client, answer):
    url = answer.get_absolute_url() + BUILT
    html, cold = get(client, url)
    # the answer and topic, sections, citations with articles; the articles' versions and translations, the
    # related questions, the changes readers are told of, and the next date a wording takes effect (the
    # fragments' expiry)
    assert cold == 8
    plant_markers(answer)
    html, warm = get(client, url)
    assert warm == 1  # the answer with its topic (and translation): its content is not read
    assert html.count(MARKER) == 4  # the description, the structured data, the answer, the related questions
    assert 'class="cited-article"' not in html and "How do I apply for a card?</h1>" not in html


def test_answers_citing_an_article_the_same_way_share_its_block(client, answer, article_4):
    other = make_answer("Where do I apply?", topic=answer.topic, cites=[(article_4, 2)])
    client.get(answer.get_absolute_url())
    plant_markers(answer)
    html, count = get(client, other.get_absolute_url())
    # the answer, sections, citations, and its own related questions and changes; the legal basis is the shared
    # block
    assert count == 5
    assert html.count(MARKER) == 1 and "How do I apply for a card?" in html


def test_a_citation_of_another_paragraph_or_checked_against_another_version_has_its_own_block(
    client, answer, article_4
):
    url = answer.get_absolute_url() + BUILT
    client.get(url)
    plant_markers(answer, cited_blocks)
    version = article_4.versions.order_by("effective_from").first()
    Citation.objects.filter(answer=answer).update(paragraph=1, version=version)  # past the services: no bump
    pages.cache().delete_many([fragments.fragment_key(identity) for identity in page_blocks(answer)])
    html, _ = get(client, url)
    assert MARKER not in html  # the block of the article as cited before is not this citation's
    assert html.count('class="cited-article"') == 1 and "articles/4/#paragraph-1" in html


def test_a_new_law_version_replaces_the_block(client, answer, article_4):
    url = answer.get_absolute_url() + BUILT
    client.get(url)
    plant_markers(answer)
    amend(article_4, ["新的第一款。", "新的第二款。"], datetime.date(2024, 1, 1), "某决定")
    html, _ = get(client, url)
    assert MARKER not in html
    assert '<mark lang="zh-Hans">新的第二款。' in html


def test_a_translation_replaces_the_block(client, answer, article_4):
    url = answer.get_absolute_url() + BUILT
    client.get(url)
    plant_markers(answer)
    save_translation(Translation(provision=article_4, paragraphs=["First, translated.", "Second, translated."]))
    html, _ = get(client, url)
    assert MARKER not in html
    assert "<mark>Second, translated.</mark>" in html


def test_an_answer_edit_replaces_the_related_questions(client, answer, article_4):
    related = make_answer("Where do I apply?", topic=answer.topic, cites=[article_4])
    url = answer.get_absolute_url() + BUILT
    assert "Where do I apply?" in client.get(url).text
    plant_markers(answer)
    related.question = "Where and when do I apply?"
    save_answer(related)
    html, _ = get(client, url)
    assert MARKER not in html
    assert "Where and when do I apply?" in html


def test_the_generation_bump_drops_every_fragment(client, answer):
    url = answer.get_absolute_url() + BUILT
    client.get(url)
    plant_markers(answer)
    pages.content_changed()
    html, count = get(client, url)
    assert MARKER not in html and count == 8


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_every_write_drops_the_fragments(client, answer, write, django_capture_on_commit_callbacks):
    url = answer.get_absolute_url() + BUILT
    client.get(url)
    plant_markers(answer)
    assert MARKER in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        write(answer)
    response = client.get(url)
    assert MARKER not in response.text


def test_staff_neither_get_nor_fill_fragments(client, answer, article_4):
    draft = make_answer("A draft?", topic=answer.topic, status=Status.DRAFT, cites=[(article_4, 2)])
    client.get(answer.get_absolute_url() + BUILT)
    plant_markers(answer)  # the block the draft's citation would share
    staff = make_staff()
    client.force_login(staff)
    html = client.get(draft.get_absolute_url()).text
    assert MARKER not in html and 'class="cited-article"' in html and "A draft?" in html
    assert MARKER not in client.get(answer.get_absolute_url() + BUILT).text  # nor of a published answer
    client.logout()
    client.cookies.clear()
    pages.content_changed()
    client.force_login(staff)
    client.get(draft.get_absolute_url())  # a staff page stores no fragment
    client.get(answer.get_absolute_url())
    token = pages.generation()
    for identity in [*identities(draft), *identities(answer)]:
        stored = pages.cache().get(fragments.fragment_key(identity))
        assert stored is None or stored["token"] != token, identity


def test_a_fragment_is_per_language(client, answer, article_4):
    save_translation(Translation(provision=article_4, paragraphs=["First, translated.", "Second, translated."]))
    url = answer.get_absolute_url() + BUILT
    assert "<mark>Second, translated.</mark>" in client.get(url).text  # stored for English
    html = client.get(answer.url_in("zh-hans") + BUILT).text
    # the Chinese page shows the official text, not the English page's block
    assert "Second, translated." not in html and '<mark lang="zh-Hans">' in html
    request = RequestFactory().get(url)
    request.reader_page = {"key": None, "hit": False, "token": pages.generation()}
    with translation.override("en"):
        assert all(fragment.found for fragment in fragments.lookup(request, identities(answer)))
    with translation.override("zh-hans"):
        found = fragments.lookup(request, identities(answer))
    assert all(fragment.found for fragment in found)  # stored by the Chinese page, under its own keys
    assert "Second, translated." not in "".join(fragment.html for fragment in found)


def test_without_a_token_nothing_is_looked_up(answer):
    request = RequestFactory().get("/")
    request.reader_page = None  # staff, or not a reader page
    assert fragments.lookup(request, identities(answer)) == [fragments.NOT_CACHED] * 5


def test_the_structured_data_block_is_per_host_and_scheme(client, answer, settings):
    settings.ALLOWED_HOSTS = ["testserver", "kb.example.org"]
    url = answer.get_absolute_url() + BUILT
    assert f'"url": "http://testserver{answer.get_absolute_url()}"' in client.get(url).text
    html = client.get(url, headers={"host": "kb.example.org"}).text
    assert f'"url": "http://kb.example.org{answer.get_absolute_url()}"' in html
    assert "testserver" not in html
    assert f'"url": "https://testserver{answer.get_absolute_url()}"' in client.get(url, secure=True).text


@pytest.mark.parametrize(
    ("missing", "queries", "rendered"),
    [
        # the answer, its sections (for the text the description is made of)
        ("answer-description", 2, '<meta name="description" content="Body text.">'),
        # the answer, its sections
        ("answer-data", 2, '"name": "How do I apply for a card?"'),
        # the answer, its sections, its citations, the changes readers are told of (the cited block is found)
        ("answer-body", 4, "How do I apply for a card?</h1>"),
        # the answer, its citations, the answers citing the same articles
        ("related", 3, '<aside class="related"'),
    ],
)
def test_a_page_reads_what_its_missing_blocks_show_only(client, answer, article_4, missing, queries, rendered):
    make_answer("Where do I apply?", topic=answer.topic, cites=[article_4])
    url = answer.get_absolute_url() + BUILT
    client.get(url)
    plant_markers(answer)
    pages.cache().delete(fragments.fragment_key(next(b for b in page_blocks(answer) if b[0] == missing)))
    html, count = get(client, url)
    assert count == queries
    # the other blocks, and the cited article's block within the answer when the answer's is the one rendered
    assert html.count(MARKER) == (4 if missing == "answer-body" else 3) and rendered in html


def test_linking_a_translation_drops_the_answer_block(client, answer, django_capture_on_commit_callbacks):
    chinese = make_answer("怎样申请社保卡？", topic=answer.topic, language="zh-hans")
    url = answer.get_absolute_url() + BUILT
    client.get(url)
    plant_markers(answer)
    assert MARKER in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        link_translations(answer, chinese)
    html = client.get(url).text
    assert MARKER not in html and "怎样申请社保卡？</a>" in html


def test_an_approved_change_and_its_note_for_readers_replace_the_answer_block(
    client, answer, django_capture_on_commit_callbacks
):
    editor, publisher = make_user("editor", "editor"), make_user("publisher", "publisher")
    base = answer.live_revision
    proposal = proposals.propose(
        answer, {**base.snapshot, "short_answer": "Apply online."}, by=editor, base=base, reader_note="Online now."
    )
    url = answer.get_absolute_url() + BUILT
    client.get(url)
    plant_markers(answer)
    assert MARKER in client.get(url).text  # a proposal changes nothing readers see
    with django_capture_on_commit_callbacks(execute=True):
        proposals.approve(proposal, by=publisher)
    html = client.get(url).text
    assert MARKER not in html and "Apply online." in html and "Online now." in html


def test_the_law_page_keeps_its_contents_and_articles_as_one_block(client, social_insurance_law):
    url = social_insurance_law.get_absolute_url() + BUILT
    html, cold = get(client, url)
    assert html.count('class="article-list"') >= 1 and "cited by" not in html
    key = fragments.fragment_key(("law-contents", social_insurance_law.pk, LAW_VIEW, "articles/law_detail.html"))
    stored = pages.cache().get(key)
    pages.cache().set(key, {**stored, "html": MARKER}, 60)
    html, warm = get(client, url)
    assert MARKER in html and 'class="article-list"' not in html
    # the law only: not its articles with their chapters (and how many answers cite each), nor their versions
    assert (cold, warm) == (5, 1)


def test_the_law_block_follows_the_answers_citing_its_articles(client, social_insurance_law, article_4):
    url = social_insurance_law.get_absolute_url() + BUILT
    assert "cited by" not in client.get(url).text
    key = fragments.fragment_key(("law-contents", social_insurance_law.pk, LAW_VIEW, "articles/law_detail.html"))
    pages.cache().set(key, {**pages.cache().get(key), "html": MARKER}, 60)
    assert MARKER in client.get(url).text
    make_answer("Who pays?", topic=make_topic("Paying"), cites=[article_4])  # a write: every block is dropped
    html = client.get(url).text
    assert MARKER not in html and "cited by 1 answer" in html


def test_a_block_the_view_names_no_fragment_for_is_rendered_as_is():
    template = Template("{% load fragments %}[{% fragment blocks.missing %}{{ text }}{% endfragment %}]")
    assert template.render(Context({"text": "shown", "blocks": {}})) == "[shown]"
