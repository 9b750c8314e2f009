"""Synonyms applied to queries: a query for any term of a set also finds the others (search.synonyms)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from textkit.query import normalize_term

SEPARATOR = " = "
MAX_TERMS = 12
MAX_TERM_LENGTH = 40


def split_terms(text: str) -> list[str]:
    """The distinct terms of a set written `a = b = c` (or one a line), normalised (`normalize_term`)."""
    parts = (normalize_term(part) for line in text.splitlines() for part in line.split("="))
    return list(dict.fromkeys(part for part in parts if part))


def normalize_terms(text: str) -> str:
    """A set as it is stored: its terms normalised, in order (so that a set is stored one way only)."""
    return SEPARATOR.join(sorted(split_terms(text)))


def validate_terms(text: str) -> None:
    terms = split_terms(text)
    if len(terms) < 2:
        raise ValidationError(_("Enter at least two different terms, separated by “=”."), code="too_few_terms")
    if len(terms) > MAX_TERMS:
        raise ValidationError(
            _("Enter at most %(count)s terms in one set.") % {"count": MAX_TERMS}, code="too_many_terms"
        )
    for term in terms:
        if len(term) > MAX_TERM_LENGTH:
            raise ValidationError(
                _("“%(term)s” is too long for a term: at most %(count)s characters.")
                % {"term": term, "count": MAX_TERM_LENGTH},
                code="term_too_long",
            )


class SynonymSet(models.Model):
    """Terms that mean the same to a reader (社保卡 = 社会保障卡), stored normalised and in order: `a = b = c`."""

    terms = models.CharField(
        _("terms"),
        max_length=600,
        unique=True,
        validators=[validate_terms],
        help_text=_(
            "Two or more words or short phrases separated by “=”, such as 社保卡 = 社会保障卡. A search for any of "
            "them also finds the others. Traditional characters are stored as simplified ones, Latin letters in "
            "lower case."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("synonym set")
        verbose_name_plural = _("synonym sets")

    def __str__(self):
        return self.terms

    def save(self, *args, **kwargs):
        self.terms = normalize_terms(self.terms)
        super().save(*args, **kwargs)

    def clean(self):
        self.terms = normalize_terms(self.terms)  # before the uniqueness check

    @property
    def term_list(self) -> list[str]:
        return self.terms.split(SEPARATOR)
