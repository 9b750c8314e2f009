import pytest
from django.core.exceptions import ValidationError

from articles.markdown import MarkdownTooComplex, bracket_scan, render, render_markdown, validate_references
from articles.models import Answer, Section
from articles.services import save_answer
from tests.content import UPGRADE_HALFWAY_SLUG


def test_markdown_renders_lists_and_emphasis():
    html = render_markdown("Intro\n\n1. **Label:** one\n2. two")
    assert html == "<p>Intro</p>\n<ol>\n<li><strong>Label:</strong> one</li>\n<li>two</li>\n</ol>"


def test_raw_html_is_shown_as_text_not_passed_through():
    html = render_markdown('<script>alert(1)</script> <b onclick="x()">bold</b>')
    assert "<script" not in html and "<b" not in html
    assert "&lt;b onclick" in html


def test_dangerous_link_schemes_are_dropped():
    html = render_markdown("[a](javascript:alert(1)) [b](data:text/html;base64,PHNjcmlwdD4=) [c](/questions/x/)")
    assert "javascript:" not in html and "data:" not in html
    assert '<a href="/questions/x/" rel="noopener noreferrer nofollow">c</a>' in html


def test_section_renders_html_on_save(imported):
    section = Section.objects.first()
    section.body = "Now *this* <img src=x onerror=alert(1)>"
    section.save(update_fields=["body"])
    section.refresh_from_db()
    assert section.body_html == "<p>Now <em>this</em> &lt;img src=x onerror=alert(1)&gt;</p>"


def test_inline_citation_renders_as_a_link_to_the_article(imported, django_assert_num_queries):
    with django_assert_num_queries(1):
        html = render_markdown("See [[social-insurance-law 4]] and [[social-insurance-law 10(2)]].")
    assert html == (
        '<p>See <a href="/en/laws/social-insurance-law/articles/4/" rel="noopener noreferrer nofollow">'
        "Article 4 of the Social Insurance Law</a> and "
        '<a href="/en/laws/social-insurance-law/articles/10/#paragraph-2" rel="noopener noreferrer nofollow">'
        "paragraph 2 of Article 10 of the Social Insurance Law</a>.</p>"
    )


def test_text_without_inline_citations_needs_no_query(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        render_markdown("Plain [link](/questions/x/) and [brackets] [[not a reference]]")


def test_inline_citation_in_code_stays_code_and_is_not_a_reference(imported):
    result = render("`[[social-insurance-law 999]]`")
    assert result.html == "<p><code>[[social-insurance-law 999]]</code></p>"
    assert result.unknown == [] and result.cited == []


def test_unknown_inline_citations_stay_text_and_are_reported(imported):
    result = render("[[social-insurance-law 999]] [[social-insurance-law 4(3)]] [[nope 1]] [[social-insurance-law 5]]")
    assert [str(r) for r in result.unknown] == [
        "[[social-insurance-law 999]]",
        "[[social-insurance-law 4(3)]]",
        "[[nope 1]]",
    ]
    assert [(str(ref), p.number) for ref, p in result.cited] == [("[[social-insurance-law 5]]", 5)]
    assert "<p>[[social-insurance-law 999]]" in result.html


def test_validate_references_names_each_unknown_reference(imported):
    validate_references("[[social-insurance-law 4(2)]] is fine")
    with pytest.raises(ValidationError) as error:
        validate_references("[[social-insurance-law 999]] and [[nope 1]] and [[nope 1]]")
    assert error.value.messages == [
        "[[social-insurance-law 999]]: we hold no article 999 of that law.",
        "[[nope 1]]: there is no law “nope”.",
    ]


def test_saved_section_links_inline_citations_and_the_answer_cites_them(imported):
    answer = Answer.objects.get(slug=UPGRADE_HALFWAY_SLUG)  # cites 4 and 10
    section = Section(position=9, body="[[social-insurance-law 5(1)]], [[social-insurance-law 4(2)]]")
    added = save_answer(answer, sections=[section])
    assert 'href="/en/laws/social-insurance-law/articles/5/#paragraph-1"' in answer.sections.last().body_html
    assert [(c.provision.number, c.paragraph, c.position) for c in added] == [(5, 1, 2)]
    assert save_answer(answer) == []


def test_article_cited_in_text_at_several_paragraphs_is_cited_whole(imported):
    answer = Answer.objects.get(slug=UPGRADE_HALFWAY_SLUG)
    section = Section(position=9, body="[[social-insurance-law 5(1)]] [[social-insurance-law 5(3)]]")
    assert [(c.provision.number, c.paragraph) for c in save_answer(answer, sections=[section])] == [(5, None)]


@pytest.mark.parametrize(
    "url",
    ["//evil.example/x", "/\\evil.example", "java script:alert(1)", "JAVA\nSCRIPT:alert(1)", "ftp://example.org/"],
)
def test_links_that_leave_the_site_or_hide_a_scheme_are_dropped(url):
    assert render_markdown(f"[x]({url})") == '<p><a rel="noopener noreferrer nofollow">x</a></p>'


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=c", "http://example.org", "mailto:a@example.org", "/media/x.png"]
)
def test_allowed_links_pass(url):
    assert f'href="{url.replace("&", "&amp;")}"' in render_markdown(f"[x]({url})")


