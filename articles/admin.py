"""The editors' admin: answers with their sections and citations, the publishing workflow, the Markdown editor.

The editor's preview and upload endpoints are admin views of the answer admin:
they answer only signed-in staff who may change answers (others are sent to
the login page or get 403), and they render with the site's one renderer.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from markdownx.widgets import AdminMarkdownxWidget

from legal_refs.admin import ProvisionAdmin
from legal_refs.models import Law, Provision
from textkit.controls import ControlCharactersForm

from . import review
from .admin_history import RevisionViews, open_proposals
from .feedback import feedback_counts, set_feedback_state
from .markdown import MarkdownTooComplex, render_markdown, unknown_references_error
from .models import (
    MAX_POSITION,
    Answer,
    Citation,
    DeletedSource,
    Feedback,
    FeedbackState,
    Proposal,
    ReviewReason,
    Revision,
    Section,
    Status,
    Topic,
)
from .proposals import OPEN, propose
from .revisions import snapshot
from .roles import CHANGE_PERMISSION, PUBLISH_PERMISSION
from .search_document import check_index_size
from .services import delete_answers, delete_topics, link_translations, save_answer, save_topic, text_citations
from .uploads import ImageUploadForm, LimitedUploadHandler, max_upload_bytes, too_large_error


class TopicForm(ControlCharactersForm, forms.ModelForm):
    """A topic is named in both languages: each site lists it under the name in its own language (the model
    allows a topic without a Chinese name, as an import of English texts makes one, until an editor names it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "title_zh" in self.fields:  # not when the topic is only viewed
            self.fields["title_zh"].required = True


REVIEW_FIELDS = ["review_interval_days", "responsible_editor"]  # of topics and answers: publishers set them


class ReviewFieldsAdmin:
    """The review interval and the responsible editor: publishers set them, editors see them; the editor is
    chosen among the staff."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(PUBLISH_PERMISSION):
            readonly += [name for name in REVIEW_FIELDS if name not in readonly]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "responsible_editor":
            kwargs["queryset"] = db_field.related_model.objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Topic)
class TopicAdmin(ReviewFieldsAdmin, admin.ModelAdmin):
    form = TopicForm
    list_display = ["title", "title_zh", "slug", "review_interval_days", "responsible_editor"]
    list_select_related = ["responsible_editor"]
    search_fields = ["title", "title_zh"]
    prepopulated_fields = {"slug": ["title"]}

    def save_model(self, request, obj, form, change):
        save_topic(obj)

    def delete_model(self, request, obj):
        delete_topics([obj])

    def delete_queryset(self, request, queryset):
        delete_topics(queryset)


class MarkdownEditorWidget(AdminMarkdownxWidget):
    """markdownx's editor with live preview, talking to the answer admin's protected endpoints."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-markdownx-urls-path": reverse("admin:articles_answer_markdownify"),
                "data-markdownx-upload-urls-path": reverse("admin:articles_answer_upload"),
            }
        )
        return context

    class Media:
        css = {"all": ["articles/admin/editor.css"]}
        js = ["articles/admin/editor.js"]


class PositionedForm(ControlCharactersForm, forms.ModelForm):
    """A section or citation of an answer: its position orders it; a new one goes last unless told otherwise."""

    position = forms.IntegerField(
        label=_("position"),
        min_value=0,
        max_value=MAX_POSITION,
        required=False,
        help_text=_("Order on the page; empty puts it last."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            self.initial.pop("position", None)


class PositionedFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.has_changed() or form.instance.pk]
        kept = [form for form in kept if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)]
        positions = [form.cleaned_data["position"] for form in kept if form.cleaned_data.get("position") is not None]
        following = max(positions, default=-1) + 1
        if following + sum(form.cleaned_data.get("position") is None for form in kept) - 1 > MAX_POSITION:
            raise forms.ValidationError(
                _("There is no position left after %(position)s: number the items with smaller positions."),
                params={"position": MAX_POSITION},
            )
        for form in kept:
            if form.cleaned_data.get("position") is None:
                form.instance.position = form.cleaned_data["position"] = following
                following += 1


