"""No XSS vector of the corpus survives the renderer, the editor's preview or the public answer page."""

import pytest
from markdownx.utils import markdownify as markdownx_default_renderer

from articles.markdown import render_markdown
from articles.models import SectionKind, Status
from tests.articles.admin_forms import PREVIEW_URL
from tests.factories import make_answer, make_law, make_provision, make_user

from .xss import VECTORS, dangers


@pytest.fixture
def cited_provision(db):
    """The one article the corpus cites, `[[social-insurance-law 4]]`: all the data the vectors need."""
    return make_provision(4, law=make_law("social-insurance-law", short_title="Social Insurance Law"))


def test_corpus_is_large_and_has_no_duplicates():
    assert len(VECTORS) >= 50
    assert len(set(VECTORS)) == len(VECTORS)


def test_checker_finds_the_vectors_in_unsanitised_output():
    """The corpus is meaningful: markdownx's own renderer, as shipped, lets most of it through."""
    unsafe = [vector for vector in VECTORS if dangers(markdownx_default_renderer(vector))]
    assert len(unsafe) >= 40


@pytest.mark.parametrize("vector", VECTORS)
def test_renderer_output_is_safe(vector, cited_provision):
    html = render_markdown(vector)
    assert dangers(html) == []
    assert "<script" not in html.lower()


@pytest.mark.parametrize("vector", VECTORS)
def test_preview_endpoint_output_is_safe(vector, client, cited_provision):
    client.force_login(make_user("editor", "editor"))
    response = client.post(PREVIEW_URL, {"content": vector})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert html == render_markdown(vector)
    assert dangers(html) == []


def test_public_answer_page_is_safe(client, cited_provision, django_assert_max_num_queries):
    answer = make_answer(
        "Is this page safe?",
        status=Status.PUBLISHED,
        sections=[(SectionKind.GENERAL, f"Vector {i}", vector) for i, vector in enumerate(VECTORS)],
    )
    response = client.get(answer.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert dangers(page, allowlist=False) == []
    for section in answer.sections.all():
        assert section.body_html in page
    # The citation shortcode in the corpus was rendered as a link on the public page too.
    assert '<a href="/en/laws/social-insurance-law/articles/4/"' in page
