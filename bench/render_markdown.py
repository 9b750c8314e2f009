"""How long the one Markdown renderer takes: a typical section, one with inline citations, the XSS corpus.

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

from articles.markdown import render_markdown  # noqa: E402
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
