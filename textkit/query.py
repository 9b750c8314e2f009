"""The reader's query language, the same for every search engine.

Words must all occur; a "quoted phrase" must occur as written; `-word` or `-"a phrase"` must not occur;
"Article 10", "art. 10" or 第十条 names a law article (`ParsedQuery.provision_number`). "or" is ignored.

Traditional characters are read as simplified ones. Chinese typed without quotes is read as words
(`ParsedQuery.chinese_words`): 社保卡丢了怎么办 asks for 社保卡 and 丢, and each word is found as a word, as
one of its synonyms, or as written inside a longer word. A word with synonyms (`synonyms`: each term, normalised,
to the terms that mean the same) also finds them.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .chinese import fold, query_words
from .numerals import NUMERAL_CHARACTERS, chinese_number
from .tokens import CJK_RUN

LATIN_WORD = re.compile(r"\w+")  # a word of letters or digits, once the Chinese is taken out

MAX_QUERY_LENGTH = 200  # characters of a query that are read
MAX_TERMS = 12  # terms of a query that are used

# "Article 10", "article10", "Art. 10", "art 10"; and the Chinese 第十条 / 第10条.
ARTICLE_REFERENCE = re.compile(r"\b(?:article|art\.?)\s*(\d{1,4})\b", re.IGNORECASE)
CHINESE_ARTICLE_REFERENCE = re.compile(rf"第\s*([0-9{NUMERAL_CHARACTERS}]{{1,8}})\s*条")

# A quoted phrase (the closing quote may be missing) or a bare word, each optionally preceded by "-".
_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def clean_query(text: str) -> str:
    """Control characters become spaces, runs of spaces one space; NFKC folds full-width forms."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} else char for char in text)
    return " ".join(text.split())


def normalize_term(text: str) -> str:
    """A term as synonyms are looked up: cleaned (`clean_query`), Chinese in simplified characters, case folded."""
    return fold(clean_query(text)).casefold()


