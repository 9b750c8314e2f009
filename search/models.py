"""Synonyms applied to queries: a query for any term of a set also finds the others (search.synonyms)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from textkit.query import normalize_term

SEPARATOR = " = "
MAX_TERMS = 12
MAX_TERM_LENGTH = 40
MAX_LOGGED_QUERY_LENGTH = 200  # characters of a normalised, masked query kept in the search log


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


class SearchTermDayQuerySet(models.QuerySet):
    def between(self, start, end):
        return self.filter(day__gte=start, day__lte=end)

    def found_nothing_most(self, start, end):
        """The queries that found nothing between `start` and `end` (both days included), the most often first:
        dicts of query, searches, found_nothing and corrected, each summed over the days."""
        return (
            self.between(start, end)
            .values("query")
            .annotate(
                searches_total=models.Sum("searches"),
                found_nothing_total=models.Sum("found_nothing"),
                corrected_total=models.Sum("corrected"),
            )
            .filter(found_nothing_total__gt=0)
            .order_by("-found_nothing_total", "-searches_total", "query")
        )

    def totals(self, start, end):
        """{"searches": …, "found_nothing": …, "corrected": …} summed over every query between the two days."""
        names = ("searches", "found_nothing", "corrected")
        sums = self.between(start, end).aggregate(**{name: models.Sum(name) for name in names})
        return {name: value or 0 for name, value in sums.items()}


class SearchTermDay(models.Model):
    """How often one query was searched on one day: how many of those searches found nothing, and how many found
    something only with corrected spelling. The query is normalised and masked (search.log); nothing about the
    reader is kept. Filled from the cache by `manage.py flush_search_log`, never by the results page."""

    day = models.DateField(_("day"))
    query = models.CharField(_("query"), max_length=MAX_LOGGED_QUERY_LENGTH)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    found_nothing = models.PositiveIntegerField(_("found nothing"), default=0)
    corrected = models.PositiveIntegerField(_("corrected"), default=0)

    objects = SearchTermDayQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-found_nothing", "query"]
        verbose_name = _("search log day")
        verbose_name_plural = _("search log")
        constraints = [models.UniqueConstraint(fields=["day", "query"], name="search_term_day_unique")]

    def __str__(self):
        return f"{self.day}: {self.query}"
