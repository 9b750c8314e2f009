"""The law corpus: instruments (laws and regulations), their chapters, their articles (provisions), each
article's official wording over time (versions, and corrections of them) and its unofficial translations.

This app knows nothing of the Q&A content that cites it.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from serving.languages import Written, is_chinese
from textkit.chinese import fold, index_words
from textkit.numerals import to_chinese_number
from textkit.tokens import cjk_tokens

SEARCH_FIELDS = ("search_text", "search_cjk", "search_words")


def normalize_law_name(name):
    """Fold a law name for comparison: case, spacing, quotes and a final full stop."""
    name = name.strip().strip("《》\"'“”‘’").rstrip(".。").strip()
    name = name.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", name).casefold()


def validate_text_list(value):
    """A JSON list of non-empty strings (aliases, paragraphs)."""
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValidationError(_("Enter a list of non-empty texts."), code="invalid_text_list")


class LawQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def resolve(self, name):
        """The law whose title, short title or alias is `name`, or None."""
        wanted = normalize_law_name(name)
        for law in self.all():
            if wanted in law.known_names():
                return law
        return None


class Kind(models.TextChoices):
    """The kinds of instrument, in their rank in the hierarchy of Chinese law (Legislation Law)."""

    LAW = "law", _("Law")
    ADMINISTRATIVE_REGULATION = "administrative-regulation", _("Administrative regulation")
    LOCAL_REGULATION = "local-regulation", _("Local regulation")


def law_rank(law="law"):
    """An ordering by the instrument's rank (`Kind`): laws, then administrative, then local regulations.
    `law`: the path to the law from the rows ordered (“law” for articles, “pk” for laws themselves)."""
    kind = "kind" if law == "pk" else f"{law}__kind"
    ranks = [models.When(**{kind: value}, then=models.Value(rank)) for rank, value in enumerate(Kind.values)]
    return models.Case(*ranks, default=models.Value(len(ranks)), output_field=models.IntegerField())


class Law(models.Model):
    """A legal instrument: a law, an administrative regulation or a local regulation."""

    title = models.CharField(_("title"), max_length=300, unique=True, help_text=_("The English title."))
    title_zh = models.CharField(
        _("official title"), max_length=300, blank=True, help_text=_("The official (Chinese) title.")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind, default=Kind.LAW)
    issuing_body = models.CharField(_("issuing body"), max_length=300, blank=True, help_text=_("In English."))
    issuing_body_zh = models.CharField(
        _("issuing body (Chinese)"), max_length=300, blank=True, help_text=_("Its official (Chinese) name.")
    )
    in_force = models.BooleanField(_("in force"), default=True)
    effective_on_publication = models.BooleanField(
        _("in force on publication"),
        default=False,
        help_text=_("The instrument names no date: it took effect when it was published."),
    )
    short_title = models.CharField(_("short title"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        validators=[validate_text_list],
        help_text=_("Other names the law goes by in source texts, one string each."),
    )
    adopted_on = models.DateField(_("adopted or published on"), null=True, blank=True)
    adopted_by = models.CharField(
        _("adopted by"), max_length=300, blank=True, help_text=_("The body and meeting that adopted it, in English.")
    )
    adopted_by_zh = models.CharField(
        _("adopted by (Chinese)"),
        max_length=300,
        blank=True,
        help_text=_("The meeting that adopted it, as the official text names it."),
    )
    promulgation = models.CharField(_("promulgation"), max_length=200, blank=True, help_text=_("In English."))
    promulgation_zh = models.CharField(
        _("promulgation (Chinese)"), max_length=200, blank=True, help_text=_("The promulgating order, in Chinese.")
    )
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    amended_on = models.DateField(_("last amended on"), null=True, blank=True)
    amendment_note = models.CharField(_("amendment note"), max_length=300, blank=True, help_text=_("In English."))
    amendment_note_zh = models.CharField(_("amendment note (Chinese)"), max_length=300, blank=True)
    article_count = models.PositiveIntegerField(_("number of articles"), null=True, blank=True)

    objects = LawQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("law")
        verbose_name_plural = _("laws")

    def __str__(self):
        return self.short_title or self.title

    def get_absolute_url(self):
        return reverse("legal_refs:law", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def display_title(self):
        """The title in the active language: the official (Chinese) one on the Chinese site, where it is held."""
        return self.title_zh if is_chinese() and self.title_zh else self.title

    @property
    def display_name(self):
        """The name in the active language: the official title on the Chinese site, else the short title."""
        return self.title_zh if is_chinese() and self.title_zh else str(self)

    # The facts held in English and in Chinese (`name` and `name_zh`), each shown in the active language.

    @property
    def shown_issuing_body(self):
        return self.shown("issuing_body")

    @property
    def shown_adopted_by(self):
        return self.shown("adopted_by")

    @property
    def shown_promulgation(self):
        return self.shown("promulgation")

    @property
    def shown_amendment_note(self):
        return self.shown("amendment_note")

    def shown(self, name):
        """The fact `name` in the active language: its Chinese form (`name_zh`) on the Chinese site, its English
        one elsewhere; where only the other is held, that one, with its language (`Written.lang`) to mark it."""
        english, chinese = getattr(self, name), getattr(self, f"{name}_zh")
        if is_chinese():
            return Written(chinese) if chinese else Written(english, "en" if english else "")
        return Written(english) if english else Written(chinese, "zh-Hans" if chinese else "")

    def known_names(self):
        names = [self.title, self.short_title, self.title_zh, *self.aliases]
        return {normalize_law_name(name) for name in names if name}


class ChapterQuerySet(models.QuerySet):
    def get_by_natural_key(self, law_slug, number):
        return self.get(law__slug=law_slug, number=number)


class Chapter(models.Model):
    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("law"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200, help_text=_("The English title."))
    title_zh = models.CharField(_("official title"), max_length=200, blank=True)
    first_article = models.PositiveIntegerField(_("first article"), null=True, blank=True)
    last_article = models.PositiveIntegerField(_("last article"), null=True, blank=True)

    objects = ChapterQuerySet.as_manager()

    class Meta:
        ordering = ["law_id", "number"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        constraints = [
            models.UniqueConstraint(fields=["law", "number"], name="chapter_unique_per_law"),
            models.CheckConstraint(
                condition=models.Q(first_article__isnull=True)
                | models.Q(last_article__isnull=True)
                | models.Q(first_article__lte=models.F("last_article")),
                name="chapter_article_range_ordered",
            ),
        ]

    def __str__(self):
        return self.display_name

    def natural_key(self):
        return (*self.law.natural_key(), self.number)

    natural_key.dependencies = ["legal_refs.law"]

    @property
    def numeral(self):
        return to_roman(self.number)

    @property
    def english_name(self):
        """Chapter IV Basic Pension Insurance: the English name, the same on every site (not translated)."""
        return f"Chapter {self.numeral} {self.title}"

    @property
    def chinese_name(self):
        """第四章 基本养老保险: the official (Chinese) name, or "" where the official title is not held."""
        return f"第{to_chinese_number(self.number)}章 {self.title_zh}" if self.title_zh else ""

    @property
    def display_name(self):
        """The name in the active language: the official (Chinese) one on the Chinese site, where it is held."""
        return self.chinese_name if is_chinese() and self.chinese_name else self.english_name


ROMAN_NUMERALS = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]


def to_roman(number):
    result = ""
    for value, letters in ROMAN_NUMERALS:
        count, number = divmod(number, value)
        result += letters * count
    return result


def article_number(number):
    """An article's number as the active language writes it in “Article %(number)s” and the like: in Chinese
    numerals on the Chinese site, as Chinese laws number their articles (4 → 四, for 第四条), else in digits."""
    if number is None or number == "":
        return ""
    return to_chinese_number(int(number)) if is_chinese() else str(number)


class ProvisionQuerySet(models.QuerySet):
    def with_law(self):
        return self.select_related("law", "chapter")

    def with_text(self):
        """Articles with their law, chapter, versions and translations (each a prefetch: no query per article)."""
        return self.with_law().prefetch_related("versions", "translations")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (款) of an article: its text and its items (项), such as “（一）…”."""

    number: int
    text: str
    items: tuple[str, ...]


