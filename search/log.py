"""The search log: how often each query was searched, found nothing or was corrected, per day (SearchTermDay).

With Redis (`SEARCH_LOG_COUNTS_IN = "cache"`), the results page writes nothing to the database. It counts each
search in the shared cache (`record`): a
counter per minute gives the search a slot number, and the slot holds (query, found nothing, corrected), the
query normalised and masked (`log_form`). `manage.py flush_search_log`, run every minute, adds each finished
minute to the table (`flush`): one update-or-insert per (day, query), then the minute's keys are deleted. A
minute is claimed first (`cache.add`, which one caller only wins), so two flushes that overlap never count a
search twice, and a flush that fails gives its claim back for the next one to try again. With the cache down a
search is not counted, and search works as ever.

Without Redis (`"database"`: one machine, `make run`), the file cache's counters are not atomic across workers
and a process's memory is its own, so a search is added to its day's row at once, one statement once the results
page is rendered; `flush_search_log` then only deletes old rows.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from serving.limits import hit
from serving.pages import cache, cache_set
from textkit.masking import mask_personal_data
from textkit.query import normalize_term

from .models import MAX_LOGGED_QUERY_LENGTH, SearchTermDay

logger = logging.getLogger(__name__)

PREFIX = "searchlog"
BUCKET_SECONDS = 60
# A minute is flushed once it has been over for a whole minute (a search counted at its end has written its slot
# by then, and app servers' clocks may differ a little); its counts wait in the cache this long for a flush.
PENDING_MINUTES = 120
BUCKET_TIMEOUT = (PENDING_MINUTES + 5) * BUCKET_SECONDS
BATCH = 500  # slots read from the cache at once


def log_form(text: str) -> str:
    """A query as the log keeps it: numbers and e-mail addresses masked first (textkit.masking), then normalised
    as synonyms are (simplified characters, lower case, one space), at most MAX_LOGGED_QUERY_LENGTH characters."""
    return normalize_term(mask_personal_data(text))[:MAX_LOGGED_QUERY_LENGTH].strip()


def minute_of(moment: datetime.datetime | None = None) -> int:
    return int((moment or timezone.now()).timestamp() // BUCKET_SECONDS)


def _count_key(minute):
    return f"{PREFIX}:{minute}:count"


def _claim_key(minute):
    return f"{PREFIX}:{minute}:claimed"


def _slot_key(minute, slot):
    return f"{PREFIX}:{minute}:{slot}"


def record(text: str, *, found_nothing: bool, corrected: bool, now: datetime.datetime | None = None) -> None:
    """Count one search of `text`: in the cache (a few round trips, no database; nothing if the cache is down),
    or, where the cache is not one every worker shares atomically (`SEARCH_LOG_COUNTS_IN = "database"`: no
    Redis), straight into its day's row (one statement, two for a query's first search of the day)."""
    query = log_form(text)
    if not query:
        return
    if settings.SEARCH_LOG_COUNTS_IN == "database":
        day = timezone.localdate(now or timezone.now())
        try:
            _add(day, query, {"searches": 1, "found_nothing": int(found_nothing), "corrected": int(corrected)})
        except DatabaseError:  # the reader's results are shown all the same; the search is not counted
            logger.warning("The search log could not count a search.", exc_info=True)
        return
    minute = minute_of(now)
    slot = hit(_count_key(minute), BUCKET_TIMEOUT)  # None when the cache is down: not counted
    if slot is not None:
        cache_set(_slot_key(minute, slot), (query, bool(found_nothing), bool(corrected)), BUCKET_TIMEOUT)


@dataclass
class Flushed:
    minutes: int = 0  # minutes of searches added to the table
    searches: int = 0
    removed: int = 0  # rows older than settings.SEARCH_LOG_KEEP_DAYS deleted


def flush(now: datetime.datetime | None = None) -> Flushed:
    """Add every finished minute of searches the cache holds to the table, and delete the rows kept long enough.

    Safe to run twice at once or again: a minute is claimed before it is read, and its keys are deleted once it
    is written. The cache not answering raises (the command fails; the counts wait for the next run)."""
    now = now or timezone.now()
    current = minute_of(now)
    minutes = range(current - PENDING_MINUTES, current - 1)
    counts = cache().get_many([_count_key(minute) for minute in minutes])
    done = Flushed()
    for minute in minutes:
        count = counts.get(_count_key(minute))
        if not count or not cache().add(_claim_key(minute), True, BUCKET_TIMEOUT):
            continue
        slots = [_slot_key(minute, slot) for slot in range(1, count + 1)]
        try:
            done.searches += _write_minute(minute, slots)
        except BaseException:
            cache().delete(_claim_key(minute))  # the next run tries this minute again
            raise
        cache().delete_many([_count_key(minute), *slots])
        done.minutes += 1
    oldest = timezone.localdate(now) - datetime.timedelta(days=settings.SEARCH_LOG_KEEP_DAYS)
    done.removed, _ = SearchTermDay.objects.filter(day__lt=oldest).delete()
    return done


def _write_minute(minute, slots):
    """Add the searches in `slots` (one minute's) to their day's rows; the number of searches."""
    totals = Counter()
    for start in range(0, len(slots), BATCH):
        for entry in cache().get_many(slots[start : start + BATCH]).values():
            if isinstance(entry, tuple) and len(entry) == 3:
                query, found_nothing, corrected = entry
                totals[query, "searches"] += 1
                totals[query, "found_nothing"] += bool(found_nothing)
                totals[query, "corrected"] += bool(corrected)
    day = timezone.localdate(datetime.datetime.fromtimestamp(minute * BUCKET_SECONDS, tz=datetime.UTC))
    queries = dict.fromkeys(query for query, _ in totals)
    with transaction.atomic():
        for query in queries:
            _add(day, query, {name: totals[query, name] for name in ("searches", "found_nothing", "corrected")})
    return sum(totals[query, "searches"] for query in queries)


def _add(day, query, counts):
    """One row's counts increased (or the row inserted): one statement, two if another flush inserted it first."""
    rows = SearchTermDay.objects.filter(day=day, query=query)
    increase = {name: F(name) + value for name, value in counts.items()}
    if rows.update(**increase):
        return
    try:
        with transaction.atomic():
            SearchTermDay.objects.create(day=day, query=query, **counts)
    except IntegrityError:
        rows.update(**increase)
