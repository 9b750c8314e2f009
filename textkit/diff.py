"""What changed between two texts, as runs of text kept, removed and added.

The unit of a change is the word where text has words between spaces (a run of Latin letters or digits) and the
character everywhere else: Chinese has no spaces between words, so a change in Chinese is marked character by
character, and one in English word by word. Pure functions from texts to plain data; pages render the segments
(escaped) as `<del>` and `<ins>`.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

EQUAL, DELETE, INSERT = "equal", "delete", "insert"

# A word of a spaced script (letters or digits, not Han), else any one character.
UNIT = re.compile(r"[^\W_\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+|.", re.DOTALL)


@dataclass(frozen=True)
class Segment:
    """A run of text that both texts share (`EQUAL`), that only the earlier has (`DELETE`) or that only the
    later has (`INSERT`)."""

    kind: str
    text: str


# Beyond this many units in the two texts together, they are compared line by line: the comparison of words and
# characters grows with the product of their lengths (a whole long section takes seconds).
MAX_UNITS = 12_000


def units(text: str) -> list[str]:
    """`text` cut into the units a change is marked in: words of spaced scripts, single other characters."""
    return UNIT.findall(text)


def diff_text(before: str, after: str) -> list[Segment]:
    """The segments that turn `before` into `after`, word by word in spaced scripts, else character by
    character (line by line for texts too long for that: MAX_UNITS); neighbouring units of one kind are joined
    into one segment."""
    old, new = units(before), units(after)
    if len(old) + len(new) > MAX_UNITS:
        old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    segments = []

    def add(kind, parts):
        text = "".join(parts)
        if not text:
            return
        if segments and segments[-1].kind == kind:
            segments[-1] = Segment(kind, segments[-1].text + text)
        else:
            segments.append(Segment(kind, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == EQUAL:
            add(EQUAL, old[i1:i2])
            continue
        add(DELETE, old[i1:i2])
        add(INSERT, new[j1:j2])
    return segments


def changed(segments: list[Segment]) -> bool:
    return any(segment.kind != EQUAL for segment in segments)
