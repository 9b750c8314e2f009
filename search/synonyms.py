"""The synonyms as the search applies them: {term: every term of the sets it is in}, normalised.

Publishers edit the sets in the admin (`SynonymSet`); the map is kept in the shared cache (the reader pages'),
so a search reads it with one round trip to the cache, not a query (one query when the cache is cold). A change
of a set deletes it from the cache at once and again when the change is committed (a search in between could
have stored the old sets again), so every worker reads the new sets at its next search; if the cache does not
take the first deletion, the change is refused (CacheUnavailable: the site answers 503), as for content. When
the cache does not answer a search, the sets are read from the database. No cached page depends on the
synonyms (the search page is not cached), so a change leaves the cached pages alone.
"""

import logging

from django.db import router, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from serving.pages import CacheUnavailable, cache

from .models import SynonymSet

logger = logging.getLogger(__name__)

CACHE_KEY = "search:synonyms"
CACHE_TIMEOUT = 24 * 60 * 60  # seconds; a change deletes it sooner


def build_map(sets) -> dict[str, tuple[str, ...]]:
    """{term: the terms of every set that has it, itself first}, from the sets' term lists."""
    found: dict[str, dict[str, None]] = {}
    for terms in sets:
        for term in terms:
            found.setdefault(term, {term: None}).update(dict.fromkeys(terms))
    return {term: tuple(others) for term, others in found.items()}


def read_map() -> dict[str, tuple[str, ...]]:
    return build_map(synonym_set.term_list for synonym_set in SynonymSet.objects.all())


def synonym_map() -> dict[str, tuple[str, ...]]:
    """The synonyms: from the cache, else from the database (then stored in the cache)."""
    try:
        found = cache().get(CACHE_KEY)
    except Exception:
        logger.warning("The cache did not answer (synonyms); reading them from the database.", exc_info=True)
        return read_map()
    if found is None:
        found = read_map()
        try:
            cache().set(CACHE_KEY, found, CACHE_TIMEOUT)
        except Exception:
            logger.warning("The cache did not take the synonyms.", exc_info=True)
    return found


def forget() -> None:
    """Delete the cached synonyms; CacheUnavailable if the cache does not take it."""
    try:
        cache().delete(CACHE_KEY)
    except Exception as error:
        raise CacheUnavailable("the cache did not take the change of synonyms") from error


def forget_after_commit() -> None:
    try:
        forget()
    except CacheUnavailable:
        logger.error("The cache did not forget the synonyms at commit; searches may use the old ones.", exc_info=True)


@receiver([post_save, post_delete], sender=SynonymSet)
def synonyms_changed(sender, using=None, **kwargs):
    """Forget the cached synonyms now (or refuse the change) and again once the change is committed."""
    forget()
    transaction.on_commit(forget_after_commit, using=using or router.db_for_write(SynonymSet))
