from django import forms

from textkit.controls import (
    ControlCharactersForm,
    control_character_lines,
    normalize_newlines,
    strip_control_characters,
)


class NoteForm(ControlCharactersForm, forms.Form):
    title = forms.CharField()
    body = forms.CharField(widget=forms.Textarea, strip=False)
    count = forms.IntegerField(required=False)


def test_control_characters_are_c0_but_tab_and_line_ends_and_del():
    text = "a\tb\nc\r" + "".join(map(chr, range(0x20))) + "\x7f"
    assert strip_control_characters(text) == "a\tb\nc\r\t\n\r"
    assert control_character_lines("ok\nbad\x0b\nok\n\x1bbad\x0c") == [2, 4]


def test_line_ends_become_line_feeds():
    assert normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n"


def test_a_form_refuses_control_characters_naming_the_character():
    for char in ["\x0b", "\x0c", "\x1b", "\x7f"]:
        form = NoteForm({"title": f"A{char}b", "body": "text"})
        assert not form.is_valid()
        assert form.errors["title"] == [
            f"The text holds the invisible control character U+{ord(char):04X} (at character 2): remove it. "
            "Only tabs and line breaks are allowed."
        ]


def test_a_form_takes_tabs_and_normalises_crlf_and_cr_to_lf():
    form = NoteForm({"title": "A\tb", "body": "one\r\ntwo\rthree"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": "A\tb", "body": "one\ntwo\nthree", "count": None}
