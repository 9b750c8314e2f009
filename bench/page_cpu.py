# ruff: noqa: S603 (a benchmark: it runs this file again in the checkout measured)
"""CPU a Django worker spends per request on the pages bench/http.py measures, in one process (docs/benchmarks.md,
"HTTP"): less blurred by a busy machine than requests/s, since it counts this process's CPU time only.

    .venv/bin/python -u bench/page_cpu.py                         # this checkout
    .venv/bin/python -u bench/page_cpu.py --project /tmp/old      # another checkout (its bench/floor_settings.py)

It loads the content as bench/http.py does (PostgreSQL, Redis, 200 answers, the law texts), then requests each page
through Django's test client with the production settings and the benchmark's reference views, and prints the
best of three rounds of `time.process_time()` per request and the queries of one request.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The checkout's code, not bench/ (whose http.py would hide the standard library's): this one, or in the worker the
# checkout measured.
sys.path[0] = os.environ.get("PAGE_CPU_PROJECT", str(ROOT))

import argparse  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402


def measure(requests):
    """Run inside the checkout measured (its settings, with DJANGO_SETTINGS_MODULE=bench.floor_settings)."""
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client

    client = Client()
    home = client.get("/en/").text
    answers = re.findall(r'href="(/en/questions/[^"]+/)">', home)
    answer = answers[len(answers) // 2]
    law = "/en/laws/social-insurance-law/"
    pages = {
        "static: hashed stylesheet": re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home).group(1),
        "one value from the cache": "/bench/cache-floor",
        "one-query page": "/bench/one-query",
        "answer page, cached": answer,
        "answer page, uncached": f"{answer}?uncached=1",
        "answer page, uncached, no fragments": f"{answer}?uncached=1&fragments=0",
        "law page, uncached": f"{law}?uncached=1",
        "article page, uncached": f"{law}articles/10/?uncached=1",
    }
    print("| page | ms of CPU per request | queries |\n|---|---|---|")
    for label, url in pages.items():
        count = max(10, requests // 4) if label.startswith("law") else requests
        best = []
        for _ in range(3):
            for _ in range(5):
                client.get(url)
            started = time.process_time()
            for _ in range(count):
                client.get(url)
            best.append((time.process_time() - started) / count * 1000)
        connection.force_debug_cursor = True
        reset_queries()
        client.get(url)
        connection.force_debug_cursor = False
        print(f"| {label} | {min(best):.2f} | {len(connection.queries)} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", default=str(ROOT), help="the checkout to measure (default: this one)")
    parser.add_argument("--database-name", default="sscard_serve_cpu", help="the PostgreSQL database (recreated)")
    parser.add_argument("--redis-db", type=int, default=12, help="the Redis database number (flushed)")
    parser.add_argument("--requests", type=int, default=150, help="requests per round (a quarter for the law page)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return measure(args.requests)

    from bench.common import machine_check
    from bench.production import Site

    site = Site(
        args.project,
        postgres=True,
        redis=True,
        database_url=f"postgres://postgres@127.0.0.1:5432/{args.database_name}",
        redis_url=f"redis://127.0.0.1:6379/{args.redis_db}",
    )
    try:
        site.prepare()
        print(f"{site.project}; machine check {machine_check():.0f} ms\n", flush=True)
        env = site.env | {
            "DJANGO_SETTINGS_MODULE": "bench.floor_settings",
            "ALLOWED_HOSTS": "testserver",
            "PAGE_CPU_PROJECT": str(site.project),
        }
        command = [site.python, str(Path(__file__).resolve()), "--worker", "--requests", str(args.requests)]
        subprocess.run(command, cwd=site.project, env=env, check=True)
    finally:
        site.cleanup()


if __name__ == "__main__":
    main()
