"""/metrics: Prometheus's text format, for allowed addresses or the operator's token only."""

import subprocess
import sys

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.test import RequestFactory
from prometheus_client import REGISTRY

from serving import metrics
from sscard_kb.middleware import MetricsMiddleware
from tests.conftest import ROOT


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


def test_metrics_answer_from_the_machine_itself(client, db):
    client.get("/robots.txt")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert 'sscard_kb_http_requests_total{status="200",view="robots"}' in response.text
    assert 'sscard_kb_http_request_duration_seconds_bucket{le="0.05",view="robots"}' in response.text
    assert 'sscard_kb_page_cache_lookups_total{result="hit"}' in response.text
    assert "sscard_kb_database_errors_total" in response.text
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("address", ["203.0.113.9", "10.0.0.1"])
def test_metrics_are_404_for_other_addresses(client, db, address):
    assert client.get("/metrics", REMOTE_ADDR=address).status_code == 404


def test_metrics_answer_a_bearer_token(client, db, settings):
    settings.METRICS_TOKEN = "a-long-metrics-token"
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert (
        client.get("/metrics", headers={"Authorization": "Bearer a-long-metrics-token"}, **outside).status_code == 200
    )
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}, **outside).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "a-long-metrics-token"}, **outside).status_code == 404


def test_no_token_configured_accepts_no_token(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}, REMOTE_ADDR="203.0.113.9").status_code == 404


def test_allowed_addresses_and_networks_are_the_operators(client, db, settings):
    settings.METRICS_ALLOWED_IPS = ["10.1.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics").status_code == 404  # 127.0.0.1 no longer listed


def test_behind_the_proxy_the_clients_address_decides(client, db, settings):
    settings.BEHIND_TLS_PROXY = True
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200


def test_requests_are_counted_by_view_and_status(client, db):
    before = sample("sscard_kb_http_requests_total", view="articles:answer", status="404")
    unmatched = sample("sscard_kb_http_requests_total", view="(unmatched)", status="404")
    client.get("/en/questions/no-such-question/")
    client.get("/en/no/such/page/")
    assert sample("sscard_kb_http_requests_total", view="articles:answer", status="404") == before + 1
    assert sample("sscard_kb_http_requests_total", view="(unmatched)", status="404") == unmatched + 1


def test_the_page_cache_counts_hits_and_misses():
    hits, misses = (
        sample("sscard_kb_page_cache_lookups_total", result="hit"),
        sample("sscard_kb_page_cache_lookups_total", result="miss"),
    )
    metrics.cache_hit()
    metrics.cache_hit()
    metrics.cache_miss()
    assert sample("sscard_kb_page_cache_lookups_total", result="hit") == hits + 2
    assert sample("sscard_kb_page_cache_lookups_total", result="miss") == misses + 1


def test_a_failed_query_is_counted_once(db):
    before = sample("sscard_kb_database_errors_total")
    with connection.execute_wrapper(metrics._count_query_errors), pytest.raises(DatabaseError) as raised:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
    error = raised.value
    MetricsMiddleware(lambda request: None).process_exception(RequestFactory().get("/"), error)  # seen again
    assert sample("sscard_kb_database_errors_total") == before + 1


def test_a_database_error_out_of_a_view_is_counted(db):
    before = sample("sscard_kb_database_errors_total")
    MetricsMiddleware(lambda request: None).process_exception(RequestFactory().get("/"), OperationalError("down"))
    MetricsMiddleware(lambda request: None).process_exception(RequestFactory().get("/"), ValueError("not the db"))
    assert sample("sscard_kb_database_errors_total") == before + 1


def test_with_a_multiprocess_directory_every_workers_counts_are_added_up(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "sscard_kb.test_settings"}
    env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path)
    setup = "import django; django.setup(); from serving import metrics; "
    for _ in range(2):  # two workers, each counting a hit
        subprocess.run([sys.executable, "-c", setup + "metrics.cache_hit()"], cwd=ROOT, env=env, check=True)
    scrape = (
        setup + "from prometheus_client import generate_latest; print(generate_latest(metrics.registry()).decode())"
    )
    result = subprocess.run([sys.executable, "-c", scrape], cwd=ROOT, env=env, check=True, capture_output=True)
    assert 'sscard_kb_page_cache_lookups_total{result="hit"} 2.0' in result.stdout.decode()
