"""Print the transferred size of each answer page, of the law pages (HTML) and of the stylesheet, raw and
gzipped.

Self-contained: it builds a throwaway in-memory SQLite database, loads the law
texts (fixtures/laws/), imports fixtures/source/, renders each published answer
page, the list of laws, each law's table of contents (the Social Insurance Law:
98 articles) and an amended article with Django's test client and compresses
each as it would travel. The stylesheet is gzipped
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
sys.path[0] = str(ROOT)  # the project, not bench/: its http.py would hide the standard library's http
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscard_kb.test_settings")


def main():
    import django

    django.setup()
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from whitenoise.compress import Compressor

    from articles.models import Answer
    from legal_refs.lawtext.loader import import_law_paths
    from legal_refs.models import Law

    setup_test_environment()
    call_command("migrate", verbosity=0)
    import_law_paths([ROOT / "fixtures" / "laws"])
    call_command("import_source_texts", str(ROOT / "fixtures" / "source"), verbosity=0, stdout=open(os.devnull, "w"))

    css = Path(finders.find("css/site.css")).read_bytes()
    css_gz = len(Compressor.compress_gzip(css))
    print(f"{'static/css/site.css':<72} raw {len(css):>6} B   gzip-9 (WhiteNoise) {css_gz:>5} B")

    client = Client()

    def show(url, what):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content
        html_gz6 = len(gzip.compress(html, compresslevel=6, mtime=0))
        html_gz9 = len(Compressor.compress_gzip(html))
        print(f"{url:<72} raw {len(html):>6} B   gzip-6 {html_gz6:>5} B   gzip-9 {html_gz9:>5} B")
        print(f"{f'  {what} + stylesheet, transferred (HTML gzip-6 + CSS gzip-9)':<72} {html_gz6 + css_gz:>5} B")

    for answer in Answer.objects.published().order_by("pk"):
        show(answer.get_absolute_url(), "answer page")
    show(reverse("legal_refs:laws"), "list of laws")
    for law in Law.objects.order_by("pk"):
        show(law.get_absolute_url(), f"law page ({law.provisions.count()} articles)")
    show(reverse("legal_refs:provision", kwargs={"slug": "social-insurance-law", "number": 57}), "article page")


if __name__ == "__main__":
    main()
