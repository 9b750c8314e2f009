"""Images uploaded from the Markdown editor: PNG and JPEG only, checked by content and re-encoded.

The file's name and declared type are ignored. Pillow is only allowed to
recognise PNG and JPEG; the pixels are then copied into a fresh image and
encoded again, which drops metadata (EXIF, text chunks, ICC profiles) and
anything appended to the file. The result is stored under a random name with
the extension of its real format, so it is never served as anything else.
"""

import io
import uuid

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"PNG": "png", "JPEG": "jpg"}


def max_upload_bytes():
    return settings.MARKDOWNX_UPLOAD_MAX_SIZE


def max_pixels():
    return settings.EDITOR_IMAGE_MAX_PIXELS


def max_dimensions():
    return settings.MARKDOWNX_IMAGE_MAX_SIZE["size"]


def reencode(image):
    """A clean copy of `image` in its own format (PNG or JPEG), no larger than the configured dimensions."""
    image_format = "JPEG" if image.format == "MPO" else image.format
    image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF data asked for, then drop the data
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
            with Image.open(upload, formats=list(FORMATS)) as image:
                if image.width * image.height > max_pixels():
                    raise forms.ValidationError(
                        _("The image is %(width)s × %(height)s pixels; images may have at most %(limit)s pixels."),
                        code="too_many_pixels",
                        params={"width": image.width, "height": image.height, "limit": max_pixels()},
                    )
                image.load()
                # A multi-picture JPEG (MPO, as phones make) is kept as a JPEG of its first picture.
                self.image_format = "JPEG" if image.format == "MPO" else image.format
                self.image_bytes = reencode(image)
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
            raise not_an_image from error
        return upload

    def save(self):
        """Store the re-encoded image under a random name; return its URL."""
        name = f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{FORMATS[self.image_format]}"
        return default_storage.url(default_storage.save(name, ContentFile(self.image_bytes)))
