"""The load balancers' endpoints: /healthz (the process) and /readyz (database, cache, migrations)."""

from unittest import mock

import pytest
from django.db import OperationalError

from serving import health


def test_healthz_answers_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def fresh_process(monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)


def test_readyz_checks_the_database_the_cache_and_the_migrations(client, db, fresh_process):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "migrations": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_readyz_looks_for_pending_migrations_once_they_are_applied(
    client, db, fresh_process, django_assert_num_queries
):
    client.get("/readyz")
    with mock.patch.object(health, "MigrationExecutor") as executor:
        assert client.get("/readyz").status_code == 200
    executor.assert_not_called()


def test_readyz_is_503_with_pending_migrations(client, db, fresh_process):
    with mock.patch.object(health.MigrationExecutor, "migration_plan", return_value=[("a migration", False)]):
        response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["migrations"] == "failed"


def test_readyz_is_503_when_the_database_does_not_answer(client, db, fresh_process):
    with mock.patch.object(health, "database_ready", side_effect=OperationalError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "failed", "cache": "ok", "migrations": "unknown"},
    }


def test_readyz_is_503_when_the_cache_does_not_answer(client, db, fresh_process, settings):
    settings.CACHES = {
        **settings.CACHES,
        "down": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/9"},
    }
    settings.READER_PAGES_CACHE = "down"
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["cache"] == "failed"


def test_the_503_page_needs_no_database(rf, db, django_assert_num_queries):
    from serving.faults import unavailable

    with django_assert_num_queries(0):
        response = unavailable(rf.get("/"))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "/static/css/site.css" in response.content.decode()
