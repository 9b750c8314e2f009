"""Every write of the Q&A content goes through here, so that what derives from it is kept in one place.

`save_answers` saves answers with their sections and citations, as the admin (one at a time, through
`save_answer`) and the importer (a whole run at once) both do: each section's Markdown is rendered once
(`Section.rendered`), the law articles cited in the text are added to the citations, and the search
document is rebuilt once per answer, at the end, in the same transaction. Each new citation remembers the
version of the article in force when it was written (`Citation.version`, see articles.review).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_refs.models import ProvisionVersion
from serving.pages import content_changed

from .models import MAX_POSITION, Answer, Citation, DeletedSource, FormerSlug, Revision, Section, Status, Topic
from .revisions import snapshot
from .search_document import add_to_vocabulary, answer_words, search_columns, store_search_columns


@dataclass
class AnswerWrite:
    """One answer to save: the sections and citations given (new or changed) and the parts to delete.

    With `replace`, the sections and citations given are all the answer has: those stored are deleted.
    Every save writes a revision of the answer as it then stands (`Revision`): `by` whom, `via` which path, with
    an optional change `note` and a `reader_note` (shown to readers once published), and the revision whose
    content it applied (`applied_from`: a restore or an approved proposal).
    """

    answer: Answer
    sections: list[Section] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    removed: list[Section | Citation] = field(default_factory=list)
    replace: bool = False
    others: list[Section] | None = None  # the answer's other sections, if the caller holds them already
    by: object = None  # the user saving, None for the importer and the scheduler
    via: str = Revision.Via.ADMIN
    note: str = ""
    reader_note: str = ""
    applied_from: Revision | None = None
    cited_in_text: list[Citation] = field(default_factory=list)  # filled by the save
    revision: Revision | None = None  # filled by the save
    stored: tuple[list[Section], list[Citation]] = ((), ())  # the parts the answer has after the save


def save_answer(
    answer: Answer,
    *,
    sections: Iterable[Section] = (),
    citations: Iterable[Citation] = (),
    removed: Iterable[Section | Citation] = (),
    replace: bool = False,
    others: Iterable[Section] | None = None,
    **revision,
) -> list[Citation]:
    """Save one answer (see `AnswerWrite`; `revision` holds its `by`, `via`, `note`, `reader_note` and
    `applied_from`); returns the citations added because the text cites an article (`[[law 4]]`) that the answer
    did not cite (naming a paragraph when the text cites only that one)."""
    others = list(others) if others is not None else None
    write = AnswerWrite(answer, list(sections), list(citations), list(removed), replace, others, **revision)
    save_answers([write])
    return write.cited_in_text


def save_answers(writes: list[AnswerWrite]) -> None:
    """Save answers with their parts in one transaction: an error leaves them all as they were.

    Those replacing all their parts are written together (a few queries for the whole batch, the search
    columns computed before they are stored); the others one by one, their other parts read back.
    """
    with transaction.atomic(using=router.db_for_write(Answer)):
        _save_replacing([write for write in writes if write.replace])
        for write in writes:
            if not write.replace:
                _save_editing(write)
        _write_revisions(writes)
        content_changed()  # an answer shows on home, its topic, the articles it cites, related answers, the feed


def _save_editing(write):
    answer = write.answer
    _keep_former_slugs([answer])
    answer.save()
    for model in (Section, Citation):
        gone = [part.pk for part in write.removed if isinstance(part, model) and part.pk is not None]
        if gone:
            model.objects.filter(answer=answer, pk__in=gone).delete()
    _attach(answer, write.sections, write.citations)
    # A citation removed and added again in one save keeps the wording it was checked against (or none).
    checked = {(answer.pk, c.provision_id): c.version_id for c in write.removed if isinstance(c, Citation)}
    _record_versions(write.citations, checked)
    _save_parts(Section, write.sections)
    _save_parts(Citation, write.citations)
    others = write.others
    if others is None:
        others = list(Section.objects.filter(answer=answer).exclude(pk__in=[section.pk for section in write.sections]))
    sections = write.sections + others
    for section in others:
        section.answer = answer  # rendered in the answer's language (`Section.rendered`), read without a query
    citations = list(Citation.objects.filter(answer=answer).select_related("provision__law"))
    write.cited_in_text = text_citations(answer, sections, citations)
    _record_versions(write.cited_in_text, checked)
    Citation.objects.bulk_create(write.cited_in_text)
    store_search_columns(answer, sections, citations + write.cited_in_text)
    write.stored = (sections, citations + write.cited_in_text)


def _save_replacing(writes):
    if not writes:
        return
    for write in writes:
        write.cited_in_text = text_citations(write.answer, write.sections, write.citations)
        for section in write.sections:
            section.body_html = section.rendered().html
        columns = search_columns(write.answer, write.sections, write.citations + write.cited_in_text)
        for name, value in columns.items():
            setattr(write.answer, name, value)
        write.answer.update_published_at()
    _keep_former_slugs([write.answer for write in writes])
    new = [write.answer for write in writes if write.answer._state.adding]
    stored = [write.answer for write in writes if not write.answer._state.adding]
    Answer.objects.bulk_create(new)
    for answer in stored:
        answer.save()
    # The citations written again keep the wording each was checked against, or none (an import rewrites them).
    checked = {
        (answer_id, provision_id): version_id
        for answer_id, provision_id, version_id in Citation.objects.filter(answer__in=stored).values_list(
            "answer", "provision", "version"
        )
    }
    Section.objects.filter(answer__in=stored).delete()
    Citation.objects.filter(answer__in=stored).delete()
    for write in writes:
        _attach(write.answer, write.sections, write.citations + write.cited_in_text)
    Section.objects.bulk_create([section for write in writes for section in write.sections])
    citations = [citation for write in writes for citation in write.citations + write.cited_in_text]
    _record_versions(citations, checked)
    Citation.objects.bulk_create(citations)
    add_to_vocabulary(set().union(*(answer_words(write.answer) for write in writes)))
    for write in writes:
        write.stored = (write.sections, write.citations + write.cited_in_text)


def _write_revisions(writes):
    """One revision per answer saved (one INSERT for them all), which becomes the answer's live revision."""
    revisions = [
        Revision(
            answer=write.answer,
            kind=Revision.Kind.SAVED,
            via=write.via,
            snapshot=snapshot(write.answer, *write.stored),
            base_id=write.answer.live_revision_id,
            applied_from=write.applied_from,
            note=write.note,
            reader_note=write.reader_note,
            created_by=write.by,
        )
        for write in writes
    ]
    Revision.objects.bulk_create(revisions)
    for write, revision in zip(writes, revisions, strict=True):
        write.revision = write.answer.live_revision = revision
    Answer.objects.bulk_update([write.answer for write in writes], ["live_revision"])


