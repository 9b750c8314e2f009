"""The tokens that search documents are made of, beside their words.

- Chinese has no spaces between words, so each run of Han characters is also stored as overlapping
  two-character tokens (`cjk_tokens`); a Chinese query is the phrase of the same tokens, so it finds any
  text that contains it.
- An answer's cited articles are tokens too (`provision_token`: "article10").
- The spelling vocabulary is the answers' words of 3 to 40 letters (`vocabulary_words`).
"""

import re
import unicodedata

# Han ideographs (basic block, extension A, compatibility ideographs).
CJK_CHARACTERS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK_CHARACTERS}]+")
# A word of the spelling vocabulary: a run of 3 to 40 letters (no digits; Chinese is taken out first).
VOCABULARY_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]{3,40}(?![^\W\d_])")
_LETTERS = re.compile(r"[^\W\d_]+")


def cjk_tokens(text: str) -> str:
    """Each run of Chinese characters as overlapping two-character tokens, then its last character.

    "社会保险" → "社会 会保 保险 险". A query run becomes the phrase of its bigrams, so any text containing it
    matches; a one-character query is a prefix match, which the final single character of each run makes
    complete.
    """
    tokens = []
    for run in CJK_RUN.findall(text):
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        tokens.append(run[-1])
    return " ".join(tokens)


def provision_token(number: int) -> str:
    """The token that stands for "cites an article numbered `number`"."""
    return f"article{int(number)}"


def vocabulary_words(*texts: str) -> set[str]:
    """The distinct words of `texts` for the spelling vocabulary, in lower case (see VOCABULARY_WORD)."""
    words = set()
    for text in texts:
        text = CJK_RUN.sub(" ", unicodedata.normalize("NFKC", text))
        words.update(run for run in _LETTERS.findall(text.casefold()) if 3 <= len(run) <= 40)  # VOCABULARY_WORD
    return words
