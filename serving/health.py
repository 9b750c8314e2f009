"""For load balancers: `/healthz` (the process is up) and `/readyz` (database, cache and migrations)."""

import logging
import uuid

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .faults import needs_no_database
from .pages import cache

logger = logging.getLogger(__name__)

_migrated = False  # once every migration is applied, it stays so for this process


@needs_no_database
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def database_ready():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_ready():
    key, value = f"readyz:{uuid.uuid4().hex}", "ok"
    cache().set(key, value, 5)
    answered = cache().get(key) == value
    cache().delete(key)
    return answered


def migrations_applied():
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


def _check(name, check):
    try:
        return "ok" if check() else "failed"
    except Exception as error:  # any failure of a backing service is "not ready", never a 500
        logger.warning("Not ready: %s: %s", name, error)
        return "failed"


@needs_no_database  # it asks the database itself, and says so
@never_cache
def readyz(request):
    checks = {"database": _check("database", database_ready), "cache": _check("cache", cache_ready)}
    checks["migrations"] = _check("migrations", migrations_applied) if checks["database"] == "ok" else "unknown"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
