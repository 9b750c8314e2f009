"""Readers' feedback on an answer: "Did this answer your question?" Yes / No, and after No a reason and a comment.

The answer page carries a plain form (no JavaScript, no CSRF token: the page is cached and the same for every
reader) that posts to `feedback_view`. That endpoint cannot check a per-visitor token, so it checks where the
post comes from instead (`same_origin`): a browser sends `Origin` (and `Sec-Fetch-Site`) with every cross-site
POST, and a post naming another site is refused. An old browser that sends neither must send a `Referer` of this
site. The endpoint changes nothing but feedback, stores no address and sets no cookie; a client posting too often
is refused with 429 (serving.limits, counted under a salted hash of its address that only the cache holds, for
the limit's window).

A "No" is stored at once; the reason and the comment then attach to that row through a signed, time-limited
token naming it (`reason_token`), once: a row that has its reason takes no other.

The writes are the functions below (`give_feedback`, `explain_feedback`, `set_feedback_state`,
`purge_comments`). Feedback changes no reader page, so none of them touches the page cache.
"""

import datetime
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from serving.limits import rate_limited
from serving.middleware import PRIVATE
from textkit.controls import ControlCharactersForm

from .models import Answer, Feedback, FeedbackReason, FeedbackState

COMMENT_MAX_LENGTH = 2000
REASON_SALT = "articles.feedback.reason"
TOKEN_MAX_AGE = 60 * 60  # seconds a reader has to give the reason after answering No


# --------------------------------------------------------------------- writes


def give_feedback(answer: Answer, *, helpful: bool, language: str) -> Feedback:
    """Store a reader's Yes or No on `answer`, read on the site of `language`."""
    return Feedback.objects.create(answer=answer, helpful=helpful, language=language)


def explain_feedback(feedback_id: int, *, reason: str, comment: str = "") -> bool:
    """Attach a reason and a comment to a No that has none yet; False (nothing changed) if it has one already."""
    updated = Feedback.objects.filter(pk=feedback_id, helpful=False, reason="").update(reason=reason, comment=comment)
    return updated == 1


@transaction.atomic
def set_feedback_state(feedback, state: str, user) -> int:
    """Move feedback (a queryset) to `state`, handled by `user`; done feedback remembers when it was done (the
    retention of its comment counts from then). Returns how many rows changed."""
    done_at = timezone.now() if state == FeedbackState.DONE else None
    rows = feedback.exclude(state=state)
    return rows.update(state=state, done_at=done_at, handled_by=user)


def purge_comments(*, days: int | None = None, now: datetime.datetime | None = None) -> int:
    """Blank the comments of feedback done more than `days` (FEEDBACK_COMMENT_RETENTION_DAYS) ago; returns how
    many were blanked. The rest of the row (the answer, Yes/No, the reason) is kept for the counts."""
    days = settings.FEEDBACK_COMMENT_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return Feedback.objects.filter(state=FeedbackState.DONE, done_at__lt=cutoff).exclude(comment="").update(comment="")


# --------------------------------------------------------------------- the reason's token


def reason_token(feedback: Feedback) -> str:
    """A signed token naming the No `feedback` and its answer, for the reason form."""
    return signing.dumps([feedback.pk, feedback.answer_id], salt=REASON_SALT)


def feedback_of_token(token: str, answer: Answer, max_age: int = TOKEN_MAX_AGE) -> int | None:
    """The id of the feedback the token names on `answer`; None if it is forged, expired or of another answer."""
    try:
        feedback_id, answer_id = signing.loads(token, salt=REASON_SALT, max_age=max_age)
    except (signing.BadSignature, TypeError, ValueError):  # SignatureExpired is a BadSignature
        return None
    if answer_id != answer.pk or not isinstance(feedback_id, int):
        return None
    return feedback_id


