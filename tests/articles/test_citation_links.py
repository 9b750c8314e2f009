"""Linking mentions of cited articles in answer HTML."""

import pytest

from articles.citation_links import link_cited_provisions
from articles.markdown import render_markdown
from tests.factories import make_law, make_provision

pytestmark = pytest.mark.django_db


@pytest.fixture
def laws():
    social = make_law(
        "social-insurance-law",
        title="Social Insurance Law of the People's Republic of China",
        short_title="Social Insurance Law",
        aliases=["People's Republic of China (PRC) Social Insurance Law"],
    )
    labour = make_law("labour-law", title="Labour Law of the People's Republic of China", short_title="Labour Law")
    return social, labour


def test_bare_mention_links_the_only_cited_article_with_that_number(laws):
    social, _ = laws
    four = make_provision(4, law=social)
    html = str(link_cited_provisions(render_markdown("See Article 4, and Article 40."), [four]))
    assert html == '<p>See <a href="/en/laws/social-insurance-law/articles/4/">Article 4</a>, and Article 40.</p>'


def test_named_law_picks_among_cited_articles_with_the_same_number(laws):
    social, labour = laws
    cited = [make_provision(4, law=social), make_provision(4, law=labour)]
    text = (
        "Article 4 of the People's Republic of China (PRC) Social Insurance Law, "
        "Article 4 of the Labour Law, Article 4."
    )
    html = str(link_cited_provisions(render_markdown(text), cited))
    assert '<a href="/en/laws/social-insurance-law/articles/4/">Article 4</a> of the People' in html
    assert '<a href="/en/laws/labour-law/articles/4/">Article 4</a> of the Labour Law' in html
    assert html.endswith(", Article 4.</p>")  # ambiguous: left as text


def test_mention_of_an_uncited_law_is_left_alone(laws):
    social, labour = laws
    html = str(link_cited_provisions(render_markdown("Article 4 of the Labour Law."), [make_provision(4, law=social)]))
    assert "<a" not in html


def test_text_inside_links_and_tags_is_untouched(laws):
    social, _ = laws
    four = make_provision(4, law=social)
    source = '[Article 4 here](https://example.org/Article%204) and ![Article 4](/media/a.png "Article 4")'
    html = str(link_cited_provisions(render_markdown(source), [four]))
    assert html.count("<a ") == 1
    assert 'alt="Article 4"' in html


def test_no_citations_or_no_text_returns_the_html_unchanged(laws):
    assert link_cited_provisions("<p>Article 4</p>", []) == "<p>Article 4</p>"
    assert link_cited_provisions("", [make_provision(4, law=laws[0])]) == ""


def test_attribute_values_are_never_rewritten_even_with_a_raw_angle_bracket(laws):
    four = make_provision(4, law=laws[0])
    html = '<p><img alt="x > Article 4 y" src="/x.png"> Article 4</p>'
    assert str(link_cited_provisions(html, [four])) == (
        '<p><img alt="x > Article 4 y" src="/x.png"> '
        '<a href="/en/laws/social-insurance-law/articles/4/">Article 4</a></p>'
    )


def test_mentions_in_code_are_not_linked(laws):
    social, _ = laws
    four = make_provision(4, law=social)
    html = str(link_cited_provisions(render_markdown("`Article 4` and\n\n    Article 4 in a block"), [four]))
    assert "<a " not in html


def test_work_per_mention_is_bounded_however_long_the_text(laws, monkeypatch):
    import articles.citation_links as links

    social, _ = laws
    four = make_provision(4, law=social)
    seen = []
    normalize = links.normalize_law_name
    monkeypatch.setattr(links, "normalize_law_name", lambda text: seen.append(len(text)) or normalize(text))
    html = link_cited_provisions("<p>" + "Article 4 of the x " * 5000 + "</p>", [four])
    assert html.count("<a ") == 5000
    assert max(seen) <= 400
