"""Both entry points prepare a worker at start-up (sscard_kb.startup): its first request loads nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LOADED = (
    "from serving import pages; from textkit import chinese; "
    "loaded = (chinese.segmenter, chinese._converter, chinese.stop_words, pages.release); "
    "print(*(function.cache_info().currsize for function in loaded))"
)


@pytest.mark.parametrize("module", ["sscard_kb.wsgi", "sscard_kb.asgi"])
def test_each_entry_point_loads_the_segmenter_and_the_release_before_any_request(module):
    environ = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    environ["DJANGO_SETTINGS_MODULE"] = "sscard_kb.test_settings"
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}; {LOADED}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "1", "1", "1"]
