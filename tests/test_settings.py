import subprocess
import sys
from pathlib import Path

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


def test_debug_on_runs_without_secret_key():
    assert run_check({"DEBUG": "true"}).returncode == 0


def test_debug_off_with_secret_key_starts():
    assert run_check({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}).returncode == 0
