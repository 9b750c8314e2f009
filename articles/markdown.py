"""The one Markdown renderer of the site: Python-Markdown, then the nh3 sanitiser.

Raw HTML in the source is never passed through: Python-Markdown's HTML
handling is switched off, so `<b>` is shown as text, and nh3 removes whatever
is not on the allowlist below from the output.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "a",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
# Relative URLs (site-relative links, uploaded images) pass; any other scheme is dropped.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _markdown_without_html():
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def sanitize_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text):
    """Markdown source to sanitised HTML, safe to store and to output unescaped."""
    if not text:
        return ""
    return sanitize_html(_markdown_without_html().convert(text))
