"""Every write of the Q&A content goes through here, so that what derives from it is kept in one place.

`save_answer` saves an answer with its sections and citations, as the admin and the importer both do:
each section's Markdown is rendered once (`Section.rendered`), the law articles cited in the text are
added to the citations, and the search document is rebuilt once, at the end, in the same transaction.
"""

from collections.abc import Iterable

from django.db import router, transaction

from .models import MAX_POSITION, Answer, Citation, Section, Topic
from .search_document import refresh_search_document


def save_answer(
    answer: Answer,
    *,
    sections: Iterable[Section] = (),
    citations: Iterable[Citation] = (),
    removed: Iterable[Section | Citation] = (),
    replace: bool = False,
) -> list[Citation]:
    """Save `answer` with the `sections` and `citations` given (new or changed) and delete `removed`.

    With `replace`, the sections and citations given are all the answer has: those stored are deleted
    first (the importer). Returns the citations added because the text cites an article (`[[law 4]]`)
    that the answer did not cite; a new one names a paragraph when the text cites only that paragraph.
    One transaction: an error leaves the answer and its parts as they were.
    """
    sections, citations, removed = list(sections), list(citations), list(removed)
    with transaction.atomic(using=router.db_for_write(Answer)):
        answer.save()
        if replace:
            answer.sections.all().delete()
            answer.citations.all().delete()
        for model in (Section, Citation):
            gone = [part.pk for part in removed if isinstance(part, model) and part.pk is not None]
            if gone:
                model.objects.filter(answer=answer, pk__in=gone).delete()
        for part in [*sections, *citations]:
            part.answer = answer
        _save_all(Section, sections)
        _save_all(Citation, citations)
        if replace:
            all_sections, all_citations = sections, citations
        else:
            all_sections = sections + list(answer.sections.exclude(pk__in=[section.pk for section in sections]))
            all_citations = list(answer.citations.all())
        added = _cite_text_references(answer, all_sections, all_citations)
        if replace:
            refresh_search_document(answer, all_sections, all_citations + added)
        else:
            refresh_search_document(answer)
    return added


def _save_all(model, parts):
    """New parts in one INSERT (each section rendered first), changed ones one by one."""
    new = [part for part in parts if part._state.adding]
    changed = [part for part in parts if not part._state.adding]
    for part in new:
        if isinstance(part, Section):
            part.body_html = part.rendered().html
    model.objects.bulk_create(new)
    for part in changed:
        part.save()


def _cite_text_references(answer, sections, citations):
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
        citations = sorted(citations, key=lambda citation: (citation.position, citation.pk))
        for index, citation in enumerate(citations):
            citation.position = index
        Citation.objects.bulk_update(citations, ["position"])
        position = len(citations)
    added = [
        Citation(
            answer=answer,
            provision=provision,
            paragraph=next(iter(paragraphs)) if len(paragraphs) == 1 else None,
            position=position + offset,
        )
        for offset, (provision, paragraphs) in enumerate(new)
    ]
    return Citation.objects.bulk_create(added)


def save_topic(topic: Topic) -> Topic:
    """Save a topic (its title and description are public wherever its answers are listed)."""
    topic.save()
    return topic