def _keep_former_slugs(answers):
    """An answer whose slug changes keeps the old one as a `FormerSlug`, whose address answers 301 to the answer.
    A live slug wins: a slug that an answer takes (new or renamed) stops being anyone's former slug. The slug an
    answer was loaded with is known (`Answer.from_db`), so an answer saved with its slug unchanged costs no query;
    one not loaded from the database (built by the caller) has its stored slug read in one query."""
    unknown = [a.pk for a in answers if not a._state.adding and getattr(a, "loaded_slug", None) is None]
    stored = dict(Answer.objects.filter(pk__in=unknown).values_list("pk", "slug")) if unknown else {}
    taken, former = [], []
    for answer in answers:
        old = None if answer._state.adding else getattr(answer, "loaded_slug", None) or stored.get(answer.pk)
        if old != answer.slug:
            taken.append(answer.slug)
            if old:
                former.append(FormerSlug(answer=answer, slug=old))
        answer.loaded_slug = answer.slug
    if taken:
        FormerSlug.objects.filter(slug__in=taken + [slug.slug for slug in former]).delete()
        FormerSlug.objects.bulk_create(former)


def _attach(answer, *parts):
    for group in parts:
        for part in group:
            part.answer = answer


def _save_parts(model, parts):
    """New parts in one INSERT (each section rendered first), changed ones one by one."""
    new = [part for part in parts if part._state.adding]
    changed = [part for part in parts if not part._state.adding]
    for part in new:
        if isinstance(part, Section):
            part.body_html = part.rendered().html
    model.objects.bulk_create(new)
    for part in changed:
        part.save()


