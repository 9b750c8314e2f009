"""Reader pages from the shared cache, never stale.

Every cached page is stored under the content *generation*: a token in the cache that every write of content
replaces (`content_changed`, called by the write services of both apps). A page is looked up under the
generation read before the view reads the database, so a change makes every page stale at once. That
over-invalidates (a topic rename also drops the law pages), on purpose: it is simple, and a reader page costs
a few milliseconds to build again. A page also expires when a law wording takes effect (the date is asked of
`settings.READER_PAGES_NEXT_CHANGE`, once per generation), since the pages show the wording in force today.

With Redis, each worker also keeps copies of the pages it served (`LocalPages`), which it serves with no round
trip while the generation is the one they were built in: Redis tells each worker when the generation changes
(`serving.cache.Watch`), in the same turn of its event loop as it answers the write (on one machine, before the
writer has its reply; across a network, a network's latency later; a worker that heard nothing for a second asks).

The cache may be down (Redis restarting): every call here then logs a warning and the site serves from the
database.
"""

import datetime
import functools
import hashlib
import logging
import os
import re
import sys
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .cache import WatchRefused

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
PAGE_TIMEOUT = 24 * 60 * 60  # seconds a page is kept at most (a change of content drops it sooner)
CDN_MAX_AGE = 60  # seconds a shared cache in front of the site (a CDN) may keep a page: the bound on staleness
# The one query parameter a cached page may have: a page number, on a view that declares it (`reader_page`). A
# page with any other query, or another value, is built as usual and not stored (no flooding the cache).
QUERY_PARAMETERS = {"page", "p"}
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}")


class CacheUnavailable(Exception):
    """The cache did not take a new content generation: the write is refused (pages would stay stale)."""


