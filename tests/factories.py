"""Small `make_*` helpers that build content for tests."""

from itertools import count

from articles.models import Answer, Citation, Section, SectionKind, Status, Topic, unique_slug
from articles.services import save_answer
from legal_refs.models import Law, Provision

_sequence = count(1)


def make_law(slug="social-insurance-law", **fields):
    law = Law.objects.filter(slug=slug).first()
    if law:
        return law
    fields.setdefault("title", f"Law {slug}")
    fields.setdefault("short_title", fields["title"])
    return Law.objects.create(slug=slug, **fields)


def make_provision(number=None, law=None, paragraphs=None, **fields):
    law = law or make_law()
    number = number or next(_sequence)
    paragraphs = paragraphs or [f"Text of article {number}, paragraph 1.", f"Paragraph 2 of article {number}."]
    return Provision.objects.create(law=law, number=number, paragraphs=paragraphs, **fields)


def make_topic(title=None):
    title = title or f"Topic {next(_sequence)}"
    return Topic.objects.create(title=title, slug=unique_slug(Topic.objects, title))


def make_answer(question=None, *, topic=None, status=Status.PUBLISHED, sections=(), cites=(), **fields):
    """An answer; `sections` are (kind, heading, body) tuples, `cites` provisions or (provision, paragraph)."""
    question = question or f"Question {next(_sequence)}?"
    answer = Answer(
        question=question,
        slug=unique_slug(Answer.objects, question),
        topic=topic or Topic.objects.first() or make_topic(),
        status=status,
        **fields,
    )
    sections = [
        Section(position=position, kind=kind, heading=heading, body=body)
        for position, (kind, heading, body) in enumerate(sections or [(SectionKind.GENERAL, "", "Body text.")])
    ]
    citations = []
    for position, cited in enumerate(cites):
        provision, paragraph = cited if isinstance(cited, tuple) else (cited, None)
        citations.append(Citation(provision=provision, paragraph=paragraph, position=position))
    save_answer(answer, sections=sections, citations=citations)
    return answer
