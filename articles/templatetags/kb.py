"""Template tags of the reader's site.

The law and article pages are legal_refs views, and legal_refs knows nothing of
answers. Their templates ask this library for the published answers that cite
an article, so the Python dependency stays `articles -> legal_refs` and the
rule of what readers see stays in `Answer.objects.published()`.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..citation_links import link_cited_articles
from ..models import Answer, Citation

register = template.Library()

# The escapes of django.utils.html.json_script: no "</script>", "<!--" or "&" survives in the data.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """`data` as a schema.org JSON-LD script element, escaped like `json_script`."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.filter
def link_citations(html, provisions):
    """Sanitised section HTML with mentions of the cited `provisions` linked (see citation_links)."""
    return link_cited_articles(html, provisions)


@register.simple_tag
def citing_answers(provision):
    """The published answers citing `provision` (one query)."""
    return list(Answer.objects.citing(provision))


@register.simple_tag
def with_cited_by(provisions):
    """`provisions`, each with `cited_by`: how many published answers cite it (one query)."""
    provisions = list(provisions)
    counts = dict(
        Citation.objects.filter(provision__in=provisions, answer__in=Answer.objects.published())
        .values_list("provision")
        .annotate(count=Count("answer", distinct=True))
        .order_by()
    )
    for provision in provisions:
        provision.cited_by = counts.get(provision.pk, 0)
    return provisions


@register.simple_tag(takes_context=True)
def breadcrumb_ld(context, crumbs):
    """A schema.org BreadcrumbList script for (name, path) pairs."""
    request = context.get("request")
    if request is None:
        return ""
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": position, "name": str(name), "item": request.build_absolute_uri(path)}
                for position, (name, path) in enumerate(crumbs, start=1)
            ],
        }
    )


@register.filter
def iso_datetime(value):
    """A datetime for `<time datetime>`: local time, whole seconds, with its offset."""
    return timezone.localtime(value).replace(microsecond=0).isoformat() if value else ""
