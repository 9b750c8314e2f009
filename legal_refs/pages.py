"""What the law pages show beyond what the models say: an article's opening words, the citations a reader
copies, the history of its wording, its neighbours. Each reads what `ProvisionQuerySet.with_text` (and the
views' prefetches) fetched: no query of its own (but `next_wording_change`, for the pages' cache)."""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from serving.languages import is_chinese
from textkit.numerals import to_chinese_number

from .models import ProvisionVersion, article_number, split_paragraph

OPENING_CHARACTERS = 40  # of an article's official text, on its law's page


def today() -> datetime.date:
    """The date where the site is (TIME_ZONE): the day whose wording is in force."""
    return timezone.localdate()


def next_wording_change(today: datetime.date) -> datetime.date | None:
    """The next date a law wording takes effect (the reader pages' cache expires then): one query."""
    return ProvisionVersion.objects.next_change(today)


def shown_version(provision, on=None):
    """The version in force on `on` (today), else the first one to come (an article not yet in force)."""
    on = on or today()
    timeline = provision.timeline()  # once: a law page asks this of every article
    in_force = [version for version in timeline if version.effective_from <= on]
    return in_force[-1] if in_force else (timeline[0] if timeline else None)


def opening_words(provision, length=OPENING_CHARACTERS):
    """The start of the official text shown for `provision`, cut at `length` characters."""
    version = shown_version(provision)
    if not version or not version.paragraphs:
        return ""
    text = split_paragraph(version.paragraphs[0])[0]
    # Truncator reads the whole text; what lies past twice the length (and a character) changes nothing. Chinese
    # marks an omission with the six-dot ellipsis (……), which counts as one character, as “…” does.
    if is_chinese():
        cut = Truncator(text[: 2 * length + 1]).chars(length, truncate="…")
        return cut[:-1] + "……" if cut != text[: 2 * length + 1] and cut.endswith("…") else cut
    return Truncator(text[: 2 * length + 1]).chars(length)


def by_chapter(provisions):
    """[(chapter, its articles)] in the order of `provisions`; the chapter is None for articles outside one
    (an instrument without chapters is one such group)."""
    return [(chapter, list(group)) for chapter, group in groupby(provisions, key=lambda provision: provision.chapter)]


def law_date(value):
    """A date on the law pages: as Chinese writes it on the Chinese site (2011年7月1日), ISO (2011-07-01) on the
    English one, as legal references in English commonly give it."""
    if not value:
        return ""
    if is_chinese():
        return formats.date_format(value, "DATE_FORMAT")
    return value.isoformat()


def article_name(provision):
    """The article's short name in the active language: 第四条 on the Chinese site, as its heading there cites it;
    else “Article 4”."""
    # Translators: the number is written as the language numbers articles (`article_number`): on the Chinese site
    # in Chinese numerals, so that 第%(number)s条 reads 第四条.
    return _("Article %(number)s") % {"number": article_number(provision.number)}


def chinese_citation(provision, paragraph=None):
    """《中华人民共和国社会保险法》第五十八条第三款: the official citation form."""
    law = provision.law
    text = f"《{law.title_zh or law.title}》第{to_chinese_number(provision.number)}条"
    return f"{text}第{to_chinese_number(paragraph)}款" if paragraph else text


def english_citation(provision, paragraph=None):
    """Social Insurance Law, Article 58(3): the English form, the same on every site (not translated)."""
    law = str(provision.law)  # its English short title
    if paragraph:
        return f"{law}, Article {provision.number}({paragraph})"
    return f"{law}, Article {provision.number}"


@dataclass(frozen=True)
class CitationForms:
    """The ways to cite an article or one of its paragraphs (`paragraph` None: the whole article)."""

    paragraph: int | None
    chinese: str
    english: str
    url: str

    @property
    def key(self):
        """For element ids: the paragraph's number, or "article"."""
        return self.paragraph or "article"


def citation_forms(request, provision, paragraph=None):
    url = provision.get_absolute_url() + (f"#paragraph-{paragraph}" if paragraph else "")
    return CitationForms(
        paragraph=paragraph,
        chinese=chinese_citation(provision, paragraph),
        english=english_citation(provision, paragraph),
        url=request.build_absolute_uri(url),
    )


def compare_url(provision, earlier, later):
    """The comparison page of the wordings in force on two dates (dates or versions)."""
    a, b = (getattr(value, "effective_from", value) for value in (earlier, later))
    kwargs = {"slug": provision.law.slug, "number": provision.number, "a": a, "b": b}
    return reverse("legal_refs:compare", kwargs=kwargs)


@dataclass(frozen=True)
class Event:
    """One line of an article's history: a version taking effect (`correction` None) or a correction."""

    date: datetime.date
    version: object
    correction: object = None
    compare_url: str = ""  # a version's comparison with the one before it


def history(provision):
    """The versions and their corrections, oldest first (corrections prefetched: `versions__corrections`)."""
    events, previous = [], None
    for version in provision.timeline():
        url = compare_url(provision, previous, version) if previous else ""
        events.append(Event(version.effective_from, version, compare_url=url))
        events += [
            Event(timezone.localdate(correction.created_at), version, correction)
            for correction in version.corrections.all()
        ]
        previous = version
    return sorted(events, key=lambda event: (event.date, event.correction is not None))


def sorted_translations(provision, version=None):
    """The translations, in each language the default one first; each with `wording`, the version it translates
    when that is not `version` (the one shown), else None (no query: the versions are prefetched)."""
    versions = {v.pk: v for v in provision.timeline()}
    translations = sorted(provision.translations.all(), key=lambda t: (t.language, not t.is_default, t.pk))
    for translation in translations:
        other = translation.version_id is not None and version is not None and translation.version_id != version.pk
        translation.wording = versions.get(translation.version_id) if other else None
    return translations
