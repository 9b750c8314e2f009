"""Images uploaded from the Markdown editor: PNG and JPEG only, checked by content and re-encoded.

The file's name and declared type are ignored. Pillow is only allowed to
recognise PNG and JPEG; the pixels are then copied into a fresh image and
encoded again, which drops metadata (EXIF, text chunks, ICC profiles) and
anything appended to the file. The result is stored under a random name with
the extension of its real format, so it is never served as anything else.

The size limit is kept while the request is read (`LimitedUploadHandler`): a body announced larger is not
read at all, and one that grows past it is cut off. The pixel limit is checked from the image's header,
before any pixel is decoded; Pillow's own decompression-bomb check is reported as what it is.
"""

import io
import uuid

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"PNG": "png", "JPEG": "jpg"}
MULTIPART_OVERHEAD = 16 * 1024  # the boundaries, headers and CSRF token around the file in a request body


def max_upload_bytes():
    return settings.MARKDOWNX_UPLOAD_MAX_SIZE


def max_pixels():
    return settings.EDITOR_IMAGE_MAX_PIXELS


def max_dimensions():
    return settings.MARKDOWNX_IMAGE_MAX_SIZE["size"]


class LimitedUploadHandler(FileUploadHandler):
    """First of the request's upload handlers: stops reading a body that is larger than `limit` allows.

    A body announced larger (Content-Length) is not read; one whose files grow past `limit` is cut off there
    (`StopUpload` with the connection reset, so the rest is never read). `too_large` says it happened."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit, self.received, self.too_large = limit, 0, False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803 (Django's name)
        if content_length > self.limit + MULTIPART_OVERHEAD:
            self.too_large = True
            return QueryDict(encoding=encoding), MultiValueDict()  # parse nothing: the body is left unread
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_error():
    return forms.ValidationError(
        _("The file is larger than %(limit)s; images may be at most %(limit)s."),
        code="too_large",
        params={"limit": filesizeformat(max_upload_bytes())},
    )


def too_many_pixels_error(width=None, height=None):
    if width is None:
        return forms.ValidationError(
            _("The image is too large in pixels; images may have at most %(limit)s pixels."),
            code="too_many_pixels",
            params={"limit": max_pixels()},
        )
    return forms.ValidationError(
        _("The image is %(width)s × %(height)s pixels; images may have at most %(limit)s pixels."),
        code="too_many_pixels",
        params={"width": width, "height": height, "limit": max_pixels()},
    )


def reencode(image):
    """A clean copy of `image` in its own format (PNG or JPEG), no larger than the configured dimensions."""
    image_format = "JPEG" if image.format == "MPO" else image.format
    if image_format == "JPEG":
        image.draft("RGB", max_dimensions())  # decode at a half, a quarter or an eighth of the size if that fits
    ImageOps.exif_transpose(image, in_place=True)  # keep the orientation the EXIF data asked for (no copy)
    image.thumbnail(max_dimensions())
    if image_format == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in {"RGB", "RGBA", "L", "LA"}:
        image = image.convert("RGBA")
    clean = Image.frombytes(image.mode, image.size, image.tobytes())  # pixels only: no info, no metadata
    out = io.BytesIO()
    if image_format == "JPEG":
        clean.save(out, "JPEG", quality=settings.MARKDOWNX_IMAGE_MAX_SIZE.get("quality", 85), optimize=True)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue()


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        label=_("image"),
        error_messages={"required": _("Choose a PNG or JPEG image to upload."), "empty": _("The file is empty.")},
    )

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s; images may be at most %(limit)s."),
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_upload_bytes())},
            )
        not_an_image = forms.ValidationError(
            _("Only PNG and JPEG images can be uploaded; this file is neither."), code="format"
        )
        try:
            with Image.open(upload, formats=list(FORMATS)) as image:  # reads the header only
                if image.width * image.height > max_pixels():
                    raise too_many_pixels_error(image.width, image.height)
                # A multi-picture JPEG (MPO, as phones make) is kept as a JPEG of its first picture.
                self.image_format = "JPEG" if image.format == "MPO" else image.format
                self.image_bytes = reencode(image)  # decodes the pixels, reduced where the format allows
        except Image.DecompressionBombError as error:  # past Pillow's own limit, from the header
            raise too_many_pixels_error() from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise not_an_image from error
        return upload

    def save(self):
        """Store the re-encoded image under a random name; return its URL."""
        name = f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{FORMATS[self.image_format]}"
        return default_storage.url(default_storage.save(name, ContentFile(self.image_bytes)))