class SectionFormSet(PositionedFormSet):
    def clean(self):
        """The answer with these sections must fit in the search index (PostgreSQL's tsvector)."""
        super().clean()
        kept = [form for form in self.forms if getattr(form, "cleaned_data", None)]
        kept = [form.cleaned_data for form in kept if not self._should_delete_form(form)]
        answer = self.instance
        texts = [answer.question or "", answer.short_answer or ""]
        texts += [text for data in kept for text in (data.get("heading") or "", data.get("body") or "")]
        check_index_size(texts)


class SectionForm(PositionedForm):
    class Meta:
        model = Section
        fields = ["position", "kind", "heading", "body"]
        widgets = {"body": MarkdownEditorWidget}
        help_texts = {
            "body": _(
                "Markdown. Cite a law article as [[social-insurance-law 4]], "
                "or one of its paragraphs as [[social-insurance-law 4(2)]]. "
                "Raw HTML is shown as text."
            )
        }

    def clean_body(self):
        """A reference to a law or article we do not hold is an error. The rendering checked is the one the
        save stores (`Section.rendered` keeps it on the section)."""
        body = self.cleaned_data["body"]
        self.instance.body = body
        if unknown := self.instance.rendered().unknown:
            raise unknown_references_error(unknown)
        return body


def proposing(request, answer):
    """A published answer is what readers see: only a publisher changes it, takes it offline or deletes it. An
    editor's change to it is saved as a proposal (articles.proposals), the answer staying as it is."""
    return answer is not None and answer.status == Status.PUBLISHED and not request.user.has_perm(PUBLISH_PERMISSION)


class ProposalPartsInline:
    """Sections and citations: when an editor edits their proposal (`AnswerAdmin.editing_proposal`), its parts,
    one form each, pre-filled."""

    def get_extra(self, request, obj=None, **kwargs):
        proposal = getattr(request, "_editing_proposal", None)
        if proposal is not None:
            return len(proposal_parts(proposal, self.model))
        return super().get_extra(request, obj, **kwargs)


def proposal_part(model, answer, initial):
    """An unsaved section or citation of `answer` from its form's initial data (`proposal_parts`)."""
    if model is Section:
        return Section(answer=answer, kind=initial["kind"], heading=initial["heading"], body=initial["body"])
    return Citation(answer=answer, provision_id=initial["provision"], paragraph=initial["paragraph"])


def proposal_parts(proposal, model):
    """The initial data of the forms of a proposal's sections or citations, in order."""
    if model is Section:
        return [dict(section) for section in proposal.revision.snapshot["sections"]]
    return [dict(citation) for citation in proposal.revision.snapshot["citations"]]


class SectionInline(ProposalPartsInline, admin.StackedInline):
    model = Section
    form = SectionForm
    formset = SectionFormSet
    extra = 0
    ordering = ["position", "pk"]


class CitationForm(PositionedForm):
    class Meta:
        model = Citation
        fields = ["provision", "paragraph", "position"]


class CitedInText:
    """A citation the save added because the text cites its article, as the admin's change message names it."""

    def __init__(self, citation):
        self.citation = citation
        self._meta = citation._meta

    def __str__(self):
        return gettext("%(citation)s (cited in the text)") % {"citation": self.citation}


