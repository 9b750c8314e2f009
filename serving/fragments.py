"""Fragments of reader pages rendered once per content generation and kept in the pages' cache.

A block that many pages show the same way (the legal basis of a cited article, on every answer citing it) is
rendered once and then read from the cache, under the same rules as whole pages (serving.pages):

- never stale: an entry holds the content generation read before its page read the database, and is used only
  while that generation is current, so the generation bump of every write of content drops every fragment;
  it also expires when a law wording takes effect (`pages.timeout`); a worker's copies (`pages.LocalPages`) learn
  of a change from Redis, on another app server a network's latency later (docs/deployment.md, Redis);
- only for an anonymous reader's page (`request.reader_page`, set by serving.middleware): signed-in staff, and so
  every draft preview, neither get nor fill a fragment;
- per language: the key holds `get_language()` besides what the view names (the fragment's own identity).

A view asks for all the fragments of a page at once (`lookup`: one round trip to the cache, none when this worker
holds copies of them all: `pages.LocalPages`), renders only the missing ones (the `fragment` template tag wraps the
block in place and stores what it renders), and so fetches the data of missing fragments only.
"""

import logging
import time
from dataclasses import dataclass

from django.utils.translation import get_language

from . import pages

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fragment:
    """One block of a page: `html` when it was found in the cache; `key` None when it is not to be cached."""

    key: str | None = None
    token: str | None = None
    html: str | None = None

    @property
    def found(self):
        return self.html is not None

    def store(self, html):
        if self.key and self.token:
            timeout = pages.timeout(self.token)
            stored = {"token": self.token, "html": str(html), "expires": time.time() + timeout}
            pages.cache_set(self.key, stored, timeout)


NOT_CACHED = Fragment()


def fragment_key(identity):
    """The cache key of the fragment `identity` names (its kind, then what it shows) in the active language."""
    parts = ("" if part is None else str(part) for part in identity)
    return ":".join(["fragments", pages.release(), get_language() or "", *parts])


def lookup(request, identities):
    """[Fragment] for each of `identities` (tuples: the kind of fragment, then what identifies it), in one round
    trip to the cache; fragments that are not to be cached when `request` gets none (signed-in staff, the cache
    down, not a reader page)."""
    state = getattr(request, "reader_page", None)
    token = state and state.get("token")
    if not token or not identities:
        return [NOT_CACHED for _ in identities]
    keys = [fragment_key(identity) for identity in identities]
    copies = pages.local_pages()
    found = copies.lookup_many(keys) if copies is not None else None
    if found is pages.UNREACHABLE:
        return [NOT_CACHED for _ in identities]
    found = dict(found or {})
    missing = [key for key in keys if key not in found]
    if missing:
        try:
            fetched = pages.cache().get_many(missing)
        except Exception:  # the cache did not answer: the blocks this worker holds no copy of are rendered anew
            logger.warning("The cache did not answer (fragments).", exc_info=True)
            return [
                Fragment(key=key, token=token, html=found[key]["html"]) if key in found else NOT_CACHED for key in keys
            ]
        for key, stored in fetched.items():
            if stored.get("token") == token:
                found[key] = stored
                if copies is not None:
                    copies.keep(key, stored)
    fragments = []
    for key in keys:
        stored = found.get(key)
        html = stored["html"] if stored is not None and stored.get("token") == token else None
        fragments.append(Fragment(key=key, token=token, html=html))
    return fragments


def blocks(request, named):
    """{name: Fragment} for `named` ({name: identity}, as `lookup` takes them), in one round trip to the cache: the
    blocks of a page, which its template names (`{% fragment blocks.name %}`)."""
    return dict(zip(named, lookup(request, list(named.values())), strict=True))


def render_fragment(fragment, render):
    """The fragment's HTML: as found in the cache, else `render()`, stored when the fragment is cached."""
    if fragment.found:
        return fragment.html
    html = render()
    fragment.store(html)
    return html
