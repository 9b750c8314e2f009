"""What an answer is found by: its search document, and the spelling vocabulary of the published answers.

The search document is plain text columns of the answer, one per weight: the question (A), the short
answer (B) and `search_document` (C: its sections' headings and text, then the law articles it cites); the
Chinese of each as words (`search_zh_question`, `search_zh_short_answer`, `search_zh_document`, cut by
textkit.chinese in simplified characters), the Chinese of all three as two-character tokens (`search_cjk`),
and a token per law article cited (`search_citations`: "article10"). On PostgreSQL, migrations add a
generated, GIN-indexed ``tsvector`` over exactly these columns; on SQLite an FTS5 table over them, kept in
step by triggers (see the search app). They are rebuilt once at the end of each save of an answer
(articles.services), never by the search itself.

PostgreSQL holds at most 1 MB in one ``tsvector``: an answer whose text would go past it cannot be saved.
`check_index_size` refuses such an answer beforehand (the admin's sections and the importer call it), from an
estimate that errs on the large side: about 2 bytes per character of words, 20 per Chinese character (each
is in two distinct two-character tokens and in one to three words, with their positions).
"""

import html
from collections.abc import Iterable

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from textkit.chinese import fold, index_words
from textkit.tokens import CJK_RUN, cjk_tokens, provision_token, vocabulary_words

from .models import Answer, Citation, SearchWord, Section, Status

MAX_INDEX_BYTES = 900_000  # of the estimate; PostgreSQL refuses a tsvector past 1,048,575 bytes
BYTES_PER_CHARACTER, BYTES_PER_CHINESE_CHARACTER = 2, 20


def index_size(texts: Iterable[str]) -> int:
    """An estimate of the bytes the ``tsvector`` of an answer made of `texts` takes (see the module's docstring)."""
    size = 0
    for text in texts:
        chinese = sum(len(run) for run in CJK_RUN.findall(text))
        size += BYTES_PER_CHARACTER * len(text) + BYTES_PER_CHINESE_CHARACTER * chinese
    return size


def check_index_size(texts: Iterable[str]) -> None:
    """Raise a ValidationError if an answer made of `texts` (question, short answer, section headings and
    bodies) is too large for the search index."""
    size = index_size(texts)
    if size > MAX_INDEX_BYTES:
        raise ValidationError(
            _(
                "The answer is too long for the search index: its text comes to about %(percent)s%% of what "
                "the index holds for one answer. Shorten its sections or split it into several answers."
            )
            % {"percent": size * 100 // MAX_INDEX_BYTES},
            code="too_large_for_index",
        )


def section_text(section: Section) -> str:
    """A section's heading and text as plain text (from the sanitised HTML rendered on save)."""
    body = html.unescape(nh3.clean(section.body_html, tags=set())) if section.body_html else section.body
    return "\n".join(part for part in (section.heading, " ".join(body.split())) if part)


def citation_label(citation: Citation) -> str:
    law = citation.provision.law
    return f"{law.short_title or law.title}, Article {citation.provision.number}"


def citation_tokens(citations: Iterable[Citation]) -> str:
    """`search_citations`: one `provision_token` per article cited ("article4 article10")."""
    return " ".join(provision_token(number) for number in sorted({citation.provision.number for citation in citations}))


def build_search_document(sections: Iterable[Section], citations: Iterable[Citation]) -> str:
    """The weight-C text of an answer: its sections (in page order), then the law articles it cites."""
    parts = [section_text(section) for section in sections]
    parts += [citation_label(citation) for citation in citations]
    return "\n\n".join(part for part in parts if part)


def search_columns(answer: Answer, sections: Iterable[Section], citations: Iterable[Citation]) -> dict[str, str]:
    """The search columns of `answer` with these sections and citations (each with its provision and law)."""
    sections = sorted(sections, key=lambda section: (section.position, section.pk or 0))
    citations = sorted(citations, key=lambda citation: (citation.position, citation.pk or 0))
    document = build_search_document(sections, citations)
    return {
        "search_document": document,
        **chinese_columns(answer.question, answer.short_answer, document),
        "search_citations": citation_tokens(citations),
    }


WORD_COLUMNS = ("search_cjk", "search_zh_question", "search_zh_short_answer", "search_zh_document")


def chinese_columns(question: str, short_answer: str, document: str) -> dict[str, str]:
    """The Chinese search columns of an answer: two-character tokens and words, in simplified characters."""
    return {
        "search_cjk": cjk_tokens(fold(" ".join([question, short_answer, document]))),
        "search_zh_question": index_words(question),
        "search_zh_short_answer": index_words(short_answer),
        "search_zh_document": index_words(document),
    }


def rebuild_search_words(batch_size=500) -> int:
    """Cut the Chinese of every answer again (after a change of the segmenter's dictionary): the number of
    answers whose search words changed."""
    changed = []
    for answer in Answer.objects.only("pk", "question", "short_answer", "search_document", *WORD_COLUMNS).iterator(
        batch_size
    ):
        columns = chinese_columns(answer.question, answer.short_answer, answer.search_document)
        if any(getattr(answer, name) != value for name, value in columns.items()):
            for name, value in columns.items():
                setattr(answer, name, value)
            changed.append(answer)
    Answer.objects.bulk_update(changed, WORD_COLUMNS, batch_size=batch_size)
    return len(changed)


def answer_words(answer: Answer) -> set[str]:
    """The words a published answer adds to the spelling vocabulary (none for the others)."""
    if answer.status != Status.PUBLISHED:
        return set()
    return vocabulary_words(answer.question, answer.short_answer, answer.search_document)


def add_to_vocabulary(words: Iterable[str]) -> None:
    SearchWord.objects.bulk_create([SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True)


def store_search_columns(answer: Answer, sections: Iterable[Section], citations: Iterable[Citation]) -> None:
    """Set `answer`'s search columns from all its sections and citations (each with its provision and law),
    stored when they changed (the answer was just saved, so what it holds is what is stored), and add a
    published answer's words to the spelling vocabulary (one query each)."""
    columns = search_columns(answer, sections, citations)
    changed = {name: value for name, value in columns.items() if getattr(answer, name) != value}
    if changed:
        Answer.objects.filter(pk=answer.pk).update(**changed)
        for name, value in changed.items():
            setattr(answer, name, value)
    if words := answer_words(answer):
        add_to_vocabulary(words)


def rebuild_vocabulary() -> tuple[int, int, int]:
    """Make the spelling vocabulary again from the published answers; returns (words, added, removed).

    Refreshing an answer only adds words; this also drops those that no published answer has any more
    (an unpublished answer's, a corrected misspelling), so that they are corrected again.
    """
    words = set()
    texts = Answer.objects.published().values_list("question", "short_answer", "search_document")
    for row in texts.iterator(chunk_size=1000):
        words |= vocabulary_words(*row)
    with transaction.atomic():
        stored = set(SearchWord.objects.values_list("word", flat=True))
        removed, added = sorted(stored - words), sorted(words - stored)
        for start in range(0, len(removed), 500):
            SearchWord.objects.filter(word__in=removed[start : start + 500]).delete()
        SearchWord.objects.bulk_create([SearchWord(word=word) for word in added], batch_size=500)
    return len(words), len(added), len(removed)
