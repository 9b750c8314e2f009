"""Search building blocks shared by the law corpus and the Q&A content, and the law articles' own search.

One calling code path, two engines chosen by the database vendor:

- PostgreSQL: full-text search over a stored `tsvector` column (``search_vector``) that a vendor-aware
  migration adds as a generated column over plain text columns, with a GIN index. Queries use
  ``websearch_to_tsquery`` (quoted phrases, ``-word``), ranking uses ``ts_rank``, snippets ``ts_headline``.
  Chinese has no word boundaries and PostgreSQL's parsers do not segment it, so every run of Chinese
  characters is also stored as overlapping two-character tokens (``search_cjk``, see `cjk_tokens`) and a
  Chinese query becomes a phrase of those tokens: it finds any text that contains it.
- SQLite (the embedded default): a ranked substring match (``LIKE``), see `articles.search`. It finds
  Chinese text as written; it does not stem English words, and ``LIKE`` folds ASCII letters only.

This module imports nothing from `articles` (the dependency runs the other way).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connections
from django.db.models import Case, Expression, F, IntegerField, Q, Value, When
from django.db.models.functions import Least, Length, Lower, Replace
from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_COUNTED = 5
TEXT_SEARCH_CONFIG = "english"
CJK_SEARCH_CONFIG = "simple"

# Han ideographs (basic block, extension A, compatibility ideographs).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{_CJK}]+")

# "Article 10", "article10", "Art. 10", "art 10"; and the Chinese 第十条 / 第10条.
ARTICLE_REFERENCE = re.compile(r"\b(?:article|art\.?)\s*(\d{1,4})\b", re.IGNORECASE)
CHINESE_ARTICLE_REFERENCE = re.compile(r"第\s*([0-9一二三四五六七八九十百千零〇两]{1,8})\s*条")
_CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}

# A quoted phrase (the closing quote may be missing) or a bare word, each optionally preceded by "-".
_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")

# ts_headline marks matches with these; the text is escaped before they become <mark> tags.
START_SEL, STOP_SEL = "\x02", "\x03"
_MARKED = re.compile(f"{START_SEL}(.*?){STOP_SEL}", re.DOTALL)


def is_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def clean_query(text):
    """Control characters become spaces, runs of spaces one space; NFKC folds full-width forms."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} else char for char in text)
    return " ".join(text.split())


