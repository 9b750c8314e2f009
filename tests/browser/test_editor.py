"""An editor writes an answer in the admin's Markdown editor, in a real browser."""

import re

import pytest

from articles.models import Answer
from tests.factories import PASSWORD, make_user

BODY = (
    "Everyone may ask for their records: [[social-insurance-law 4(2)]].\n\n"
    "<script>window.injected = true; alert('xss')</script>\n\n"
    '<img src=x onerror="window.injected = true">'
)
ARTICLE_LINK = "a[href='/en/laws/social-insurance-law/articles/4/#paragraph-2']"


def is_error(message):
    # The browser asks for /favicon.ico on its own; the site has none yet. Nothing else may fail.
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


def watch_for_script(page):
    """Collect dialogs, console errors, page errors and failed responses: any of them means script ran or
    something broke (each names what failed)."""
    events = []
    page.on("dialog", lambda dialog: (events.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on(
        "console",
        lambda message: (
            is_error(message)
            and events.append(f"console: {message.text} ({message.location.get('url')}, on {page.url})")
        ),
    )
    page.on("pageerror", lambda error: events.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and events.append(f"response: {response.status} {response.request.method} {response.url}")
        ),
    )
    return events


def assert_rendered_safely(container, page):
    link = container.locator(ARTICLE_LINK)
    assert link.inner_text() == "paragraph 2 of Article 4 of the Social Insurance Law"
    assert container.locator("script, img").count() == 0
    assert "<script>window.injected = true; alert('xss')</script>" in container.inner_text()
    assert page.evaluate("window.injected") is None


@pytest.mark.django_db(transaction=True)
def test_editor_previews_and_saves_markdown_with_a_citation_and_a_script(live_server, page, imported):
    make_user("writer", "editor")
    events = watch_for_script(page)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/answer/add/")
    page.get_by_label("Username").fill("writer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/articles/answer/add/$"))

    page.get_by_label("Question").press_sequentially("Where can I see my social insurance records?")
    assert page.get_by_label("Slug").input_value() == "where-can-i-see-my-social-insurance-records"
    page.get_by_label("Topic").select_option(index=1)
    page.get_by_label("Language").select_option("en")  # its links to the law lead to the English site
    page.get_by_role("button", name="Add another Section").click()
    page.locator("#id_sections-0-heading").fill("Your right to ask")
    page.locator("#id_sections-0-body").fill(BODY)

    preview = page.locator("#sections-0 .markdownx-preview")
    preview.locator(ARTICLE_LINK).wait_for()
    assert_rendered_safely(preview, page)

    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".messagelist .success").wait_for()
    answer = Answer.objects.get(slug="where-can-i-see-my-social-insurance-records")
    assert [(c.provision.number, c.paragraph) for c in answer.citations.all()] == [(4, 2)]

    page.goto(f"{live_server.url}{answer.get_absolute_url()}")  # a draft: shown to staff as a preview
    assert page.get_by_role("heading", name="Where can I see my social insurance records?").is_visible()
    section = page.locator("section", has=page.get_by_role("heading", name="Your right to ask"))
    assert_rendered_safely(section, page)
    assert events == []


DROP_FILE = """([name, type, base64]) => {
    const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, {type}));
    const editor = document.querySelector("#id_sections-0-body");
    editor.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
}"""


@pytest.mark.django_db(transaction=True)
def test_editor_drops_images_on_the_editor_and_sees_why_one_is_refused(live_server, page, settings, tmp_path):
    import base64
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    make_user("writer", "editor")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/answer/add/")
    page.get_by_label("Username").fill("writer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/articles/answer/add/$"))
    page.get_by_role("button", name="Add another Section").click()
    editor = page.locator("#id_sections-0-body")

    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>').decode()
    page.evaluate(DROP_FILE, ["picture.png", "image/png", svg])
    alert = page.locator("#sections-0 .markdownx-upload-error")
    alert.wait_for()
    assert alert.inner_text() == "Only PNG and JPEG images can be uploaded; this file is neither."
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 100))")  # let markdownx finish its handler
    assert editor.input_value() == ""
    assert not any(tmp_path.rglob("*.*"))

    png = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(png, "PNG")
    page.evaluate(DROP_FILE, ["picture.png", "image/png", base64.b64encode(png.getvalue()).decode()])
    page.wait_for_function("() => document.querySelector('#id_sections-0-body').value.startsWith('![](')")
    assert re.fullmatch(r"!\[\]\(/media/markdownx/[0-9a-f]{32}\.png\)", editor.input_value())
    assert alert.count() == 0
    page.locator("#sections-0 .markdownx-preview img").wait_for()
