"""An answer's revisions: the snapshot each save or proposal writes, and the comparison of two of them.

A snapshot is plain JSON: question, slug, language, topic (its pk), short answer, status, the sections in
order (kind, heading, body) and the citations in order (article pk, paragraph). Citations that a save adds
because the text cites an article are in it too: it is the answer as readers would see it. `compare` is pure:
two snapshots in, the changed parts out, each text marked word by word in English and character by character
in Chinese (`textkit.diff`).
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from textkit.diff import DELETE, EQUAL, INSERT, Segment, changed, diff_text

FIELDS = ("question", "slug", "language", "topic", "short_answer", "status")


def snapshot(answer, sections, citations) -> dict:
    """The snapshot of `answer` with `sections` and `citations` (model instances, saved or not), in order."""
    # As the database orders them: by position, then those saved before (by pk) before new ones.
    sections = sorted(sections, key=lambda section: (section.position, section.pk is None, section.pk or 0))
    citations = sorted(citations, key=lambda citation: (citation.position, citation.pk is None, citation.pk or 0))
    return {
        "question": answer.question,
        "slug": answer.slug,
        "language": answer.language,
        "topic": answer.topic_id,
        "short_answer": answer.short_answer,
        "status": answer.status,
        "sections": [{"kind": s.kind, "heading": s.heading, "body": s.body} for s in sections],
        "citations": [{"provision": c.provision_id, "paragraph": c.paragraph} for c in citations],
    }


def content(snapshot: dict) -> dict:
    """What a proposal or a restore changes: everything but the status (which only publishing changes)."""
    return {name: value for name, value in snapshot.items() if name != "status"}


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: object
    after: object
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class SectionChange:
    """A section of either snapshot: its number in each (None where it has none) and its marked heading and body."""

    before: int | None
    after: int | None
    kind_before: str | None
    kind_after: str | None
    heading: tuple[Segment, ...]
    body: tuple[Segment, ...]

    @property
    def changed(self):
        return self.kind_before != self.kind_after or changed(self.heading) or changed(self.body)


@dataclass(frozen=True)
class Comparison:
    fields: list[FieldChange]
    sections: list[SectionChange]
    citations_removed: list[dict]
    citations_added: list[dict]

    @property
    def changed(self):
        return bool(
            self.fields
            or any(section.changed for section in self.sections)
            or self.citations_removed
            or self.citations_added
        )


def _text(value):
    return "" if value is None else str(value)


def _section_key(section):
    return (section["kind"], section["heading"], section["body"])


def _whole(section, kind):
    return (
        (Segment(kind, section["heading"]),) if section["heading"] else (),
        (Segment(kind, section["body"]),) if section["body"] else (),
    )


def compare(before: dict, after: dict) -> Comparison:
    """What changed from the snapshot `before` to `after`: the fields that differ (texts marked), every
    section of either (kept, changed, removed or added, matched in order) and the citations removed and added."""
    fields = []
    for name in FIELDS:
        old, new = before.get(name), after.get(name)
        if old != new:
            fields.append(FieldChange(name, old, new, tuple(diff_text(_text(old), _text(new)))))
    sections = []
    old_sections, new_sections = before.get("sections", []), after.get("sections", [])
    matcher = SequenceMatcher(None, list(map(_section_key, old_sections)), list(map(_section_key, new_sections)))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == EQUAL:
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                heading, body = _whole(old_sections[i], EQUAL)
                kind = old_sections[i]["kind"]
                sections.append(SectionChange(i + 1, j + 1, kind, kind, heading, body))
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            old, new = old_sections[i1 + k], new_sections[j1 + k]
            sections.append(
                SectionChange(
                    i1 + k + 1,
                    j1 + k + 1,
                    old["kind"],
                    new["kind"],
                    tuple(diff_text(old["heading"], new["heading"])),
                    tuple(diff_text(old["body"], new["body"])),
                )
            )
        for i in range(i1 + paired, i2):
            sections.append(SectionChange(i + 1, None, old_sections[i]["kind"], None, *_whole(old_sections[i], DELETE)))
        for j in range(j1 + paired, j2):
            sections.append(SectionChange(None, j + 1, None, new_sections[j]["kind"], *_whole(new_sections[j], INSERT)))

    def keys(snap):
        return [(c["provision"], c["paragraph"]) for c in snap.get("citations", [])]

    old_citations, new_citations = keys(before), keys(after)
    removed = [{"provision": p, "paragraph": n} for p, n in old_citations if (p, n) not in new_citations]
    added = [{"provision": p, "paragraph": n} for p, n in new_citations if (p, n) not in old_citations]
    return Comparison(fields, sections, removed, added)
