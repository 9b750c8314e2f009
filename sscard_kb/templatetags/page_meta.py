"""Template tags of every page, whatever app renders it: breadcrumbs, schema.org data, machine dates, the search
box and the page's languages (switcher and alternates).

Registered as the library `page_meta` in settings (`TEMPLATES` … `libraries`): the project's own, like
`templates/base.html` and `templates/includes/`.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from serving import languages
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


@register.filter
def written_lang(text):
    """The `lang` of a name written in the other language than the page's (`serving.languages.Written`), else ''."""
    return getattr(text, "lang", "")


@register.filter
def marked_language(text):
    """A name (`serving.languages.Written`) as HTML: in a span with its `lang` where it is written in the other
    language than the page's (escaped either way)."""
    lang = getattr(text, "lang", "")
    return format_html('<span lang="{}">{}</span>', lang, text) if lang else conditional_escape(text)


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


@register.filter
def html_lang(code):
    """A language code as `lang` and `hreflang` write it: zh-hans → zh-Hans."""
    return languages.html_lang(code) if code else ""


@register.simple_tag(takes_context=True)
def page_languages(context):
    """{"versions": the page in each language, "default": the x-default address}, for the switcher and the
    `hreflang` alternates. The view may name the pages (`language_urls`: {code: url}, `indexed_languages`), else
    the same path under each language's prefix is the page (query string kept). Nothing without a request (the
    server error page)."""
    request = context.get("request")
    if request is None:
        return {"versions": [], "default": ""}
    path = request.get_full_path()
    versions = languages.page_versions(path, context.get("language_urls"), context.get("indexed_languages"))
    return {"versions": versions, "default": languages.default_version(path, versions)}
