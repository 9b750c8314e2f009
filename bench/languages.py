"""Time each reader page type in both languages, built and from the page cache, in process.

Self-contained: it builds a throwaway in-memory SQLite database, loads the law texts (fixtures/laws/), imports
fixtures/source/ (English answers) and writes a Chinese translation of one of them, then requests every page
type under /zh-hans/ and /en/ with Django's test client (the whole middleware stack, the process's memory as the
cache): built (the cache emptied before each request) and served from the cache. It prints the median and the
95th percentile of each, so that the two languages can be compared, and the cost of a redirect (`/`, a former
address). No network, no web server: the figures are the application's own time.

    .venv/bin/python bench/languages.py [--rounds 200]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/: its http.py would hide the standard library's http
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscard_kb.test_settings")
os.environ["SEARCH_RATE_LIMIT"] = "1000000"  # one client asks many times


def timings(client, url, rounds, clear=None, status=200, **headers):
    """(median, p95) in milliseconds of `rounds` requests of `url` (after one to warm up, which must answer
    `status`)."""
    answered = client.get(url, headers=headers).status_code
    if answered != status:
        raise SystemExit(f"{url} answered {answered}, not {status}")
    samples = []
    for _ in range(rounds):
        if clear:
            clear()
        started = time.perf_counter()
        client.get(url, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from articles.models import Answer, Citation, Language, Section
    from articles.services import link_translations, save_answer
    from legal_refs.lawtext.loader import import_law_paths
    from legal_refs.models import Provision

    setup_test_environment()
    call_command("migrate", verbosity=0)
    import_law_paths([ROOT / "fixtures" / "laws"])
    call_command("import_source_texts", str(ROOT / "fixtures" / "source"), verbosity=0, stdout=open(os.devnull, "w"))
    english = Answer.objects.order_by("pk").first()
    four = Provision.objects.get(law__slug="social-insurance-law", number=4)
    question = "社保卡可以中途升级吗？去哪里办？"
    chinese = Answer(question=question, slug="社保卡可以中途升级吗", topic=english.topic, language=Language.ZH_HANS)
    chinese.status = english.status
    save_answer(
        chinese,
        sections=[Section(kind="methods", body="1. 线上升级：登录社保卡服务平台。\n2. 线下升级：到社保经办机构办理。")],
        citations=[Citation(provision=four, paragraph=2)],
    )
    link_translations(chinese, english)

    law = "laws/social-insurance-law/"
    paths = {
        "home": "",
        "topic": f"topics/{english.topic.slug}/",
        "answer (its own language)": None,
        "laws": "laws/",
        "law (98 articles)": law,
        "article": f"{law}articles/4/",
        "search ?q=card": "search/?q=card",
    }
    client = Client()
    print(f"{args.rounds} requests each; milliseconds, median / p95\n")
    print("| page | zh-hans built | en built | zh-hans cached | en cached |\n|---|---|---|---|---|")
    for label, path in paths.items():
        row = []
        for kind in ("built", "cached"):
            for code in ("zh-hans", "en"):
                answer = chinese if code == "zh-hans" else english
                url = answer.get_absolute_url() if path is None else f"/{code}/{path}"
                if kind == "cached" and path and path.startswith("search/"):
                    row.append("not cached")
                    continue
                median, p95 = timings(client, url, args.rounds, cache.clear if kind == "built" else None)
                row.append(f"{median:.2f} / {p95:.2f}")
        print(f"| {label} | " + " | ".join(row) + " |")
    for label, url, status, headers in [
        ("/ (302 by Accept-Language)", "/", 302, {"Accept-Language": "en-US,en;q=0.9"}),
        ("/laws/ (301 to /en/laws/)", "/laws/", 301, {}),
    ]:
        median, p95 = timings(client, url, args.rounds, status=status, **headers)
        print(f"| {label} | {median:.2f} / {p95:.2f} | | | |")


if __name__ == "__main__":
    main()