@dataclass(frozen=True)
class Term:
    text: str
    excluded: bool = False
    phrase: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """A reader's query: required and excluded terms (words or quoted phrases) and a named law article."""

    text: str
    terms: tuple[Term, ...] = ()
    provision_number: int | None = None
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    any_word: bool = False  # any of the Chinese words will do (`relaxed`), not all
    any_english_word: bool = False  # and any of the words typed without Chinese (`relaxed(english=True)`)

    @classmethod
    def parse(cls, text: str, synonyms: Mapping[str, tuple[str, ...]] | None = None) -> "ParsedQuery":
        text = clean_query(text)[:MAX_QUERY_LENGTH]
        folded = fold(text)
        for pattern, convert in ((ARTICLE_REFERENCE, int), (CHINESE_ARTICLE_REFERENCE, chinese_number)):
            match = pattern.search(folded)
            if match and (number := convert(match.group(1))):  # there is no Article 0
                rest = f"{folded[: match.start()]} {folded[match.end() :]}"
                return cls._with_terms(text, rest, number, synonyms)
        return cls._with_terms(text, folded, None, synonyms)

    @classmethod
    def of_words(cls, text: str, synonyms: Mapping[str, tuple[str, ...]] | None = None) -> "ParsedQuery":
        """Only the words of `text`: "art 10" here is two words, not Article 10 (for corrected spellings)."""
        text = clean_query(text)[:MAX_QUERY_LENGTH]
        return cls._with_terms(text, fold(text), None, synonyms)

    @classmethod
    def _with_terms(cls, text, rest, provision_number, synonyms=None):
        terms = []
        for match in _TOKEN.finditer(rest):
            if match.group(3) is not None:
                word = match.group(3)
                excluded = word.startswith("-") and len(word) > 1
                word = _EDGE_PUNCTUATION.sub("", word)
                if not word or word.casefold() == "or":
                    continue
                terms.append(Term(word, excluded=excluded))
            else:
                phrase = " ".join(_EDGE_PUNCTUATION.sub("", w) for w in match.group(2).split())
                phrase = " ".join(phrase.split())
                if phrase:
                    terms.append(Term(phrase, excluded=bool(match.group(1)), phrase=True))
        unique = list(dict.fromkeys(terms))[:MAX_TERMS]
        return cls(text=text, terms=tuple(unique), provision_number=provision_number, synonyms=synonyms or {})

    @property
    def included(self) -> list[Term]:
        return [term for term in self.terms if not term.excluded]

    @property
    def excluded(self) -> list[Term]:
        return [term for term in self.terms if term.excluded]

    @property
    def has_words(self) -> bool:
        return bool(self.included)

    @property
    def is_plain(self) -> bool:
        """Only plain words: no quoted phrase, no exclusion, no named article (what spelling correction takes)."""
        return (
            self.has_words
            and self.provision_number is None
            and all(not term.excluded and not term.phrase for term in self.terms)
        )

    def excluded_as_required(self) -> "ParsedQuery | None":
        """The excluded terms as required ones (None if there are none): what an answer must not match."""
        if not self.excluded:
            return None
        # As written (a phrase): an exclusion removes the text that has it, not the text that has its synonyms.
        return ParsedQuery(self.text, tuple(Term(term.text, phrase=True) for term in self.excluded))

    @property
    def has_cjk(self) -> bool:
        return any(CJK_RUN.search(term.text) for term in self.included)

    @property
    def plain_text(self) -> str:
        """The required words, for similarity matching and display."""
        return " ".join(term.text for term in self.included)

    def alternatives(self, text: str) -> tuple[str, ...]:
        """The terms that mean the same as `text` (its synonyms), without `text` itself."""
        key = normalize_term(text)
        return tuple(other for other in self.synonyms.get(key, ()) if other != key)

    def reads_as_words(self, term: Term) -> bool:
        """Whether `term` is read as words (with synonyms): a required word, not a quoted phrase or an exclusion."""
        return not term.excluded and not term.phrase

    def chinese_words(self, term: Term) -> list[tuple[str, ...]]:
        """The words the Chinese of a term asks for, each with its synonyms: [(word, synonym, …), …].

        Stop words are dropped; pieces that together make a term with synonyms are joined again (医保卡 is one word
        even where the segmenter's dictionary does not have it)."""
        groups = []
        for run in CJK_RUN.findall(term.text):
            for word in query_words(run, self.synonyms):
                groups.append((word, *self.alternatives(word)))
        return groups

    @staticmethod
    def mixed_words(term: Term) -> list[str]:
        """The letters and digits typed among a term's Chinese (挂失打12333: ["12333"]), each a word of its own
        like the Chinese ones; none for a term without Chinese (its words are an English phrase)."""
        if not CJK_RUN.search(term.text):
            return []
        return list(dict.fromkeys(LATIN_WORD.findall(CJK_RUN.sub(" ", term.text))))

    def english_words(self, term: Term) -> list[tuple[str, ...]]:
        """With `any_english_word`, a word typed without Chinese as one of the words any of which will do, with its
        synonyms, like `chinese_words`: [(word, synonym, …)]; none otherwise (the word is required as typed)."""
        if not self.any_english_word or not self.reads_as_words(term) or CJK_RUN.search(term.text):
            return []
        return [(term.text, *self.alternatives(term.text))]

    def relaxed(self, english: bool = False) -> "ParsedQuery | None":
        """The query with any of its Chinese words (and the letters and digits among them) instead of all of them
        (the other terms still required), for a question typed as a sentence whose words no answer has all of;
        None if it has fewer than two words. With `english`, the words typed without Chinese too; None then also if
        there are none (the query would be the same as without)."""
        if self.any_word:
            return None
        relaxed = replace(self, any_word=True, any_english_word=english)
        terms = [term for term in self.included if self.reads_as_words(term)]
        english_words = sum(len(relaxed.english_words(term)) for term in terms)
        words = english_words + sum(len(self.chinese_words(term)) + len(self.mixed_words(term)) for term in terms)
        return relaxed if words > 1 and (english_words or not english) else None

    def highlight_needles(self) -> list[str]:
        """What a result marks: each required term as written, its Chinese words and the synonyms of both."""
        needles = []
        for term in self.included:
            needles.append(term.text)
            if self.reads_as_words(term):
                needles += self.alternatives(term.text)
                needles += [form for group in self.chinese_words(term) for form in group]
        return list(dict.fromkeys(needles))
