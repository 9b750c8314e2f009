# ruff: noqa: S310 (a benchmark: it opens URLs of its own servers)
"""Two app servers sharing PostgreSQL and Redis: a change made through one shows on the other's very next request.

Run by hand from the project folder (docs/benchmarks.md, "Two app servers"):

    .venv/bin/python -u bench/two_servers.py

It serves this checkout twice, as bench/http.py does (gunicorn, 2 workers each, DEBUG off) on one PostgreSQL
database (sscard_serve_bench, recreated) and one Redis cache (db 11), with --answers answers. It reads a topic's
page from server B (so that B has it cached), renames the topic through server A's admin (signed in as a
superuser, as an editor would), and reads the page from B again at once, --rounds times. B reads the page
eight times first, so that each of its workers serves it from its own copy (serving.pages.LocalPages). It
prints, for each round, whether B's next response showed the new title and how long after A's answer it came.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/: bench/http.py would hide the standard library's http

import argparse  # noqa: E402
import html.parser  # noqa: E402
import http.cookiejar  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402

from bench.production import Site, log  # noqa: E402


def signed_in(site, username, password):
    """An opener with a staff session on `site` (the admin's own sign-in form)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = f"{site.url}/admin/login/"
    page = opener.open(login).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
    ).encode()
    opener.open(urllib.request.Request(login, data=data, headers={"Referer": login}))
    return opener


class FormFields(html.parser.HTMLParser):
    """The fields a browser would post from a page's form: inputs (checkboxes when checked), text areas and the
    selected option of each select."""

    def __init__(self):
        super().__init__()
        self.fields = []
        self.textarea = None
        self.select = None
        self.first = None
        self.chosen = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") not in {"checkbox", "radio"} or "checked" in attrs:
                self.fields.append((name, attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select, self.first, self.chosen = name, None, False
        elif tag == "option" and self.select:
            if "selected" in attrs:
                self.fields.append((self.select, attrs.get("value") or ""))
                self.chosen = True
            elif self.first is None:
                self.first = attrs.get("value") or ""

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select" and self.select:
            if not self.chosen and self.first is not None:  # none selected: a browser posts the first option
                self.fields.append((self.select, self.first))
            self.select = None


def rename(opener, site, pk, title):
    """Rename topic `pk` through the site's admin change form (its other fields posted as they are)."""
    url = f"{site.url}/admin/articles/topic/{pk}/change/"
    form = FormFields()
    form.feed(opener.open(url).read().decode())
    fields = [(name, title if name == "title" else value) for name, value in form.fields if not name.startswith("_")]
    data = urllib.parse.urlencode(fields)
    response = opener.open(urllib.request.Request(url, data=data.encode(), headers={"Referer": url}))
    if "/admin/articles/topic/" not in response.url or response.url.endswith("/change/"):
        raise SystemExit(f"the rename was not saved: {response.url}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, default=8101, help="server A's port; B listens on the next")
    args = parser.parse_args()

    a = Site(ROOT, postgres=True, redis=True, port=args.port, answers=args.answers)
    b = Site(ROOT, postgres=True, redis=True, port=args.port + 1, answers=0)
    for name in ("SECRET_KEY", "STATIC_ROOT", "MEDIA_ROOT"):  # one site: the same secret and files
        b.env[name] = b.serve_env[name] = a.env[name]
    password = secrets.token_urlsafe(16)
    try:
        a.prepare()
        code = (
            "from django.contrib.auth import get_user_model; "
            f"get_user_model().objects.create_superuser('bench', 'bench@example.org', '{password}'); "
            "from articles.models import Topic; t = Topic.objects.order_by('pk').first(); print(t.pk, t.slug)"
        )
        pk, slug = a.manage("shell", "-c", code).split()[-2:]
        a.start()
        b.start()
        opener = signed_in(a, "bench", password)
        page = f"{b.url}/topics/{slug}/"
        print("## Two app servers sharing PostgreSQL and Redis\n")
        print(f"server A {a.url}, server B {b.url}; the page {page} (read from B, renamed through A's admin)\n")
        print("| round | B's next request shows the new title | seconds after A answered |")
        print("|---|---|---|")
        for round_number in range(1, args.rounds + 1):
            for _ in range(8):  # B builds the page, serves it from Redis, then from its workers' copies
                urllib.request.urlopen(page).read()
            title = f"Renamed topic {round_number} {secrets.token_hex(3)}"
            rename(opener, a, pk, title)
            answered = time.perf_counter()
            after = urllib.request.urlopen(page).read().decode()
            seconds = time.perf_counter() - answered
            print(f"| {round_number} | {'yes' if title in after else 'NO'} | {seconds:.3f} |")
    finally:
        b.stop()
        a.cleanup()
        shutil.rmtree(b.tmp, ignore_errors=True)
        log("stopped")


if __name__ == "__main__":
    main()