def chinese_number(text):
    """第十条 → 10: Chinese numerals (or digits) up to 9999, else None."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[char]
        elif char in _CHINESE_UNITS:
            total += (1 if digit is None else digit) * _CHINESE_UNITS[char]
            digit = None
        else:
            return None
    return (total + (digit or 0)) or None


def cjk_tokens(text):
    """Each run of Chinese characters as overlapping two-character tokens, then its last character.

    "社会保险" → "社会 会保 保险 险". A query run becomes the phrase of its bigrams (`cjk_tsquery`), so any
    text containing it matches; a one-character query is a prefix match, which the final single character
    of each run makes complete.
    """
    tokens = []
    for run in CJK_RUN.findall(text):
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        tokens.append(run[-1])
    return " ".join(tokens)


def cjk_tsquery(run):
    """The `to_tsquery` text matching any text that contains the Chinese run (characters only: safe to quote)."""
    if len(run) == 1:
        return f"'{run}':*"
    return " <-> ".join(f"'{run[i : i + 2]}'" for i in range(len(run) - 1))


@dataclass(frozen=True)
class Term:
    text: str
    excluded: bool = False
    phrase: bool = False

    def websearch(self):
        """This term in `websearch_to_tsquery` syntax, without its Chinese characters (None if nothing is left)."""
        text = " ".join(CJK_RUN.sub(" ", self.text).split())
        if not text:
            return None
        text = f'"{text}"' if self.phrase or " " in text else text
        return f"-{text}" if self.excluded else text


@dataclass(frozen=True)
class ParsedQuery:
    """A reader's query: required and excluded terms (words or quoted phrases) and a named law article."""

    text: str
    terms: tuple[Term, ...] = ()
    article_number: int | None = None

    @classmethod
    def parse(cls, text):
        text = clean_query(text)[:MAX_QUERY_LENGTH]
        rest, article_number = text, None
        for pattern, convert in ((ARTICLE_REFERENCE, int), (CHINESE_ARTICLE_REFERENCE, chinese_number)):
            match = pattern.search(text)
            if match and convert(match.group(1)):  # there is no Article 0
                article_number = convert(match.group(1))
                rest = f"{text[: match.start()]} {text[match.end() :]}"
                break
        return cls._with_terms(text, rest, article_number)

    @classmethod
    def of_words(cls, text):
        """Only the words of `text`: "art 10" here is two words, not Article 10 (for corrected spellings)."""
        text = clean_query(text)[:MAX_QUERY_LENGTH]
        return cls._with_terms(text, text, None)

    @classmethod
    def _with_terms(cls, text, rest, article_number):
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
        return cls(text=text, terms=tuple(unique), article_number=article_number)

    @property
    def included(self):
        return [term for term in self.terms if not term.excluded]

    @property
    def excluded(self):
        return [term for term in self.terms if term.excluded]

    @property
    def has_words(self):
        return bool(self.included)

    @property
    def is_plain(self):
        """Only plain words: no quoted phrase, no exclusion, no named article (the typo fallback's domain)."""
        return (
            self.has_words
            and self.article_number is None
            and all(not term.excluded and not term.phrase for term in self.terms)
        )

    def excluded_as_required(self):
        """The excluded terms as required ones (None if there are none): what an answer must not match."""
        if not self.excluded:
            return None
        return ParsedQuery(self.text, tuple(Term(term.text, phrase=term.phrase) for term in self.excluded))

    @property
    def has_cjk(self):
        return any(CJK_RUN.search(term.text) for term in self.included)

    @property
    def plain_text(self):
        """The required words, for similarity matching and display."""
        return " ".join(term.text for term in self.included)

    def highlight_needles(self):
        return [term.text for term in self.included]

    def tsquery(self):
        """The PostgreSQL text query: websearch syntax for the words, token phrases for Chinese (None if empty)."""
        from django.contrib.postgres.search import SearchQuery

        parts = []
        websearch = " ".join(filter(None, (term.websearch() for term in self.terms)))
        if any(term.websearch() for term in self.included):
            parts.append(SearchQuery(websearch, config=TEXT_SEARCH_CONFIG, search_type="websearch"))
        for term in self.terms:
            for run in CJK_RUN.findall(term.text):
                query = SearchQuery(cjk_tsquery(run), config=CJK_SEARCH_CONFIG, search_type="raw")
                parts.append(~query if term.excluded else query)
        if not any(not getattr(part, "invert", False) for part in parts):
            return None
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part
        return combined


class StoredSearchVector(Expression):
    """The PostgreSQL-only ``tsvector`` column of the queried table, added by a migration (not a model field).

    It is a generated column over the model's plain text search columns, so it is always in step with them,
    and the GIN index on it serves `@@`. Only ever used on PostgreSQL.
    """

    def __init__(self, column="search_vector"):
        super().__init__()
        self.column = column

    @property
    def output_field(self):
        from django.contrib.postgres.search import SearchVectorField

        return SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name(alias)}.{connection.ops.quote_name(self.column)}", []


def substring_match(needle, fields):
    """True where any of `fields` contains `needle` (``LIKE``; case-insensitive for ASCII letters on SQLite)."""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": needle})
    return condition


