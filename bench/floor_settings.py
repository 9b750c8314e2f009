"""The site's settings with the benchmark's reference views (bench/floor_urls.py) added to its URLs, and its switch
for pages built without their cached fragments (`?fragments=0`, bench.floor_urls.NoFragments)."""

from sscard_kb.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
MIDDLEWARE = [*MIDDLEWARE, "bench.floor_urls.NoFragments"]  # noqa: F405
