"""Control characters: C0 other than tab, line feed and carriage return (and DEL) are not text.

They are invisible, XML 1.0 forbids them (the feed could not be written) and no editor means to type
them. Forms refuse them (`ControlCharactersForm`), the source-text importer strips them and says where,
and output that must be XML strips what was stored before the forms refused them. Browsers post line
ends as CRLF: they are normalised to LF before anything is checked or stored.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def control_character_lines(text: str) -> list[int]:
    """The numbers of the lines (from 1) of `text` that hold a control character."""
    lines = []
    for match in CONTROL_CHARACTERS.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def refuse_control_characters(value):
    """A form validator (of a text, or of a list of texts): a clear error naming the first control character."""
    for text in value if isinstance(value, list | tuple) else [value]:
        if isinstance(text, str) and (match := CONTROL_CHARACTERS.search(text)):
            raise forms.ValidationError(
                _(
                    "The text holds the invisible control character U+%(code)s (at character %(position)s): "
                    "remove it. Only tabs and line breaks are allowed."
                ),
                code="control_character",
                params={"code": f"{ord(match.group()):04X}", "position": match.start() + 1},
            )


class ControlCharactersForm:
    """A form mixin: its text fields have line ends as LF and refuse control characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        text_fields = [
            name
            for name, field in self.fields.items()
            if isinstance(field, forms.CharField) and not isinstance(field, forms.JSONField)
        ]
        for name in text_fields:
            if refuse_control_characters not in self.fields[name].validators:
                self.fields[name].validators.append(refuse_control_characters)
        if self.is_bound:
            self.data = _normalized(self.data, [self.add_prefix(name) for name in text_fields])


def _normalized(data, keys):
    """`data` (a QueryDict or a dict) with the line ends of the values of `keys` as LF."""
    getlist = data.getlist if hasattr(data, "getlist") else lambda key: [data[key]] if key in data else []
    if not any(isinstance(value, str) and "\r" in value for key in keys for value in getlist(key)):
        return data
    data = data.copy()
    for key in keys:
        if key not in data:
            continue
        if hasattr(data, "setlist"):
            data.setlist(key, [normalize_newlines(value) for value in data.getlist(key)])
        elif isinstance(data[key], str):
            data[key] = normalize_newlines(data[key])
    return data
