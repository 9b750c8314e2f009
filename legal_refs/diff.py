"""What changed between two wordings of an article: paragraphs matched first, then their characters.

Pure functions from texts to plain data; the comparison page renders the segments (escaped) as `<del>` and
`<ins>`. Chinese has no spaces between words, so the unit of a change is the character (`textkit.diff`).
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from textkit.diff import DELETE, EQUAL, INSERT, Segment, diff_text

__all__ = ["DELETE", "EQUAL", "INSERT", "ParagraphChange", "Segment", "diff_paragraphs", "diff_text"]


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph of the comparison: its number in the earlier and in the later wording (None where it has
    none there) and its segments."""

    before: int | None
    after: int | None
    segments: tuple[Segment, ...]

    @property
    def changed(self):
        return any(segment.kind != EQUAL for segment in self.segments)


def diff_paragraphs(before: list[str], after: list[str]) -> list[ParagraphChange]:
    """Each paragraph of either wording, in order: paragraphs kept whole, removed, added, or changed (a
    paragraph of a replaced run paired with the one at the same place in the other wording)."""
    changes = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == EQUAL:
            changes += [
                ParagraphChange(i + 1, j + 1, (Segment(EQUAL, before[i]),))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        paired = min(i2 - i1, j2 - j1)
        changes += [
            ParagraphChange(i1 + k + 1, j1 + k + 1, tuple(diff_text(before[i1 + k], after[j1 + k])))
            for k in range(paired)
        ]
        changes += [ParagraphChange(i + 1, None, (Segment(DELETE, before[i]),)) for i in range(i1 + paired, i2)]
        changes += [ParagraphChange(None, j + 1, (Segment(INSERT, after[j]),)) for j in range(j1 + paired, j2)]
    return changes