class CitationInline(ProposalPartsInline, admin.TabularInline):
    model = Citation
    form = CitationForm
    formset = PositionedFormSet
    extra = 0
    autocomplete_fields = ["provision"]
    ordering = ["position", "pk"]
    readonly_fields = ["wording_checked"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provision__law", "version")

    @admin.display(description=_("wording checked"))
    def wording_checked(self, citation):
        """The version of the article the citation was written or last checked against."""
        if citation.version is None:
            return "–"
        return gettext("in force from %(date)s") % {"date": citation.version.effective_from}


class AnswerForm(ControlCharactersForm, forms.ModelForm):
    may_publish = False  # set per request by AnswerAdmin.get_form
    proposing = False  # an editor's change to a published answer (set per request by AnswerAdmin.get_form)
    # Not the model field itself: `link_translations` writes the link both ways once the answer is saved.
    translation = forms.ModelChoiceField(
        queryset=Answer.objects.all(),
        required=False,
        widget=AutocompleteSelect(Answer._meta.get_field("translation"), admin.site),
        label=_("Translation"),
        help_text=_("The same answer in the other language; the link is made both ways."),
    )

    # The revision the editor started from: a proposal records it, so that one made from an answer that has
    # changed since is shown as in conflict rather than overwriting that change.
    base_revision = forms.ModelChoiceField(
        queryset=Revision.objects.filter(kind=Revision.Kind.SAVED),
        required=False,
        widget=forms.HiddenInput,
        label=_("Based on revision"),
    )
    change_note = forms.CharField(
        label=_("Change note"),
        max_length=300,
        required=False,
        help_text=_("What you changed and why, for the answer's history and the publisher."),
    )
    reader_note = forms.CharField(
        label=_("Note for readers"),
        max_length=300,
        required=False,
        help_text=_(
            "Shown on the answer and in the feed once the change is published, e.g. “The Beijing "
            "replacement deadline added.” Leave empty for a change readers need not know about."
        ),
    )

    class Meta:
        model = Answer
        fields = ["question", "slug", "language", "topic", "short_answer", "status", "publish_at", "unpublish_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["translation"].queryset = Answer.objects.exclude(pk=self.instance.pk)
            self.initial.setdefault("translation", self.instance.translation_id)
            self.fields["base_revision"].queryset = self.instance.revisions.filter(kind=Revision.Kind.SAVED)
            self.initial.setdefault("base_revision", self.instance.live_revision_id)
        if self.proposing:  # the link is made both ways at once, by a publisher: not part of a proposal
            self.fields["translation"].disabled = True

    @cached_property
    def changed_data(self):
        """The answer's fields changed (the notes and the base describe the change, they are not part of it)."""
        return [name for name in super().changed_data if name not in {"base_revision", "change_note", "reader_note"}]

    def clean(self):
        cleaned = super().clean()
        translation, language = cleaned.get("translation"), cleaned.get("language")
        if translation is not None and language and translation.language == language:
            self.add_error("translation", _("A translation must be in another language than this answer."))
        self.clean_schedule(cleaned)
        base = cleaned.get("base_revision")
        if not self.proposing and base is not None and base.pk != self.instance.live_revision_id:
            # Saved over, the other change would be lost unseen (a proposal from it is shown as in conflict).
            raise forms.ValidationError(
                _(
                    "Someone changed this answer after you opened it. Open it again to see their change, then make "
                    "yours; its revisions show what changed."
                ),
                code="changed_since",
            )
        return cleaned

    def clean_schedule(self, cleaned):
        """A time set or changed is in the future; an answer comes off the site after it goes live."""
        now = timezone.now()
        for name in ["publish_at", "unpublish_at"]:
            when = cleaned.get(name)
            if name in self.changed_data and when is not None and when <= now:
                self.add_error(name, _("Choose a time in the future."))
        publish_at, unpublish_at = cleaned.get("publish_at"), cleaned.get("unpublish_at")
        if publish_at and unpublish_at and unpublish_at <= publish_at:
            self.add_error("unpublish_at", _("The answer must come off the site after it goes live."))
        if publish_at and cleaned.get("status") == Status.PUBLISHED:
            self.add_error(
                "publish_at",
                _("The answer is published already: clear the time, or set the status to “In review” to wait for it."),
            )

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == Status.PUBLISHED and not self.may_publish:
            raise forms.ValidationError(
                _("Only a publisher may publish an answer. Set it to “In review” when it is ready."),
                code="publish_permission",
            )
        return status


def review_reason_lines(reasons):
    """(text, link, link text) for each line of "why it is due" (link empty for none)."""
    lines = []
    if ReviewReason.INTERVAL in reasons:
        text = ngettext(
            "Its review interval (%(days)d day) has passed: it was due on %(date)s.",
            "Its review interval (%(days)d days) has passed: it was due on %(date)s.",
            reasons.interval_days,
        ) % {
            "days": reasons.interval_days,
            "date": formats.date_format(timezone.localtime(reasons.due_since), "DATE_FORMAT"),
        }
        lines.append((text, "", ""))
    for reason in reasons.amended:
        text = gettext("%(provision)s: a version in force from %(date)s.") % {
            "provision": reason.citation.provision,
            "date": reason.newer.effective_from,
        }
        lines.append((text, reason.compare_url, gettext("Compare the wordings")))
    for citation in reasons.unchecked:
        text = gettext("%(provision)s: never checked against its official text.") % {"provision": citation.provision}
        lines.append((text, citation.provision.get_absolute_url(), gettext("Read the official text")))
    for reason, requests in reasons.requests.items():
        for request in requests:
            text = gettext("%(reason)s (%(date)s): %(detail)s") % {
                "reason": ReviewReason(reason).label,
                "date": formats.date_format(timezone.localtime(request.created_at), "SHORT_DATETIME_FORMAT"),
                "detail": request.detail,
            }
            lines.append((text, "", ""))
    if ReviewReason.FEEDBACK in reasons:
        text = gettext(
            "Readers' feedback turned negative: %(no)d “No” and %(yes)d “Yes” in the last %(days)d days, "
            "counting only since it was last checked."
        ) % {"no": reasons.feedback_no, "yes": reasons.feedback_yes, "days": review.feedback_rule().days}
        lines.append((text, "", ""))
    return lines


def review_reasons_html(reasons):
    """The lines of `review_reason_lines` as paragraphs, each with its link (everything escaped)."""
    paragraphs = [
        format_html('<p>{} <a href="{}">{}</a></p>', text, link, link_text) if link else format_html("<p>{}</p>", text)
        for text, link, link_text in review_reason_lines(reasons)
    ]
    return format_html_join("", "{}", ((paragraph,) for paragraph in paragraphs))


class CitedLawFilter(admin.SimpleListFilter):
    title = _("cited law")
    parameter_name = "law"

    def lookups(self, request, model_admin):
        laws = Law.objects.filter(provisions__citations__isnull=False).distinct()
        return [(law.slug, str(law)) for law in laws]

    def queryset(self, request, queryset):
        if self.value() and "\x00" in self.value():  # no slug holds one, and PostgreSQL refuses it in a query
            return queryset.none()
        if self.value():
            return queryset.filter(citations__provision__law__slug=self.value()).distinct()
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    title = _("review against the law")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        due = [(reason.value, gettext("Due: %(reason)s") % {"reason": reason.label}) for reason in ReviewReason]
        return [("due", _("Due, for any reason")), *due, ("checked", _("Not due"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(review_due=True)
        if self.value() == "checked":
            return queryset.filter(review_due=False)
        if self.value() in ReviewReason.values:
            return queryset.filter(**{review.flag_name(self.value()): True})
        return queryset


@admin.register(Answer)
class AnswerAdmin(RevisionViews, ReviewFieldsAdmin, admin.ModelAdmin):
    form = AnswerForm
    # The form's own `translation` field, not the model's: `link_translations` writes the link both ways.
    exclude = ["translation"]
    list_display = [
        "question",
        "topic",
        "status",
        "review_due_display",
        "due_reasons",
        "feedback_display",
        "published_at",
        "updated_at",
    ]
    list_filter = ["status", ReviewFilter, "topic", CitedLawFilter]
    list_select_related = ["topic"]
    search_fields = ["question", "short_answer"]
    prepopulated_fields = {"slug": ["question"]}
    readonly_fields = [
        "published_at",
        "source_site",
        "source_section",
        "source_title",
        "created_at",
        "updated_at",
        "checked_at",
        "checked_by",
        "review_reasons",
    ]
    fieldsets = [
        (None, {"fields": ["question", "slug", "language", "topic", "short_answer", "translation"]}),
        (
            _("Publishing"),
            {"fields": ["status", "publish_at", "unpublish_at", "published_at", "created_at", "updated_at"]},
        ),
        (_("This change"), {"fields": ["change_note", "reader_note", "base_revision"]}),
        (
            _("Review against the law"),
            {"fields": ["review_reasons", "checked_at", "checked_by", "review_interval_days", "responsible_editor"]},
        ),
        (_("Imported from"), {"fields": ["source_site", "source_section", "source_title"], "classes": ["collapse"]}),
    ]
    inlines = [SectionInline, CitationInline]
    actions = ["mark_checked"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [*self.fieldsets[:2], (_("This change"), {"fields": ["change_note"]})]
        if not obj.source_title:  # written here, not imported
            return self.fieldsets[:4]
        return self.fieldsets

    def get_queryset(self, request):
        return review.with_reasons(super().get_queryset(request)).annotate(**feedback_counts())

    # Review against the law (articles.review)

    @admin.display(description=_("review due"), boolean=True, ordering="review_due")
    def review_due_display(self, answer):
        return answer.review_due

    @admin.display(description=_("reasons"))
    def due_reasons(self, answer):
        """The reasons, read from the list query's annotations (no query per row)."""
        return ", ".join(str(reason.label) for reason in review.flagged_reasons(answer)) or "–"

    @admin.display(description=_("feedback"), ordering="feedback_no")
    def feedback_display(self, answer):
        """Readers' Yes and No, linking to the feedback inbox showing this answer's."""
        if not answer.feedback_yes and not answer.feedback_no:
            return "–"
        url = f"{reverse('admin:articles_feedback_changelist')}?{FeedbackAnswerFilter.parameter_name}={answer.pk}"
        text = gettext("%(yes)d yes / %(no)d no") % {"yes": answer.feedback_yes, "no": answer.feedback_no}
        return format_html('<a href="{}">{}</a>', url, text)

    @admin.display(description=_("why it is due"))
    def review_reasons(self, answer):
        """Every reason with its detail (`review.reasons_for`: a fixed number of queries)."""
        reasons = review.reasons_for(answer)
        if not reasons:
            if answer.status != Status.PUBLISHED:
                return gettext("Nothing: only published answers are due for review.")
            return gettext("Nothing: it is not due for review.")
        return review_reasons_html(reasons)

    @admin.action(description=_("Mark checked against the law"), permissions=["publish"])
    def mark_checked(self, request, queryset):
        answers = list(queryset)
        for answer in answers:
            review.mark_checked(answer, request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d answer marked checked against the law.",
                "%(count)d answers marked checked against the law.",
                len(answers),
            )
            % {"count": len(answers)},
            messages.SUCCESS,
        )

    # Publishing

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return not proposing(request, obj) and super().has_delete_permission(request, obj)

    # An editor edits their open proposal (`?proposal=<pk>`: sent back, or in conflict): the form shows it, not
    # the live answer, and saving proposes it again from the answer as it is now (replacing it).

    def editing_proposal(self, request, answer):
        """The open proposal of the user for `answer` that `?proposal=` names (for editors of a published answer),
        or None."""
        pk = request.GET.get("proposal", "")
        if not pk.isdigit() or not proposing(request, answer):
            return None
        return (
            Proposal.objects.filter(pk=pk, revision__answer=answer, status__in=OPEN, revision__created_by=request.user)
            .select_related("revision")
            .first()
        )

    def get_object(self, request, object_id, from_field=None):
        answer = super().get_object(request, object_id, from_field)
        # The proposal `change_view` found: the form starts from its fields (its parts: the inlines).
        proposal = getattr(request, "_editing_proposal", None)
        if answer is not None and proposal is not None:
            for name in ("question", "slug", "language", "short_answer"):
                setattr(answer, name, proposal.revision.snapshot[name])
            answer.topic_id = proposal.revision.snapshot["topic"]
        return answer

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        proposal = getattr(request, "_editing_proposal", None)
        if proposal is not None:
            kwargs["queryset"] = inline.model.objects.none()
            kwargs["initial"] = proposal_parts(proposal, inline.model)
        return kwargs

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The answer's form, with its open proposals and, for an editor on a published answer, what saving does."""
        # The answer's status and live revision only (the form's own lookup reads the list's annotations).
        try:
            answer = Answer.objects.only("status", "live_revision").filter(pk=unquote(object_id)).first()
        except (ValueError, ValidationError):  # not an id: the admin's own lookup says so
            answer = None
        extra_context = {**(extra_context or {})}
        if answer is not None:
            extra_context["open_proposals"] = open_proposals(answer)
            extra_context["proposing"] = proposing(request, answer)
            extra_context["editing_proposal"] = request._editing_proposal = self.editing_proposal(request, answer)
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        proposal = getattr(request, "_proposal", None)
        if proposal is False:  # nothing to propose: back to the answer
            return HttpResponseRedirect(reverse("admin:articles_answer_change", args=[obj.pk]))
        if proposal is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            gettext(
                "Your change is proposed. The answer on the site stays as it is until a publisher approves the change."
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_proposal_change", args=[proposal.pk]))

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "_proposal", None) is not None:  # a proposal, or nothing
            return [{"changed": {"fields": [gettext("a proposed change, waiting for review")]}}]
        return super().construct_change_message(request, form, formsets, add)

    def get_readonly_fields(self, request, obj=None):
        """Only a publisher schedules an answer or takes a published one off the site: the others see its times
        (and a published answer's status)."""
        fields = super().get_readonly_fields(request, obj)
        if self.has_publish_permission(request, obj):
            return fields
        return [*fields, "publish_at", "unpublish_at", *(["status"] if proposing(request, obj) else [])]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.may_publish = self.has_publish_permission(request, obj)
        form.proposing = proposing(request, obj)
        if not form.may_publish and "status" in form.base_fields:
            form.base_fields["status"].help_text = _("Only a publisher may publish. Set “In review” when it is ready.")
        return form

    # Saving: the answer with its sections and citations in one service call (which also adds the
    # articles cited in the text and rebuilds the search document once).

    def save_model(self, request, obj, form, change):
        """Nothing yet: `save_related` saves the answer together with its sections and citations."""

    # Deleting: an imported answer is remembered as deleted, so that the next import does not bring it back.

    def delete_model(self, request, obj):
        delete_answers([obj], user=request.user)

    def delete_queryset(self, request, queryset):
        delete_answers(queryset, user=request.user)

    def save_related(self, request, form, formsets, change):
        if proposing(request, form.instance):
            try:
                request._proposal = self.propose(request, form, formsets)
            except ValidationError as error:
                request._proposal = False
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            return
        if form.instance.publish_at and not self.has_publish_permission(request, form.instance):
            # A publisher scheduled the answer as it was: a change by an editor waits for a publisher again.
            form.instance.publish_at = None
            self.message_user(
                request,
                gettext("The answer's scheduled publication is cancelled: a publisher schedules it again."),
                messages.WARNING,
            )
        sections, citations, removed, others = [], [], [], []
        for formset in formsets:
            saved = formset.save(commit=False)
            (sections if formset.model is Section else citations).extend(saved)
            removed.extend(formset.deleted_objects)
            if formset.model is Section:  # the sections left as they were, rendered when the form was checked
                touched = {part.pk for part in [*saved, *formset.deleted_objects]}
                others = [f.instance for f in formset.initial_forms if f.instance.pk not in touched]
        added = save_answer(
            form.instance,
            sections=sections,
            citations=citations,
            removed=removed,
            others=others,
            by=request.user,
            note=form.cleaned_data.get("change_note", ""),
            reader_note=form.cleaned_data.get("reader_note", ""),
        )
        form.save_m2m()
        if "translation" in form.changed_data:
            link_translations(form.instance, form.cleaned_data["translation"])
        for formset in formsets:
            if formset.model is Citation:
                formset.new_objects.extend(map(CitedInText, added))  # the change message lists new objects

    def propose(self, request, form, formsets):
        """The answer as the form would leave it, proposed as a change (nothing of the answer is written)."""
        parts = {Section: [], Citation: []}
        editing = getattr(request, "_editing_proposal", None) is not None
        for formset in formsets:
            for index, part_form in enumerate(formset.forms):
                if formset._should_delete_form(part_form):
                    continue
                if getattr(part_form, "cleaned_data", None):
                    part = part_form.instance  # holds the form's values (not saved)
                elif editing and part_form.initial:  # a part of the proposal edited, left as it was
                    part = proposal_part(formset.model, form.instance, part_form.initial)
                else:
                    continue  # an empty extra form
                if editing:  # the parts are new forms, in the order shown
                    part.position = index
                parts[formset.model].append(part)
        # The articles the text cites and the citations do not: the save on approval adds them, so they are part
        # of the change the publisher reads.
        cited_in_text = text_citations(form.instance, parts[Section], parts[Citation])
        return propose(
            form.instance,
            snapshot(form.instance, parts[Section], parts[Citation] + cited_in_text),
            by=request.user,
            base=form.cleaned_data.get("base_revision"),
            note=form.cleaned_data.get("change_note", ""),
            reader_note=form.cleaned_data.get("reader_note", ""),
        )

    # The Markdown editor's endpoints: admin views (staff only), for those who may change answers.

    def get_urls(self):
        return [
            *self.revision_urls(),
            path("markdownify/", self.admin_site.admin_view(self.markdownify_view), name="articles_answer_markdownify"),
            path("upload/", self.admin_site.admin_view(self.upload_view), name="articles_answer_upload"),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def markdownify_view(self, request):
        """The live preview, rendered by the site's one renderer; a text beyond its caps shows why instead."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            html = render_markdown(request.POST.get("content", ""))
        except MarkdownTooComplex as error:
            html = format_html_join("", '<p class="preview-error">{}</p>', ((message,) for message in error.messages))
        return HttpResponse(html, content_type="text/html; charset=utf-8")

    @method_decorator(require_POST)
    @method_decorator(csrf_exempt)  # checked below, once the size limit is in place: the check reads the body
    def upload_view(self, request):
        """An image dropped on the editor: JSON with the Markdown to insert, or 400 with the reason. The body
        is read no further than the size limit allows."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        limit = LimitedUploadHandler(request, max_upload_bytes())
        request.upload_handlers.insert(0, limit)
        return csrf_protect(partial(self._upload, limit=limit))(request)

    def _upload(self, request, limit):
        form = ImageUploadForm(request.POST, request.FILES)
        if limit.too_large:
            return JsonResponse({"image": too_large_error().messages}, status=400)
        if not form.is_valid():
            return JsonResponse({"image": form.errors["image"]}, status=400)
        return JsonResponse({"image_code": f"![]({form.save()})"})


@admin.register(DeletedSource)
class DeletedSourceAdmin(admin.ModelAdmin):
    """The imported answers editors deleted. Deleting a row here lets the next import bring the answer back."""

    list_display = ["__str__", "question", "deleted_at", "deleted_by"]
    search_fields = ["source_title", "question"]
    readonly_fields = ["source_site", "source_section", "source_title", "question", "deleted_at", "deleted_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CitingAnswerInline(admin.TabularInline):
    """On a law article's page: the answers that cite it (read-only)."""

    model = Citation
    fk_name = "provision"
    fields = ["answer", "answer_status", "paragraph"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = _("answer citing this article")
    verbose_name_plural = _("answers citing this article")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("answer").order_by("answer__question")

    @admin.display(description=_("status"))
    def answer_status(self, citation):
        return citation.answer.get_status_display()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# legal_refs knows nothing of answers: its article admin is registered here, with the answers citing each.
@admin.register(Provision)
class CitedProvisionAdmin(ProvisionAdmin):
    inlines = [*ProvisionAdmin.inlines, CitingAnswerInline]


# Readers' feedback (articles.feedback): an inbox for editors. Nobody adds feedback here; editors (who may change
# answers) read it and move it from new to in progress to done.


class FeedbackAnswerFilter(admin.SimpleListFilter):
    """The answers that have feedback (not every answer)."""

    title = _("answer")
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        answers = Answer.objects.filter(Exists(Feedback.objects.filter(answer=OuterRef("pk"))))
        return [
            (str(pk), Truncator(question).chars(80))
            for pk, question in answers.order_by("question", "pk").values_list("pk", "question")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not (value.isascii() and value.isdigit()):
            return queryset.none()
        return queryset.filter(answer_id=int(value))


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "answer_question", "helpful", "reason", "comment_excerpt", "language", "state"]
    list_filter = ["state", "helpful", "reason", FeedbackAnswerFilter, "language"]
    fields = ["answer", "helpful", "reason", "comment", "language", "created_at", "state", "done_at", "handled_by"]
    readonly_fields = ["answer", "helpful", "reason", "comment", "language", "created_at", "done_at", "handled_by"]
    actions = ["mark_in_progress", "mark_done"]

    def get_queryset(self, request):
        shown = [field.attname for field in Feedback._meta.concrete_fields]
        return super().get_queryset(request).select_related("answer").only(*shown, "answer__question")

    @admin.display(description=_("answer"), ordering="answer__question")
    def answer_question(self, feedback):
        return Truncator(feedback.answer.question).chars(80)

    @admin.display(description=_("comment"))
    def comment_excerpt(self, feedback):
        return Truncator(feedback.comment).chars(120)

    # Editors: whoever may change answers reads the feedback and changes its state; nobody adds it.

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(CHANGE_PERMISSION) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(CHANGE_PERMISSION) or super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if "state" in form.changed_data:
            set_feedback_state(Feedback.objects.filter(pk=obj.pk), obj.state, request.user)

    def _mark(self, request, queryset, state):
        count = set_feedback_state(queryset, state, request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d piece of feedback marked “%(state)s”.",
                "%(count)d pieces of feedback marked “%(state)s”.",
                count,
            )
            % {"count": count, "state": FeedbackState(state).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark in progress"), permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._mark(request, queryset, FeedbackState.IN_PROGRESS)

    @admin.action(description=_("Mark done"), permissions=["change"])
    def mark_done(self, request, queryset):
        self._mark(request, queryset, FeedbackState.DONE)
