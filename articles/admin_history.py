"""The admin's pages for an answer's revisions and the changes proposed to published answers.

`RevisionViews` adds to the answer admin: the history of an answer's revisions, the comparison of any two
(section by section, marked word by word in English and character by character in Chinese) and restoring one
(for a published answer, as a proposed change). `ProposalAdmin` lists the proposed changes and shows each as a
diff against the live answer, where a publisher approves it (now or at a time) or sends it back with a comment,
and its author withdraws it.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_refs.models import Provision

from . import proposals
from .models import Language, Proposal, ProposalStatus, Revision, SectionKind, Status, Topic
from .revisions import compare
from .roles import CHANGE_PERMISSION, PUBLISH_PERMISSION


def readable(snapshots):
    """Copies of `snapshots` as people read them: topic and article names, status and language labels, section
    kinds by name (two queries for them all)."""
    topic_ids = {snapshot["topic"] for snapshot in snapshots}
    provision_ids = {c["provision"] for snapshot in snapshots for c in snapshot["citations"]}
    topics = Topic.objects.in_bulk(topic_ids)
    provisions = Provision.objects.select_related("law").in_bulk(provision_ids)
    kinds = dict(SectionKind.choices)

    def citation(c):
        provision = provisions.get(c["provision"])
        label = str(provision) if provision else _("an article no longer held")
        if c["paragraph"]:
            label = _("%(provision)s, paragraph %(paragraph)s") % {"provision": label, "paragraph": c["paragraph"]}
        return {**c, "label": label}

    return [
        {
            **snapshot,
            "topic": str(topics[snapshot["topic"]]) if snapshot["topic"] in topics else _("a deleted topic"),
            "status": str(dict(Status.choices).get(snapshot["status"], snapshot["status"])),
            "language": str(dict(Language.choices).get(snapshot["language"], snapshot["language"])),
            "sections": [{**s, "kind": str(kinds.get(s["kind"], s["kind"]))} for s in snapshot["sections"]],
            "citations": [citation(c) for c in snapshot["citations"]],
        }
        for snapshot in snapshots
    ]


FIELD_LABELS = {
    "question": gettext_lazy("Question"),
    "slug": gettext_lazy("Address (slug)"),
    "language": gettext_lazy("Language"),
    "topic": gettext_lazy("Topic"),
    "short_answer": gettext_lazy("Short answer"),
    "status": gettext_lazy("Publishing status"),
}


def comparison(before, after):
    """The comparison of two snapshots as the templates show it (fields named)."""
    before, after = readable([before, after])
    result = compare(before, after)
    fields = [(FIELD_LABELS[change.name], change) for change in result.fields]
    return {"comparison": result, "field_changes": fields}


class RevisionViews:
    """The answer admin's revision pages (see the module docstring)."""

    def revision_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/revisions/", view(self.revisions_view), name="articles_answer_revisions"),
            path("<int:object_id>/revisions/compare/", view(self.compare_view), name="articles_answer_compare"),
            path(
                "<int:object_id>/revisions/<int:revision_id>/restore/",
                view(self.restore_view),
                name="articles_answer_restore",
            ),
        ]

    def _answer(self, request, object_id):
        answer = self.get_object(request, str(object_id))
        if answer is None:
            raise Http404
        if not self.has_view_permission(request, answer):
            raise PermissionDenied
        return answer

    def revisions_view(self, request, object_id):
        """Every revision of the answer, newest first, with who, when, how and the notes; two can be compared."""
        answer = self._answer(request, object_id)
        revisions = list(
            answer.revisions.select_related("created_by", "proposal").defer("snapshot").order_by("-created_at", "-pk")
        )
        saved = [revision.pk for revision in revisions if revision.kind == Revision.Kind.SAVED]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revisions of “%(question)s”") % {"question": answer.question},
            "opts": self.opts,
            "original": answer,
            "revisions": revisions,
            "may_restore": self.has_change_permission(request, answer),
            "live_pk": answer.live_revision_id,
            # Compared at first: the last two saves (a proposal and its approval have the same content).
            "default_to": saved[0] if saved else None,
            "default_from": saved[1] if len(saved) > 1 else None,
        }
        return TemplateResponse(request, "admin/articles/answer/revisions.html", context)

    def compare_view(self, request, object_id):
        """Two revisions of the answer compared: `from` (older by default) and `to`."""
        answer = self._answer(request, object_id)
        try:
            ids = [int(request.GET.get(name, "")) for name in ("from", "to")]
        except ValueError:
            return self._back_to_revisions(request, answer, _("Choose two revisions to compare."))
        found = answer.revisions.select_related("created_by").in_bulk(ids)
        if len(found) != len(set(ids)):
            raise Http404
        before, after = sorted((found[pk] for pk in ids), key=lambda revision: (revision.created_at, revision.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare revisions of “%(question)s”") % {"question": answer.question},
            "opts": self.opts,
            "original": answer,
            "before": before,
            "after": after,
            **comparison(before.snapshot, after.snapshot),
        }
        return TemplateResponse(request, "admin/articles/answer/compare.html", context)

    def restore_view(self, request, object_id, revision_id):
        """POST: bring back a revision's content (a published answer: as a proposed change)."""
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_answer_revisions", args=[object_id]))
        answer = self._answer(request, object_id)
        if not self.has_change_permission(request, answer):
            raise PermissionDenied
        revision = get_object_or_404(answer.revisions, pk=revision_id)
        try:
            result = proposals.restore(revision, by=request.user)
        except ValidationError as error:
            return self._back_to_revisions(request, answer, " ".join(error.messages))
        if isinstance(result, Proposal):
            self.message_user(
                request,
                _(
                    "The revision is proposed as a change: the answer on the site stays as it is until a publisher "
                    "approves it."
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:articles_proposal_change", args=[result.pk]))
        self.message_user(request, _("The revision is restored."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_answer_change", args=[answer.pk]))

    def _back_to_revisions(self, request, answer, message):
        self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:articles_answer_revisions", args=[answer.pk]))


class ProposalStatusFilter(admin.SimpleListFilter):
    """Waiting ones first: the list opens on what waits for review."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*ProposalStatus.choices, ("all", _("All"))]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or ProposalStatus.PENDING) == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or ProposalStatus.PENDING
        if value == "all":
            return queryset
        if value not in ProposalStatus.values:
            return queryset.none()
        return queryset.filter(status=value)


class MineFilter(admin.SimpleListFilter):
    title = gettext_lazy("author")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", _("Mine"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(revision__created_by=request.user)
        return queryset


class ApproveForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=gettext_lazy("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy("Empty: now. A later time publishes it then (manage.py publish_scheduled)."),
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What should change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """The proposed changes: editors and publishers see them; publishers decide (articles.proposals)."""

    list_display = ["answer", "author", "proposed_at", "status", "in_conflict", "publish_at"]
    list_filter = [ProposalStatusFilter, MineFilter]
    list_select_related = ["revision__answer", "revision__created_by"]
    search_fields = ["revision__answer__question"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("revision__snapshot")

    @admin.display(description=gettext_lazy("answer"), ordering="revision__answer__question")
    def answer(self, proposal):
        return proposal.revision.answer

    @admin.display(description=gettext_lazy("proposed by"), ordering="revision__created_by")
    def author(self, proposal):
        return proposal.revision.created_by or "–"

    @admin.display(description=gettext_lazy("proposed"), ordering="revision__created_at")
    def proposed_at(self, proposal):
        return proposal.revision.created_at

    @admin.display(description=gettext_lazy("in conflict"), boolean=True)
    def in_conflict(self, proposal):
        return proposals.is_conflict(proposal) if proposal.status in proposals.OPEN else None

    def has_module_permission(self, request):
        return request.user.has_perm(CHANGE_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(CHANGE_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(CHANGE_PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The proposal as a diff against the live answer, with what its reader may do with it."""
        proposal = get_object_or_404(
            Proposal.objects.select_related("revision__answer__live_revision", "revision__created_by", "decided_by"),
            pk=object_id,
        )
        if not self.has_view_permission(request, proposal):
            raise PermissionDenied
        may_publish = request.user.has_perm(PUBLISH_PERMISSION)
        is_author = proposal.revision.created_by_id == request.user.pk
        approve_form, send_back_form = ApproveForm(), SendBackForm()
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "approve" and may_publish:
                    approve_form = ApproveForm(request.POST)
                    if approve_form.is_valid():
                        proposals.approve(proposal, by=request.user, publish_at=approve_form.cleaned_data["publish_at"])
                        return self._done(request, proposal, _("The change is approved."))
                elif action == "send_back" and may_publish:
                    send_back_form = SendBackForm(request.POST)
                    if send_back_form.is_valid():
                        proposals.send_back(proposal, by=request.user, comment=send_back_form.cleaned_data["comment"])
                        return self._done(request, proposal, _("The change is sent back to its author."))
                elif action == "withdraw" and (is_author or may_publish):
                    proposals.withdraw(proposal)
                    return self._done(request, proposal, _("The proposal is withdrawn."))
                else:
                    raise PermissionDenied
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        answer = proposal.answer
        live = answer.live_revision
        conflict = proposals.is_conflict(proposal)
        waiting = proposal.status == ProposalStatus.PENDING
        context = {
            **self.admin_site.each_context(request),
            "title": _("Proposed change to “%(question)s”") % {"question": answer.question},
            "opts": self.opts,
            "original": proposal,
            "proposal": proposal,
            "answer": answer,
            "conflict": conflict and proposal.status in proposals.OPEN,
            "may_decide": may_publish and waiting and not conflict,
            "may_send_back": may_publish and waiting,
            "may_edit": is_author and proposal.status in proposals.OPEN and answer.status == Status.PUBLISHED,
            "may_withdraw": (is_author or may_publish)
            and proposal.status in (*proposals.OPEN, ProposalStatus.APPROVED),
            "approve_form": approve_form,
            "send_back_form": send_back_form,
            "now": timezone.now(),
            **comparison(live.snapshot if live else proposal.revision.snapshot, proposal.revision.snapshot),
        }
        if conflict and live is not None and proposal.revision.base_id:
            base = Revision.objects.filter(pk=proposal.revision.base_id).first()
            if base is not None:
                since = comparison(base.snapshot, live.snapshot)
                context["since_base"] = since["comparison"]
                context["since_base_fields"] = since["field_changes"]
        return TemplateResponse(request, "admin/articles/proposal/review.html", context)

    def _done(self, request, proposal, message):
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_proposal_change", args=[proposal.pk]))


def open_proposals(answer):
    """The answer's open proposals (waiting, sent back, or approved for later), newest first, for its page."""
    found = list(
        Proposal.objects.filter(revision__answer=answer, status__in=(*proposals.OPEN, ProposalStatus.APPROVED))
        .select_related("revision__created_by")
        .defer("revision__snapshot")
    )
    for proposal in found:
        proposal.revision.answer = answer
        proposal.conflict = proposals.is_conflict(proposal)
    return found
