"""Template filters of the law pages: Chinese numerals, an article's number and name as the page's language writes
them, dates, the Chinese citation of an article and the segments of a comparison."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from serving.languages import is_chinese
from textkit.numerals import to_chinese_number

from .. import models, pages
from ..diff import DELETE, INSERT
from ..pages import chinese_citation as official_citation

register = template.Library()


@register.filter
def chinese_numeral(number):
    """12 → 十二, for chapter and article labels in Chinese."""
    return to_chinese_number(int(number))


@register.filter
def article_number(number):
    """An article's number as the page's language writes it (`models.article_number`): 四 on the Chinese site,
    4 on the English one; for the article numbers in the interface's strings (“Articles {{ first }}–{{ last }}”)."""
    return models.article_number(number)


# A paragraph's number, as the page's language writes it like an article's: 三 on the Chinese site (第三款).
register.filter("paragraph_number", article_number)


@register.filter
def article_name(provision):
    """The article's short name as the page's language writes it (`pages.article_name`): 第四条, “Article 4”."""
    return pages.article_name(provision)


@register.filter
def law_date(value):
    """A date on the law pages, as each language writes it (`pages.law_date`)."""
    return pages.law_date(value)


@register.filter
def chinese_citation(provision, paragraph=None):
    """《中华人民共和国社会保险法》第四条第二款: how Chinese cites the article (and its paragraph)."""
    return official_citation(provision, int(paragraph) if paragraph else None)


@register.filter
def decision_name(name):
    """The name of the instrument that made a wording (an amending decision): on the Chinese site between book
    title marks, as Chinese writes a title, the marks within it becoming 〈〉 (《全国人民代表大会常务委员会关于修改
    〈中华人民共和国社会保险法〉的决定》); on another language's site as held, marked as Chinese."""
    if not name:
        return ""
    if is_chinese():
        name = name.strip()
        inner = name[1:-1] if is_one_title(name) else name
        return f"《{inner.replace('《', '〈').replace('》', '〉')}》"
    return format_html('<span lang="zh-Hans">{}</span>', name)


def is_one_title(name):
    """Whether `name` is one title in book title marks: its first 《 closes at its last 》 (not 《宪法》修正案)."""
    if not (name.startswith("《") and name.endswith("》")):
        return False
    depth = 0
    for position, mark in enumerate(name):
        depth += {"《": 1, "》": -1}.get(mark, 0)
        if depth == 0:
            return position == len(name) - 1
    return False


@register.filter
def segments_html(segments):
    """The segments of a comparison (`legal_refs.diff`) as text with `<del>` and `<ins>`, every text escaped
    and a line break (between a paragraph and its items) as `<br>`."""
    tags = {DELETE: "del", INSERT: "ins"}

    def parts():
        for segment in segments:
            lines = segment.text.split("\n")
            text = format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))
            tag = tags.get(segment.kind)
            yield (format_html("<{}>{}</{}>", tag, text, tag) if tag else text,)

    return format_html_join("", "{}", parts())
