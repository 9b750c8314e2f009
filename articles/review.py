"""When an answer is due to be checked against the law again, and why.

The record: `Answer.checked_at` and `checked_by` (when a publisher last checked the answer against the law,
and who) and, for each citation, the version of the article it was checked against (`Citation.version`).
The reasons are read from the data, so that no write path can forget one:

- **amended**: a cited article has a version newer than the one its citation was checked against (an
  amendment, from a law text or the admin; a correction makes no version and so no reason). A citation
  records the version in force when it is written, so an answer written while an amendment is coming is due
  at once: it must be checked against the coming wording too.
- **unchecked**: a citation has no version while its article has one: it was written before the official
  texts were loaded (an answer from before the law corpus), so nobody has checked it against them.

- **interval**: the answer's review interval (its own, else its topic's) has passed since it was last checked
  (since it was published, or written, when it never was).
- **source changed**: a re-import found the answer's source text changed (the import updated the answer, or
  skipped it because an editor changed it since it was imported, or overwrote the editor's changes).
- **quote differs**: a re-import found the source quoting a cited article otherwise than its official text.
- **feedback**: readers' feedback turned negative (`FEEDBACK_RULE`, docs/editing.md).

The last three are read from events (`ReviewRequest`, `Feedback`) given after the answer was last checked.
Only published answers are due: they are what readers see; a draft is checked when it is published.

Marking an answer checked (`mark_checked`) records who and when, and moves each citation to its article's
latest version (coming or not), which ends the reasons.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from legal_refs.models import ProvisionVersion
from legal_refs.pages import compare_url
from serving.mail import absolute
from serving.pages import content_changed

from .models import Answer, Citation, Feedback, ReviewReason, ReviewRequest, Status

AMENDED = "amended"
NEVER = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)  # before any check: "since the last check" of none
REQUESTED = (ReviewReason.SOURCE_CHANGED, ReviewReason.QUOTE_DIFFERS)  # the reasons a `ReviewRequest` records


@dataclass(frozen=True)
class FeedbackRule:
    """Readers' feedback turns negative when, among the feedback given in the last `days` days and since the
    answer was last checked, there are at least `min_no` "No" and more "No" than "Yes"."""

    min_no: int
    days: int


def feedback_rule():
    """The rule as the settings give it (REVIEW_FEEDBACK_MIN_NO, REVIEW_FEEDBACK_DAYS)."""
    return FeedbackRule(min_no=settings.REVIEW_FEEDBACK_MIN_NO, days=settings.REVIEW_FEEDBACK_DAYS)


class Days(Func):
    """A whole number of days as a duration, on SQLite (microseconds) and PostgreSQL (an interval)."""

    output_field = DurationField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s * 86400000000)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="make_interval(days => %(expressions)s)", **extra)


@dataclass(frozen=True)
class Amended:
    """A cited article amended since its citation was checked: `checked` is the version checked, `newer` the
    article's latest version (which may still be coming: `newer.effective_from` ahead of today)."""

    citation: Citation
    checked: ProvisionVersion
    newer: ProvisionVersion

    @property
    def is_coming(self):
        return self.newer.effective_from > timezone.localdate()

    @property
    def compare_url(self):
        """The page that marks what changed between the wording checked and the newer one."""
        return compare_url(self.citation.provision, self.checked, self.newer)


def amended_citations_filter():
    """A condition on citations: the article has a version newer than the one the citation was checked against."""
    return Exists(
        ProvisionVersion.objects.filter(
            provision=OuterRef("provision"), effective_from__gt=OuterRef("version__effective_from")
        )
    )


def unchecked_citations_filter():
    """A condition on citations: it has no version while its article has one."""
    return Q(version__isnull=True) & Exists(ProvisionVersion.objects.filter(provision=OuterRef("provision")))


def interval_days():
    """An expression for answers: the review interval in force, the answer's own or else its topic's."""
    return Coalesce(F("review_interval_days"), F("topic__review_interval_days"))


def next_check_due():
    """An expression for answers: when the interval makes the answer due, counted from its last check (from its
    publication, or its creation, when it was never checked)."""
    return ExpressionWrapper(
        Coalesce("checked_at", "published_at", "created_at") + Days(interval_days()), output_field=DateTimeField()
    )


def _since_check(outer="checked_at"):
    """The last check of the outer answer, or a time before any (never checked)."""
    return Coalesce(OuterRef(outer), Value(NEVER, output_field=DateTimeField()))


def _feedback_window(now):
    """The feedback on the outer answer that the rule counts: recent and given since its last check."""
    rule = feedback_rule()
    return Feedback.objects.filter(
        answer=OuterRef("pk"), created_at__gt=_since_check(), created_at__gte=now - datetime.timedelta(days=rule.days)
    )