def _record_versions(citations, checked):
    """Record in each new citation the version of its article that it is checked against: the version a
    citation of the same article that this save rewrites had (`checked`: (answer pk, article pk) -> version pk
    or None), else the version in force today. A stored citation keeps its version (or its lack of one, see
    articles.review) unless its article changed. Only `review.mark_checked` moves a citation to a later one."""
    stored = [citation.pk for citation in citations if not citation._state.adding]
    articles = dict(Citation.objects.filter(pk__in=stored).values_list("pk", "provision")) if stored else {}
    pending = []
    for citation in citations:
        if not citation._state.adding and articles.get(citation.pk) == citation.provision_id:
            continue  # the same article as before
        key = (citation.answer.pk, citation.provision_id)
        if key in checked:
            citation.version_id = checked[key]
        else:
            pending.append(citation)
    if pending:
        in_force = ProvisionVersion.objects.latest_by_article(
            {citation.provision_id for citation in pending}, on=timezone.localdate()
        )
        for citation in pending:
            citation.version = in_force.get(citation.provision_id)


def text_citations(answer, sections, citations):
    """Unsaved citations of the articles that `sections` cite in their text and `citations` do not (a proposal's
    snapshot shows them as the save on approval will add them)."""
    cited = {}  # provision -> the paragraphs the text cites (None: the whole article)
    for section in sections:
        for reference, provision in section.rendered().cited:
            cited.setdefault(provision, set()).add(reference.paragraph)
    held = {citation.provision_id for citation in citations}
    new = [(provision, paragraphs) for provision, paragraphs in cited.items() if provision.pk not in held]
    if not new:
        return []
    position = max((citation.position for citation in citations), default=-1) + 1
    if position + len(new) - 1 > MAX_POSITION:  # no room after the last: number them 0, 1, 2, … again
        citations = sorted(citations, key=lambda citation: (citation.position, citation.pk or 0))
        for index, citation in enumerate(citations):
            citation.position = index
        Citation.objects.bulk_update([citation for citation in citations if citation.pk], ["position"])
        position = len(citations)
    return [
        Citation(
            answer=answer,
            provision=provision,
            paragraph=next(iter(paragraphs)) if len(paragraphs) == 1 else None,
            position=position + offset,
        )
        for offset, (provision, paragraphs) in enumerate(new)
    ]


def save_topic(topic: Topic) -> Topic:
    """Save a topic (its title and description are public wherever its answers are listed)."""
    topic.save()
    content_changed()
    return topic


def delete_answers(answers: Iterable[Answer], user=None) -> int:
    """Delete answers with their sections and citations; an imported one leaves a `DeletedSource`, so that the
    next import does not bring it back. Returns the number of answers deleted."""
    answers = list(answers)
    with transaction.atomic(using=router.db_for_write(Answer)):
        imported = [answer for answer in answers if answer.source_title]
        DeletedSource.objects.bulk_create(
            [
                DeletedSource(
                    source_site=answer.source_site,
                    source_section=answer.source_section,
                    source_title=answer.source_title,
                    question=answer.question,
                    deleted_by=user,
                )
                for answer in imported
            ],
            ignore_conflicts=True,  # one recorded already stays as it is
        )
        Answer.objects.filter(pk__in=[answer.pk for answer in answers]).delete()
        content_changed()
    return len(answers)


def delete_topics(topics: Iterable[Topic]) -> None:
    """Delete topics (and so their answers)."""
    with transaction.atomic(using=router.db_for_write(Topic)):
        Topic.objects.filter(pk__in=[topic.pk for topic in topics]).delete()
        content_changed()


