"""Matches of a query marked in escaped HTML."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A search engine's headline marks its matches with these; the text is escaped before they become <mark>.
START_SEL, STOP_SEL = "\x02", "\x03"
_MARKED = re.compile(f"{START_SEL}(.*?){STOP_SEL}", re.DOTALL)
SNIPPET_CHARS = 240  # about how long a snippet is, in characters


def mark_headline(text: str | None) -> SafeString:
    """A headline whose matches are between START_SEL and STOP_SEL as safe HTML: escaped, then <mark>ed."""
    html = _MARKED.sub(r"<mark>\1</mark>", escape(text or ""))
    return mark_safe(html.replace(START_SEL, "").replace(STOP_SEL, ""))  # noqa: S308 (escaped above)


def highlight(text: str | None, needles, *, max_chars: int | None = None) -> SafeString:
    """`text` escaped, with case-insensitive matches of `needles` in <mark>; cut around the first match.

    With `max_chars`, a window of about that length around the first match is kept, with "…" where cut.
    """
    text = text or ""
    needles = sorted({n for n in needles if n}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None
    if max_chars and len(text) > max_chars:
        first = pattern.search(text) if pattern else None
        start = max(0, (first.start() if first else 0) - max_chars // 3)
        if start:
            space = text.find(" ", start, start + 20)
            start = space + 1 if space != -1 else start
        end = min(len(text), start + max_chars)
        if end < len(text):
            space = text.rfind(" ", end - 20, end)
            end = space if space > start else end
        text = ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)
