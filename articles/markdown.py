"""The one Markdown renderer of the site: Python-Markdown, then the nh3 sanitiser.

It serves the stored HTML of sections (rendered on save), the editor's live
preview and nothing else renders Markdown.

Raw HTML in the source is never passed through: Python-Markdown's HTML
handling is switched off, so `<b>` is shown as text, and nh3 removes whatever
is not on the allowlist below from the output.

Editors cite law articles inline as `[[social-insurance-law 4]]`, or a
paragraph as `[[social-insurance-law 4(2)]]`. Such a reference renders as a
link to the article's page; a reference to a law or an article that is not in
the database is left as text and reported (see `render` and
`validate_references`).

Python-Markdown takes time that grows with the square of some inputs (each unclosed `[` is read to the end
of its paragraph, again and again) and recurses once per level of nesting. So a text is measured first, in
linear time, and refused with a `MarkdownTooComplex` error (a ValidationError: the admin shows it on the
field, the importer names the file and line) when it is longer than `MAX_LENGTH`, nests deeper than
`MAX_NESTING`, or its brackets would make the renderer read more than `MAX_BRACKET_SCAN` characters.
Within these caps any text renders in well under a second (bench/render_markdown.py prints the worst cases).
"""

import re
import threading
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element  # noqa: S405 (builds elements; parses nothing)

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

from legal_refs.models import Law, Provision
from legal_refs.pages import chinese_citation
from serving.languages import is_chinese

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
URL_ATTRIBUTES = {"href", "src"}

# [[law-slug 4]] or [[law-slug 4(2)]]: a law's slug, an article number, optionally a paragraph.
REFERENCE_PATTERN = (
    r"\[\[\s*(?P<law>[^\s\[\]()]+)\s+(?P<number>[1-9][0-9]{0,5})(?:\((?P<paragraph>[1-9][0-9]{0,2})\))?\s*\]\]"
)
REFERENCE_RE = re.compile(REFERENCE_PATTERN)
MAX_REFERENCES = 200  # distinct references resolved in one text (keeps the query small)
MAX_REPORTED = 10  # unknown references named in one error

MAX_LENGTH = 200_000  # characters in one text (a section's body)
MAX_NESTING = 40  # levels of lists and quotes (indentation of four columns, or a marker, is a level)
MAX_BRACKET_SCAN = 1_000_000  # characters the link patterns read from each "[" and "](" to where they close


class MarkdownTooComplex(ValidationError):
    """A text the renderer would take too long over, or recurse too deep in (see the module's docstring)."""


# A line's prefix of indentation, quote markers and list markers: each is a level of nesting.
NESTING_PREFIX = re.compile(r"(?:[ \t]|>|[*+-](?=[ \t])|[0-9]{1,9}[.)](?=[ \t]))*")
NESTING_MARKER = re.compile(r">|[*+-](?=[ \t])|[0-9]{1,9}[.)](?=[ \t])")
# A line that starts a block of its own (a blank line, a list item, a heading, a quote) ends a paragraph.
BLOCK_START = re.compile(r"[ \t]*(?:$|[*+-][ \t]|[0-9]{1,9}[.)][ \t]|#|>)")


def nesting_depth(line):
    prefix = NESTING_PREFIX.match(line).group()
    markers = NESTING_MARKER.findall(prefix)
    columns = len(prefix.expandtabs(4)) - sum(len(marker) for marker in markers)
    return len(markers) + columns // 4


BRACKETS = re.compile(r"\\.|[][()]", re.DOTALL)


def bracket_scan(paragraph):
    """How many characters the link patterns read in `paragraph`: from each unescaped "[" to its "]" (to the
    end when none closes it), and from the "(" right after a "]" to its ")". Linear: one pass, with stacks."""
    end = len(paragraph)
    marks = [(match.start(), match.group()) for match in BRACKETS.finditer(paragraph)]
    closing, parens = {}, []  # position of each "(" -> that of its ")"
    for position, mark in marks:
        if mark == "(":
            parens.append(position)
        elif mark == ")" and parens:
            closing[parens.pop()] = position
    total, opened = 0, []
    for position, mark in marks:
        if mark == "[":
            opened.append(position)
        elif mark == "]" and opened:
            total += position - opened.pop()
            if paragraph.startswith("(", position + 1):
                total += closing.get(position + 1, end) - position
    return total + sum(end - start for start in opened)