def test_a_flood_of_references_costs_one_small_query_and_a_short_error(imported, django_assert_num_queries):
    text = " ".join(f"[[social-insurance-law {n}]]" for n in range(1, 5001))
    with django_assert_num_queries(1):
        result = render(text)
    assert [ref.number for ref, _ in result.cited] == list(range(1, 99))  # the whole law is held
    assert len(result.unknown) == 5000 - 98
    with pytest.raises(ValidationError) as error:
        validate_references(text)
    assert len(error.value.messages) == 11
    assert error.value.messages[-1] == f"… and {5000 - 98 - 10} more unknown references."


def test_images_come_only_from_this_site():
    html = render_markdown("![a](https://tracker.example/p.png) ![b](/media/markdownx/x.png)")
    assert "tracker.example" not in html
    assert '<img alt="b" src="/media/markdownx/x.png">' in html


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("* " * 1000 + "x", "too_deep"),  # a RecursionError in Python-Markdown, before the cap
        ("".join("    " * level + "* a\n" for level in range(300)), "too_deep"),
        ("> " * 41 + "x", "too_deep"),
        ("[" * 10_000, "too_many_brackets"),  # 12.6 s before the cap
        ("[x](" * 20_000, "too_many_brackets"),  # 81 s
        ("[a][" * 20_000, "too_many_brackets"),  # over 4 minutes
        ("[" * 10 + "a " * 99_000, "too_many_brackets"),  # a few unclosed brackets in one long paragraph
        ("a" * 200_001, "too_long"),
    ],
)
def test_a_text_beyond_the_renderers_caps_is_refused_with_a_clear_error(text, code):
    with pytest.raises(MarkdownTooComplex) as refused:
        render_markdown(text)
    assert refused.value.code == code
    assert refused.value.messages[0].startswith(
        ("Line 1 is nested", "Line 41 is", "The text has too many", "The text is")
    )


@pytest.mark.parametrize(
    "text",
    [
        "".join("    " * level + "* a\n" for level in range(40)),  # 40 levels: the deepest allowed
        "[" * 5 + "a " * 99_000,
        "[" * 1000 + "]" * 1000,  # balanced, nested a thousand deep: read in 10^6 steps
        ("[a link](/topics/x/) and \\[ escaped \\] " * 10 + "\n\n") * 450,
        "a" * 200_000,
    ],
)
def test_a_text_within_the_caps_renders(text):
    assert render_markdown(text)


def test_the_bracket_measure_reads_escapes_nesting_and_link_targets():
    assert bracket_scan("\\[ \\[ x") == 0  # escaped brackets open nothing
    assert bracket_scan("[ab] x") == 3
    assert bracket_scan("[a](bcd) x") == 2 + 5
    assert bracket_scan("[a](bcd x") == 2 + 7  # an unclosed target is read to the end
    assert bracket_scan("[[a]] x") == 4 + 2
    assert bracket_scan("[abc") == 4


def test_a_render_that_fails_half_way_leaves_no_state_for_the_next_one(monkeypatch):
    from articles import markdown

    monkeypatch.setattr(markdown, "check_bounds", lambda text: None)  # past the caps: Python-Markdown recurses
    with pytest.raises(RecursionError):
        render_markdown("* " * 1000 + "x")
    monkeypatch.undo()
    assert render_markdown("1. a\n2. b\n\nText after.\n") == "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n<p>Text after.</p>"


def test_a_text_without_special_characters_converts_the_same_without_the_special_patterns():
    """`render` leaves out the inline patterns that need a special character when a text has none."""
    import random

    from articles import markdown

    rng = random.Random(7)  # noqa: S311 (test texts, not secrets)
    pieces = ["a", "b", "社保", " ", "\n", "\n\n", "*", "**", "_", "__", "-", "+", "#", ">", "1.", "2)", ".", ":"]
    pieces += ["  \n", "    ", "\t", "!", "(", ")", "]", '"', "'", "=", "~", "|", "http://x.org", "a@b.org"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 80))) for _ in range(3000)]
    texts.append("1. **Materials:** ID card\n2. Photo\n\nSee *Article 4* of the law: it says so.\n\n> quoted")
    full, plain = markdown._converter("full"), markdown._converter("plain")
    assert len(plain.inlinePatterns) < len(full.inlinePatterns)
    for text in texts:
        assert not markdown.SPECIAL_CHARACTERS.search(text)
        assert plain.reset().convert(text) == full.reset().convert(text), text
