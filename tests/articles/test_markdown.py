from articles.markdown import render_markdown
from articles.models import Section


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
