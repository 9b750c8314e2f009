"""The Markdown editor's preview and upload endpoints: who may use them, and what an upload may be."""

import io
import re
import zlib

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from tests.articles.admin_forms import PREVIEW_URL
from tests.factories import make_user

UPLOAD_URL = reverse("admin:articles_answer_upload")
LOGIN_URL = reverse("admin:login")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media):
    return sorted(p for p in media.rglob("*") if p.is_file())


def png_bytes(size=(40, 30), **save_options):
    out = io.BytesIO()
    Image.new("RGBA", size, (200, 30, 30, 128)).save(out, "PNG", **save_options)
    return out.getvalue()


def jpeg_bytes(size=(40, 30), **save_options):
    out = io.BytesIO()
    Image.new("RGB", size, (30, 30, 200)).save(out, "JPEG", **save_options)
    return out.getvalue()


def upload(client, content, name="picture.png", content_type="image/png"):
    return client.post(
        UPLOAD_URL,
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


def staff_without_answer_permissions():
    user = make_user("viewer")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_answer"))
    return user


# Who may use them


@pytest.mark.parametrize("url", [PREVIEW_URL, UPLOAD_URL])
def test_anonymous_and_non_staff_are_sent_to_the_login_page(client, db, url, media):
    data = {"content": "**bold**", "image": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
    client.force_login(make_user("reader"))
    data["image"].seek(0)
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
    assert b"<strong>" not in response.content
    assert stored_files(media) == []


@pytest.mark.parametrize("url", [PREVIEW_URL, UPLOAD_URL])
def test_staff_who_may_not_change_answers_get_403(client, db, url, media):
    client.force_login(staff_without_answer_permissions())
    data = {"content": "**bold**", "image": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")}
    response = client.post(url, data)
    assert response.status_code == 403
    assert b"<strong>" not in response.content
    assert stored_files(media) == []


def test_preview_renders_for_editors_and_only_on_post(client, db):
    client.force_login(make_user("editor", "editor"))
    assert client.get(PREVIEW_URL, {"content": "**bold**"}).status_code == 405
    response = client.post(PREVIEW_URL, {"content": "**bold** <b>raw</b>"})
    assert response.content == b"<p><strong>bold</strong> &lt;b&gt;raw&lt;/b&gt;</p>"
    assert client.post(PREVIEW_URL, {}).content == b""


def test_preview_needs_the_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("editor", "editor"))
    assert client.post(PREVIEW_URL, {"content": "x"}).status_code == 403


# What an upload may be


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_user("editor", "editor"))
    return client


def test_png_upload_is_reencoded_and_stored_under_a_random_name(editor_client, media):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    payload = png_bytes(pnginfo=info) + b"<html><script>alert(1)</script></html>"
    response = upload(editor_client, payload, name="holiday photo.html")
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert re.fullmatch(r"!\[\]\(/media/markdownx/[0-9a-f]{32}\.png\)", code)
    [stored] = stored_files(media)
    assert stored.name == code.rsplit("/", 1)[1][:-1]
    data = stored.read_bytes()
    assert b"script" not in data and b"Comment" not in data
    with Image.open(stored) as image:
        assert image.format == "PNG" and image.size == (40, 30) and image.mode == "RGBA"
        assert image.getpixel((0, 0)) == (200, 30, 30, 128)


def test_jpeg_upload_loses_its_exif_metadata(editor_client, media):
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    exif[0x8825] = {2: (1.0, 2.0, 3.0)}  # GPS
    response = upload(editor_client, jpeg_bytes(exif=exif.tobytes()), name="x.png", content_type="image/png")
    assert response.status_code == 200
    assert response.json()["image_code"].endswith(".jpg)")
    [stored] = stored_files(media)
    assert b"secret description" not in stored.read_bytes()
    with Image.open(stored) as image:
        assert image.format == "JPEG" and not image.getexif()


def test_large_image_is_scaled_down_to_fit(editor_client, media, settings):
    assert upload(editor_client, png_bytes(size=(3200, 800))).status_code == 200
    [stored] = stored_files(media)
    with Image.open(stored) as image:
        assert image.size == (1600, 400)


REJECTED = [
    ("svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
    ("svg sent as png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/png"),
    ("html sent as png", b"<!DOCTYPE html><script>alert(1)</script>", "image/png"),
    ("gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,", "image/gif"),
    ("truncated png", png_bytes()[:60], "image/png"),
    ("png header only", b"\x89PNG\r\n\x1a\n", "image/png"),
]


@pytest.mark.parametrize(("label", "content", "content_type"), REJECTED, ids=[r[0] for r in REJECTED])
def test_anything_but_png_or_jpeg_is_refused_with_a_clear_message(editor_client, media, label, content, content_type):
    response = upload(editor_client, content, content_type=content_type)
    assert response.status_code == 400
    assert response.json() == {"image": ["Only PNG and JPEG images can be uploaded; this file is neither."]}
    assert stored_files(media) == []


def test_file_over_the_size_limit_is_refused(editor_client, media, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 1024
    response = upload(editor_client, png_bytes() + b"\0" * (3072 - len(png_bytes())))
    assert response.status_code == 400
    assert response.json()["image"] == ["The file is larger than 1.0\xa0KB; images may be at most 1.0\xa0KB."]
    assert stored_files(media) == []


@pytest.fixture
def bytes_stored(monkeypatch):
    """The bytes of uploaded files that reach Django's own upload handlers (memory or temporary file)."""
    from django.core.files import uploadhandler

    received = []
    for handler in (uploadhandler.MemoryFileUploadHandler, uploadhandler.TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def counting(self, raw_data, start, original=original):
            received.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    return received


def test_a_body_announced_over_the_limit_is_not_read(editor_client, media, bytes_stored):
    """30 MB were read in full before the size was checked."""
    response = upload(editor_client, png_bytes() + b"\0" * 30_000_000)
    assert response.status_code == 400
    assert response.json()["image"] == ["The file is larger than 5.0\xa0MB; images may be at most 5.0\xa0MB."]
    assert sum(bytes_stored) == 0
    assert stored_files(media) == []


def test_a_body_is_cut_off_where_its_file_passes_the_limit():
    """A body that says nothing of its length, or less than it holds, is read no further than the limit."""
    from django.core.files.uploadhandler import StopUpload

    from articles.uploads import LimitedUploadHandler

    handler = LimitedUploadHandler(None, limit=100)
    assert handler.handle_raw_input(None, {}, 50, b"boundary") is None
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(StopUpload) as stopped:
        handler.receive_data_chunk(b"x" * 60, 60)
    assert stopped.value.connection_reset and handler.too_large


def test_upload_needs_the_csrf_token(db, media):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("editor", "editor"))
    assert upload(client, png_bytes()).status_code == 403
    assert stored_files(media) == []


def test_a_decompression_bomb_is_reported_as_too_many_pixels(editor_client, media, settings):
    """A PNG past Pillow's own pixel limit (Image.MAX_IMAGE_PIXELS) was "neither PNG nor JPEG"."""
    settings.EDITOR_IMAGE_MAX_PIXELS = 10**12  # so that Pillow's check is the one that fires
    small = png_bytes(size=(1, 1))
    header = b"IHDR" + (20_000).to_bytes(4, "big") * 2 + small[24:29]  # 20,000 × 20,000 pixels, the rest as is
    bomb = small[:12] + header + zlib.crc32(header).to_bytes(4, "big") + small[33:]
    response = upload(editor_client, bomb)
    assert response.status_code == 400
    assert response.json()["image"] == [
        "The image is too large in pixels; images may have at most 1000000000000 pixels."
    ]


def test_image_with_too_many_pixels_is_refused(editor_client, media, settings):
    settings.EDITOR_IMAGE_MAX_PIXELS = 1000
    response = upload(editor_client, png_bytes(size=(50, 50)))
    assert response.status_code == 400
    assert response.json()["image"] == ["The image is 50 × 50 pixels; images may have at most 1000 pixels."]
    assert stored_files(media) == []


def test_upload_without_a_file_is_refused(editor_client, media):
    response = editor_client.post(UPLOAD_URL, {})
    assert response.status_code == 400
    assert response.json() == {"image": ["Choose a PNG or JPEG image to upload."]}


def test_markdownx_uses_the_site_renderer_and_its_unprotected_urls_are_not_served(client, db):
    from django.utils.module_loading import import_string
    from markdownx import settings as markdownx_settings

    from articles.markdown import render_markdown

    assert import_string(markdownx_settings.MARKDOWNX_MARKDOWNIFY_FUNCTION) is render_markdown
    for path in ("/markdownx/markdownify/", "/markdownx/upload/"):
        assert client.post(path, {"content": "x"}).status_code == 404


def test_multi_picture_jpeg_is_stored_as_a_jpeg_of_its_first_picture(editor_client, media):
    out = io.BytesIO()
    first, second = Image.new("RGB", (40, 30), (10, 200, 10)), Image.new("RGB", (40, 30), (0, 0, 0))
    first.save(out, "MPO", save_all=True, append_images=[second])
    response = upload(editor_client, out.getvalue(), name="phone.jpg", content_type="image/jpeg")
    assert response.status_code == 200
    assert re.fullmatch(r"!\[\]\(/media/markdownx/[0-9a-f]{32}\.jpg\)", response.json()["image_code"])
    [stored] = stored_files(media)
    with Image.open(stored) as image:
        assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