class ReasonForm(ControlCharactersForm, forms.Form):
    """Why the answer did not help (line ends as LF, control characters refused). The labels end in their own
    punctuation (a question mark, or Chinese's full-width one): no colon is added."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    token = forms.CharField(widget=forms.HiddenInput, max_length=200)
    reason = forms.ChoiceField(
        label=gettext_lazy("What was wrong?"), choices=FeedbackReason.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        help_text=gettext_lazy("Please do not write your name or any other personal details."),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 40}),
    )


# --------------------------------------------------------------------- where a post comes from


def site_origin(request) -> str:
    """This site's origin as a browser names it in `Origin`: scheme and host (with the port, if any)."""
    return f"{request.scheme}://{request.get_host()}"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def same_origin(request) -> bool:
    """Whether a post comes from a page of this site, by the headers the browser sets itself.

    `Sec-Fetch-Site`, when sent, must be `same-origin`; `Origin`, when sent, must be this site's origin (or one
    of CSRF_TRUSTED_ORIGINS). Browsers send `Origin` with every cross-site POST, so a form on another site is
    refused by either. A post with neither (an old browser) must have a `Referer` of this site: without any of
    the three, nothing tells where it comes from, and it is refused (as Django's CSRF check refuses an HTTPS
    post without `Referer`). The site's own pages are sent with `Referrer-Policy: same-origin`, so an old
    browser posting from them does send it.
    """
    allowed = {site_origin(request), *settings.CSRF_TRUSTED_ORIGINS}
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    if origin is not None:
        return origin in allowed
    if fetch_site is not None:
        return True
    return origin_of(request.headers.get("Referer", "")) in allowed


# --------------------------------------------------------------------- the endpoint


def page(request, template, *, answer=None, status=200, **context):
    """A feedback page: a page of the site, never stored by any cache, naming the answer's page in each
    language for the language switcher."""
    codes = [code for code, _name in settings.LANGUAGES]
    if answer is not None:
        urls = {code: answer.url_in(code) for code in codes}
    else:
        urls = {code: reverse_in("articles:home", code) for code in codes}
    response = render(
        request, template, {"answer": answer, "language_urls": urls, "indexed_languages": set(), **context}
    )
    response.status_code = status
    response.headers["Cache-Control"] = PRIVATE
    return response


def reverse_in(name, code):
    with override(code):
        return reverse(name)


def problem(request, status, title, message, answer=None):
    return page(request, "articles/feedback_problem.html", answer=answer, status=status, title=title, message=message)


@csrf_exempt  # the answer page is cached and carries no token: `same_origin` checks where the post comes from
@require_POST
@rate_limited("feedback", settings.FEEDBACK_RATE_LIMIT, settings.FEEDBACK_RATE_WINDOW)
def feedback_view(request, slug):
    """Yes or No on a published answer (`helpful`), or a No's reason and comment (`token`, `reason`, `comment`)."""
    if not same_origin(request):
        return problem(
            request,
            403,
            _("Feedback not accepted"),
            _("Feedback is accepted only from this site's own pages. Please give it on the answer's page."),
        )
    answer = Answer.objects.published().only("pk", "slug", "question", "language").filter(slug=slug).first()
    if answer is None:
        return problem(request, 404, _("Answer not found"), _("There is no published answer at this address."))
    if "token" in request.POST:
        return explain(request, answer)
    helpful = {"yes": True, "no": False}.get(request.POST.get("helpful", ""))
    if helpful is None:
        return problem(request, 400, _("Feedback not understood"), _("Please choose Yes or No."), answer)
    feedback = give_feedback(answer, helpful=helpful, language=get_language())
    if helpful:
        return page(request, "articles/feedback_thanks.html", answer=answer)
    form = ReasonForm(initial={"token": reason_token(feedback)})
    return page(request, "articles/feedback_reason.html", answer=answer, form=form)


def explain(request, answer):
    """The reason form, posted: attach it to the No its token names, once."""
    form = ReasonForm(request.POST)
    feedback_id = feedback_of_token(request.POST.get("token", ""), answer)
    if feedback_id is None:
        return problem(
            request,
            400,
            _("This form has expired"),
            _("The form is too old or was changed. Your “No” was counted; thank you."),
            answer,
        )
    if not form.is_valid():
        return page(request, "articles/feedback_reason.html", answer=answer, form=form, status=400)
    data = form.cleaned_data
    if not explain_feedback(feedback_id, reason=data["reason"], comment=data["comment"].strip()):
        return problem(
            request,
            400,
            _("Already sent"),
            _("The reason for this feedback was sent already; it was not changed."),
            answer,
        )
    return page(request, "articles/feedback_thanks.html", answer=answer)


# --------------------------------------------------------------------- counts (the answer list)


def feedback_counts():
    """Annotations of an answer queryset: its readers' Yes (`feedback_yes`) and No (`feedback_no`), as subqueries
    (no join: they combine with any filter of the answer list)."""

    def count(helpful):
        rows = Feedback.objects.filter(answer=OuterRef("pk"), helpful=helpful).order_by().values("answer")
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

    return {"feedback_yes": count(True), "feedback_no": count(False)}
