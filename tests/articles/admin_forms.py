"""The answer admin as tests drive it: the POST data of its add and change forms, its Markdown preview."""

from django.urls import reverse

PREVIEW_URL = reverse("admin:articles_answer_markdownify")


def answer_form_data(answer=None, *, sections=None, citations=None, **fields):
    """POST data for the answer admin's add or change form.

    The answer's stored sections and citations are sent unchanged, followed by the new `sections`
    ((kind, heading, body) tuples) and `citations` ((provision, paragraph or None) tuples).
    `fields` override the answer's own fields.
    """
    data = {"language": "en"}
    if answer is not None:
        data.update(
            question=answer.question,
            slug=answer.slug,
            language=answer.language,
            translation=answer.translation_id or "",
            topic=answer.topic_id,
            short_answer=answer.short_answer,
            status=answer.status,
        )
    data.update(fields)

    existing_sections = list(answer.sections.all()) if answer else []
    rows = [(s.pk, s.position, s.kind, s.heading, s.body) for s in existing_sections]
    rows += [(None, len(rows) + i, kind, heading, body) for i, (kind, heading, body) in enumerate(sections or [])]
    data.update(_management("sections", len(rows), len(existing_sections)))
    for i, (pk, position, kind, heading, body) in enumerate(rows):
        data.update(
            {
                f"sections-{i}-id": pk or "",
                f"sections-{i}-answer": answer.pk if answer and pk else "",
                f"sections-{i}-position": position,
                f"sections-{i}-kind": kind,
                f"sections-{i}-heading": heading,
                f"sections-{i}-body": body,
            }
        )

    existing_citations = list(answer.citations.all()) if answer else []
    rows = [(c.pk, c.position, c.provision_id, c.paragraph) for c in existing_citations]
    rows += [(None, len(rows) + i, p.pk, paragraph) for i, (p, paragraph) in enumerate(citations or [])]
    data.update(_management("citations", len(rows), len(existing_citations)))
    for i, (pk, position, provision_id, paragraph) in enumerate(rows):
        data.update(
            {
                f"citations-{i}-id": pk or "",
                f"citations-{i}-answer": answer.pk if answer and pk else "",
                f"citations-{i}-position": position,
                f"citations-{i}-provision": provision_id,
                f"citations-{i}-paragraph": paragraph or "",
            }
        )
    return data


def _management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
