"""Playwright driving Debian's Chromium (never a downloaded browser) against `live_server`."""

import os
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from tests.conftest import ROOT, require_tool

# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# by fixtures there are safe because the live server has its own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class SerialWSGIServer(WSGIServer):
    """The live server, answering one request at a time.

    On SQLite the test database is in memory, and every request of the live server uses the test's one
    connection: Django's threaded live server lets two requests (a page and the editor's preview, say)
    use it at once, which now and then mixes up their rows (a 500 or a 403 that is no bug of the site).
    One request at a time keeps the browser tests deterministic; the browser's requests simply queue.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # the live server thread applies `connections_override` itself


@pytest.fixture(scope="session", autouse=True)
def serial_live_server():
    threaded, LiveServerThread.server_class = LiveServerThread.server_class, SerialWSGIServer
    yield
    LiveServerThread.server_class = threaded


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    require_tool(CHROMIUM.exists(), f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def axe_violations():
    """A function that runs axe-core (WCAG 2.2 A and AA rules) in a page and returns its violations."""
    require_tool(AXE_JS.exists(), "axe-core is missing: run `npm ci`")
    source = AXE_JS.read_text()

    def run(page):
        page.add_script_tag(content=source)
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        return [
            f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in result["violations"]
        ]

    return run
