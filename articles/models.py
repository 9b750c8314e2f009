"""Q&A content: topics, answers, their typed sections and their citations of law articles."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, get_language_info, override
from django.utils.translation import gettext_lazy as _

from legal_refs.models import Provision, ProvisionVersion
from serving.languages import Written, html_lang, is_chinese
from textkit.tokens import CJK_RUN

from .markdown import render
from .roles import CHANGE_PERMISSION

SLUG_MAX_LENGTH = 200
MAX_POSITION = 32767  # the largest PositiveSmallIntegerField value on every database
DEFAULT_REVIEW_INTERVAL_DAYS = 365


def staff_member(verbose_name, **options):
    """A reference to a user (who wrote, decided, checked or keeps something) that outlives their account and is
    not followed back from the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        **options,
    )


def slug_base(text, fallback="item"):
    """`slugify(text)`, Unicode kept, cut to the longest slug; `fallback` when nothing is left."""
    return slugify(text, allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-") or fallback


def unique_slug(queryset, text, *, fallback="item", exclude_pk=None, taken=()):
    """`slug_base(text)` made unique within `queryset` and `taken` with -2, -3, …"""
    base = slug_base(text, fallback)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    taken = {*taken, *queryset.filter(slug__startswith=base).values_list("slug", flat=True)}
    slug, counter = base, 2
    while slug in taken:
        suffix = f"-{counter}"
        slug = base[: SLUG_MAX_LENGTH - len(suffix)] + suffix
        counter += 1
    return slug


class TopicQuerySet(models.QuerySet):
    def public(self):
        """Topics with at least one published answer (the others are not public pages yet)."""
        return self.filter(Exists(Answer.objects.published().filter(topic=OuterRef("pk"))))

    def with_published_answers(self, language, first=10):
        """Public topics, those with answers in `language` first, each with its first `first` answers shown on the
        site of `language` in `published_answers` (`AnswerQuerySet.for_site`: those in the language first, in
        question order) and the number of them all in `published_count`."""
        shown = Answer.objects.for_site(language)
        count = shown.filter(topic=OuterRef("pk")).order_by().values("topic").annotate(n=Count("pk")).values("n")
        in_language = Answer.objects.published().filter(topic=OuterRef("pk"), language=language)
        return (
            self.public()
            .annotate(published_count=Subquery(count), has_answers_in_language=Exists(in_language))
            .order_by("-has_answers_in_language", "title")
            .prefetch_related(
                Prefetch(
                    "answers",
                    queryset=shown.order_by("in_other_language", "question", "pk")[:first],
                    to_attr="published_answers",
                )
            )
        )


class Language(models.TextChoices):
    """The languages content is written in: the codes of `settings.LANGUAGES`, each named in itself."""

    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class Topic(models.Model):
    title = models.CharField(_("title (English)"), max_length=200, unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, allow_unicode=True)
    description = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    # The defaults of the answers in the topic for their review against the law (see articles.review).
    review_interval_days = models.PositiveIntegerField(
        _("review interval (days)"),
        default=DEFAULT_REVIEW_INTERVAL_DAYS,
        help_text=_("How often an answer in this topic must be checked against the law, unless the answer says."),
    )
    responsible_editor = staff_member(
        _("responsible editor"),
        help_text=_("Keeps the answers of this topic right, unless an answer names another editor."),
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})

    def title_in(self, language):
        """The topic's name in `language` (a language code): the Chinese one for Chinese when there is one."""
        return self.title_zh if is_chinese(language) and self.title_zh else self.title

    def description_in(self, language):
        return self.description_zh if is_chinese(language) and self.description_zh else self.description

    @property
    def display_title(self):
        """The name in the active language (templates)."""
        return self.title_in(get_language())

    @property
    def display_title_lang(self):
        """The `lang` of `display_title` where it is written in the other language than the page's (a topic
        named in one language only), else ''."""
        chinese_page, chinese_name = is_chinese(get_language()), CJK_RUN.search(self.display_title) is not None
        if chinese_name == chinese_page:
            return ""
        return html_lang(Language.ZH_HANS if chinese_name else Language.EN)

    @property
    def written_title(self):
        """`display_title` with its `display_title_lang` (a breadcrumb's name)."""
        return Written(self.display_title, self.display_title_lang)

    @property
    def display_description(self):
        return self.description_in(get_language())


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


def may_preview(user):
    """Whether `user` sees answers that are not published (staff who may change answers)."""
    return user.is_staff and user.has_perm(CHANGE_PERMISSION)