def substring_score(needles, weights, *, counted=()):
    """Σ over needles and fields of the field's weight where the field contains the needle.

    In the `counted` fields each occurrence counts (up to MAX_COUNTED), so the text that says it more often
    ranks higher, while a match in a heavier field (the question) still outweighs any number of them.
    """
    score = Value(0)
    for needle in needles:
        for field, weight in weights.items():
            if field in counted:
                occurrences = (Length(field) - Length(Replace(Lower(field), Value(needle.lower()), Value("")))) / len(
                    needle
                )
                score = score + Least(occurrences, Value(MAX_COUNTED)) * Value(weight)
            else:
                score = score + Case(
                    When(**{f"{field}__icontains": needle}, then=Value(weight)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
    return score


def mark_headline(text):
    """`ts_headline` output (matches between START_SEL and STOP_SEL) as safe HTML: escaped, then <mark>ed."""
    html = _MARKED.sub(r"<mark>\1</mark>", escape(text or ""))
    return mark_safe(html.replace(START_SEL, "").replace(STOP_SEL, ""))  # noqa: S308 (escaped above)


def highlight(text, needles, *, max_chars=None):
    """`text` escaped, with case-insensitive matches of `needles` in <mark>; cut around the first match.

    With `max_chars`, a window of about that length around the first match is kept, with "…" where cut.
    """
    text = text or ""
    needles = sorted({n for n in needles if n}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None
    if max_chars and len(text) > max_chars:
        first = pattern.search(text) if pattern else None
        start = max(0, (first.start() if first else 0) - max_chars // 3)
        if start:
            space = text.find(" ", start, start + 20)
            start = space + 1 if space != -1 else start
        end = min(len(text), start + max_chars)
        if end < len(text):
            space = text.rfind(" ", end - 20, end)
            end = space if space > start else end
        text = ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)


# The law articles' own search -------------------------------------------------------------------------------

PROVISION_SEARCH_FIELDS = ["search_text"]


def provision_search_text(provision):
    """What a law article is found by: "Article N" and its paragraphs."""
    return "\n\n".join([f"Article {provision.number}", *provision.paragraphs])


def refresh_provision_search_fields(provision):
    """Fill the plain text search columns of `provision` from its number and paragraphs (not saved)."""
    provision.search_text = provision_search_text(provision)
    provision.search_cjk = cjk_tokens(provision.search_text)


def search_provisions(queryset, query):
    """Law articles matching `query` (a `ParsedQuery` or text), the named article first, then by rank.

    Annotates `rank` and `snippet_html` (escaped, matches in <mark>); meant to be sliced to a few rows.
    """
    from django.contrib.postgres.search import SearchHeadline, SearchRank

    parsed = query if isinstance(query, ParsedQuery) else ParsedQuery.parse(query)
    named = Q(number=parsed.article_number) if parsed.article_number else None
    is_named = Case(When(named, then=Value(1)), default=Value(0)) if named else Value(0)
    queryset = queryset.select_related("law")
    if is_postgresql(queryset):
        tsquery = parsed.tsquery()
        matches = Q(search_vector=tsquery) if tsquery is not None else None
        condition = (matches | named) if matches and named else (matches or named)
        if condition is None:
            return queryset.none()
        queryset = queryset.alias(search_vector=StoredSearchVector()).filter(condition)
        rank = SearchRank(F("search_vector"), tsquery) if tsquery is not None else Value(0.0)
        queryset = queryset.annotate(rank=rank, is_named=is_named).order_by("-is_named", "-rank", "law", "number")
        if tsquery is not None and not parsed.has_cjk:
            queryset = queryset.annotate(
                headline=SearchHeadline(
                    "search_text",
                    tsquery,
                    config=TEXT_SEARCH_CONFIG,
                    start_sel=START_SEL,
                    stop_sel=STOP_SEL,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                )
            )
        return queryset
    needles = parsed.highlight_needles()
    condition = Q()
    for needle in needles:
        condition &= substring_match(needle, PROVISION_SEARCH_FIELDS)
    for term in parsed.excluded:
        condition &= ~substring_match(term.text, PROVISION_SEARCH_FIELDS)
    if not needles:
        if not named:
            return queryset.none()
        condition = named
    elif named:
        condition |= named
    score = substring_score(needles, {"search_text": 1}, counted={"search_text"})
    return (
        queryset.filter(condition)
        .annotate(rank=score, is_named=is_named)
        .order_by("-is_named", "-rank", "law", "number")
    )


def provision_snippet(provision, parsed):
    """The escaped, highlighted snippet for a law article found by `search_provisions`."""
    headline = getattr(provision, "headline", None)
    if headline is not None:
        return mark_headline(headline.removeprefix(f"Article {provision.number}").strip())
    return highlight(provision.text, parsed.highlight_needles(), max_chars=240)
