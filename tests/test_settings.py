import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        check=False,
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = run_check({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "key", ["x" * 60, "short-but-random-7Hq2", "change-me-to-a-long-random-string", "django-insecure-" + "k" * 50]
)
def test_debug_off_with_a_weak_or_placeholder_secret_key_refuses_to_start(key):
    result = run_check({"SECRET_KEY": key, "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY is not a real secret" in result.stderr


def test_empty_variables_count_as_unset():
    result = run_check({"DEBUG": "true", "DATABASE_URL": "", "CONN_MAX_AGE": "", "MEDIA_ROOT": ""})
    assert result.returncode == 0, result.stderr


def test_debug_on_runs_without_secret_key():
    assert run_check({"DEBUG": "true"}).returncode == 0


KEY = "7Hq2vN9xLp4RzW8mK3cJ6bY1tF5gD0sAeU-qWeRtYuIoPaSdFgHjKl"


def test_debug_off_with_secret_key_starts():
    assert run_check({"SECRET_KEY": KEY, "ALLOWED_HOSTS": "example.org"}).returncode == 0


@pytest.mark.parametrize(
    ("debug", "backend"),
    [
        ("true", "django.core.cache.backends.dummy.DummyCache"),
        ("false", "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_the_language_parts_are_kept_except_under_debug(debug, backend):
    """Under DEBUG (make run) an edited template shows at once: nothing is kept."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.CACHES['template_fragments']['BACKEND'])",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "sscard_kb.settings",
            "DEBUG": debug,
            "SECRET_KEY": KEY,
        },
        check=True,
    )
    assert result.stdout.strip() == backend
