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
    """A function that runs axe-core (WCAG 2.2 A and AA rules) in a page and returns its violations, one line per
    rule: its id, what it asks and the elements that break it (`assert_no_axe_violations` reports them)."""
    require_tool(AXE_JS.exists(), "axe-core is missing: run `npm ci`")
    source = AXE_JS.read_text()

    def run(page):
        if not page.evaluate("() => typeof axe !== 'undefined'"):  # an `axe_page` has it already
            page.add_script_tag(content=source)
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        return [describe_violation(v) for v in result["violations"]]

    return run


def describe_violation(violation, shown=5):
    """`rule-id: what the rule asks (the first elements that break it, as CSS selectors)`."""
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    more = f", and {len(targets) - shown} more" if len(targets) > shown else ""
    return f"{violation['id']}: {violation['help']} ({', '.join(targets[:shown])}{more})"


def assert_no_axe_violations(found):
    """Fail with every page's violations, one page a paragraph, if axe-core found any (`found`: page name to the
    list `axe_violations` returned)."""
    __tracebackhide__ = True  # the failure is reported at the test's line
    failing = {name: violations for name, violations in found.items() if violations}
    if failing:
        report = "\n".join(
            f"{name}:\n" + "\n".join(f"  {violation}" for violation in violations)
            for name, violations in failing.items()
        )
        pytest.fail(f"axe-core found violations on {len(failing)} of {len(found)} pages:\n{report}")


@pytest.fixture
def axe_page(browser, axe_violations):
    """A page for axe-core: its context bypasses the site's CSP (which forbids the script axe-core is) and loads
    axe-core into every document it opens, so that a check does not send it to the page again."""
    context = browser.new_context(bypass_csp=True)
    context.add_init_script(path=AXE_JS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
