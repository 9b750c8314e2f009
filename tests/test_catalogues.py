"""The interface's catalogues: the committed django.mo of each language is the compiled django.po (so that
`make run` needs no gettext), and Django finds it."""

import gettext
import shutil
import subprocess

import pytest
from django.conf import settings
from django.utils import translation

from tests.conftest import ROOT, require_tool

CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po"))


def messages(path):
    """The catalogue of a compiled .mo file: {msgid (or (msgid, plural form)): msgstr}, with its header."""
    with path.open("rb") as file:
        return gettext.GNUTranslations(file)._catalog


def test_every_offered_language_but_the_source_language_has_a_catalogue():
    languages = {path.parent.parent.name for path in CATALOGUES}
    assert languages == {translation.to_locale(code) for code, _ in settings.LANGUAGES if code != "en"}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_the_committed_mo_is_the_compiled_po(po, tmp_path):
    require_tool(shutil.which("msgfmt"), "GNU gettext's msgfmt is missing (apt-get install -y gettext)")
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True, capture_output=True)
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{committed.relative_to(ROOT)} is not committed: run `make messages`"
    assert messages(committed) == messages(compiled), f"{committed.relative_to(ROOT)} is stale: run `make messages`"


def test_the_check_sees_a_changed_translation(tmp_path):
    """The comparison above is of the messages themselves: a catalogue with one translation more differs."""
    require_tool(shutil.which("msgfmt"), "GNU gettext's msgfmt is missing (apt-get install -y gettext)")
    po = tmp_path / "django.po"
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    po.write_text(header + 'msgid "Search"\nmsgstr ""\n', encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(tmp_path / "before.mo"), str(po)], check=True)
    po.write_text(header + 'msgid "Search"\nmsgstr "搜索"\n', encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(tmp_path / "after.mo"), str(po)], check=True)
    assert messages(tmp_path / "after.mo")["Search"] == "搜索"
    assert messages(tmp_path / "before.mo") != messages(tmp_path / "after.mo")
