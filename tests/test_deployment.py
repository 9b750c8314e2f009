"""Production as documented (docs/deployment.md): `check --deploy` clean, and every page served with DEBUG off
after `collectstatic`, from the project's own settings (not the test settings) in a separate process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The documented production environment (docs/deployment.md, .env.example), with a real-looking secret.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "q5Jr8vTz2LxWc9NbHm4KpYd7Fs3GaRe6Uj1Xo0ViBtZnQwEyPlMkDcSfAh-_prod-like",
    "ALLOWED_HOSTS": "kb.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://kb.example.org",
    "BEHIND_TLS_PROXY": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def run_manage(*args, env=None, timeout=120):
    """`manage.py ARGS` with the project's settings and only the environment given (plus PATH and HOME)."""
    environ = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    environ["DJANGO_SETTINGS_MODULE"] = "sscard_kb.settings"
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_hsts_subdomains_and_preload_are_read_from_the_environment():
    env = PRODUCTION_ENV | {"SECURE_HSTS_INCLUDE_SUBDOMAINS": "false", "SECURE_HSTS_PRELOAD": "false"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W005" in result.stderr and "security.W021" in result.stderr


# Run in the child process: migrate its own SQLite file, then ask for pages through Django's test client.
PAGES_SCRIPT = """
import json
import django
from django.core.management import call_command
django.setup()
from django.test import Client
from django.test.client import RequestFactory
from django.views.defaults import server_error
call_command("migrate", verbosity=0)
client = Client(HTTP_HOST="kb.example.org", raise_request_exception=False)
pages = {}
for path in ("/en/", "/en/no/such/page/"):
    response = client.get(path, secure=True)
    pages[path] = [response.status_code, response.content.decode()]
from django.utils import translation
with translation.override("en"):  # as for a request to an /en/ address (serving.languages)
    response = server_error(RequestFactory(HTTP_HOST="kb.example.org").get("/en/"))
pages["500"] = [response.status_code, response.content.decode()]
print(json.dumps(pages))
"""


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("static")
    result = run_manage("collectstatic", "--noinput", env=PRODUCTION_ENV | {"STATIC_ROOT": str(static_root)})
    assert result.returncode == 0, result.stdout + result.stderr
    return static_root


def production_pages(static_root, tmp_path):
    env = PRODUCTION_ENV | {
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    environ = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    environ |= env | {"DJANGO_SETTINGS_MODULE": "sscard_kb.settings"}
    result = subprocess.run(
        [sys.executable, "-c", PAGES_SCRIPT], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_pages_and_error_pages_link_hashed_static_files_with_debug_off(collected_static, tmp_path):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/site.css"]
    assert hashed_css != "css/site.css"
    assert (collected_static / hashed_css).is_file()

    pages = production_pages(collected_static, tmp_path)

    assert [pages[page][0] for page in ("/en/", "/en/no/such/page/", "500")] == [200, 404, 500]
    for page in ("/en/", "/en/no/such/page/", "500"):
        html = pages[page][1]
        assert f'href="/static/{hashed_css}"' in html, page
        assert "Traceback" not in html
    assert "Page not found" in pages["/en/no/such/page/"][1]
    assert "Something went wrong" in pages["500"][1]
