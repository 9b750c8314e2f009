"""The law corpus: laws, their chapters and their articles (provisions).

This app knows nothing of the Q&A content that cites it.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from textkit.tokens import cjk_tokens

SEARCH_FIELDS = ("search_text", "search_cjk")


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


class Law(models.Model):
    title = models.CharField(_("title"), max_length=300, unique=True)
    short_title = models.CharField(_("short title"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        validators=[validate_text_list],
        help_text=_("Other names the law goes by in source texts, one string each."),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by = models.CharField(
        _("adopted by"), max_length=300, blank=True, help_text=_("The body and meeting that adopted it.")
    )
    promulgation = models.CharField(_("promulgation"), max_length=200, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    amended_on = models.DateField(_("last amended on"), null=True, blank=True)
    amendment_note = models.CharField(_("amendment note"), max_length=300, blank=True)
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

    def known_names(self):
        names = [self.title, self.short_title, *self.aliases]
        return {normalize_law_name(name) for name in names if name}

    def chapter_for(self, number):
        """The chapter that holds article `number`, where the recorded ranges say so.

        A range bound that is not recorded is taken from the neighbouring chapter
        when that is recorded; otherwise only the recorded bound itself is known.
        """
        chapters = list(self.chapters.all())
        for index, chapter in enumerate(chapters):
            previous = chapters[index - 1] if index else None
            following = chapters[index + 1] if index + 1 < len(chapters) else None
            first = chapter.first_article or (previous and previous.last_article and previous.last_article + 1)
            last = chapter.last_article or (following and following.first_article and following.first_article - 1)
            first, last = first or last, last or first
            if first and first <= number <= last:
                return chapter
        return None


class ChapterQuerySet(models.QuerySet):
    def get_by_natural_key(self, law_slug, number):
        return self.get(law__slug=law_slug, number=number)


class Chapter(models.Model):
    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("law"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
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
        return _("Chapter %(numeral)s %(title)s") % {"numeral": self.numeral, "title": self.title}

    def natural_key(self):
        return (*self.law.natural_key(), self.number)

    natural_key.dependencies = ["legal_refs.law"]

    @property
    def numeral(self):
        return to_roman(self.number)


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


class ProvisionQuerySet(models.QuerySet):
    def with_law(self):
        return self.select_related("law", "chapter")


class Provision(models.Model):
    """One article of a law; its text is a list of paragraphs."""

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
        validators=[validate_text_list],
        help_text=_("The article's text, one string a paragraph."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # What the article is found by, filled from its number and paragraphs on save (see `save`); on
    # PostgreSQL a migration adds a generated, GIN-indexed tsvector over these columns.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    search_cjk = models.TextField(_("search tokens (Chinese)"), blank=True, editable=False)

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
        return _("%(law)s, Article %(number)s") % {"law": self.law, "number": self.number}

    def save(self, *args, **kwargs):
        """The search columns follow the number and paragraphs, also in a save limited by `update_fields`."""
        self.search_text = "\n\n".join([f"Article {self.number}", *self.paragraphs])
        self.search_cjk = cjk_tokens(self.search_text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *SEARCH_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("legal_refs:provision", kwargs={"slug": self.law.slug, "number": self.number})

    @property
    def text(self):
        return "\n\n".join(self.paragraphs)

    def held_neighbour(self, *, before):
        """The previous (or next) article of the same law that the knowledge base holds, or None."""
        neighbours = self.law.provisions.all()  # through the law: each knows its law without a query
        if before:
            return neighbours.filter(number__lt=self.number).order_by("-number").first()
        return neighbours.filter(number__gt=self.number).order_by("number").first()
