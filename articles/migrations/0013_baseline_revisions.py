"""A first revision for every answer saved before revisions were kept: the answer as it stands, so that its
history starts there and a proposed change has a base. Frozen here (a migration may not import the app's code):
the snapshot layout of articles.revisions.snapshot."""

from django.db import migrations


def baseline(apps, schema_editor):
    Answer = apps.get_model("articles", "Answer")
    Section = apps.get_model("articles", "Section")
    Citation = apps.get_model("articles", "Citation")
    Revision = apps.get_model("articles", "Revision")
    db = schema_editor.connection.alias
    answers = list(Answer.objects.using(db).filter(live_revision__isnull=True).order_by("pk"))
    for start in range(0, len(answers), 500):
        batch = answers[start : start + 500]
        ids = [answer.pk for answer in batch]
        sections, citations = {pk: [] for pk in ids}, {pk: [] for pk in ids}
        for section in Section.objects.using(db).filter(answer__in=ids).order_by("answer", "position", "pk"):
            sections[section.answer_id].append(
                {"kind": section.kind, "heading": section.heading, "body": section.body}
            )
        for citation in Citation.objects.using(db).filter(answer__in=ids).order_by("answer", "position", "pk"):
            citations[citation.answer_id].append(
                {"provision": citation.provision_id, "paragraph": citation.paragraph}
            )
        revisions = [
            Revision(
                answer=answer,
                kind="saved",
                via="import" if answer.source_title else "admin",
                snapshot={
                    "question": answer.question,
                    "slug": answer.slug,
                    "language": answer.language,
                    "topic": answer.topic_id,
                    "short_answer": answer.short_answer,
                    "status": answer.status,
                    "sections": sections[answer.pk],
                    "citations": citations[answer.pk],
                },
                note="As it stood when revisions began to be kept.",
                created_at=answer.updated_at,
            )
            for answer in batch
        ]
        Revision.objects.using(db).bulk_create(revisions)
        for answer, revision in zip(batch, revisions, strict=True):
            answer.live_revision = revision
        Answer.objects.using(db).bulk_update(batch, ["live_revision"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_revisions_reviews_feedback")]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
