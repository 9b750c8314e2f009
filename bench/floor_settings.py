"""The site's settings with the benchmark's reference views (bench/floor_urls.py) added to its URLs."""

from sscard_kb.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