def reason_conditions(now=None):
    """{reason: a condition on answers that it is a reason to check the answer again}; each holds only for a
    published answer."""
    now = now or timezone.now()
    citations = Citation.objects.filter(answer=OuterRef("pk"))
    requests = ReviewRequest.objects.filter(answer=OuterRef("pk"), created_at__gt=_since_check())
    rule = feedback_rule()
    negative = (
        _feedback_window(now)
        .values("answer")
        .annotate(no=Count("pk", filter=Q(helpful=False)), yes=Count("pk", filter=Q(helpful=True)))
        .filter(no__gte=rule.min_no, no__gt=F("yes"))
    )
    conditions = {
        ReviewReason.INTERVAL: Q(LessThan(next_check_due(), now)),
        ReviewReason.AMENDED: Q(Exists(citations.filter(version__isnull=False).filter(amended_citations_filter()))),
        ReviewReason.UNCHECKED: Q(Exists(citations.filter(unchecked_citations_filter()))),
        **{reason: Q(Exists(requests.filter(reason=reason))) for reason in REQUESTED},
        ReviewReason.FEEDBACK: Q(Exists(negative)),
    }
    return {reason: Q(status=Status.PUBLISHED) & condition for reason, condition in conditions.items()}


def flag_name(reason):
    """The name of the annotation that says whether `reason` holds for an answer (`with_reasons`)."""
    return f"due_{reason}"


def due_annotation(now=None):
    """An expression for answers: whether one is due to be checked against the law again."""
    conditions = list(reason_conditions(now).values())
    due = conditions[0]
    for condition in conditions[1:]:
        due |= condition
    return ExpressionWrapper(due, output_field=BooleanField())


def with_reasons(answers, now=None):
    """`answers` annotated with `review_due` and, for each reason, `due_<reason>` (`flag_name`): one query."""
    conditions = reason_conditions(now)
    flags = {
        flag_name(reason): ExpressionWrapper(condition, output_field=BooleanField())
        for reason, condition in conditions.items()
    }
    return answers.annotate(**flags, review_due=due_annotation(now))


def flagged_reasons(answer):
    """The reasons an answer annotated by `with_reasons` is due for, in the order of `ReviewReason`."""
    return [reason for reason in ReviewReason if getattr(answer, flag_name(reason), False)]


def due_for_review(answers=None, now=None):
    """The answers with a reason to be checked against the law again."""
    answers = Answer.objects.all() if answers is None else answers
    return answers.filter(due_annotation(now))


@dataclass
class Reasons:
    """Why one answer is due, with what an editor needs to see (`reasons_for`); empty when it is not due."""

    reasons: list = field(default_factory=list)  # ReviewReason, in their order
    due_since: datetime.datetime | None = None  # interval: when it came due
    interval_days: int | None = None
    amended: list = field(default_factory=list)  # Amended
    unchecked: list = field(default_factory=list)  # Citation
    requests: dict = field(default_factory=dict)  # reason -> the ReviewRequests given since the last check
    feedback_no: int = 0  # feedback: the counts in the rule's window
    feedback_yes: int = 0

    def __bool__(self):
        return bool(self.reasons)

    def __contains__(self, reason):
        return reason in self.reasons


def reasons_for(answer, now=None):
    """The reasons `answer` is due, with their detail: five queries, whatever it cites or was sent."""
    now = now or timezone.now()
    row = (
        with_reasons(Answer.objects.filter(pk=answer.pk), now)
        .annotate(next_check_due=next_check_due(), interval=interval_days())
        .get()
    )
    reasons = Reasons(reasons=flagged_reasons(row))
    if ReviewReason.INTERVAL in reasons:
        reasons.due_since, reasons.interval_days = row.next_check_due, row.interval
    citations = list(
        Citation.objects.filter(answer=answer).select_related("provision__law").prefetch_related("provision__versions")
    )
    if ReviewReason.AMENDED in reasons:
        reasons.amended = amended(citations)
    if ReviewReason.UNCHECKED in reasons:
        reasons.unchecked = unchecked(citations)
    since = row.checked_at or NEVER
    for request in ReviewRequest.objects.filter(answer=answer, created_at__gt=since, reason__in=REQUESTED):
        if request.reason in reasons:
            reasons.requests.setdefault(request.reason, []).append(request)
    rule = feedback_rule()
    counts = Feedback.objects.filter(
        answer=answer, created_at__gt=since, created_at__gte=now - datetime.timedelta(days=rule.days)
    ).aggregate(no=Count("pk", filter=Q(helpful=False)), yes=Count("pk", filter=Q(helpful=True)))
    if ReviewReason.FEEDBACK in reasons:
        reasons.feedback_no, reasons.feedback_yes = counts["no"], counts["yes"]
    return reasons