def link_translations(answer: Answer, other: Answer | None) -> None:
    """Make `answer` and `other` translations of each other (None: `answer` has no translation).

    The link is kept both ways: each points at the other, and an answer previously linked to either is
    left without a translation. The two must be in different languages (`ValidationError` otherwise).
    """
    if other is not None and (other.pk == answer.pk or other.language == answer.language):
        raise ValidationError(
            {"translation": _("A translation must be another answer, in another language than this one.")}
        )
    with transaction.atomic(using=router.db_for_write(Answer)):
        pair = [answer.pk] + ([other.pk] if other is not None else [])
        # Every link into or out of the pair is dropped first, then the pair is linked (one-to-one both ways).
        Answer.objects.filter(Q(pk__in=pair) | Q(translation__in=pair)).update(translation=None)
        if other is not None:
            Answer.objects.filter(pk=answer.pk).update(translation=other)
            Answer.objects.filter(pk=other.pk).update(translation=answer)
        answer.translation = other
        if other is not None:
            other.translation = answer
        content_changed()


# Scheduled changes (`manage.py publish_scheduled`, run from cron every minute)


@dataclass(frozen=True)
class ScheduledChange:
    """A kind of change carried out at a time a row holds: the rows of `rows()` whose `time_field` has passed
    (`due`), each claimed and then changed by `carry_out(row)` in one transaction (`claim_and_carry_out`).
    `carry_out` returns whether it changed anything (an answer published by hand before its time is left as it
    is, its time cleared)."""

    name: str  # what was done, as the command reports it
    rows: Callable[[], QuerySet]
    time_field: str
    carry_out: Callable[[Model], bool]

    def due(self, now):
        """[(pk, time)] of the rows due by `now`, the earliest first."""
        due = self.rows().filter(**{f"{self.time_field}__lte": now}).order_by(self.time_field, "pk")
        return list(due.values_list("pk", self.time_field))

    def claim_and_carry_out(self, pk, when):
        """The row changed, or None if another run claimed it first (or nothing needed changing). The claim clears
        the time with a conditional UPDATE (the time still `when`): of two runs at once exactly one matches the row
        (on PostgreSQL the second waits for the first to commit, then matches nothing; SQLite lets one writer in
        at a time). Claim and change are one transaction: a change that fails leaves the time set, to be tried
        again by the next run."""
        model = self.rows().model
        with transaction.atomic(using=router.db_for_write(model)):
            # Claimed among `rows()` only: a row that left them since it was read (a proposal withdrawn) is not due.
            if not self.rows().filter(pk=pk, **{self.time_field: when}).update(**{self.time_field: None}):
                return None
            row = self.rows().get(pk=pk)
            return row if self.carry_out(row) else None


@dataclass(frozen=True)
class Done:
    """One scheduled change carried out: its kind (`ScheduledChange.name`) and the row changed."""

    change: str
    row: Model


def _publish(answer):
    """The answer goes live, whatever its status (a publisher set the time)."""
    if answer.status == Status.PUBLISHED:
        return False
    answer.status = Status.PUBLISHED
    save_answer(answer, via=Revision.Via.SCHEDULE)
    return True


def _take_off_the_site(answer):
    """The answer leaves the site: back to draft, its address answering "gone" (`Answer.withdrawn_at`)."""
    if answer.status != Status.PUBLISHED:
        return False
    answer.status = Status.DRAFT
    save_answer(answer, via=Revision.Via.SCHEDULE)
    return True


# In order: an answer due both to go live and to come off the site in one run ends off the site.
SCHEDULED_CHANGES = [
    ScheduledChange(gettext_lazy("Published"), Answer.objects.all, "publish_at", _publish),
    ScheduledChange(gettext_lazy("Taken off the site"), Answer.objects.all, "unpublish_at", _take_off_the_site),
]


def publish_due(now=None, changes=SCHEDULED_CHANGES) -> list[Done]:
    """Carry out the scheduled changes whose time has come (by `now`), in the order of `changes`, each exactly
    once even when two runs overlap (`ScheduledChange.claim_and_carry_out`); returns what was done. The save
    services keep the page cache, the feed and the sitemap current at once."""
    now = now or timezone.now()
    done = []
    for change in changes:
        for pk, when in change.due(now):
            row = change.claim_and_carry_out(pk, when)
            if row is not None:
                done.append(Done(change.name, row))
    return done
