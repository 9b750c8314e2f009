"""Link mentions of cited law articles ("Article 4", "Article 4 of the … Social Insurance Law") in answer HTML.

This runs when a page is shown, on `Section.body_html` (already rendered and
sanitised on save), with the answer's citations that the page has loaded
anyway. Storing the links at save time would go stale whenever an editor
changes the citations (they are edited apart from the sections); done here,
a mention is linked exactly when its article is cited now, at no query cost.

Only text outside tags and outside existing links is touched; the link text is
the matched text itself, so nothing new from the content is introduced.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from legal_refs.models import normalize_law_name

# A tag, quoted attribute values included (a ">" inside quotes does not end it); comments too.
_TAG = re.compile(r"""(<!--.*?-->|<(?:[^>"']|"[^"]*"|'[^']*')*>)""", re.DOTALL)
_MENTION = re.compile(r"\bArticle\s+(\d{1,4})\b")
_OF = re.compile(r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
# "… of the Labour Law", "… of these Regulations": a mention that names some law (cited or not).
# How far after a mention a law's name is looked for: longer than any law name, and it keeps
# the work per mention constant however long the text.
_WINDOW = 400
_NAMES_A_LAW = re.compile(r"\s+of\s+[^.;:,()<]{0,120}?\b(?:Law|Act|Code|Regulations?|Measures|Rules)\b")


def _law_named_at(text, laws):
    """The law among `laws` whose name `text` starts with ("of the Social Insurance Law …"), or None."""
    of = _OF.match(text)
    if not of:
        return None
    following = normalize_law_name(text[of.end() :].replace("&#x27;", "'").replace("&#39;", "'"))
    best, best_length = None, 0
    for law in laws:
        for name in law.known_names():
            if following.startswith(name) and len(name) > best_length:
                best, best_length = law, len(name)
    return best


def link_cited_provisions(html, provisions):
    """`html` (sanitised) with each mention of one of `provisions` linked to its page.

    A mention naming a law ("Article 4 of … Social Insurance Law") links when
    that law's article is cited (and not at all when it names another law); a
    bare "Article 10" links when exactly one cited article has that number.
    """
    if not html or not provisions:
        return mark_safe(html)  # noqa: S308  (sanitised on save)
    by_number = {}
    for provision in provisions:
        by_number.setdefault(provision.number, []).append(provision)
    laws = {provision.law_id: provision.law for provision in provisions}.values()

    def link(text):
        def replace(match):
            candidates = by_number.get(int(match.group(1)), [])
            following = text[match.end() : match.end() + _WINDOW]
            law = _law_named_at(following, laws)
            if law is not None:
                candidates = [p for p in candidates if p.law_id == law.pk]
            elif _NAMES_A_LAW.match(following):
                return match.group(0)  # an article of a law this answer does not cite
            if len(candidates) != 1:
                return match.group(0)
            return f'<a href="{escape(candidates[0].get_absolute_url())}">{match.group(0)}</a>'

        return _MENTION.sub(replace, text)

    parts, inside = [], 0  # depth inside links and code, where nothing is linked
    for part in _TAG.split(html):
        if part.startswith("<"):
            name = part[1:].lstrip("/").split(None, 1)[0].split(">")[0].lower() if len(part) > 2 else ""
            if name in {"a", "code", "pre"}:
                inside += -1 if part.startswith("</") else 1
            parts.append(part)
        else:
            parts.append(part if inside > 0 else link(part))
    return mark_safe("".join(parts))  # noqa: S308  (sanitised input; only our own links added)