# What a reader's page never shows of an answer: its search columns (the document is about as long as the answer).
PAGE_DEFERRED = (
    "search_document",
    "search_cjk",
    "search_zh_question",
    "search_zh_short_answer",
    "search_zh_document",
    "search_citations",
    "imported_fingerprint",
)


def prefetch_page_content(answer, *, sections=True, citations=True):
    """The content of an answer page (`AnswerQuerySet.for_page`), one query each: its sections, and its citations
    with their articles, laws and chapters. The cited articles' versions and translations are fetched by the page
    only for the legal-basis blocks it does not find in the cache (`articles.views.cited_articles`)."""
    lookups = ["sections"] if sections else []
    if citations:
        cited = Citation.objects.select_related("provision__law", "provision__chapter").defer(
            "provision__search_text", "provision__search_cjk"
        )
        lookups.append(Prefetch("citations", queryset=cited))
    prefetch_related_objects([answer], *lookups)


class AnswerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def for_site(self, language):
        """The published answers the site of `language` lists: those in `language`, and those in the other language
        that have no published translation into it (so that every answer can be reached from either site); each
        with `in_other_language` (0 or 1), to order those in the language first."""
        other = ~Q(language=language)
        return (
            self.published()
            .exclude(other & Q(translation__status=Status.PUBLISHED))
            .annotate(in_other_language=Case(When(other, then=Value(1)), default=Value(0)))
        )

    def visible_to(self, user):
        """What `user` may read: published answers; staff who may change answers also preview the others."""
        return self if may_preview(user) else self.published()

    def for_page(self):
        """One answer with its topic, as its page shows it around its content: one query. The content (sections,
        citations) is read by `prefetch_page_content`, only when the page does not find its blocks in the cache."""
        return self.select_related("topic").defer(*PAGE_DEFERRED)

    def related_to(self, answer, provisions):
        """Other published answers citing any of `provisions`, those sharing the most first (`shared`)."""
        return (
            self.published()
            .exclude(pk=answer.pk)
            .filter(citations__provision__in=provisions)
            .only("question", "slug", "language")
            .annotate(shared=Count("citations"))
            .order_by("-shared", "question", "pk")
        )

    def content_fingerprints(self):
        """{pk: the fingerprint of the answer's editable content as stored now} (three queries).

        An import compares it with `imported_fingerprint` to tell an answer that editors changed.
        """
        answers = list(self.values_list("pk", "question", "short_answer", "topic_id"))
        ids = [pk for pk, *_ in answers]
        sections, citations = {pk: [] for pk in ids}, {pk: [] for pk in ids}
        for answer_id, *section in Section.objects.filter(answer__in=ids).values_list(
            "answer_id", "kind", "heading", "body"
        ):
            sections[answer_id].append(section)
        for answer_id, *citation in Citation.objects.filter(answer__in=ids).values_list(
            "answer_id", "provision__law__slug", "provision__number", "paragraph"
        ):
            citations[answer_id].append(citation)
        return {
            pk: content_fingerprint(
                question=question,
                short_answer=short_answer,
                topic=topic,
                sections=sections[pk],
                citations=citations[pk],
            )
            for pk, question, short_answer, topic in answers
        }

    def citing_by_paragraph(self, provision):
        """[(paragraph, answers)]: the published answers citing `provision`, those citing the whole article
        first (paragraph None), then by the paragraph their citation names; each in question order (one query)."""
        groups = {}
        for citation in (
            Citation.objects.filter(provision=provision, answer__in=self.published())
            .select_related("answer")
            .only("paragraph", "answer__question", "answer__slug", "answer__language")
            .order_by("answer__question", "answer__pk")
        ):
            groups.setdefault(citation.paragraph, []).append(citation.answer)
        return sorted(groups.items(), key=lambda group: (group[0] is not None, group[0] or 0))

    def count_citing(self, provisions):
        """`provisions` (a list), each with `cited_by`: how many published answers cite it (one query)."""
        counts = dict(
            Citation.objects.filter(provision__in=provisions, answer__in=self.published())
            .values_list("provision")
            .annotate(count=Count("answer", distinct=True))
            .order_by()
        )
        for provision in provisions:
            provision.cited_by = counts.get(provision.pk, 0)
        return provisions


