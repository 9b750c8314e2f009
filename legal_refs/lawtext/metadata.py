"""The metadata beside each law text file (a TOML file): which instrument the text is, which version of it,
and, for a text of the whole instrument, the instrument's record and its chapters' English titles. Pure.

    text = "social-insurance-law.zh.md"      # the text file, in the same folder
    law = "social-insurance-law"             # the instrument's slug
    contents = "whole"                       # "whole": the whole instrument; "articles": some articles

    [wording]                                # the version the file's articles give...
    effective_from = 2011-07-01
    made_by = ""

    [[amendments]]                           # ...except these articles, which give a later version
    effective_from = 2018-12-29
    made_by = "…的决定"
    articles = [57, 64, 66]

    [instrument]                             # "whole" only: see INSTRUMENT_FIELDS
    [chapters]                               # "whole" only: "1" = "General Provisions", …

A changed article makes an amendment on re-import only when the metadata says so (a new `[[amendments]]`
entry, or a new `[wording]` date); otherwise the change is a correction of the version it belongs to.
"""

import datetime
import re
import tomllib
from dataclasses import dataclass

from .parser import LawTextError

CONTENTS = ("whole", "articles")
# The instrument's fields a whole text's metadata gives, with the type of each. A fact held in both languages
# is two fields: `issuing_body` in English, `issuing_body_zh` in its official Chinese form (the Chinese site shows
# this one), and so for `adopted_by`, `promulgation` and `amendment_note`.
INSTRUMENT_FIELDS = {
    "title": str,
    "short_title": str,
    "title_zh": str,
    "kind": str,
    "issuing_body": str,
    "issuing_body_zh": str,
    "adopted_on": datetime.date,
    "adopted_by": str,
    "adopted_by_zh": str,
    "promulgation": str,
    "promulgation_zh": str,
    "effective_on": datetime.date,
    "effective_on_publication": bool,
    "amended_on": datetime.date,
    "amendment_note": str,
    "amendment_note_zh": str,
    "in_force": bool,
    "aliases": list,
}
REQUIRED_INSTRUMENT_FIELDS = ("title", "short_title", "title_zh", "kind", "issuing_body", "in_force")
KINDS = ("law", "administrative-regulation", "local-regulation")


@dataclass(frozen=True)
class Wording:
    effective_from: datetime.date
    made_by: str
    articles: tuple[int, ...] = ()  # for an amendment: the articles it changed


@dataclass(frozen=True)
class Metadata:
    text: str
    law: str
    contents: str
    wording: Wording
    amendments: tuple[Wording, ...]
    instrument: dict
    chapters: dict[int, str]

    @property
    def whole(self):
        return self.contents == "whole"

    def wording_of(self, number):
        """The version article `number` gives: the latest amendment that changed it, else `wording`."""
        changed = [amendment for amendment in self.amendments if number in amendment.articles]
        return max(changed, key=lambda amendment: amendment.effective_from) if changed else self.wording


def parse_metadata(text: str, name: str) -> Metadata:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+), column \d+\)", str(error))
        raise LawTextError(name, int(where[1]) if where else 0, f"not valid TOML ({error})") from error
    reader = _Reader(name, data)
    contents = reader.get("contents", str)
    if contents not in CONTENTS:
        raise LawTextError(name, 0, f"“contents” is “{contents}”; it must be one of {', '.join(CONTENTS)}")
    wording = _wording(reader.table("wording"), name, "wording", with_articles=False)
    amendments = tuple(
        _wording(_Reader(name, entry, f"amendments[{index}]"), name, f"amendments[{index}]", with_articles=True)
        for index, entry in enumerate(reader.get("amendments", list, required=False) or [])
    )
    for amendment in amendments:
        if amendment.effective_from <= wording.effective_from:
            raise LawTextError(name, 0, "an amendment must take effect after the wording it amends")
    instrument, chapters = {}, {}
    if contents == "whole":
        instrument = _instrument(reader.table("instrument"), name)
        chapter_titles = reader.table("chapters", required=False)
        for key, title in (chapter_titles.data if chapter_titles else {}).items():
            if not key.isdigit() or not isinstance(title, str) or not title.strip():
                raise LawTextError(name, 0, f"chapters: “{key}” must be a chapter number with an English title")
            chapters[int(key)] = title.strip()
    else:
        for table in ("instrument", "chapters"):
            if table in data:
                raise LawTextError(name, 0, f"[{table}] belongs to the metadata of the whole instrument's text")
    known = {"text", "law", "contents", "wording", "amendments", "instrument", "chapters"}
    reader.no_others(known)
    return Metadata(
        text=reader.get("text", str),
        law=reader.get("law", str),
        contents=contents,
        wording=wording,
        amendments=amendments,
        instrument=instrument,
        chapters=chapters,
    )


class _Reader:
    def __init__(self, name, data, prefix=""):
        if not isinstance(data, dict):
            raise LawTextError(name, 0, f"{prefix or 'the metadata'} must be a table")
        self.name, self.data, self.prefix = name, data, prefix

    def _key(self, key):
        return f"{self.prefix}.{key}" if self.prefix else key

    def get(self, key, kind, *, required=True):
        if key not in self.data:
            if required:
                raise LawTextError(self.name, 0, f"“{self._key(key)}” is missing")
            return None
        value = self.data[key]
        if not isinstance(value, kind) or (kind is datetime.date and isinstance(value, datetime.datetime)):
            raise LawTextError(self.name, 0, f"“{self._key(key)}” must be a {kind.__name__}")
        if kind is str and key != "made_by" and not value.strip():
            raise LawTextError(self.name, 0, f"“{self._key(key)}” is empty")
        return value.strip() if kind is str else value

    def table(self, key, *, required=True):
        value = self.get(key, dict, required=required)
        return _Reader(self.name, value, self._key(key)) if value is not None else None

    def no_others(self, known):
        unknown = sorted(set(self.data) - set(known))
        if unknown:
            raise LawTextError(self.name, 0, f"unknown keys: {', '.join(self._key(key) for key in unknown)}")


def _wording(reader, name, where, *, with_articles):
    articles = ()
    if with_articles:
        articles = reader.get("articles", list)
        if not articles or not all(isinstance(number, int) and number >= 1 for number in articles):
            raise LawTextError(name, 0, f"“{where}.articles” must list article numbers")
        articles = tuple(articles)
    reader.no_others({"effective_from", "made_by", *(["articles"] if with_articles else [])})
    return Wording(
        effective_from=reader.get("effective_from", datetime.date),
        made_by=reader.get("made_by", str, required=False) or "",
        articles=articles,
    )


def _instrument(reader, name):
    instrument = {}
    for key, kind in INSTRUMENT_FIELDS.items():
        value = reader.get(key, kind, required=key in REQUIRED_INSTRUMENT_FIELDS)
        if value is not None:
            instrument[key] = value
    reader.no_others(INSTRUMENT_FIELDS)
    if instrument["kind"] not in KINDS:
        raise LawTextError(name, 0, f"“instrument.kind” must be one of {', '.join(KINDS)}")
    aliases = instrument.get("aliases", [])
    if not all(isinstance(alias, str) and alias.strip() for alias in aliases):
        raise LawTextError(name, 0, "“instrument.aliases” must list names")
    instrument["aliases"] = [alias.strip() for alias in aliases]
    return instrument