def split_paragraph(paragraph):
    """A stored paragraph is its text, then one line per item."""
    text, *items = paragraph.split("\n")
    return text, tuple(items)


class Provision(models.Model):
    """One article of an instrument. Its official wording is kept in versions (`ProvisionVersion`); `paragraphs`
    is a copy of the latest version's (which may still be coming), for the admin and for checking a citation's
    paragraph; pages show the version in force on the day."""

    law = models.ForeignKey(Law, on_delete=models.PROTECT, related_name="provisions", verbose_name=_("law"))
    number = models.PositiveIntegerField(_("article number"))
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provisions",
        verbose_name=_("chapter"),
    )
    paragraphs = models.JSONField(
        _("paragraphs"),
        default=list,
        blank=True,
        editable=False,
        validators=[validate_text_list],
        help_text=_("The official text of the latest version, one string a paragraph (its items on further lines)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # What the article is found by, filled on save from its number, its official text and its translations
    # (see `save`): the text, its Chinese (in simplified characters) as two-character tokens and as words. On
    # PostgreSQL a migration adds a generated, GIN-indexed tsvector over these columns; on SQLite an FTS5 table.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    search_cjk = models.TextField(_("search tokens (Chinese)"), blank=True, editable=False)
    search_words = models.TextField(_("search words (Chinese)"), blank=True, editable=False)

    objects = ProvisionQuerySet.as_manager()

    class Meta:
        ordering = ["law_id", "number"]
        verbose_name = _("law article")
        verbose_name_plural = _("law articles")
        constraints = [
            models.UniqueConstraint(fields=["law", "number"], name="provision_unique_per_law"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="provision_number_positive"),
        ]

    def __str__(self):
        if is_chinese() and self.law.title_zh:  # as Chinese cites it: 《中华人民共和国社会保险法》第四条
            return f"《{self.law.title_zh}》第{to_chinese_number(self.number)}条"
        # Translators: the number is written as the language numbers articles (`article_number`): on the Chinese
        # site in Chinese numerals, so that 第%(number)s条 reads 第四条.
        return _("%(law)s, Article %(number)s") % {"law": self.law, "number": article_number(self.number)}

    def save(self, *args, **kwargs):
        """The search columns follow the number, the official text of every version and the translations, also
        in a save limited by `update_fields`."""
        wordings = self.versions.values_list("paragraphs", flat=True) if self.pk else []
        translations = self.translations.values_list("paragraphs", flat=True) if self.pk else []
        self.fill_search_columns(translations, wordings)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *SEARCH_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("legal_refs:provision", kwargs={"slug": self.law.slug, "number": self.number})

    def fill_search_columns(self, translations=(), wordings=()):
        """Set the search columns from the number, the latest official text, the other `wordings` (earlier or
        coming versions) and `translations` (each a list of paragraphs): the article is found by any of them."""
        texts = [*self.paragraphs, *(text for paragraphs in [*wordings, *translations] for text in paragraphs)]
        self.search_text = "\n\n".join([f"Article {self.number}", *dict.fromkeys(texts)])  # each wording once
        self.fill_search_words()

    def fill_search_words(self):
        """Set the Chinese search columns from `search_text`: its two-character tokens and its words (simplified)."""
        self.search_cjk = cjk_tokens(fold(self.search_text))
        self.search_words = index_words(self.search_text)

    @property
    def text(self):
        return "\n\n".join(self.paragraphs)

    # Versions and translations: these read `versions.all()` and `translations.all()`, so that a prefetch
    # (`ProvisionQuerySet.with_text`) serves them without a query.

    def timeline(self):
        """The versions, oldest first, each with `until` set: the last day before the next one took effect."""
        versions = sorted(self.versions.all(), key=lambda version: version.effective_from)
        for version, following in zip(versions, [*versions[1:], None], strict=True):
            version.until = following.effective_from - datetime.timedelta(days=1) if following else None
        return versions

    def version_on(self, date):
        """The version in force on `date`, or None before the first took effect."""
        in_force = [version for version in self.timeline() if version.effective_from <= date]
        return in_force[-1] if in_force else None

    def default_translation(self, language="en", version=None):
        """The translation publishers chose to show in `language`, else the first one held, else None. With
        `version`, only a translation of that wording, paragraph for paragraph, will do (one of another wording,
        or split into other paragraphs, would show the reader other words or mark the wrong paragraph)."""
        held = [translation for translation in self.translations.all() if translation.language == language]
        if version is not None:
            held = [
                translation
                for translation in held
                if translation.version_id == version.pk and len(translation.paragraphs) == len(version.paragraphs)
            ]
        return next((translation for translation in held if translation.is_default), held[0] if held else None)


class ProvisionVersionQuerySet(models.QuerySet):
    def latest_by_article(self, provisions, *, on=None):
        """{article pk: its latest version} for `provisions` (pks), of those in force on `on` when given (one
        query)."""
        versions = self.filter(provision__in=provisions)
        if on is not None:
            versions = versions.filter(effective_from__lte=on)
        versions = versions.only("pk", "provision", "effective_from").order_by("effective_from")
        return {version.provision_id: version for version in versions}  # the latest wins

    def next_change(self, after):
        """The first date after `after` on which a wording takes effect, or None (one query)."""
        return self.filter(effective_from__gt=after).aggregate(first=models.Min("effective_from"))["first"]


class ProvisionVersion(models.Model):
    """An article's official wording from the day it took effect until the next version did.

    A new version is an amendment; fixing a transcription error in a version is a correction (`Correction`)."""

    provision = models.ForeignKey(
        Provision, on_delete=models.CASCADE, related_name="versions", verbose_name=_("law article")
    )
    effective_from = models.DateField(_("in force from"))
    made_by = models.CharField(
        _("made by"),
        max_length=300,
        blank=True,
        help_text=_("The instrument that made this wording (an amending decision); empty for the original text."),
    )
    paragraphs = models.JSONField(
        _("paragraphs"),
        validators=[validate_text_list],
        help_text=_("The official text, one string a paragraph; a paragraph's items on further lines."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProvisionVersionQuerySet.as_manager()

    class Meta:
        ordering = ["provision_id", "effective_from"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(fields=["provision", "effective_from"], name="version_unique_date_per_article"),
        ]

    def __str__(self):
        return _("%(provision)s, in force from %(date)s") % {"provision": self.provision, "date": self.effective_from}

    def get_absolute_url(self):
        provision = self.provision
        return reverse(
            "legal_refs:version",
            kwargs={"slug": provision.law.slug, "number": provision.number, "date": self.effective_from},
        )

    @property
    def blocks(self):
        """The paragraphs with their numbers and items."""
        return [Paragraph(number, *split_paragraph(text)) for number, text in enumerate(self.paragraphs, 1)]

    @property
    def text(self):
        return "\n\n".join(self.paragraphs)


class Correction(models.Model):
    """A transcription error fixed in a version: recorded in the article's history; it makes no version."""

    version = models.ForeignKey(
        ProvisionVersion, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("version")
    )
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    note = models.CharField(_("note"), max_length=500)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=_("The law text file, if any."))
    created_at = models.DateTimeField(_("corrected"), auto_now_add=True)

    class Meta:
        ordering = ["version_id", "created_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return _("Correction of %(version)s") % {"version": self.version}


# The official text is Chinese; translations are into these languages.
TRANSLATION_LANGUAGES = [("en", _("English"))]


class Translation(models.Model):
    """An unofficial translation of an article, kept with where it came from."""

    provision = models.ForeignKey(
        Provision, on_delete=models.CASCADE, related_name="translations", verbose_name=_("law article")
    )
    language = models.CharField(_("language"), max_length=10, choices=TRANSLATION_LANGUAGES, default="en")
    paragraphs = models.JSONField(
        _("paragraphs"), validators=[validate_text_list], help_text=_("The translation, one string a paragraph.")
    )
    source_title = models.CharField(
        _("source text"), max_length=500, blank=True, help_text=_("The source text that quoted it, if any.")
    )
    version = models.ForeignKey(
        "ProvisionVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="translations",
        verbose_name=_("wording translated"),
        help_text=_("The version in force when the translation was written (set on save)."),
    )
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("translated by"),
        help_text=_("The editor who wrote it, if any."),
    )
    is_default = models.BooleanField(
        _("shown by default"), default=False, help_text=_("The translation pages show in this language.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["provision_id", "language", "-is_default", "pk"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["provision", "language"],
                condition=models.Q(is_default=True),
                name="translation_one_default_per_language",
            ),
            models.UniqueConstraint(
                fields=["provision", "language", "source_title"],
                condition=~models.Q(source_title=""),
                name="translation_one_per_source",
            ),
        ]

    def __str__(self):
        return _("%(provision)s (%(language)s translation)") % {
            "provision": self.provision,
            "language": self.get_language_display(),
        }

    @property
    def origin(self):
        """Where the translation came from, for readers."""
        if self.source_title:
            return _("quoted in the source text “%(title)s”") % {"title": self.source_title}
        if self.translator_id:
            return _("by an editor")
        return _("source not recorded")


class LawTextImport(models.Model):
    """What a law text file gave when it was last imported: a re-import compares the file with this, not with
    the database, so that it never undoes a publisher's change."""

    name = models.CharField(_("file"), max_length=300, unique=True)
    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="text_imports", verbose_name=_("law"))
    given = models.JSONField(_("what the file gave"))
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("law text import")
        verbose_name_plural = _("law text imports")

    def __str__(self):
        return self.name
