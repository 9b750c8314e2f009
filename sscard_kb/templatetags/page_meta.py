"""Template tags of every page, whatever app renders it: breadcrumbs, schema.org data, machine dates and
the search box.

Registered as the library `page_meta` in settings (`TEMPLATES` … `libraries`): the project's own, like
`templates/base.html` and `templates/includes/`.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from textkit.query import MAX_QUERY_LENGTH

register = template.Library()

# The escapes of django.utils.html.json_script: no "</script>", "<!--" or "&" survives in the data.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """`data` as a schema.org JSON-LD script element, escaped like `json_script`."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag
def breadcrumb_trail(crumbs):
    """A page's (name, path) crumbs after the one every trail starts with: the home page."""
    return [(_("Home"), reverse("articles:home")), *crumbs]


@register.simple_tag(takes_context=True)
def breadcrumb_ld(context, trail):
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
                for position, (name, path) in enumerate(trail, start=1)
            ],
        }
    )


@register.simple_tag
def query_max_length():
    """The longest search query read, for the `maxlength` of every search box."""
    return MAX_QUERY_LENGTH


@register.filter
def iso_datetime(value):
    """A datetime for `<time datetime>`: local time, whole seconds, with its offset."""
    return timezone.localtime(value).replace(microsecond=0).isoformat() if value else ""
