# ruff: noqa: S603, S607 (a benchmark: it runs git with arguments of its own)
"""HTTP benchmark of the production server: requests/s and p99 latency of the site's kinds of page under wrk.

Run by hand from the project folder (docs/benchmarks.md, "HTTP"); it needs wrk (`apt-get install wrk`), and nginx
for --nginx:

    .venv/bin/python -u bench/http.py                       # SQLite, this checkout
    .venv/bin/python -u bench/http.py --postgres --redis --nginx
    git worktree add /tmp/old 946b057 && .venv/bin/python -u bench/http.py --project /tmp/old

It serves the checkout as `make serve` does (gunicorn with 2 workers, DEBUG off, static files collected into a
temporary folder) on SQLite, or with --postgres on PostgreSQL (database sscard_serve_bench, recreated;
CONN_MAX_AGE=600), with --redis with Redis as the cache (db 11 of the local server, flushed); loads the law texts
and --answers generated source texts citing articles of the Social Insurance Law; warms each page up; then runs
wrk against the hashed stylesheet, a cheap page (/healthz when the checkout has it, else /robots.txt, which runs
no query), an answer page, the law page, an article page and a search, one after another, each twice where the
answer page shows a cache is active (the first round fills it). With --nginx it starts nginx in front with
deploy/nginx/sscard-kb-http.conf (and `nginx -t`s the TLS variant) and runs the same table through it.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/: this file would hide the standard library's http

import argparse  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402

from bench.common import machine_check  # noqa: E402
from bench.production import Nginx, Site, fetch, log, wrk  # noqa: E402

LAW_PATH = "/en/laws/social-insurance-law/"


def pages(base):
    """The URLs measured, by label; checked to answer 200 first."""
    status, _, home = fetch(f"{base}/en/")
    if status != 200:
        raise SystemExit(f"/en/ answered {status}")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home)
    if not stylesheet:
        raise SystemExit("The home page links no hashed stylesheet: was collectstatic run with DEBUG off?")
    answers = own_language_answers(base, home)
    floor = fetch(f"{base}/bench/one-query")[0] == 200  # this checkout's reference views (bench/floor_urls.py)
    answer = answers[len(answers) // 2]
    urls = {"static: hashed stylesheet": stylesheet.group(1)}
    if floor:
        urls |= {"cache floor: one cached value": "/bench/cache-floor", "one-query page": "/bench/one-query"}
    else:
        urls["no-query: /robots.txt"] = "/robots.txt"
    urls |= {
        "answer page": answer,
        "law page (98 articles)": LAW_PATH,
        "article page": f"{LAW_PATH}articles/10/",
    }
    if floor:  # a query parameter the page cache does not know: the page is built every time
        urls |= {
            "answer page, uncached": f"{answer}?uncached=1",
            # and none of its fragments either (serving.fragments): the first page after a change of content
            "answer page, uncached, no fragments": f"{answer}?uncached=1&fragments=0",
            "law page, uncached": f"{LAW_PATH}?uncached=1",
            "article page, uncached": f"{LAW_PATH}articles/10/?uncached=1",
        }
    urls["search ?q=card"] = "/en/search/?q=card"
    for label, path in urls.items():
        status = fetch(base + path)[0]
        if status != 200:
            raise SystemExit(f"{label} {path} answered {status}")
    return urls


def own_language_answers(base, home):
    """The answer pages a home page links in its own language (a link to an answer in the other language has a
    `lang`); the Chinese site's when the English one has none."""
    answers = re.findall(r'href="(/en/questions/[^"]+/)">', home)
    if not answers:
        answers = re.findall(r'href="(/zh-hans/questions/[^"]+/)">', fetch(f"{base}/zh-hans/")[2])
    return answers


def cache_active(base, path):
    """Whether the answer page says it is cached: a validator, or a Cache-Control that lets caches keep it."""
    _, headers, _ = fetch(base + path)
    control = headers.get("Cache-Control", "")
    return bool(headers.get("ETag") or headers.get("Last-Modified") or "max-age" in control)


def measure(base, urls, args, rounds):
    for path in urls.values():  # warm up: templates, connections, the database's cache
        for _ in range(20):
            fetch(base + path)
    rows = {}
    for label, path in urls.items():
        rows[label] = []
        for _ in range(1 if label.startswith("static") or "uncached" in label else rounds):
            rate, p99, errors, _ = wrk(
                base + path, threads=args.threads, connections=args.connections, duration=args.duration
            )
            rows[label].append((rate, p99, errors))
    return rows


