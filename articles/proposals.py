"""Changes to published answers, proposed by editors and approved or sent back by publishers.

A proposal is a revision of kind *proposed* (`Revision`) with its `Proposal`: the answer on the site stays
exactly as it is until a publisher approves it. Each proposal records the revision it started from (`base`:
the answer's live revision when the editor opened it). One whose base is no longer live is in conflict: it
cannot be approved until its author brings it up to date (proposes it again from the live answer), so that two
edits never silently overwrite each other. Approving applies the proposed content as one save (through
`services.save_answer`, which writes the revision and refreshes the cached pages), now or at a time set
(`SCHEDULE`, carried out by `manage.py publish_scheduled`). Restoring an old revision of a published
answer proposes it in the same way.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import router, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from legal_refs.models import Provision
from serving.mail import absolute, mail_configured

from .models import Answer, Citation, Proposal, ProposalStatus, Revision, Section, Status, Topic
from .revisions import content
from .services import SCHEDULED_CHANGES, ScheduledChange, save_answer

OPEN = (ProposalStatus.PENDING, ProposalStatus.SENT_BACK)


def _atomic():
    return transaction.atomic(using=router.db_for_write(Answer))


def is_conflict(proposal: Proposal) -> bool:
    """Whether the answer changed since the proposal started from it (its base is no longer live)."""
    return proposal.revision.base_id != proposal.revision.answer.live_revision_id


def propose(answer: Answer, snapshot: dict, *, by, base: Revision | None, note="", reader_note="") -> Proposal:
    """Propose `snapshot` (the answer's content, `revisions.snapshot`) as a change to the published `answer`,
    started from `base`. The author's open proposals for the answer are replaced by it. The answer is untouched."""
    snapshot = {**content(snapshot), "status": Status.PUBLISHED}
    started_from = base.snapshot if base is not None else None
    if started_from is not None and content(started_from) == content(snapshot):
        raise ValidationError(_("Nothing was changed: there is no change to propose."), code="unchanged")
    with _atomic():
        Proposal.objects.filter(revision__answer=answer, revision__created_by=by, status__in=OPEN).update(
            status=ProposalStatus.SUPERSEDED
        )
        revision = Revision.objects.create(
            answer=answer,
            kind=Revision.Kind.PROPOSED,
            via=Revision.Via.ADMIN,
            snapshot=snapshot,
            base=base,
            note=note,
            reader_note=reader_note,
            created_by=by,
        )
        proposal = Proposal.objects.create(revision=revision)
        transaction.on_commit(notify_publishers, using=router.db_for_write(Answer))
    return proposal


def approve(proposal: Proposal, *, by, publish_at: datetime.datetime | None = None, now=None) -> Proposal:
    """Approve a waiting proposal: its content goes live now as one change with its notes, or at `publish_at`.
    A proposal in conflict, or one that no longer waits, is refused (`ValidationError`)."""
    now = now or timezone.now()
    with _atomic():
        answer = Answer.objects.select_for_update().get(pk=proposal.revision.answer_id)
        proposal = Proposal.objects.select_for_update().select_related("revision").get(pk=proposal.pk)
        proposal.revision.answer = answer
        if proposal.status != ProposalStatus.PENDING:
            raise ValidationError(
                _("This proposal no longer waits for review (%(status)s).") % {"status": proposal.get_status_display()}
            )
        if is_conflict(proposal):
            raise ValidationError(
                _(
                    "The answer changed after this proposal was started from it: its author must bring it up to "
                    "date before it can be approved."
                ),
                code="conflict",
            )
        proposal.decided_by, proposal.decided_at = by, now
        if publish_at is not None and publish_at > now:
            proposal.status, proposal.publish_at = ProposalStatus.APPROVED, publish_at
            proposal.save(update_fields=["status", "publish_at", "decided_by", "decided_at"])
            return proposal
        _apply(proposal, answer, by=by, via=Revision.Via.APPROVAL)
    return proposal


def _apply(proposal, answer, *, by, via):
    revision = proposal.revision
    apply_content(
        answer,
        revision.snapshot,
        by=by,
        via=via,
        note=revision.note,
        reader_note=revision.reader_note,
        applied_from=revision,
    )
    proposal.status = ProposalStatus.PUBLISHED
    proposal.save(update_fields=["status", "publish_at", "decided_by", "decided_at"])


def send_back(proposal: Proposal, *, by, comment: str) -> Proposal:
    """Return a waiting proposal to its author with a comment (required)."""
    comment = comment.strip()
    if not comment:
        raise ValidationError(_("Say what the author should change."), code="comment_required")
    updated = Proposal.objects.filter(pk=proposal.pk, status=ProposalStatus.PENDING).update(
        status=ProposalStatus.SENT_BACK, comment=comment, decided_by=by, decided_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This proposal no longer waits for review."))
    proposal.refresh_from_db()
    return proposal


def withdraw(proposal: Proposal) -> Proposal:
    """The author takes back an open proposal (waiting, sent back, or approved for later: its time is cleared)."""
    withdrawn = Proposal.objects.filter(pk=proposal.pk, status__in=(*OPEN, ProposalStatus.APPROVED)).update(
        status=ProposalStatus.WITHDRAWN, publish_at=None
    )
    if not withdrawn:
        raise ValidationError(_("This proposal can no longer be withdrawn."))
    proposal.refresh_from_db()
    return proposal


def restore(revision: Revision, *, by) -> Proposal | Revision:
    """Bring back the content of an old revision. A published answer is never taken off the site for it: the
    content is proposed as a change (returns the `Proposal`); another answer is saved with it at once, keeping
    its status (returns the new `Revision`)."""
    answer = Answer.objects.get(pk=revision.answer_id)
    note = _("Restores the revision of %(when)s.") % {
        "when": timezone.localtime(revision.created_at).strftime("%Y-%m-%d %H:%M")
    }
    if answer.status == Status.PUBLISHED:
        # A proposal brought back keeps the base it was made from: if the answer changed since, it is in conflict,
        # as it was (restoring it is no way round that check). An old saved revision is proposed against today's.
        base = revision.base if revision.kind == Revision.Kind.PROPOSED else answer.live_revision
        return propose(answer, revision.snapshot, by=by, base=base, note=note)
    with _atomic():
        return apply_content(
            answer, revision.snapshot, by=by, via=Revision.Via.RESTORE, note=note, applied_from=revision
        )


def apply_content(answer: Answer, snapshot: dict, **revision) -> Revision:
    """Save `answer` with the content of `snapshot` (not its status), through the save service; `revision` are
    the new revision's `by`, `via`, notes and `applied_from`. A topic or article that no longer exists, or a
    slug another answer has taken since, is refused (`ValidationError`)."""
    topic = Topic.objects.filter(pk=snapshot["topic"]).first()
    if topic is None:
        raise ValidationError(_("The topic of this version no longer exists: choose another topic first."))
    if Answer.objects.filter(slug=snapshot["slug"]).exclude(pk=answer.pk).exists():
        raise ValidationError(
            _("Another answer has the address “%(slug)s” now.") % {"slug": snapshot["slug"]}, code="slug_taken"
        )
    provisions = Provision.objects.select_related("law").in_bulk([c["provision"] for c in snapshot["citations"]])
    if len(provisions) != len({c["provision"] for c in snapshot["citations"]}):
        raise ValidationError(_("A law article this version cites no longer exists."))
    answer.question, answer.slug, answer.language = snapshot["question"], snapshot["slug"], snapshot["language"]
    answer.topic, answer.short_answer = topic, snapshot["short_answer"]
    sections = [
        Section(position=position, kind=section["kind"], heading=section["heading"], body=section["body"])
        for position, section in enumerate(snapshot["sections"])
    ]
    citations = [
        Citation(provision=provisions[citation["provision"]], paragraph=citation["paragraph"], position=position)
        for position, citation in enumerate(snapshot["citations"])
    ]
    save_answer(answer, sections=sections, citations=citations, replace=True, **revision)
    return answer.live_revision


def _publish_approved(proposal):
    """An approved change whose time has come goes live (claimed by `ScheduledChange`); one whose answer changed
    in the meantime is sent back to its author as in conflict instead."""
    answer = Answer.objects.select_for_update().get(pk=proposal.revision.answer_id)
    proposal.revision.answer = answer
    if is_conflict(proposal):
        proposal.status = ProposalStatus.SENT_BACK
        proposal.comment = _("The answer changed before this approved change was due: bring it up to date.")
        proposal.save(update_fields=["status", "comment"])
        return False
    _apply(proposal, answer, by=proposal.decided_by, via=Revision.Via.SCHEDULE)
    return True


# What `manage.py publish_scheduled` carries out, in order: the answers' own times, then approved changes.
SCHEDULE = [
    *SCHEDULED_CHANGES,
    ScheduledChange(
        gettext_lazy("Approved change published"),
        lambda: Proposal.objects.filter(status=ProposalStatus.APPROVED).select_related("revision", "decided_by"),
        "publish_at",
        _publish_approved,
    ),
]


def waiting_count() -> int:
    return Proposal.objects.filter(status=ProposalStatus.PENDING).count()


def sent_back_count(user) -> int:
    """How many of `user`'s proposals were sent back to them (and wait for them to act)."""
    return Proposal.objects.filter(status=ProposalStatus.SENT_BACK, revision__created_by=user).count()


def publishers():
    """The active users who may publish answers (directly or through a group), with an e-mail address."""
    perm = Q(user_permissions__codename="publish_answer") | Q(groups__permissions__codename="publish_answer")
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return users.filter(perm | Q(is_superuser=True)).distinct()


def notify_publishers() -> int:
    """Mail the publishers how many proposals wait (when mail is configured). Returns the number mailed."""
    if not mail_configured():
        return 0
    count = waiting_count()
    if not count:
        return 0
    recipients = list(publishers().values_list("email", flat=True))
    if not recipients:
        return 0
    subject = ngettext(
        "%(count)d proposed change waits for review", "%(count)d proposed changes wait for review", count
    ) % {"count": count}
    url = reverse("admin:articles_proposal_changelist") + "?status__exact=pending"
    body = _("Review them in the admin: %(url)s") % {"url": absolute(url)}
    return send_mail(subject, body, None, recipients)