class Answer(models.Model):
    question = models.CharField(_("question"), max_length=500)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, allow_unicode=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="answers", verbose_name=_("topic"))
    short_answer = models.TextField(_("short answer"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=Language, default=Language.ZH_HANS)
    # The same answer in the other language, linked by editors (`articles.services.link_translations` keeps
    # the link both ways); the importer never guesses it.
    translation = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("translation"),
        help_text=_("The same answer in the other language."),
    )
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
    published_at = models.DateTimeField(
        _("published"), null=True, blank=True, editable=False, help_text=_("Set when the answer is published.")
    )
    # When a publisher last checked the answer against the law it cites, and who (see articles.review).
    checked_at = models.DateTimeField(_("checked against the law"), null=True, blank=True, editable=False)
    checked_by = staff_member(_("checked by"), editable=False)
    # Review dates: how often the answer must be checked and who keeps it right (empty: its topic's defaults).
    review_interval_days = models.PositiveIntegerField(
        _("review interval (days)"),
        null=True,
        blank=True,
        help_text=_("How often it must be checked against the law; empty: its topic's interval."),
    )
    responsible_editor = staff_member(_("responsible editor"), help_text=_("Empty: the topic's responsible editor."))
    # Scheduled publishing (`manage.py publish_scheduled`, run from cron).
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, help_text=_("When the answer goes live (empty: when published).")
    )
    unpublish_at = models.DateTimeField(
        _("take off the site at"), null=True, blank=True, help_text=_("When the answer comes off the site.")
    )
    withdrawn_at = models.DateTimeField(
        _("withdrawn"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when a published answer is taken off the site: its address then answers “gone”."),
    )
    # The revision that is the answer as it stands (the base of the changes proposed to it).
    live_revision = models.ForeignKey(
        "Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("current revision"),
    )
    # The search document, rebuilt from the sections and citations by each save (articles.search_document).
    search_document = models.TextField(_("search document"), blank=True, editable=False)
    search_cjk = models.TextField(_("search tokens (Chinese)"), blank=True, editable=False)
    search_zh_question = models.TextField(_("search words (Chinese, question)"), blank=True, editable=False)
    search_zh_short_answer = models.TextField(_("search words (Chinese, short answer)"), blank=True, editable=False)
    search_zh_document = models.TextField(_("search words (Chinese, document)"), blank=True, editable=False)
    search_citations = models.TextField(_("search tokens (articles cited)"), blank=True, editable=False)

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
            models.CheckConstraint(
                condition=~models.Q(translation=models.F("pk")), name="answer_translation_not_itself"
            ),
        ]
        indexes = [models.Index(fields=["status", "-updated_at"], name="answer_status_updated_idx")]
        permissions = [("publish_answer", _("Can publish answers"))]

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        self.update_published_at()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "published_at", "withdrawn_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The answer's page on the site of its own language."""
        return self.url_in(self.language)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        """The instance, remembering the slug it was loaded with: a save that changes it keeps the old one as a
        `FormerSlug` (`articles.services`) without reading it again."""
        instance = super().from_db(db, field_names, values, **kwargs)
        if "slug" in instance.__dict__:
            instance.loaded_slug = instance.slug
        return instance

    def url_in(self, language):
        """The answer's address on the site of `language`: its page there, or (in the other language) the page
        that leads to its translation or shows it with a notice (`articles.views.AnswerDetailView`)."""
        with override(language):
            return reverse("articles:answer", kwargs={"slug": self.slug})

    @property
    def site_url(self):
        """The answer's address on the site of the active language (lists link there)."""
        return self.url_in(get_language())

    @property
    def html_lang(self):
        """The answer's language as `lang` attributes write it (zh-Hans, en)."""
        return html_lang(self.language)

    @property
    def language_name(self):
        """The answer's language named in the active language (英文 on the Chinese site, Simplified Chinese on the
        English one), for the sentences and labels that name it; the language switcher names each in itself."""
        return get_language_info(self.language)["name_translated"]

    @property
    def is_public(self):
        """Whether readers see it (staff also preview the others)."""
        return self.status == Status.PUBLISHED

    def update_published_at(self):
        """Publishing sets `published_at`; taking an answer off the site clears it and sets `withdrawn_at`, so
        that its address answers "gone" rather than "not found" (done by every save)."""
        if self.status == Status.PUBLISHED:
            self.published_at = self.published_at or timezone.now()
            self.withdrawn_at = None
        else:
            if self.published_at is not None:
                self.withdrawn_at = timezone.now()
            self.published_at = None