def amended(citations):
    """The reasons of `citations` (their articles' versions prefetched, see `AnswerQuerySet.for_page`)."""
    reasons = []
    for citation in citations:
        if citation.version_id is None:
            continue
        versions = citation.provision.timeline()
        checked = next((version for version in versions if version.pk == citation.version_id), None)
        if checked is not None and versions and versions[-1].effective_from > checked.effective_from:
            reasons.append(Amended(citation, checked, versions[-1]))
    return reasons


def unchecked(citations):
    """The citations never checked against their article's official text (versions prefetched)."""
    return [citation for citation in citations if citation.version_id is None and citation.provision.timeline()]


@transaction.atomic
def mark_checked(answer, user, *, now: datetime.datetime | None = None):
    """Record that `user` checked `answer` against the law it cites as it reads now: each citation moves to
    its article's latest version."""
    answer.checked_at, answer.checked_by = now or timezone.now(), user
    answer.save(update_fields=["checked_at", "checked_by"])
    citations = list(answer.citations.all())
    latest = ProvisionVersion.objects.latest_by_article({citation.provision_id for citation in citations})
    for citation in citations:
        citation.version = latest.get(citation.provision_id)
    Citation.objects.bulk_update(citations, ["version"])
    content_changed()  # the answer page says which cited articles changed since the answer was checked


def request_reviews(requests):
    """Record what makes answers due (`ReviewRequest`s): `requests` are (answer or its pk, reason, detail). A
    request already recorded for the answer with the same reason and detail, checked since or not, is not
    recorded again: an import that finds the same difference again adds no reason (one query, and one insert)."""
    wanted = {}
    for answer, reason, detail in requests:
        wanted.setdefault((getattr(answer, "pk", answer), reason, detail), None)
    if not wanted:
        return []
    held = set(
        ReviewRequest.objects.filter(answer__in={answer for answer, _, _ in wanted}).values_list(
            "answer_id", "reason", "detail"
        )
    )
    return ReviewRequest.objects.bulk_create(
        ReviewRequest(answer_id=answer, reason=reason, detail=detail)
        for answer, reason, detail in wanted
        if (answer, reason, detail) not in held
    )


# Reminders (`manage.py review_reminders`): what each responsible editor has due.


@dataclass
class Reminder:
    """The answers due that `editor` keeps right (None: nobody, neither the answer nor its topic names one);
    each answer with `reasons` (`flagged_reasons`)."""

    editor: object
    answers: list = field(default_factory=list)

    @property
    def name(self):
        return self.editor.get_username() if self.editor else "nobody"


def responsible_editor(answer):
    """Who keeps `answer` right: its own responsible editor, else its topic's (None: nobody)."""
    return answer.responsible_editor or answer.topic.responsible_editor


def reminders(now=None):
    """What each responsible editor has due, the editors by user name and nobody last (one query)."""
    answers = (
        with_reasons(Answer.objects.all(), now)
        .filter(review_due=True)
        .select_related("responsible_editor", "topic__responsible_editor")
        .order_by("question", "pk")
    )
    groups = {}
    for answer in answers:
        answer.reasons = flagged_reasons(answer)
        editor = responsible_editor(answer)
        groups.setdefault(editor.pk if editor else None, Reminder(editor)).answers.append(answer)
    return sorted(groups.values(), key=lambda reminder: (reminder.editor is None, reminder.name))


def admin_url(answer):
    """The answer's page in the admin, absolute when SITE_URL is set."""
    return absolute(reverse("admin:articles_answer_change", args=[answer.pk]))


def reminder_text(reminder):
    """The reminder as plain text: each answer's question, reasons and admin page."""
    lines = []
    for answer in reminder.answers:
        lines.append(answer.question)
        lines.append("  " + "; ".join(str(reason.label) for reason in answer.reasons))
        lines.append("  " + admin_url(answer))
    return "\n".join(lines)


def reminder_mail(reminder):
    """The mail of a reminder to its editor (None: nobody to send it to, or no address)."""
    if reminder.editor is None or not reminder.editor.email:
        return None
    subject = ngettext(
        "%(count)d answer due for review against the law",
        "%(count)d answers due for review against the law",
        len(reminder.answers),
    ) % {"count": len(reminder.answers)}
    body = "\n\n".join(
        [
            gettext("These answers you keep right are due to be checked against the law again:"),
            reminder_text(reminder),
            gettext("Check each against the law it cites, then mark it checked in the answer list."),
        ]
    )
    return EmailMessage(subject, body, to=[reminder.editor.email])


def send_reminders(reminders):
    """Mail each editor their reminder (one mail each); the reminders mailed."""
    sent = []
    for reminder in reminders:
        message = reminder_mail(reminder)
        if message is not None:
            message.send()
            sent.append(reminder)
    return sent
