"""Q&A content: topics, answers, their typed sections and their citations of law articles."""

import hashlib
import json

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from legal_refs.models import Provision

from .markdown import render_markdown

SLUG_MAX_LENGTH = 200


def unique_slug(queryset, text, *, fallback="item", exclude_pk=None):
    """`slugify(text)` (Unicode kept), made unique within `queryset` with -2, -3, …"""
    base = slugify(text, allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-") or fallback
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in taken:
        suffix = f"-{counter}"
        slug = base[: SLUG_MAX_LENGTH - len(suffix)] + suffix
        counter += 1
    return slug


class Topic(models.Model):
    title = models.CharField(_("title"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class AnswerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def search(self, query):
        """Published answers matching `query` (text or ParsedQuery), best first, with `rank` (articles.search)."""
        from .search import search_answers

        return search_answers(self.published(), query)

    def similar(self, query):
        """Published answers whose question resembles `query` (typo fallback; PostgreSQL only, see articles.search)."""
        from .search import similar_answers

        return similar_answers(self.published(), query)


class Answer(models.Model):
    question = models.CharField(_("question"), max_length=500)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, allow_unicode=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="answers", verbose_name=_("topic"))
    short_answer = models.TextField(_("short answer"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    source_site = models.CharField(_("source site"), max_length=200, blank=True)
    source_section = models.CharField(_("source section"), max_length=200, blank=True)
    source_title = models.CharField(
        _("source title"), max_length=500, blank=True, help_text=_("With site and section, identifies the source text.")
    )
    imported_fingerprint = models.CharField(
        _("imported fingerprint"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "Fingerprint of the content as last imported; a different current fingerprint means an editor changed it."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Search document, kept in step with the sections and citations (articles.search).
    search_document = models.TextField(_("search document"), blank=True, editable=False)
    search_cjk = models.TextField(_("search tokens (Chinese)"), blank=True, editable=False)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["source_site", "source_section", "source_title"],
                condition=~models.Q(source_title=""),
                name="answer_unique_source_identity",
            ),
        ]
        indexes = [models.Index(fields=["status", "-updated_at"], name="answer_status_updated_idx")]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("articles:answer", kwargs={"slug": self.slug})

    def content_fingerprint(self):
        """Fingerprint of the editable content as stored now.

        Prefetch `sections` and `citations__provision__law` to keep this to no extra queries.
        """
        return content_fingerprint(
            question=self.question,
            short_answer=self.short_answer,
            topic=self.topic.title,
            sections=[(s.kind, s.heading, s.body) for s in self.sections.all()],
            citations=[(c.provision.law.slug, c.provision.number, c.paragraph) for c in self.citations.all()],
        )


def content_fingerprint(*, question, short_answer, topic, sections, citations):
    payload = {
        "question": question,
        "short_answer": short_answer,
        "topic": topic,
        "sections": [list(section) for section in sections],
        "citations": [list(citation) for citation in citations],
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class SectionKind(models.TextChoices):
    METHODS = "methods", _("Methods")
    PRECAUTIONS = "precautions", _("Precautions")
    ANALYSIS = "analysis", _("Analysis")
    CONDITIONS = "conditions", _("Conditions")
    GENERAL = "general", _("General")


class Section(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="sections", verbose_name=_("answer"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=SectionKind, default=SectionKind.GENERAL)
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    body_html = models.TextField(_("body (HTML)"), editable=False, blank=True)

    class Meta:
        ordering = ["answer", "position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.heading or self.get_kind_display()

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)


class Citation(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="citations", verbose_name=_("answer"))
    provision = models.ForeignKey(
        Provision, on_delete=models.PROTECT, related_name="citations", verbose_name=_("law article")
    )
    paragraph = models.PositiveSmallIntegerField(
        _("paragraph"), null=True, blank=True, help_text=_("Leave empty to cite the whole article.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["answer", "position", "pk"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(fields=["answer", "provision"], name="citation_unique_per_answer"),
            models.CheckConstraint(
                condition=models.Q(paragraph__isnull=True) | models.Q(paragraph__gte=1),
                name="citation_paragraph_positive",
            ),
        ]

    def __str__(self):
        if self.paragraph:
            return _("%(provision)s, paragraph %(paragraph)s") % {
                "provision": self.provision,
                "paragraph": self.paragraph,
            }
        return str(self.provision)