def inline_runs(text):
    """The runs of lines an inline pattern may span: a blank line or the start of a block ends one."""
    current = []
    for line in text.split("\n"):
        if BLOCK_START.match(line) and current:
            yield "\n".join(current)
            current = []
        current.append(line)
    if current:
        yield "\n".join(current)


def check_bounds(text):
    """Raise `MarkdownTooComplex` when `text` is too long, too deeply nested or has too many open brackets."""
    if len(text) > MAX_LENGTH:
        raise MarkdownTooComplex(
            _("The text is %(length)s characters long; a text may have at most %(limit)s.")
            % {"length": f"{len(text):,}", "limit": f"{MAX_LENGTH:,}"},
            code="too_long",
        )
    for number, line in enumerate(text.split("\n"), start=1):
        if nesting_depth(line) > MAX_NESTING:
            raise MarkdownTooComplex(
                _(
                    "Line %(line)s is nested more than %(limit)s levels deep (in lists, quotes or indentation): "
                    "flatten it."
                )
                % {"line": number, "limit": MAX_NESTING},
                code="too_deep",
            )
    if "[" in text and sum(bracket_scan(paragraph) for paragraph in inline_runs(text)) > MAX_BRACKET_SCAN:
        raise MarkdownTooComplex(
            _(
                "The text has too many “[” that are not closed, or closed far away, to be rendered: close "
                "each “[” with “]” in the same paragraph, or write “\\[” for a bracket shown as it is."
            ),
            code="too_many_brackets",
        )


@dataclass(frozen=True)
class Reference:
    """An inline citation as written: `[[law number(paragraph)]]`."""

    law: str
    number: int
    paragraph: int | None = None

    def __str__(self):
        paragraph = f"({self.paragraph})" if self.paragraph else ""
        return f"[[{self.law} {self.number}{paragraph}]]"

    @classmethod
    def from_match(cls, match):
        paragraph = match.group("paragraph")
        return cls(match.group("law"), int(match.group("number")), int(paragraph) if paragraph else None)


@dataclass
class Rendered:
    """What rendering found: the sanitised HTML and the references it resolved or could not."""

    html: str
    cited: list = field(default_factory=list)  # [(Reference, Provision)] in the order of the text
    unknown: list = field(default_factory=list)  # [Reference]


def reference_label(provision, paragraph=None):
    """How the text names the article it links: as Chinese cites it in a Chinese answer (《中华人民共和国社会保险法》
    第四条第二款; the rendering runs in the answer's language), else in the words of the interface."""
    if is_chinese() and provision.law.title_zh:
        return chinese_citation(provision, paragraph)
    law = provision.law.short_title or provision.law.title
    if paragraph:
        return _("paragraph %(paragraph)s of Article %(number)s of the %(law)s") % {
            "paragraph": paragraph,
            "number": provision.number,
            "law": law,
        }
    return _("Article %(number)s of the %(law)s") % {"number": provision.number, "law": law}


def reference_url(provision, paragraph=None):
    url = provision.get_absolute_url()
    return f"{url}#paragraph-{paragraph}" if paragraph else url


def load_provisions(text):
    """The articles that `[[…]]` references in `text` may name, keyed by (law slug, number): one query, or none."""
    candidates = list(dict.fromkeys(Reference.from_match(m) for m in REFERENCE_RE.finditer(text)))
    candidates = candidates[:MAX_REFERENCES]  # more in one text are left unresolved, and reported
    if not candidates:
        return {}
    provisions = Provision.objects.select_related("law").filter(
        law__slug__in={ref.law for ref in candidates}, number__in={ref.number for ref in candidates}
    )
    return {(p.law.slug, p.number): p for p in provisions}


class ReferenceProcessor(InlineProcessor):
    """Turns `[[law number(paragraph)]]` into a link to the article; leaves unknown ones as text.

    `provisions` and `result` are those of the text being converted (set by `render`).
    """

    provisions: dict = {}
    result: Rendered | None = None

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        reference = Reference.from_match(m)
        provision = self.provisions.get((reference.law, reference.number))
        if provision is None or (reference.paragraph and reference.paragraph > len(provision.paragraphs)):
            self.result.unknown.append(reference)
            return None, None, None
        self.result.cited.append((reference, provision))
        link = Element("a", {"href": reference_url(provision, reference.paragraph)})
        link.text = AtomicString(reference_label(provision, reference.paragraph))
        return link, m.start(0), m.end(0)


class ReferenceExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        # Above links (160), so `[[…]]` is never read as a link; below code spans, so code stays code.
        md.inlinePatterns.register(ReferenceProcessor(REFERENCE_PATTERN, md), "ref", 175)


# Inline patterns that match only where a text holds one of SPECIAL_CHARACTERS (code spans, backslash
# escapes, links, images, autolinks, entities). A text without any converts the same without them, in
# about two thirds of the time: most sections, and nearly every imported one.
SPECIAL_PATTERNS = [
    "backtick",
    "escape",
    "reference",
    "link",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
    "autolink",
    "automail",
    "entity",
]
SPECIAL_CHARACTERS = re.compile(r"[`\\\[<&]")

# Markdown instances are reused (building one costs half a conversion), one of each kind per thread.
_converters = threading.local()


def _converter(kind):
    """The thread's converter for texts with special characters ("full") or without ("plain")."""
    md = getattr(_converters, kind, None)
    if md is None:
        md = markdown.Markdown(extensions=["sane_lists", ReferenceExtension()], output_format="html")
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        if kind == "plain":
            for name in SPECIAL_PATTERNS:
                md.inlinePatterns.deregister(name)
        setattr(_converters, kind, md)
    return md


URL_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.-]*):")
WHITESPACE_AND_CONTROLS_RE = re.compile(r"[\x00-\x20\x7f]+")


def _check_url(tag, attribute, value):
    """nh3 attribute filter for URLs, on top of nh3's scheme allowlist.

    Drops protocol-relative URLs (`//host`, `/\\host`), which leave the site, and any URL whose
    scheme is not allowed once whitespace and control characters are ignored (`java script:`).
    """
    if attribute not in URL_ATTRIBUTES:
        return value
    compact = WHITESPACE_AND_CONTROLS_RE.sub("", value).lower()
    if compact.startswith(("//", "/\\", "\\")):
        return None
    if tag == "img" and not compact.startswith("/"):
        return None  # images come from this site (uploads): no tracking pixels, nothing the CSP would block
    scheme = URL_SCHEME_RE.match(compact)
    if scheme and scheme.group(1) not in ALLOWED_URL_SCHEMES:
        return None
    return value


def sanitize_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_check_url,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render(text):
    """Render Markdown `text`; the result holds the HTML and the article references found in it.

    Raises `MarkdownTooComplex` for a text beyond the caps (see the module's docstring)."""
    result = Rendered(html="")
    if not text:
        return result
    check_bounds(text)
    kind = "full" if SPECIAL_CHARACTERS.search(text) else "plain"
    md = _converter(kind)
    references = md.inlinePatterns["ref"]
    references.provisions, references.result = load_provisions(text), result
    try:
        result.html = sanitize_html(md.reset().convert(text))
    except BaseException:
        delattr(_converters, kind)  # a conversion that failed half way (a RecursionError, say) leaves state
        raise
    finally:
        references.provisions, references.result = {}, None
    return result


def render_markdown(text):
    """Markdown source to sanitised HTML, safe to store and to output unescaped."""
    return render(text).html


def describe_unknown(reference):
    if not Law.objects.filter(slug=reference.law).exists():
        return _("%(reference)s: there is no law “%(law)s”.") % {"reference": reference, "law": reference.law}
    if reference.paragraph:
        return _("%(reference)s: we hold no article %(number)s with a paragraph %(paragraph)s in that law.") % {
            "reference": reference,
            "number": reference.number,
            "paragraph": reference.paragraph,
        }
    return _("%(reference)s: we hold no article %(number)s of that law.") % {
        "reference": reference,
        "number": reference.number,
    }


def unknown_references_error(unknown):
    """A ValidationError naming each of the `unknown` references (to a law or an article we do not hold)."""
    unknown = list(dict.fromkeys(unknown))
    messages = [describe_unknown(reference) for reference in unknown[:MAX_REPORTED]]
    if len(unknown) > MAX_REPORTED:
        messages.append(_("… and %(count)s more unknown references.") % {"count": len(unknown) - MAX_REPORTED})
    return ValidationError(messages, code="unknown_reference")


def validate_references(text):
    """Raise a ValidationError naming each `[[…]]` reference in `text` to a law or article we do not hold."""
    if unknown := render(text).unknown:
        raise unknown_references_error(unknown)
