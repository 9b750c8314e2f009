"""Print the transferred size of each answer page (HTML) and of the stylesheet, raw and gzipped.

Self-contained: it builds a throwaway in-memory SQLite database, loads the law,
imports fixtures/source/, renders each published answer page with Django's
test client and compresses it as it would travel. The stylesheet is gzipped
exactly as WhiteNoise's `CompressedManifestStaticFilesStorage` stores it
(`whitenoise.compress.Compressor.compress_gzip`, level 9); the HTML, which a
server or proxy compresses on the fly, is shown at gzip level 6 (nginx and
most servers) and 9.

    .venv/bin/python bench/page_size.py
"""

import gzip
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscard_kb.test_settings")


def main():
    import django

    django.setup()
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from whitenoise.compress import Compressor

    from articles.models import Answer

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("loaddata", str(ROOT / "fixtures" / "social_insurance_law.json"), verbosity=0)
    call_command("import_source_texts", str(ROOT / "fixtures" / "source"), verbosity=0, stdout=open(os.devnull, "w"))

    css = Path(finders.find("css/site.css")).read_bytes()
    css_gz = len(Compressor.compress_gzip(css))
    print(f"{'static/css/site.css':<72} raw {len(css):>6} B   gzip-9 (WhiteNoise) {css_gz:>5} B")

    client = Client()
    for answer in Answer.objects.published().order_by("pk"):
        html = client.get(answer.get_absolute_url()).content
        html_gz6 = len(gzip.compress(html, compresslevel=6, mtime=0))
        html_gz9 = len(Compressor.compress_gzip(html))
        print(f"{answer.get_absolute_url():<72} raw {len(html):>6} B   gzip-6 {html_gz6:>5} B   gzip-9 {html_gz9:>5} B")
        print(f"{'  answer page + stylesheet, transferred (HTML gzip-6 + CSS gzip-9)':<72} {html_gz6 + css_gz:>5} B")


if __name__ == "__main__":
    main()