def report(title, urls, rows):
    print(f"\n### {title}\n")
    print("| page | URL | requests/s | p99 latency (ms) | errors |")
    print("|---|---|---|---|---|")
    for label, path in urls.items():
        for i, (rate, p99, errors) in enumerate(rows[label]):
            shown = label + (f" (round {i + 1})" if len(rows[label]) > 1 else "")
            print(f"| {shown} | `{path}` | {rate:,.0f} | {p99:.1f} | {errors} |")
    last = {label: runs[-1][0] for label, runs in rows.items()}
    ratios = {
        "answer page (cached) / static, target ≥ 0.8": ("answer page", "static: hashed stylesheet"),
        "answer page (cached) / cache floor, target ≥ 0.95": ("answer page", "cache floor: one cached value"),
        "answer page (uncached) / one-query page, target ≥ 0.3": ("answer page, uncached", "one-query page"),
        "answer page (uncached, no fragments) / one-query page": (
            "answer page, uncached, no fragments",
            "one-query page",
        ),
        "answer page / no-query page": ("answer page", "no-query: /robots.txt"),
    }
    shown = [f"{name}: {last[a] / last[b]:.3f}×" for name, (a, b) in ratios.items() if a in last and b in last]
    if shown:
        print("\n" + "; ".join(shown))
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", default=str(ROOT), help="the checkout to serve (default: this one)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (sscard_serve_bench) instead of SQLite")
    parser.add_argument("--redis", action="store_true", help="Redis as the cache (db 11)")
    parser.add_argument("--nginx", action="store_true", help="also through nginx (deploy/nginx/sscard-kb-http.conf)")
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c")
    parser.add_argument("--duration", default="6s", help="wrk -d")
    parser.add_argument("--rounds", type=int, help="rounds per page (default: 2 when a cache is active, else 1)")
    parser.add_argument("--port", type=int, default=8091, help="gunicorn's port; nginx listens on the next")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    parser.add_argument(
        "--database-name", default="sscard_serve_bench", help="the PostgreSQL database (sscard_serve…), recreated"
    )
    parser.add_argument("--redis-db", type=int, default=11, help="the Redis database number (flushed)")
    parser.add_argument(
        "--only", help="measure only the pages whose label contains one of these (comma-separated; e.g. 'answer page')"
    )
    args = parser.parse_args()

    reference_views = (Path(args.project) / "bench" / "floor_settings.py").exists()
    site = Site(
        args.project,
        postgres=args.postgres,
        redis=args.redis,
        workers=args.workers,
        port=args.port,
        answers=args.answers,
        database_url=f"postgres://postgres@127.0.0.1:5432/{args.database_name}" if args.postgres else None,
        redis_url=f"redis://127.0.0.1:6379/{args.redis_db}",
        settings_module="bench.floor_settings" if reference_views else None,
    )
    nginx = Nginx(site, port=args.port + 1) if args.nginx else None
    commit = subprocess.run(
        ["git", "-C", str(site.project), "log", "-1", "--format=%h (%cs) %s"], capture_output=True, text=True
    ).stdout.strip()
    try:
        site.prepare()
        site.start()
        urls = pages(site.url)
        if args.only:
            wanted = [part.strip() for part in args.only.split(",")]
            urls = {
                label: path
                for label, path in urls.items()
                if label.startswith("static") or any(w in label for w in wanted)
            }
        cached = cache_active(site.url, urls["answer page"])
        rounds = args.rounds or (2 if cached or args.redis else 1)
        database = "PostgreSQL (CONN_MAX_AGE=600)" if args.postgres else "SQLite"
        print(f"## {commit[:100]}\n")
        print(
            f"gunicorn, {args.workers} sync workers, DEBUG off; {database}"
            f"{', Redis cache' if args.redis else ''}; {args.answers} answers; "
            f"wrk -t{args.threads} -c{args.connections} -d{args.duration}; cache active: {'yes' if cached else 'no'}; "
            f"machine check {machine_check():.0f} ms"
        )
        report("Straight at gunicorn", urls, measure(site.url, urls, args, rounds))
        if nginx:
            nginx.start()
            tls_ok, tls_output = Nginx(site, port=args.port + 10).test(
                Nginx(site, port=args.port + 10).configure("sscard-kb.conf")
            )
            print(f"\nnginx -t: plain-HTTP variant ok; TLS variant {'ok' if tls_ok else 'FAILED: ' + tls_output}")
            report("Through nginx (deploy/nginx/sscard-kb-http.conf)", urls, measure(nginx.url, urls, args, rounds))
    finally:
        if nginx:
            nginx.stop()
        site.cleanup(keep=args.keep)
        log("stopped")


if __name__ == "__main__":
    main()