def _normalized(text):
    """Text as compared for edits: line ends and surrounding white space do not count."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def content_fingerprint(*, question, short_answer, topic, sections, citations):
    """A digest of an answer's editable content (status and dates are not content)."""
    sections = [[kind, _normalized(heading), _normalized(body)] for kind, heading, body in sections]
    question, short_answer = _normalized(question), _normalized(short_answer)
    payload = {
        "question": question,
        "short_answer": short_answer,
        "topic": topic,
        "sections": sections,
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
        ordering = ["answer_id", "position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.heading or self.get_kind_display()

    def save(self, *args, **kwargs):
        self.body_html = self.rendered().html
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def rendered(self):
        """The body rendered: sanitised HTML and the law articles it cites inline, in the answer's language (the
        links to the articles lead to their pages on that language's site). Rendered once per body text: saving
        the section and finding the articles it cites use the same rendering."""
        language = self.language()
        cached = self.__dict__.get("_rendered")
        if cached is None or cached[:2] != (self.body, language):
            with override(language):
                cached = self._rendered = (self.body, language, render(self.body))
        return cached[2]

    def language(self):
        """The language of the section's answer (the active one for a section not yet given an answer)."""
        if Section.answer.is_cached(self) or self.answer_id:
            return self.answer.language
        return get_language()


class Citation(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="citations", verbose_name=_("answer"))
    provision = models.ForeignKey(
        Provision, on_delete=models.PROTECT, related_name="citations", verbose_name=_("law article")
    )
    paragraph = models.PositiveSmallIntegerField(
        _("paragraph"), null=True, blank=True, help_text=_("Leave empty to cite the whole article.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    version = models.ForeignKey(
        ProvisionVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("version checked"),
        help_text=_("The article's wording in force when the citation was written or last checked."),
    )

    class Meta:
        ordering = ["answer_id", "position", "pk"]
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

    def clean(self):
        provision = self.provision if self.provision_id else None
        if provision and self.paragraph and self.paragraph > len(provision.paragraphs):
            raise ValidationError(
                {
                    "paragraph": _("%(provision)s has %(count)d paragraph(s).")
                    % {"provision": provision, "count": len(provision.paragraphs)}
                }
            )


class SearchWord(models.Model):
    """A word of the published answers, lower case: the vocabulary the search corrects misspelt words against.

    Added to when a published answer's search document is refreshed, made again from the published answers
    by ``manage.py rebuild_search_vocabulary`` (`articles.search_document.rebuild_vocabulary`), which drops the
    words no published answer has any more. On PostgreSQL a trigram GiST index (migration
    ``0005_search_vocabulary``) finds the nearest word.
    """

    word = models.CharField(_("word"), max_length=40, primary_key=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self):
        return self.word


class DeletedSource(models.Model):
    """The source text of an imported answer that an editor deleted: the importer does not bring it back.

    Written by `articles.services.delete_answers`; the importer skips a source recorded here (and says so)
    unless told to restore it (`--restore-deleted`), which imports it again and removes the record.
    """

    source_site = models.CharField(_("source site"), max_length=200)
    source_section = models.CharField(_("source section"), max_length=200)
    source_title = models.CharField(_("source title"), max_length=500)
    question = models.CharField(_("question"), max_length=500, help_text=_("As it was when the answer was deleted."))
    deleted_at = models.DateTimeField(_("deleted"), auto_now_add=True)
    deleted_by = staff_member(_("deleted by"))

    class Meta:
        ordering = ["-deleted_at", "pk"]
        verbose_name = _("deleted source text")
        verbose_name_plural = _("deleted source texts")
        constraints = [
            models.UniqueConstraint(
                fields=["source_site", "source_section", "source_title"], name="deletedsource_unique_identity"
            ),
        ]

    def __str__(self):
        return f"{self.source_site} - {self.source_section} - {self.source_title}"

    @property
    def identity(self):
        return (self.source_site, self.source_section, self.source_title)


class RevisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("A revision never changes once written.")

    def saved(self):
        return self.filter(kind=Revision.Kind.SAVED)

    def change_notes(self):
        """The changes readers are told of, newest first: saves of the answer while published, with a note for
        readers (shown on the answer and in the feed)."""
        return (
            self.saved()
            .exclude(reader_note="")
            .filter(snapshot__status=Status.PUBLISHED)
            .only("answer_id", "reader_note", "created_at")
            .order_by("-created_at", "-pk")
        )


class Revision(models.Model):
    """A complete snapshot of an answer as one save or one proposal left it. Never changed once written.

    `snapshot` holds question, slug, language, topic, short answer, status, sections and citations (see
    `articles.revisions.snapshot`). A *saved* revision is the answer as a save stored it (admin, import,
    restore, approval, schedule); a *proposed* one is a change to a published answer that waits for a publisher
    (its `Proposal`), the answer on the site staying as it is. `base` is the revision a proposal started from
    (the answer's `live_revision` then); `applied_from` the revision whose content a save applied (a restore or
    an approved proposal).
    """

    class Kind(models.TextChoices):
        SAVED = "saved", _("Saved")
        PROPOSED = "proposed", _("Proposed")

    class Via(models.TextChoices):
        ADMIN = "admin", _("Admin")
        IMPORT = "import", _("Import")
        RESTORE = "restore", _("Restore")
        APPROVAL = "approval", _("Approval")
        SCHEDULE = "schedule", _("Schedule")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("answer"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.SAVED)
    via = models.CharField(_("written by"), max_length=10, choices=Via, default=Via.ADMIN)
    snapshot = models.JSONField(_("snapshot"))
    base = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("based on")
    )
    applied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("applied from")
    )
    note = models.CharField(_("change note"), max_length=300, blank=True)
    reader_note = models.CharField(
        _("note for readers"),
        max_length=300,
        blank=True,
        help_text=_("Shown on the answer and in the feed once the change is published."),
    )
    created_by = staff_member(_("saved by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [models.Index(fields=["answer", "-created_at"], name="revision_answer_created_idx")]

    def __str__(self):
        return _("Revision of %(when)s") % {"when": timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M")}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("A revision never changes once written.")
        super().save(*args, **kwargs)


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    SENT_BACK = "sent_back", _("Sent back")
    APPROVED = "approved", _("Approved, scheduled")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Replaced by a newer proposal")


class Proposal(models.Model):
    """A proposed change to a published answer (its `revision`) and what became of it (articles.proposals)."""

    revision = models.OneToOneField(
        Revision, on_delete=models.CASCADE, related_name="proposal", verbose_name=_("revision")
    )
    status = models.CharField(_("status"), max_length=12, choices=ProposalStatus, default=ProposalStatus.PENDING)
    comment = models.TextField(_("reviewer's comment"), blank=True)
    decided_by = staff_member(_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        indexes = [models.Index(fields=["status"], name="proposal_status_idx")]

    def __str__(self):
        return _("Change to “%(question)s”") % {"question": self.answer.question}

    @property
    def answer(self):
        """The answer the change is proposed to: its revision's."""
        return self.revision.answer


class FormerSlug(models.Model):
    """An address an answer had: it answers 301 to the answer's address now."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="former_slugs", verbose_name=_("answer"))
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, allow_unicode=True)
    replaced_at = models.DateTimeField(_("replaced"), auto_now_add=True)

    class Meta:
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")

    def __str__(self):
        return self.slug


class ReviewReason(models.TextChoices):
    """Why an answer is due to be checked against the law again (articles.review)."""

    INTERVAL = "interval", _("Its review interval has passed")
    AMENDED = "amended", _("An article it cites has a new version")
    UNCHECKED = "unchecked", _("It was never checked against the official text")
    SOURCE_CHANGED = "source_changed", _("Its source text changed")
    QUOTE_DIFFERS = "quote_differs", _("Its source quotes the law differently from the official text")
    FEEDBACK = "feedback", _("Readers' feedback turned negative")


class ReviewRequest(models.Model):
    """An event that makes an answer due (a changed source text, a quote differing from the official text).
    It counts until the answer is next checked (`Answer.checked_at` later than `created_at`)."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="review_requests", verbose_name=_("answer")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReviewReason)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        indexes = [models.Index(fields=["answer", "-created_at"], name="reviewrequest_answer_idx")]

    def __str__(self):
        return self.get_reason_display()


class FeedbackReason(models.TextChoices):
    LAW_CHANGED = "law_changed", _("The law has changed")
    CITY_DIFFERS = "city_differs", _("My city does it differently")
    UNCLEAR = "unclear", _("It is unclear")
    WRONG = "wrong", _("Something is wrong")
    OTHER = "other", _("Other")


class FeedbackState(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Feedback(models.Model):
    """A reader's answer to "Did this answer your question?": nothing about the reader is kept."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("answer"))
    helpful = models.BooleanField(_("helpful"))
    reason = models.CharField(_("reason"), max_length=20, choices=FeedbackReason, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=Language)
    created_at = models.DateTimeField(_("given"), default=timezone.now, db_index=True)
    state = models.CharField(_("state"), max_length=12, choices=FeedbackState, default=FeedbackState.NEW)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    handled_by = staff_member(_("handled by"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reader feedback")
        verbose_name_plural = _("reader feedback")
        indexes = [models.Index(fields=["answer", "-created_at"], name="feedback_answer_created_idx")]

    def __str__(self):
        return str(_("Yes") if self.helpful else _("No"))
