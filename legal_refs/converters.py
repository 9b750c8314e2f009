"""URL converters: slugs that keep Unicode letters (`slugify(..., allow_unicode=True)`), and ISO dates."""

import datetime

from django.urls import register_converter


class UnicodeSlugConverter:
    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class DateConverter:
    """YYYY-MM-DD, a real day: 2019-02-30 matches no URL (a ValueError is a 404)."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value):
        return datetime.date.fromisoformat(value)

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


register_converter(UnicodeSlugConverter, "uslug")
register_converter(DateConverter, "isodate")
