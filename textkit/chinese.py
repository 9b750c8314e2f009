"""Chinese words for search: traditional characters folded to simplified, and Chinese cut into words.

- `fold`: each run of Han characters folded to simplified characters (OpenCC's t2s), the rest kept as it is;
  documents and queries both go through it, so 社會保障卡 finds 社会保障卡.
- `index_words`: the words of a text's Chinese for the stored search columns, cut in jieba's search mode: each
  word and the shorter dictionary words inside it (第三代社保卡 → 第三 三代 第三代 社保 社保卡 第三代社保卡), so a
  query for any of them finds it as a whole word.
- `query_words`: a query's run of Chinese cut into its longest words (jieba's precise mode), pieces joined again
  where together they make a word the caller knows (a synonym), the stop words dropped (社保卡丢了怎么办 → 社保卡 丢).

The segmenter is rjieba (the Rust jieba; docs/search.md says why) with its own dictionary plus the domain
dictionary `dictionary/words.txt`; `dictionary/stopwords.txt` lists the stop words. Both are loaded once per
process: by `load()` at a web worker's start-up (sscard_kb/startup.py), else at first use (commands, tests).
Neither writes a cache file.
"""

import functools
import re
from collections.abc import Collection
from pathlib import Path

from .tokens import CJK_RUN

DICTIONARY_DIR = Path(__file__).resolve().parent / "dictionary"
WORDS_FILE = DICTIONARY_DIR / "words.txt"
STOP_WORDS_FILE = DICTIONARY_DIR / "stopwords.txt"
MAX_JOINED = 4  # query pieces that may be joined again into one known word
WORD_RUN = re.compile(r"[^\W_]+")  # letters (Chinese characters among them) and digits


class DictionaryError(ValueError):
    """A line of the domain dictionary that is not `word [frequency] [tag]`."""


def _lines(path: Path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            yield number, line


def read_dictionary(path: Path = WORDS_FILE) -> list[tuple[str, int | None, str | None]]:
    """The entries of a dictionary file: (word, frequency or None, tag or None); a bad line raises DictionaryError."""
    entries = []
    for number, line in _lines(path):
        word, *rest = line.split()
        if len(rest) > 2 or (rest and not rest[0].isdigit()):
            raise DictionaryError(f"{path.name}, line {number}: expected `word [frequency] [tag]`, got {line!r}")
        entries.append((word, int(rest[0]) if rest else None, rest[1] if len(rest) > 1 else None))
    return entries


@functools.cache
def segmenter():
    """The jieba segmenter with the domain dictionary added (made once per process, in about 0.3 s)."""
    import rjieba

    jieba = rjieba.Jieba()
    for word, frequency, tag in read_dictionary():
        jieba.add_word(word, frequency if frequency is not None else jieba.suggest_freq(word), tag)
    return jieba


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@functools.cache
def stop_words() -> frozenset[str]:
    return frozenset(line for _, line in _lines(STOP_WORDS_FILE))


def load() -> None:
    """Load the segmenter, its dictionaries and the folding tables now (at a worker's start, not its first search)."""
    segmenter()
    _converter()
    stop_words()


def fold(text: str) -> str:
    """`text` with its Chinese in simplified characters."""
    convert = _converter().convert
    return CJK_RUN.sub(lambda run: convert(run.group(0)), text)


def index_words(text: str) -> str:
    """The words of the Chinese in `text` (folded), each run cut in search mode, separated by spaces. A run is
    the letters and digits around Chinese characters too, so 12333 in 拨打12333热线 is a word of its own here
    (PostgreSQL's parser reads 12333热线 as one)."""
    cut = segmenter().cut_for_search
    runs = (run for run in WORD_RUN.findall(fold(text)) if CJK_RUN.search(run))
    return " ".join(word.casefold() for run in runs for word in cut(run) if word.strip())


def query_words(run: str, known: Collection[str] = ()) -> list[str]:
    """The words a query's run of Chinese asks for: folded, cut into its longest words, adjacent pieces joined
    where they make a word of `known`, stop words dropped (all kept if nothing else is left), each word once."""
    pieces = [piece for piece in segmenter().cut(fold(run)) if piece.strip()]
    words, start = [], 0
    while start < len(pieces):
        end = next(
            (
                end
                for end in range(min(len(pieces), start + MAX_JOINED), start + 1, -1)
                if "".join(pieces[start:end]) in known
            ),
            start + 1,
        )
        words.append("".join(pieces[start:end]))
        start = end
    content = [word for word in words if word not in stop_words()]
    return list(dict.fromkeys(content or words))
