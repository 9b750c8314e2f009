"""The reader's query language, the same for every search engine.

Words must all occur; a "quoted phrase" must occur as written; `-word` or `-"a phrase"` must not occur;
"Article 10", "art. 10" or 第十条 names a law article (`ParsedQuery.provision_number`). "or" is ignored.
"""

import re
import unicodedata
from dataclasses import dataclass

from .numerals import NUMERAL_CHARACTERS, chinese_number
from .tokens import CJK_RUN

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

    @classmethod
    def parse(cls, text: str) -> "ParsedQuery":
        text = clean_query(text)[:MAX_QUERY_LENGTH]
        for pattern, convert in ((ARTICLE_REFERENCE, int), (CHINESE_ARTICLE_REFERENCE, chinese_number)):
            match = pattern.search(text)
            if match and (number := convert(match.group(1))):  # there is no Article 0
                return cls._with_terms(text, f"{text[: match.start()]} {text[match.end() :]}", number)
        return cls._with_terms(text, text, None)

    @classmethod
    def of_words(cls, text: str) -> "ParsedQuery":
        """Only the words of `text`: "art 10" here is two words, not Article 10 (for corrected spellings)."""
        text = clean_query(text)[:MAX_QUERY_LENGTH]
        return cls._with_terms(text, text, None)

    @classmethod
    def _with_terms(cls, text, rest, provision_number):
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
        return cls(text=text, terms=tuple(unique), provision_number=provision_number)

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
        return ParsedQuery(self.text, tuple(Term(term.text, phrase=term.phrase) for term in self.excluded))

    @property
    def has_cjk(self) -> bool:
        return any(CJK_RUN.search(term.text) for term in self.included)

    @property
    def plain_text(self) -> str:
        """The required words, for similarity matching and display."""
        return " ".join(term.text for term in self.included)

    def highlight_needles(self) -> list[str]:
        return [term.text for term in self.included]
