"""Logs: one JSON object per line (or text under DEBUG), each with the id of its request; no line printed twice."""

import json
import logging
import subprocess
import sys

import pytest

from sscard_kb.logs import JSONFormatter, RequestContextFilter
from tests.conftest import ROOT


def test_each_response_carries_a_new_request_id(client, db):
    first, second = client.get("/robots.txt"), client.get("/robots.txt")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_safe_request_id_from_the_proxy_is_kept(client, db):
    response = client.get("/robots.txt", headers={"X-Request-ID": "edge-4f2a.77:1"})
    assert response["X-Request-ID"] == "edge-4f2a.77:1"


@pytest.mark.parametrize("offered", ["", "a" * 65, "two words", "x\r\nSet-Cookie: a=b", "<script>", "-leading"])
def test_an_unsafe_request_id_is_replaced(client, db, offered):
    response = client.get("/robots.txt", headers={"X-Request-ID": offered})
    assert response["X-Request-ID"] != offered
    assert len(response["X-Request-ID"]) == 32


def test_one_record_per_request_with_method_path_status_and_duration(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="sscard_kb.request"):
        response = client.get("/robots.txt")
    (record,) = [r for r in caplog.records if r.name == "sscard_kb.request"]
    entry = json.loads(JSONFormatter().format(record))
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["method"] == "GET"
    assert entry["path"] == "/robots.txt"
    assert entry["status"] == 200
    assert entry["duration_ms"] >= 0
    assert entry["logger"] == "sscard_kb.request"
    assert entry["level"] == "INFO"
    assert entry["message"] == "GET /robots.txt 200"
    assert entry["time"].endswith("+00:00")


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []
        self.addFilter(RequestContextFilter())  # as the console handler has it

    def emit(self, record):
        self.records.append(record)


def test_records_written_during_a_request_carry_its_id(client, db):
    handler, logger = Collect(), logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/en/questions/no-such-question/")
    finally:
        logger.removeHandler(handler)
    (record,) = handler.records
    assert record.request_id == response["X-Request-ID"]
    assert json.loads(JSONFormatter().format(record))["path"] == "/en/questions/no-such-question/"


def test_an_exception_is_one_json_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed: %s", ("it",), sys.exc_info())
    RequestContextFilter().filter(record)
    line = JSONFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed: it"
    assert entry["request_id"] == "-"
    assert "ValueError: boom" in entry["exception"]


def run_logging(env):
    """Lines written to standard error by Django's own logger, the root logger and a request, as configured."""
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django').warning('from django'); "
        "logging.getLogger('django.request').warning('from django.request'); "
        "logging.getLogger('articles').info('from articles')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "sscard_kb.test_settings", **env},
        check=True,
    )
    return result.stderr.splitlines()


def test_json_is_the_default_with_debug_off_and_no_line_is_printed_twice():
    lines = run_logging({})
    assert [json.loads(line)["message"] for line in lines] == ["from django", "from django.request", "from articles"]


def test_text_is_the_default_under_debug_and_no_line_is_printed_twice():
    lines = run_logging({"DEBUG": "true"})
    assert len(lines) == 3
    assert lines[0].endswith("WARNING django [-] from django")


def test_log_format_is_chosen_by_the_operator():
    assert run_logging({"DEBUG": "true", "LOG_FORMAT": "json"})[0].startswith("{")
    assert not run_logging({"LOG_FORMAT": "text"})[0].startswith("{")
