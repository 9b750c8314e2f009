"""`link_citations`: mentions of the law articles an answer cites, linked to their pages."""

from django import template

from ..citation_links import link_cited_provisions

register = template.Library()


@register.filter
def link_citations(html, provisions):
    """Sanitised section HTML with mentions of the cited `provisions` linked (see articles.citation_links)."""
    return link_cited_provisions(html, provisions)
