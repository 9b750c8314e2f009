"""How long the one Markdown renderer takes: a typical section, one with inline citations, the XSS corpus, and
the worst cases: hostile texts, refused by the caps (in the time the check takes), and the slowest texts
within the caps.

Run after `make setup` (it reads the law articles of the development database):

    DEBUG=true .venv/bin/python bench/render_markdown.py
"""

import os
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/: its http.py would hide the standard library's http
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscard_kb.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.markdown import MAX_LENGTH, MarkdownTooComplex, render_markdown  # noqa: E402
from tests.articles.xss import VECTORS  # noqa: E402

PLAIN = (
    "Apply at a service hall of the social insurance agency.\n\n"
    "1. **Bring:** your identity card and the old card.\n"
    "2. **Fill in:** the application form.\n"
    "3. **Wait:** the new card is ready in about 20 working days.\n\n"
    "> Keep the receipt; you need it to collect the card.\n\n"
    "See [the topic page](/topics/social-security-inquiry/) for more. "
) * 4
CITING = PLAIN + "As [[social-insurance-law 4]] and [[social-insurance-law 4(2)]] and [[social-insurance-law 10]] say."
CORPUS = "\n\n".join(VECTORS)


def measure(label, text, number=200):
    seconds = min(timeit.repeat(lambda: render_markdown(text), number=number, repeat=5)) / number
    with CaptureQueriesContext(connection) as queries:
        render_markdown(text)
    print(f"{label:<40} {len(text):>6} chars  {seconds * 1000:7.3f} ms  {len(queries)} queries")


measure("typical section, no citations", PLAIN)
measure("typical section, 3 inline citations", CITING)
measure(f"XSS corpus ({len(VECTORS)} vectors, one text)", CORPUS, number=50)


def worst(label, text):
    """One render of `text` (refused or not): the time it takes, once."""
    start = timeit.default_timer()
    try:
        render_markdown(text)
        outcome = "rendered"
    except MarkdownTooComplex as error:
        outcome = f"refused ({error.code})"
    seconds = timeit.default_timer() - start
    print(f"{label:<40} {len(text):>7} chars  {seconds * 1000:9.1f} ms  {outcome}")


print("\nWorst cases (before the caps: '[' x 10,000 took 12.6 s, '[x](' x 20,000 81 s, 300 levels a RecursionError)")
worst("'[' x 10,000", "[" * 10_000)
worst("'[' x 50,000", "[" * 50_000)
worst("'[x](' x 20,000", "[x](" * 20_000)
worst("'[a][' x 20,000", "[a][" * 20_000)
worst("list nested 300 deep", "".join("    " * level + "* a\n" for level in range(300)))
worst("'* ' x 1,000", "* " * 1000 + "x")
worst("one character over the length cap", "a" * (MAX_LENGTH + 1))
worst("'[' x 1,000 then ']' x 1,000 (allowed)", "[" * 1000 + "]" * 1000)
worst("5 unclosed '[' in 200,000 chars (allowed)", "[" * 5 + "a " * 99_000)
worst("40 levels of lists (allowed)", "".join("    " * level + "* a\n" for level in range(40)))
worst("200,000 chars of links (allowed)", ("[a link](/topics/x/) and `code` **b** *i* " * 10 + "\n\n")[:MAX_LENGTH])
worst(
    "200,000 chars of links (allowed, full)", (("[a link](/x/) and `code` **b** *i* " * 10 + "\n\n") * 600)[:MAX_LENGTH]
)