def reader_page(view, *, paginated=False):
    """`view` as a reader page: the same for every anonymous reader, cached (see serving.middleware).
    `paginated`: it takes a page number (`?page=`, `?p=`), and each page is cached."""

    @functools.wraps(view)
    def page(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    page.reader_page = True
    page.paginated = paginated
    return page


def cache():
    return caches[settings.READER_PAGES_CACHE]


def cache_get(key, default=None):
    try:
        return cache().get(key, default)
    except Exception:  # any failure of the cache server; the page is built from the database
        logger.warning("The cache did not answer (get %s); serving from the database.", key, exc_info=True)
        return default


def cache_set(key, value, timeout):
    try:
        cache().set(key, value, timeout)
    except Exception:
        logger.warning("The cache did not answer (set %s).", key, exc_info=True)


def generation():
    """The content generation (None when the cache does not answer: nothing is cached then): with no round trip
    when this worker's watch knows it (`LocalPages`), else read from the cache."""
    copies = local_pages()
    if copies is not None:
        token = copies.generation()
        if token is UNREACHABLE:
            return None
        if token is not None:
            return token
    try:
        token = cache().get(GENERATION_KEY)
        if token is None:  # a new cache (or the token evicted): a new token, never an old one again
            cache().add(GENERATION_KEY, uuid.uuid4().hex, None)
            token = cache().get(GENERATION_KEY)
        return token
    except Exception:
        logger.warning("The cache did not answer (generation); serving from the database.", exc_info=True)
        return None


def _new_generation():
    """A new content generation; CacheUnavailable if the cache does not take it."""
    try:
        cache().set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception as error:
        raise CacheUnavailable("the page cache did not take the change") from error


def _new_generation_after_commit():
    try:
        _new_generation()
    except CacheUnavailable:  # the first change went through, before the commit: pages built since may linger
        logger.error("The cache did not take the change at commit; pages built during it may stay.", exc_info=True)


def content_changed(using=None):
    """Every reader page is stale: called by each write of content. The generation changes now (for what the
    writing transaction itself reads) and again when the transaction commits, so that a page built from what
    was read before the commit cannot be kept under the new generation. If the cache does not take the change,
    CacheUnavailable is raised inside the writing transaction, which is then rolled back: a write the cache
    cannot follow is refused (the site answers 503, try again), never left behind stale pages."""
    _new_generation()
    transaction.on_commit(_new_generation_after_commit, using=using)


# What a page is built from besides content: a change to any of these files makes every cached page stale.
RELEASE_FOLDERS = (
    "articles",
    "legal_refs",
    "search",
    "serving",
    "sscard_kb",
    "textkit",
    "templates",
    "locale",
    "static",
)
RELEASE_SUFFIXES = {".py", ".html", ".txt", ".mo", ".css", ".js", ".svg", ".json"}


@functools.cache
def release():
    """The code being served, as the keys of cached pages and fragments name it: `settings.RELEASE` when the
    deployment sets it, else a digest of the files pages are built from (once per process). A deploy changes it, so
    pages built by the code before are never served by the code after, even with no change of content."""
    if settings.RELEASE:
        return hashlib.sha256(settings.RELEASE.encode()).hexdigest()[:16]
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in RELEASE_FOLDERS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in RELEASE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def page_key(request):
    """The cache key of the page `request` asks for, or None if it is not cached (a query parameter other than
    the page number). The entry stored under it holds the generation it was built in (`lookup`)."""
    if request.GET:
        (name, values), *others = request.GET.lists()
        if others or name not in QUERY_PARAMETERS or len(values) != 1 or not PAGE_NUMBER.fullmatch(values[0]):
            return None
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pages:{release()}:{hashlib.sha256(address.encode()).hexdigest()}"


def lookup(key):
    """(the content generation, the page stored under `key` if it was built in that generation, else None): from
    this worker's copies with no round trip when it has the page, else in one round trip to the cache; (None,
    None) when the cache does not answer."""
    copies = local_pages()
    if copies is not None:
        found = copies.lookup(key)
        if found is UNREACHABLE:  # the cache did not answer the watch (a second, if hung): not asked again
            return None, None
        if found is not None:
            return found
    try:
        found = cache().get_many([GENERATION_KEY, key])
    except Exception:
        logger.warning("The cache did not answer (lookup); serving from the database.", exc_info=True)
        return None, None
    token = found.get(GENERATION_KEY) or generation()
    stored = found.get(key)
    if stored is None or stored.get("token") != token:
        return token, None
    if copies is not None:
        copies.keep(key, stored)
    return token, stored


UNREACHABLE = object()  # LocalPages.lookup: the cache did not answer


class LocalPages:
    """Copies of the pages this thread found in the shared cache, and of the fragments of pages (serving.fragments),
    each kept while the content generation is the one it was built in and until it expires (`expires`, the time its
    entry in the shared cache expires too).

    The generation is known without a round trip from the cache's watch (`serving.cache.Watch`: Redis tells each
    thread when it changes), so a page found here costs no round trip; all copies are dropped when it changes.
    At most `budget` bytes of pages are kept, the least recently served dropped first. If the cache does not answer
    the watch, the copies are dropped, the page is built from the database, and pages are looked up in the cache
    as before for `RETRY_AFTER` seconds; if Redis refuses the watch (Redis 5, or an ACL), copies are not used again
    in this process.
    """

    RETRY_AFTER = 5.0  # seconds
    OVERHEAD = 1024  # bytes counted for a page's headers and entry besides its content

    def __init__(self, cache, budget):
        self.watch = cache.watch(GENERATION_KEY)
        self.budget = budget
        self.pages = OrderedDict()
        self.size = 0
        self.token = None
        self.retry_at = 0.0
        self.refused = False

    def lookup(self, key):
        """(the generation, the copy of the page under `key`); None when there is no copy in that generation or the
        generation is not known here; UNREACHABLE when the cache did not answer."""
        found = self.lookup_many([key])
        if found is UNREACHABLE:
            return UNREACHABLE
        stored = (found or {}).get(key)
        return None if stored is None else (stored["token"], stored)

    def generation(self):
        """The generation, None when it is not known here, or UNREACHABLE."""
        if self.refused or (self.retry_at and time.monotonic() < self.retry_at):
            return None
        try:
            token = self.watch.get()
        except WatchRefused:
            logger.warning("Redis refused to watch the content generation; pages are looked up in it.", exc_info=True)
            self.refused = True
            self.clear()
            return None
        except Exception:
            logger.warning(
                "The cache did not answer (watch); serving from the database, then from the cache for %s s.",
                self.RETRY_AFTER,
                exc_info=True,
            )
            self.retry_at = time.monotonic() + self.RETRY_AFTER
            self.clear()
            return UNREACHABLE
        self.retry_at = 0.0
        if token != self.token:
            self.clear()
            self.token = token
        return token

    def lookup_many(self, keys):
        """{key: the copy under `key`} of those of `keys` it holds (all in the current generation: `generation`
        drops every copy when it changes, and `keep` takes none of another); None when the generation is not known
        here; UNREACHABLE when the cache did not answer."""
        token = self.generation()
        if token is None or token is UNREACHABLE:
            return token
        found = {}
        for key in keys:
            stored = self.pages.get(key)
            if stored is None:
                continue
            if stored["expires"] <= time.time():
                self.drop(key)
            else:
                self.pages.move_to_end(key)
                found[key] = stored
        return found

    def keep(self, key, stored):
        """Keep a copy of `stored` (a page or a fragment, with the time it expires), found under `key` in the
        generation the watch last saw (else not kept)."""
        size = self.size_of(stored)
        if (
            self.token is None
            or stored["token"] != self.token
            or stored.get("expires", 0) <= time.time()
            or size > self.budget
        ):
            return
        self.drop(key)
        self.pages[key] = stored
        self.size += size
        while self.size > self.budget:
            self.drop(next(iter(self.pages)))

    def drop(self, key):
        stored = self.pages.pop(key, None)
        if stored is not None:
            self.size -= self.size_of(stored)

    @classmethod
    def size_of(cls, stored):
        """The bytes counted for a page (its content) or a fragment (its HTML: a string of Chinese takes two or four
        bytes a character in memory)."""
        return (len(stored["content"]) if "content" in stored else sys.getsizeof(stored["html"])) + cls.OVERHEAD

    def clear(self):
        self.pages.clear()
        self.size = 0
        self.token = None


_local_pages = threading.local()


def local_pages():
    """This thread's `LocalPages`, or None when the cache cannot tell a worker of a change (only Redis can) or
    `settings.READER_PAGES_LOCAL_BYTES` is 0. One per process, thread, cache server and key prefix: not one per
    cache object (under ASGI, Django makes one per request)."""
    shared = cache()
    budget = max(0, settings.READER_PAGES_LOCAL_BYTES)
    if not budget or not hasattr(shared, "watch"):
        return None
    owner = (os.getpid(), tuple(shared._servers), shared.key_prefix, shared.version, budget)
    copies = _local_pages.__dict__.get(owner)
    if copies is None:
        _local_pages.__dict__.clear()  # another process (forked), cache or budget: the old copies are never used
        copies = _local_pages.__dict__[owner] = LocalPages(shared, budget)
    return copies


def timeout(token, now=None):
    """Seconds to keep a page built now: until the next law wording takes effect, at most `PAGE_TIMEOUT`."""
    now = now or timezone.now()
    key = f"pages:{token}:next-change"
    change = cache_get(key)
    if change is None or change < now:
        date = import_string(settings.READER_PAGES_NEXT_CHANGE)(timezone.localdate(now))
        change = starts(date) if date else now + datetime.timedelta(seconds=PAGE_TIMEOUT)
        cache_set(key, change, PAGE_TIMEOUT)
    return max(1, min(PAGE_TIMEOUT, int((change - now).total_seconds())))


def starts(date):
    """The moment `date` begins where the site is (TIME_ZONE)."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))


def etag(content):
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'
