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

Marking an answer checked (`mark_checked`) records who and when, and moves each citation to its article's
latest version (coming or not), which ends the reasons.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from legal_refs.models import ProvisionVersion
from legal_refs.pages import compare_url
from serving.pages import content_changed

from .models import Answer, Citation

AMENDED = "amended"


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


def due_annotation():
    """An expression for answers: whether one is due to be checked against the law again."""
    citations = Citation.objects.filter(answer=OuterRef("pk"))
    amended = citations.filter(version__isnull=False).filter(amended_citations_filter())
    return Exists(amended) | Exists(citations.filter(unchecked_citations_filter()))


def due_for_review(answers=None):
    """The answers with a reason to be checked against the law again."""
    answers = Answer.objects.all() if answers is None else answers
    return answers.filter(due_annotation())


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
