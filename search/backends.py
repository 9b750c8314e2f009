"""The search engines: one backend class per database engine, behind one interface, chosen once per database.

Both read the plain text search columns of the content apps (articles: question, short answer,
``search_document``, the Chinese words of each, ``search_cjk``, ``search_citations``; legal_refs: ``search_text``,
``search_words``, ``search_cjk``) through an index that vendor-aware migrations add over them, and both read a
query the same way (textkit.query): every term required; Chinese typed as words, stop words not required, each
word found as a stored word, as one of its synonyms, or as written in the two-character tokens (so a text that
has the query as written is found too); a quoted phrase or an exclusion as written.

- `PostgreSQLBackend`: weighted full-text search over stored, GIN-indexed ``tsvector`` columns.
  ``websearch_to_tsquery`` ('english') for words, phrases and exclusions, raw ``to_tsquery`` ('simple') for the
  Chinese words and token phrases, ``ts_rank`` to rank (a word weighs as the field it is in: question A, short
  answer B, document C; the two-character tokens D), ``ts_headline`` for the page of results shown only, and
  ``pg_trgm``'s trigram distance for the spelling vocabulary. The answers to rank are found with a Chinese word
  of one or three characters looked up as one of their character grams (``search_cjk_grams``), the same answers,
  and first among a sample of them (`first_found`), which serves a query that many answers match.
- `SQLiteBackend` (the embedded default): an FTS5 table over the same columns (English words stemmed by
  porter), ranked by ``bm25`` with the same order of weights. A term of one character other than Chinese is
  matched as a substring (``LIKE``), as FTS5 has no token of one letter to look up; one Chinese character is a
  prefix of the two-character tokens, which is the same as a substring.

Callers use `backend_for(alias)` (or `backend()`) and never branch on the vendor.
"""

import difflib
import re
from dataclasses import dataclass
from functools import cache

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVectorField
from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Least, Length, Lower, Replace
from django.db.models.sql import Query
from django.utils.safestring import SafeString
from django.utils.translation import get_language, override

from articles.models import Answer, Citation, Language, SearchWord, Status
from legal_refs.models import Provision, law_rank
from serving.languages import is_chinese
from textkit.highlight import SNIPPET_CHARS, START_SEL, STOP_SEL, highlight, mark_headline
from textkit.query import ParsedQuery, Term
from textkit.tokens import CJK_RUN, provision_token

from .statements import Slot, Statement

PROVISION_ORDER = ("-is_named", "-rank", law_rank(), "law__title", "number")  # the named article first
MAX_CANDIDATES = 50  # PostgreSQL ranks at most this many answers whose question matches, and as many others
# PostgreSQL: the answers whose id is a multiple of this, which GIN indexes of their own hold (articles migration
# 0015), are where the candidates are looked for first (`first_found`).
SAMPLE_EVERY = 16
MAX_RESULTS = 2 * MAX_CANDIDATES  # answers listed for one query, at most
SPELLING_CUTOFF = 0.75  # difflib's ratio a corrected word needs at least
SPELLING_CANDIDATES = 16  # PostgreSQL: the nearest words by trigram distance that difflib chooses from


def in_reader_language() -> Case:
    """1 for an answer in the language of the page (the reader's), else 0: those answers are listed first."""
    language = Language.ZH_HANS if is_chinese(get_language()) else Language.EN
    return Case(When(language=language, then=Value(1)), default=Value(0), output_field=IntegerField())


class SearchBackend:
    """What every engine does the same way; the engines supply the matching, ranking and headlines."""

    # Answers

    def answers(self, queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
        """`queryset` narrowed to what matches `parsed`, annotated with `rank`, best first.

        A named law article ("Article 4", 第四条) matches the answers citing it; other terms must match too.
        """
        if parsed.provision_number and not parsed.terms:
            # Only an article named: (at most MAX_RESULTS + 1 of) the answers citing it, from the citations.
            citing = (
                Citation.objects.filter(provision__number=parsed.provision_number, answer__in=queryset)
                .order_by()
                .values("answer_id")
                .distinct()
            )
            return (
                queryset.filter(pk__in=citing[: MAX_RESULTS + 1]).annotate(rank=Value(0.0)).order_by("question", "pk")
            )
        if not parsed.has_words and not parsed.provision_number:
            return queryset.none()
        return self.match_answers(queryset, parsed)

    def match_answers(self, queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
        raise NotImplementedError

    @staticmethod
    def citing(queryset: QuerySet, number: int) -> QuerySet:
        return queryset.filter(Exists(Citation.objects.filter(answer=OuterRef("pk"), provision__number=number)))

    def answer_ids(self, parsed: ParsedQuery) -> tuple[list[int], bool]:
        """The ids of the published answers found, best first (at most MAX_RESULTS), and whether there may
        be more than those (the page then says "the best N answers"); one query."""
        # What the site of the reader's language lists: an answer, not also its translation (`for_site`).
        ids = self.first_ids(self.answers(Answer.objects.for_site(get_language()), parsed), MAX_RESULTS + 1)
        return ids[:MAX_RESULTS], len(ids) > MAX_RESULTS or self.candidates_capped(parsed, len(ids))

    def first_ids(self, found: QuerySet, count: int) -> list[int]:
        """The ids of the first `count` answers of `found` (`answers`), in its order; one query."""
        return list(found.values_list("pk", flat=True)[:count])

    def candidates_capped(self, parsed: ParsedQuery, count: int) -> bool:
        """Whether `count` answers found may be the best of a larger set that the engine did not rank."""
        return False

    def answers_with_snippets(self, ids: list[int], parsed: ParsedQuery) -> list[Answer]:
        """The answers `ids` (in that order, with their topic), each with `title_html` and `snippet_html`:
        escaped, matches in <mark>. One query."""
        if not ids:
            return []
        by_pk = {answer.pk: answer for answer in self.page_answers(ids, parsed)}
        answers = [by_pk[pk] for pk in ids if pk in by_pk]
        needles = parsed.highlight_needles()
        for answer in answers:
            if getattr(answer, "title_headline", None) is not None:
                answer.title_html = mark_headline(answer.title_headline)
                answer.snippet_html = mark_headline(answer.snippet_headline)
            else:
                body = "\n\n".join(part for part in (answer.short_answer, answer.search_document) if part)
                answer.title_html = highlight(answer.question, needles)
                answer.snippet_html = highlight(body, needles, max_chars=SNIPPET_CHARS)
        return answers

    def page_answers(self, ids: list[int], parsed: ParsedQuery) -> list[Answer]:
        """The answers `ids` (in any order) with their topic and the engine's headlines (`with_headlines`)."""
        # In the order of `ids` (`answers_with_snippets`), not the model's: no ORDER BY to compile and sort by.
        return list(self.with_headlines(Answer.objects.filter(pk__in=ids).select_related("topic").order_by(), parsed))

    def with_headlines(self, queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
        """`queryset` with the engine's own headlines (`title_headline`, `snippet_headline`), if it makes any."""
        return queryset

    # Law articles

    def provisions(self, queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
        """Law articles matching `parsed`, the named article first, then by rank; meant to be sliced."""
        named = Q(number=parsed.provision_number) if parsed.provision_number else None
        is_named = Case(When(named, then=Value(1)), default=Value(0)) if named else Value(0)
        found = self.match_provisions(queryset.select_related("law"), parsed, named)
        return found.annotate(is_named=is_named).order_by(*PROVISION_ORDER)

    def match_provisions(self, queryset: QuerySet, parsed: ParsedQuery, named: Q | None) -> QuerySet:
        raise NotImplementedError

    def first_provisions(self, parsed: ParsedQuery, count: int) -> list[Provision]:
        """The first `count` law articles of `provisions` (with their law); one query, or none."""
        return list(self.provisions(Provision.objects.all(), parsed)[:count])

    def provision_snippet(self, provision: Provision, parsed: ParsedQuery) -> SafeString:
        """The escaped, highlighted snippet of a law article that `provisions` found."""
        headline = getattr(provision, "headline", None)
        if headline is not None:
            return mark_headline(headline.removeprefix(f"Article {provision.number}").strip())
        return highlight(provision.text, parsed.highlight_needles(), max_chars=SNIPPET_CHARS)

    # Spelling

    def nearest_words(self, words: list[str]) -> dict[str, str | None]:
        """{word: the word to search for instead: itself if the vocabulary has it, else the vocabulary's word
        most like it, or None if none is like it enough}; one query.

        The engine proposes candidates (`spelling_candidates`); `difflib`'s ratio (at least SPELLING_CUTOFF)
        picks one: it judges swapped and dropped letters better than trigrams do in short words.
        """
        if not words:
            return {}
        candidates = self.spelling_candidates(words)
        return {
            word: next(iter(difflib.get_close_matches(word, near, n=1, cutoff=SPELLING_CUTOFF)), None)
            for word, near in candidates.items()
        }

    def spelling_candidates(self, words: list[str]) -> dict[str, list[str]]:
        raise NotImplementedError


# PostgreSQL ---------------------------------------------------------------------------------------------------

TEXT_SEARCH_CONFIG = "english"
CJK_SEARCH_CONFIG = "simple"
HEADLINE_OPTIONS = {"config": TEXT_SEARCH_CONFIG, "start_sel": START_SEL, "stop_sel": STOP_SEL}
SNIPPET_OPTIONS = {
    **HEADLINE_OPTIONS,
    "max_words": 35,
    "min_words": 15,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}


class StoredSearchVector(Expression):
    """The ``tsvector`` column of the queried table that a migration adds (not a model field).

    A generated column over the model's plain text search columns, so it is always in step with them; the
    GIN index on it serves `@@`.
    """

    output_field = SearchVectorField()

    def __init__(self, column="search_vector"):
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name(alias)}.{connection.ops.quote_name(self.column)}", []


class ReadVector(StoredSearchVector):
    """The stored vector read into memory: ``|| ''`` makes a new value, which later uses in the statement read
    without fetching and decompressing it again (`PostgreSQLBackend.first_ids`)."""

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        return f"({sql} || ''::tsvector)", params


def cjk_tsquery(run: str) -> str:
    """The `to_tsquery` text matching any text that contains the Chinese run (characters only: safe to quote)."""
    if len(run) == 1:
        return f"'{run}':*"
    return " <-> ".join(f"'{run[i : i + 2]}'" for i in range(len(run) - 1))


def word_tsquery(word: str) -> str:
    """A Chinese word: a stored word, or as written in the two-character tokens (one character: a prefix of both;
    two characters: the word is its own token)."""
    if len(word) <= 2:
        return cjk_tsquery(word)
    return f"'{word}' | {cjk_tsquery(word)}"


def websearch_term(term: Term) -> str | None:
    """A term in `websearch_to_tsquery` syntax, without its Chinese characters (None if nothing is left)."""
    text = " ".join(CJK_RUN.sub(" ", term.text).replace('"', " ").split())
    if not text:
        return None
    text = f'"{text}"' if term.phrase or " " in text else text
    return f"-{text}" if term.excluded else text


def form_tsquery(form: str) -> SearchQuery:
    """A term or one of its synonyms: its Chinese as words, the rest as an English phrase."""
    parts = [
        SearchQuery(word_tsquery(run), config=CJK_SEARCH_CONFIG, search_type="raw") for run in CJK_RUN.findall(form)
    ]
    if english := websearch_term(Term(form, phrase=True)):
        parts.append(SearchQuery(english, config=TEXT_SEARCH_CONFIG, search_type="websearch"))
    return all_of(parts)


def all_of(parts: list[SearchQuery]) -> SearchQuery:
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part
    return combined


def any_of(parts: list[SearchQuery]) -> SearchQuery:
    combined = parts[0]
    for part in parts[1:]:
        combined = combined | part
    return combined


def tsquery(parsed: ParsedQuery) -> SearchQuery | None:
    """The text query (None if nothing is required): each required term, the English of those without synonyms in
    one websearch query (as typed), a term with synonyms as any of its forms, each Chinese word (`chinese_words`)
    as any of its forms (and with `any_word`, any of the words), a quoted phrase or an exclusion as written."""
    parts, words = query_pieces(parsed)
    if words:  # all of the Chinese words, or any of them (`ParsedQuery.relaxed`)
        parts.append(words_query(words, parsed.any_word))
    if all(getattr(part, "invert", False) for part in parts):
        return None
    return all_of(parts)


def tsquery_parts(parsed: ParsedQuery) -> tuple[list[SearchQuery], list[list[SearchQuery]]]:
    """The pieces of `tsquery`: ([the other terms' queries, an exclusion inverted], [each word's forms: a Chinese
    word and its synonyms, or letters and digits typed among Chinese]); a word is any of its forms, and the words
    are all required, or any of them with `any_word`."""
    parts, words = query_pieces(parsed)
    return parts, [form_queries(word) for word in words]


def query_pieces(parsed: ParsedQuery) -> tuple[list[SearchQuery], list[tuple[str, ...] | str]]:
    """`tsquery_parts` with each word as written: the tuple of a Chinese word's forms, or the letters and digits
    typed among Chinese (`form_queries` makes its queries)."""
    parts, websearch, excluded_english, words = [], [], [], []
    for term in parsed.terms:
        as_words = parsed.reads_as_words(term)
        if english_words := parsed.english_words(term):  # any of the words will do (`relaxed(english=True)`)
            words += english_words
            continue
        english = websearch_term(term)
        if as_words and english and (alternatives := parsed.alternatives(term.text)):
            parts.append(any_of([form_tsquery(form) for form in (term.text, *alternatives)]))
            continue
        if as_words and parsed.mixed_words(term):
            # Letters and digits typed among Chinese (挂失打12333) are words of their own, like the Chinese ones
            # (required, or any of them with `any_word`), not one phrase of everything that is not Chinese.
            words += parsed.mixed_words(term)
        elif english:
            (excluded_english if term.excluded else websearch).append(english)
        if as_words:
            words += parsed.chinese_words(term)
        else:
            for run in CJK_RUN.findall(term.text):
                query = SearchQuery(cjk_tsquery(run), config=CJK_SEARCH_CONFIG, search_type="raw")
                parts.append(~query if term.excluded else query)
    if websearch:  # the exclusions in the same websearch query, as typed
        text = " ".join(websearch + excluded_english)
        parts.insert(0, SearchQuery(text, config=TEXT_SEARCH_CONFIG, search_type="websearch"))
    else:
        for text in excluded_english:
            parts.append(~SearchQuery(text.removeprefix("-"), config=TEXT_SEARCH_CONFIG, search_type="websearch"))
    return parts, words


def form_queries(word: tuple[str, ...] | str) -> list[SearchQuery]:
    """The queries of a word of `query_pieces`: one per form of a Chinese word, or the letters and digits."""
    if isinstance(word, str):
        return [SearchQuery(word, config=TEXT_SEARCH_CONFIG)]
    return [form_tsquery(form) for form in word]


def words_query(words: list[tuple[str, ...] | str], any_word: bool) -> SearchQuery:
    """All of `words` (of `query_pieces`), or any of them. Words of Chinese forms only are written as one raw query,
    the same tsquery as the forms' queries combined: one expression for Django to resolve and compile (at each of
    the three or four places a statement has it), not a tree of one per form."""
    if all(isinstance(word, tuple) and all(CJK_RUN.fullmatch(form) for form in word) for word in words):
        text = (" | " if any_word else " & ").join(
            "(" + " | ".join(f"({word_tsquery(form)})" for form in word) + ")" for word in words
        )
        return SearchQuery(text, config=CJK_SEARCH_CONFIG, search_type="raw")
    queries = [any_of(form_queries(word)) for word in words]
    return any_of(queries) if any_word else all_of(queries)


# Characters of a Chinese word that the answers' character grams (``search_cjk_grams``: each character and each
# three characters in a row of their Chinese) hold as one gram: exactly the texts that contain the word, as the
# word's query on the search vector matches them. That query reads one character as a prefix of every token and
# word it starts (many GIN entries), and three as a word or the phrase of its two tokens, whose positions
# PostgreSQL checks row by row in every answer that has both, which is most of them when the tokens are common
# and none when the word is in no answer (医保卡: 医保 <-> 保卡).
GRAM_LENGTHS = (1, 3)


def is_gram(form: str) -> bool:
    """Whether the Chinese word `form` is one of the answers' character grams."""
    return len(form) in GRAM_LENGTHS and CJK_RUN.fullmatch(form) is not None


def anywhere_condition(parsed: ParsedQuery, compiler, extra: str = "", extra_params=()) -> tuple[str, list] | None:
    """SQL that is true where `tsquery(parsed)` matches the answer's ``search_vector`` (and the tsquery `extra`,
    with `extra_params`, if given): the same rows, with a Chinese word whose every form is one gram (`is_gram`)
    looked up in ``search_cjk_grams`` instead; None if there is no such word. Both columns are in one GIN index,
    which finds the rows having all of them at once, as it does the words of one column. `compiler` compiles the
    queries (`compiled`)."""
    parts, words = query_pieces(parsed)
    vector_words, gram_words = [], []
    for word in words:
        if isinstance(word, tuple) and all(map(is_gram, word)):
            text = " | ".join(f"'{form}'" for form in word)  # characters only: safe to quote
            gram_words.append(SearchQuery(text, config=CJK_SEARCH_CONFIG, search_type="raw"))
        else:
            vector_words.append(word)
    if not gram_words:
        return None
    combine = any_of if parsed.any_word else all_of
    # With any of the words, those of the vector are alternatives to the grams' (below), not a part of their own.
    vector_parts = parts + ([words_query(vector_words, False)] if vector_words and not parsed.any_word else [])
    conditions, params, vector_sql = [], [], []
    if vector_parts:
        sql, query_params = compiled(all_of(vector_parts), compiler)
        vector_sql.append(sql)
        params += query_params
    if extra:
        vector_sql.append(extra)
        params += extra_params
    if vector_sql:
        conditions.append(f"search_vector @@ ({' && '.join(vector_sql)})")
    sql, query_params = compiled(combine(gram_words), compiler)
    grams = f"search_cjk_grams @@ {sql}"
    params += query_params
    if parsed.any_word and vector_words:  # any of the words: in either column
        sql, query_params = compiled(words_query(vector_words, True), compiler)
        grams = f"({grams} OR search_vector @@ {sql})"
        params += query_params
    conditions.append(grams)
    return " AND ".join(conditions), params


def first_found(connection, name: str, condition: str, params: list) -> tuple[str, list]:
    """SQL and parameters of the ids of the first MAX_CANDIDATES published answers where `condition`: the sample's
    (the answers whose id is a multiple of SAMPLE_EVERY, under GIN indexes of their own: articles migration 0015)
    when it has that many, else the first of all (`name`: the sample's in the statement). The sample is always
    read; all the answers only when it has fewer."""
    table = connection.ops.quote_name(Answer._meta.db_table)
    status = connection.ops.quote_name(Answer._meta.get_field("status").column)
    pk = connection.ops.quote_name(Answer._meta.pk.column)
    first = f"SELECT {pk} FROM {table} WHERE {status} = %s AND {{}} LIMIT %s"  # noqa: S608 (no user text)
    params = [Status.PUBLISHED.value, *params, MAX_CANDIDATES]
    in_sample = f"({pk} %% {SAMPLE_EVERY}) = 0"  # the indexes' predicate, as they have it
    sql = (
        f"(WITH {name} AS MATERIALIZED ({first.format(f'{in_sample} AND {condition}')})"  # noqa: S608 (no user text)
        f" SELECT {pk} FROM {name} WHERE (SELECT count(*) FROM {name}) >= %s"
        f" UNION ALL SELECT {pk} FROM ({first.format(condition)}) AS every WHERE (SELECT count(*) FROM {name}) < %s)"
    )
    return sql, [*params, MAX_CANDIDATES, *params, MAX_CANDIDATES]


def compiled(search_query: SearchQuery, compiler) -> tuple[str, list]:
    """The SQL and parameters of `search_query`, compiled once for all the places of a statement that have it."""
    memo = search_query.__dict__.setdefault("_compiled", {})  # by database alias
    alias = compiler.connection.alias
    if alias not in memo:
        sql, params = compiler.compile(search_query.resolve_expression(compiler.query))
        memo[alias] = (sql, tuple(params))
    sql, params = memo[alias]
    return sql, list(params)  # a list of its own to each caller: the memo stays as compiled


class TextSearch(Expression):
    """SQL around a text query, `template` with ``{vector}`` for a stored vector (`column`) and ``{query}`` for the
    query: the query compiled once however many places of the statement have it (`compiled`). Django resolves,
    copies and compiles an expression of its own at every place (the annotation, ``ORDER BY``), which for a query of
    many words and forms took longer than PostgreSQL took to run the statement."""

    def __init__(self, template: str, query: SearchQuery, column="search_vector", output_field=None):
        super().__init__(output_field=output_field or FloatField())
        self.template, self.query, self.column = template, query, column

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return self  # the query is resolved and compiled with the statement (`as_sql`)

    def as_sql(self, compiler, connection):
        sql, params = compiled(self.query, compiler)
        vector = compiler.compile(StoredSearchVector(self.column))[0]
        return self.template.format(vector=vector, query=sql), params * self.template.count("{query}")


class WordsRank(Expression):
    """The rank of `PostgreSQLBackend.rank` when any of several words will do, written as SQL when the statement is
    compiled: ``ts_rank`` of the other terms (`required`, None if none) plus, for each word (its forms: a Chinese
    word and its synonyms), the ``ts_rank`` of its best form weighted by how rare the word is among the answers
    found (the rows of the ranking query, the candidates): bm25's inverse document frequency,
    ln(1 + (n - d + 0.5) / (d + 0.5)) = ln((n + 1) / (d + 0.5)) for d of the n answers having it, from window
    functions over the candidates, so the ranking stays one statement and reads no more rows than it ranks.

    Built with Django's expressions (a ``Window`` of a ``Sum`` of a ``Case`` per word, ``Greatest``, ``Ln``) the
    same rank took Django longer to resolve, copy and compile, at the annotation and again in ``ORDER BY``, than
    PostgreSQL took to run the statement; here each query is compiled once and its SQL reused.
    """

    output_field = FloatField()
    contains_over_clause = True  # its window functions: Django must not filter on it in WHERE

    def __init__(self, required: SearchQuery | None, words: list[list[SearchQuery]], vector: str | None = None):
        super().__init__()
        self.required, self.words = required, words
        self.vector = vector  # SQL of the vector to rank, if not the stored column (`PostgreSQLBackend.first_ids`)

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return self  # the queries are resolved and compiled with the statement (`as_sql`)

    def as_sql(self, compiler, connection):
        vector = self.vector or compiler.compile(StoredSearchVector())[0]
        terms, params = [], []
        if self.required is not None:
            sql, query_params = compiled(self.required, compiler)
            terms.append(f"ts_rank({vector}, {sql})")
            params += query_params
        for forms in self.words:
            forms_sql = [compiled(form, compiler) for form in forms]
            having = " || ".join(f"({sql})" for sql, _ in forms_sql)
            ranks = [f"ts_rank({vector}, {sql})" for sql, _ in forms_sql]
            best = ranks[0] if len(ranks) == 1 else f"GREATEST({', '.join(ranks)})"
            rarity = f"LN((COUNT(*) OVER () + 1.0) / (COUNT(*) FILTER (WHERE {vector} @@ ({having})) OVER () + 0.5))"
            terms.append(f"{rarity} * {best}")
            params += [param for _, form_params in forms_sql for param in form_params] * 2
        return "(" + " + ".join(terms) + ")", params


def matches(query: SearchQuery, column="search_vector") -> TextSearch:
    """True where the stored vector `column` matches `query`."""
    return TextSearch("{vector} @@ {query}", query, column, BooleanField())


def ts_rank(query: SearchQuery) -> TextSearch:
    """``ts_rank`` of the stored vector for `query`."""
    return TextSearch("ts_rank({vector}, {query})", query)


def in_question_of(query: SearchQuery) -> TextSearch:
    """1 for an answer whose question has every word of `query`, else 0: those come first, as on SQLite
    (`QUESTION_INDEX`)."""
    template = "CASE WHEN {vector} @@ {query} THEN 1 ELSE 0 END"
    return TextSearch(template, query, "search_question_vector", IntegerField())


# How `PostgreSQLBackend.match_answers` orders the answers found (`first_ids` writes the same order in SQL).
PG_ANSWER_ORDER = ("-in_language", "-in_question", "-rank", "pk")


def with_read_vectors(ranked: QuerySet) -> QuerySet:
    """The rows of `ranked_answers`, unordered, as (pk, in_language, in_question, the vector read once), which
    `PostgreSQLBackend.ranked_around_read_vectors` ranks."""
    return (
        ranked.order_by()
        .annotate(vector_read=ReadVector())
        .values_list("pk", "in_language", "in_question", "vector_read")
    )


def ranked_answers(queryset: QuerySet, candidates, match, rank, in_question) -> QuerySet:
    """The answers of `queryset` among `candidates` (and where `match`, if not None), with their `rank`, in the
    order of `PG_ANSWER_ORDER`: the statement of `match_answers`, and of `ranked_ids_statement` with slots."""
    queryset = queryset.filter(pk__in=candidates)
    if match is not None:
        queryset = queryset.filter(match)
    ranked = queryset.annotate(rank=rank, in_language=in_reader_language(), in_question=in_question)
    return ranked.order_by(*PG_ANSWER_ORDER)


# Statements written once per process (search.statements): the ORM's own SQL for the statements of
# `PostgreSQLBackend`, with a slot for each piece that depends on the query, filled by each search.


@cache
def ranked_ids_statement(alias: str, language: str, excluded: bool, read_vectors: bool) -> Statement:
    """`answer_ids`' statement as `match_answers` and `first_ids` make it for a text query: the answers the site of
    `language` lists among the candidates (`excluded`: checked against the whole vector too), ranked; or
    (`read_vectors`) the same rows unordered with their vector read, which `first_ids` ranks by `WordsRank`."""
    with override(language):  # (the language of `in_reader_language`)
        ranked = ranked_answers(
            Answer.objects.using(alias).for_site(language),
            Slot("candidates"),
            Slot("match", BooleanField()) if excluded else None,
            Slot("rank", FloatField()),
            Slot("in_question", IntegerField()),
        )
    if read_vectors:
        return Statement.of(with_read_vectors(ranked))
    return Statement.of(ranked.values_list("pk", flat=True)[: MAX_RESULTS + 1])


@cache
def provisions_statement(alias: str, headline: bool, count: int) -> Statement:
    """`provisions`' statement as `match_provisions` makes it, its first `count` rows (`headline`: with
    ``ts_headline``, for a query without Chinese)."""
    queryset = Provision.objects.using(alias).select_related("law").filter(Slot("condition", BooleanField()))
    queryset = queryset.annotate(rank=Slot("rank", FloatField()))
    if headline:
        queryset = queryset.annotate(headline=SearchHeadline("search_text", Slot("query"), **SNIPPET_OPTIONS))
    queryset = queryset.annotate(is_named=Slot("is_named", IntegerField()))
    return Statement.of(queryset.order_by(*PROVISION_ORDER)[:count])


@cache
def page_answers_statement(alias: str, headlines: bool) -> Statement:
    """`page_answers`' statement as the ORM makes it (`headlines`: with those of `with_headlines`)."""
    queryset = Answer.objects.using(alias).filter(pk__in=Slot("ids")).select_related("topic").order_by()
    if headlines:
        queryset = queryset.annotate(**headlines_of(Slot("query")))
    return Statement.of(queryset)


def headlines_of(query) -> dict:
    document = Concat("short_answer", Value("\n\n"), "search_document", output_field=TextField())
    return {
        "title_headline": SearchHeadline("question", query, highlight_all=True, **HEADLINE_OPTIONS),
        "snippet_headline": SearchHeadline(document, query, **SNIPPET_OPTIONS),
    }


class PostgreSQLBackend(SearchBackend):
    """A query matching a large part of the content ranks at most MAX_CANDIDATES answers whose question
    matches plus as many that match anywhere (`candidate_answers`), so its cost stays bounded."""

    def match_answers(self, queryset, parsed):
        query = tsquery(parsed)
        if query is None:  # an article named, and only excluded words
            queryset = self.citing(queryset.alias(search_vector=StoredSearchVector()), parsed.provision_number)
            excluded = tsquery(parsed.excluded_as_required())
            if excluded is not None:
                queryset = queryset.exclude(search_vector=excluded)
            return queryset.annotate(rank=Value(0.0)).order_by("question", "pk")
        return ranked_answers(
            queryset,
            self.candidate_answers(queryset, parsed, query),
            matches(query) if parsed.excluded else None,  # see candidate_answers
            self.rank(parsed, query),
            in_question_of(query),
        )

    @staticmethod
    def rank(parsed: ParsedQuery, query: SearchQuery) -> Expression:
        """The rank of an answer found: ``ts_rank`` of the query, or of its words as alternatives when the query is
        only words, all required; when any of several Chinese words will do (`ParsedQuery.relaxed`), that of its
        other terms plus, for each word, the ``ts_rank`` of its best form (itself or a synonym) weighted by how rare
        the word is among the answers found (`WordsRank`).

        One ``ts_rank`` of the whole query weighs a word by the operands it brings to the ``tsquery`` (社保卡, with
        社会保障卡 and their two-character tokens, brings nine; 带 one) and knows nothing of how many answers have
        it, so among answers with some of the words, those with the word every answer has came first. Word by word,
        weighted by rarity, a rare word counts for much and 社保卡 for little, as with ``bm25`` on SQLite. When
        every word is required, every answer found has each of them: one ``ts_rank`` does (and costs less).

        PostgreSQL ranks a ``tsquery`` whose top operator is ``&`` by every pair of its operands (however deep) at
        every pair of their positions, at a cost in the square of their number, and a Chinese word brings its
        two-character tokens (社会保障卡 four, 社保卡 with its synonym nine); one whose top operator is ``|`` by each
        operand on its own. So a query of words only, all required, is ranked by its words as alternatives: the
        answers found have them all, and the rank tells them apart by how often and where (question, short answer,
        body) they say them. Ranking the 96 answers found for 社保卡 密码 among 100,000 took 3.7 ms as a conjunction
        and 1.0 ms so, and the labelled set's quality is the same (docs/benchmarks.md). A query with any other term
        (English, a phrase, an exclusion) is ranked as a conjunction, as before.
        """
        if not parsed.any_word:
            parts, words = query_pieces(parsed)
            return ts_rank(words_query(words, True) if len(words) > 1 and not parts else query)
        parts, words = tsquery_parts(parsed)
        if len(words) < 2:
            return ts_rank(query)
        required = [part for part in parts if not getattr(part, "invert", False)]
        return WordsRank(all_of(required) if required else None, words)

    def first_ids(self, found, count):
        """With any of several words (`WordsRank`), the same order in a statement that reads each candidate's vector
        once: the candidates with their vector, read into memory by ``|| ''`` in a subquery kept apart (``OFFSET
        0``), ranked around it. A Chinese answer's vector is a few kilobytes, stored compressed out of line (TOAST),
        and ``ts_rank`` or ``@@`` on the column reads and decompresses it at each call: two or three calls per word
        and candidate, about 1.5 µs each."""
        rank = found.query.annotations.get("rank")
        if not isinstance(rank, WordsRank) or rank.vector is not None or found.query.order_by != PG_ANSWER_ORDER:
            return super().first_ids(found, count)  # the statement below orders as `match_answers` does, only
        columns = with_read_vectors(found)
        compiler = columns.query.get_compiler(using=columns.db)
        return self.ranked_around_read_vectors(compiler, compiler.as_sql(), rank, count)

    @staticmethod
    def ranked_around_read_vectors(compiler, candidates: tuple[str, list], rank: WordsRank, count: int) -> list[int]:
        """`first_ids`' statement around `candidates`, the SQL of (pk, in_language, in_question, the vector read)."""
        sql, params = candidates
        rank_sql, rank_params = compiler.compile(WordsRank(rank.required, rank.words, vector="found.vector"))
        with compiler.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT found.pk FROM ({sql} OFFSET 0) AS found (pk, in_language, in_question, vector)"  # noqa: S608 (no user text)
                f" ORDER BY found.in_language DESC, found.in_question DESC, {rank_sql} DESC, found.pk LIMIT %s",
                [*params, *rank_params, count],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def answer_ids(self, parsed):
        """`SearchBackend.answer_ids` for a text query in a statement written once (`ranked_ids_statement`), the
        one `first_ids` sends for `answers`; the others (a law article named alone, nothing to look for) with the
        ORM."""
        query = tsquery(parsed) if parsed.terms and parsed.has_words else None
        if query is None:
            return super().answer_ids(parsed)
        alias = router.db_for_read(Answer)
        compiler = Query(Answer).get_compiler(using=alias)
        rank = self.rank(parsed, query)
        read_vectors = isinstance(rank, WordsRank)
        statement = ranked_ids_statement(alias, get_language(), bool(parsed.excluded), read_vectors)
        filled = statement.fill(
            candidates=self.candidates_sql(compiler, parsed, query),
            match=compiler.compile(matches(query)),
            rank=compiler.compile(rank),
            in_question=compiler.compile(in_question_of(query)),
        )
        if read_vectors:
            ids = self.ranked_around_read_vectors(compiler, filled, rank, MAX_RESULTS + 1)
        else:
            ids = [pk for (pk,) in statement.rows(alias, *filled)]
        return ids[:MAX_RESULTS], len(ids) > MAX_RESULTS or len(ids) >= MAX_CANDIDATES

    def candidates_capped(self, parsed: ParsedQuery, count: int) -> bool:
        ranked_candidates = bool(parsed.terms) and tsquery(parsed) is not None
        return ranked_candidates and count >= MAX_CANDIDATES

    @classmethod
    def candidate_answers(cls, queryset, parsed, query):
        """The candidates of `candidates_sql` as a subquery of `queryset`'s statement."""
        compiler = queryset.query.get_compiler(connection=connections[queryset.db])
        return RawSQL(*cls.candidates_sql(compiler, parsed, query))  # noqa: S611 (the query's text is a parameter)

    @staticmethod
    def candidates_sql(compiler, parsed, query) -> tuple[str, list]:
        """The ids of the published answers to rank, as one SQL subquery.

        Ranking reads every candidate's vector, and a query matching a large part of the content would
        read them all. So the candidates are at most MAX_CANDIDATES answers whose question matches and as
        many that match anywhere: all of them when fewer match, the usual case. Each kind is looked for first
        in the sample (`first_found`: the answers whose id is a multiple of SAMPLE_EVERY, under GIN indexes of
        their own) and taken from it when it has MAX_CANDIDATES of them; else from all the answers, which then
        usually match fewer than about SAMPLE_EVERY * MAX_CANDIDATES (ids that follow a pattern of the content
        can leave the sample short: the results are the same, found the slower way). A GIN index finds every
        match before it gives the first, so a query of several common words read entries of thousands of answers
        to keep 50 (at 100,000 answers, 4 to 7 ms for a whole Chinese question); the sample's entries are a
        sixteenth as long. Either way they are the first found, not the best.

        An excluded word must be nowhere in the answer: those matching anywhere are exact, those whose
        question matches are only checked against the question here (checking the whole vector too would
        read the excluded word's whole GIN entry a second time) and must be checked against the whole
        vector after. A named article is its token (weight D, which only ``search_citations`` has) in the same
        vector, so the GIN index finds the words and the article at once. Those matching anywhere are found by
        the same condition as the vector's, with the Chinese words of one or three characters looked up as the
        answers' character grams (`anywhere_condition`).

        Written as SQL rather than built with the ORM, which took longer to build than PostgreSQL took to
        run it. It reads the published answers whatever `queryset` narrows them to: a narrower `queryset`
        keeps what it allows of these candidates.
        """
        connection = compiler.connection
        words, params = compiled(query, compiler)
        by_question, by_question_params = f"search_question_vector @@ {words}", list(params)
        anywhere, anywhere_params = f"search_vector @@ {words}", list(params)
        cites, token = "", []
        if parsed.provision_number:
            cites = f"to_tsquery('{CJK_SEARCH_CONFIG}'::regconfig, %s)"
            token = [f"{provision_token(parsed.provision_number)}:D"]
            by_question += f" AND search_vector @@ {cites}"
            by_question_params += token
            anywhere = f"search_vector @@ ({words} && {cites})"
            anywhere_params += token

        if (with_grams := anywhere_condition(parsed, compiler, cites, token)) is not None:
            anywhere, anywhere_params = with_grams
        by_question = first_found(connection, "by_question", by_question, by_question_params)
        anywhere = first_found(connection, "anywhere", anywhere, anywhere_params)
        return f"{by_question[0]} UNION {anywhere[0]}", [*by_question[1], *anywhere[1]]

    def with_headlines(self, queryset, parsed):
        query = tsquery(parsed) if not parsed.has_cjk else None
        if query is None:  # Chinese: the matched substrings are marked in Python
            return queryset
        return queryset.annotate(**headlines_of(query))

    def first_provisions(self, parsed, count):
        """`SearchBackend.first_provisions` in a statement written once (`provisions_statement`)."""
        query = tsquery(parsed)
        number = parsed.provision_number
        if query is None and not number:
            return []
        alias = router.db_for_read(Provision)
        compiler = Query(Provision).get_compiler(using=alias)
        conditions, params = [], []
        if query is not None:
            sql, params = compiler.compile(matches(query))
            conditions.append(sql)
        named_sql = ""
        if number:
            table = compiler.quote_name(Provision._meta.db_table)
            named_sql = f"{table}.{compiler.connection.ops.quote_name(Provision._meta.get_field('number').column)} = %s"
            conditions.append(named_sql)
            params = [*params, number]
        condition = conditions[0] if len(conditions) == 1 else f"({' OR '.join(conditions)})"
        headline = query is not None and not parsed.has_cjk
        rank = ts_rank(query) if query is not None else Value(0.0)
        slots = {
            "condition": (condition, params),
            "rank": compiler.compile(rank),
            "is_named": (f"CASE WHEN {named_sql} THEN %s ELSE %s END", [number, 1, 0]) if number else ("%s", [0]),
        }
        if headline:
            slots["query"] = compiled(query, compiler)
        statement = provisions_statement(alias, headline, count)
        return statement.instances(alias, *statement.fill(**slots))

    def page_answers(self, ids, parsed):
        """`SearchBackend.page_answers` in a statement written once (`page_answers_statement`)."""
        alias = router.db_for_read(Answer)
        query = tsquery(parsed) if not parsed.has_cjk else None
        statement = page_answers_statement(alias, query is not None)
        slots = {"ids": (", ".join(["%s"] * len(ids)), list(dict.fromkeys(ids)))}
        if query is not None:
            slots["query"] = compiled(query, Query(Answer).get_compiler(using=alias))
        return statement.instances(alias, *statement.fill(**slots))

    def match_provisions(self, queryset, parsed, named):
        query = tsquery(parsed)
        found = Q(matches(query)) if query is not None else None
        condition = (found | named) if found and named else (found or named)
        if condition is None:
            return queryset.none().annotate(rank=Value(0.0))
        queryset = queryset.filter(condition)
        queryset = queryset.annotate(rank=ts_rank(query) if query is not None else Value(0.0))
        if query is not None and not parsed.has_cjk:
            queryset = queryset.annotate(headline=SearchHeadline("search_text", query, **SNIPPET_OPTIONS))
        return queryset

    def spelling_candidates(self, words):
        """The SPELLING_CANDIDATES words nearest to each by trigram distance (``pg_trgm``'s ``<->``, read in
        order from the vocabulary's GiST index); a word the vocabulary has is its own only candidate."""
        candidates = {word: [] for word in words}
        connection = connections[router.db_for_read(SearchWord)]
        table = connection.ops.quote_name(SearchWord._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT q.word, v.word FROM unnest(%s::text[]) AS q(word) CROSS JOIN LATERAL"  # noqa: S608 (a model's table)
                f" ((SELECT k.word FROM {table} k WHERE k.word = q.word) UNION ALL"
                f" (SELECT w.word FROM {table} w WHERE NOT EXISTS (SELECT FROM {table} k WHERE k.word = q.word)"
                " ORDER BY w.word <-> q.word LIMIT %s)) AS v",
                [list(words), SPELLING_CANDIDATES],
            )
            for word, candidate in cursor.fetchall():
                candidates[word].append(candidate)
        return candidates


# SQLite -------------------------------------------------------------------------------------------------------

ANSWER_FIELD_WEIGHTS = {"question": 10, "short_answer": 4, "search_document": 1}
PROVISION_FIELD_WEIGHTS = {"search_text": 1}
MAX_COUNTED = 5  # occurrences of a term in a document that count (substring match of one character)


@dataclass(frozen=True)
class FullTextIndex:
    """An FTS5 table over a model's search columns (a migration creates it, and the triggers that keep it in step
    with the model's table), its columns with their ``bm25`` weights, and which of them hold the Chinese words and
    the two-character tokens."""

    table: str
    weights: dict[str, float]
    words: tuple[str, ...]
    tokens: str | None  # None: no two-character tokens are looked up (a view of some columns only)
    phrase_columns: tuple[str, ...] = ()  # where phrases of words are looked for (every column when empty)

    def matching(self, expression: str) -> RawSQL:
        """The rowids (primary keys) of the rows matching the FTS5 `expression`, as a subquery."""
        sql = f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s"  # noqa: S608 (no user text)
        return RawSQL(sql, [expression])  # noqa: S611 (the expression is in the parameters)

    def rank(self, expression: str, outer_table: str) -> RawSQL:
        """The row's score for `expression` (higher is better): ``bm25`` of the row of `outer_table` in this index."""
        weights = ", ".join(str(weight) for weight in self.weights.values())
        sql = (
            f"(SELECT -bm25({self.table}, {weights}) FROM {self.table}"  # noqa: S608 (no user text)
            f' WHERE {self.table} MATCH %s AND rowid = "{outer_table}"."id")'
        )
        return RawSQL(sql, [expression], output_field=FloatField())  # noqa: S611 (the expression is a parameter)

    def contains(self, expression: str, outer_table: str) -> RawSQL:
        """Whether the row of `outer_table` matches the FTS5 `expression` (1 or 0)."""
        sql = (
            f"EXISTS(SELECT 1 FROM {self.table}"  # noqa: S608 (no user text)
            f' WHERE {self.table} MATCH %s AND rowid = "{outer_table}"."id")'
        )
        return RawSQL(sql, [expression], output_field=IntegerField())  # noqa: S611 (the expression is a parameter)

    def phrase(self, text: str) -> str | None:
        """Words in FTS5 syntax: a quoted phrase of `text`'s words, None without any."""
        words = WORD_CHARACTERS.findall(text)
        if not words:
            return None
        columns = "{" + " ".join(self.phrase_columns) + "} : " if self.phrase_columns else ""
        return columns + '"' + " ".join(words) + '"'

    def as_written(self, run: str) -> str:
        """A run of Chinese as written: a phrase of its two-character tokens (one character: their prefix). In a
        view without the tokens, the run as one of the stored words."""
        if self.tokens is None:
            return "{" + " ".join(self.words) + '} : "' + run + '"' + ("*" if len(run) == 1 else "")
        if len(run) == 1:
            return f'{self.tokens} : "{run}"*'
        return f'{self.tokens} : "' + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + '"'

    def word(self, word: str) -> str:
        """A Chinese word: a stored word, or as written (one character: a prefix of the words, or as written).

        As written only in a row without the word: a row with it is ranked by the word alone, so ``bm25`` counts a
        whole word once, not again as its two-character tokens (which would also count the characters where they
        straddle two other words: 换发 in 更换发卡)."""
        words = "{" + " ".join(self.words) + "}"
        prefix = "*" if len(word) == 1 else ""
        if self.tokens is None:
            return f'({words} : "{word}"{prefix})'
        return f'({words} : "{word}"{prefix} OR ({self.as_written(word)} NOT {words} : "{word}"{prefix}))'

    def form(self, form: str) -> str | None:
        """A term or one of its synonyms: its Chinese as words, the rest as a phrase."""
        parts = [self.word(run) for run in CJK_RUN.findall(form)]
        if rest := self.phrase(CJK_RUN.sub(" ", form)):
            parts.append(rest)
        return " AND ".join(parts) or None

    def written(self, term: Term) -> str | None:
        """A quoted phrase or an exclusion as written: its Chinese runs as written, the rest as a phrase."""
        parts = [self.as_written(run) for run in CJK_RUN.findall(term.text)]
        if rest := self.phrase(CJK_RUN.sub(" ", term.text)):
            parts.append(rest)
        return " AND ".join(parts) or None

    def expression(self, parsed: ParsedQuery, terms: list[Term]) -> tuple[list[str], list[str]]:
        """([an FTS5 expression per term], [the terms of one character other than Chinese: substrings])."""
        expressions, substrings, words = [], [], []
        for term in terms:
            if english_words := parsed.english_words(term):  # any of the words will do (`relaxed(english=True)`)
                for group in english_words:
                    options = [found for found in map(self.form, group) if found]
                    words += [f"({' OR '.join(options)})"] if options else []
            elif len(term.text) == 1 and not CJK_RUN.match(term.text):
                substrings.append(term.text)
            elif parsed.reads_as_words(term):
                forms = [term.text, *parsed.alternatives(term.text)]
                if len(forms) > 1 and not CJK_RUN.fullmatch(term.text):
                    options = [found for found in map(self.form, forms) if found]
                    expressions += [f"({' OR '.join(options)})"] if options else []
                    continue
                if mixed := parsed.mixed_words(term):  # letters and digits among Chinese: words of their own
                    words += [self.phrase(token) for token in mixed]
                elif rest := self.phrase(CJK_RUN.sub(" ", term.text)):
                    expressions.append(rest)
                for group in parsed.chinese_words(term):
                    options = [found for found in map(self.form, group) if found]
                    words.append(f"({' OR '.join(options)})")
            elif found := self.written(term):
                expressions.append(found)
        if words:  # all of the Chinese words, or any of them (`ParsedQuery.relaxed`)
            expressions += [f"({' OR '.join(words)})"] if parsed.any_word else words
        return expressions, substrings


WORD_CHARACTERS = re.compile(r"\w+")
ANSWER_INDEX = FullTextIndex(
    table="articles_answer_fts",
    weights={
        "question": 10.0,
        "short_answer": 4.0,
        "search_document": 1.0,
        "search_zh_question": 10.0,
        "search_zh_short_answer": 4.0,
        "search_zh_document": 1.0,
        "search_cjk": 0.5,
    },
    words=("search_zh_question", "search_zh_short_answer", "search_zh_document"),
    tokens="search_cjk",
)
# The questions alone: an answer whose question has every word asked for comes before those that have them in
# their text only (bm25 weighs the question above the text, but a long text that repeats a word can outweigh it).
# Letters and digits are looked for in the question's Chinese words too, which hold those written against Chinese
# (12333热线 is one token of `question`, 12333 one of the words), as PostgreSQL's question vector has both.
QUESTION_INDEX = FullTextIndex(
    table=ANSWER_INDEX.table,
    weights=ANSWER_INDEX.weights,
    words=("search_zh_question",),
    tokens=None,
    phrase_columns=("question", "search_zh_question"),
)
PROVISION_INDEX = FullTextIndex(
    table="legal_refs_provision_fts",
    weights={"search_text": 1.0, "search_words": 1.0, "search_cjk": 0.1},
    words=("search_words",),
    tokens="search_cjk",
)


def substring_match(needle: str, fields) -> Q:
    """True where any of `fields` contains `needle` (``LIKE``; case-insensitive for ASCII letters)."""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": needle})
    return condition


def substring_score(needles: list[str], weights: dict[str, int], *, counted=()) -> Expression:
    """Σ over needles and fields of the field's weight where the field contains the needle.

    In the `counted` fields each occurrence counts (up to MAX_COUNTED), so the text that says it more often
    ranks higher, while a match in a heavier field (the question) still outweighs any number of them.
    """
    score = Value(0.0)
    for needle in needles:
        for field, weight in weights.items():
            if field in counted:
                removed = Length(field) - Length(Replace(Lower(field), Value(needle.lower()), Value("")))
                score = score + Least(removed / len(needle), Value(MAX_COUNTED)) * Value(weight)
            else:
                score = score + Case(
                    When(**{f"{field}__icontains": needle}, then=Value(weight)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
    return score


class SQLiteBackend(SearchBackend):
    """Every answer that matches is ranked; only MAX_RESULTS of them are listed."""

    @staticmethod
    def matching(queryset, parsed, index, fields):
        """`queryset` narrowed to the rows matching `parsed` in `index` (or by substring in `fields`), with the
        rank: (queryset, rank expression), or (None, None) when no required term can be looked up."""
        expressions, substrings = index.expression(parsed, parsed.included)
        if not expressions and not substrings:
            return None, None
        rank = Value(0.0, output_field=FloatField())
        if expressions:
            match = " AND ".join(expressions)
            queryset = queryset.filter(pk__in=index.matching(match))
            rank = index.rank(match, queryset.model._meta.db_table)
        for needle in substrings:
            queryset = queryset.filter(substring_match(needle, fields))
        if substrings:
            rank = rank + substring_score(substrings, fields, counted={next(reversed(fields))})
        excluded, excluded_substrings = index.expression(parsed, parsed.excluded)
        if excluded:
            queryset = queryset.exclude(pk__in=index.matching(" OR ".join(excluded)))
        for needle in excluded_substrings:
            queryset = queryset.exclude(substring_match(needle, fields))
        return queryset, rank

    def match_answers(self, queryset, parsed):
        if parsed.provision_number:
            queryset = self.citing(queryset, parsed.provision_number)
        if not parsed.has_words:  # an article named, and only excluded words
            for term in parsed.excluded:
                queryset = queryset.exclude(pk__in=ANSWER_INDEX.matching(ANSWER_INDEX.written(term) or '""'))
            return queryset.annotate(rank=Value(0.0)).order_by("question", "pk")
        found, rank = self.matching(queryset, parsed, ANSWER_INDEX, ANSWER_FIELD_WEIGHTS)
        if found is None:
            return queryset.none().annotate(rank=Value(0.0))
        in_question = Value(0)
        if expressions := QUESTION_INDEX.expression(parsed, parsed.included)[0]:
            in_question = QUESTION_INDEX.contains(" AND ".join(expressions), found.model._meta.db_table)
        ranked = found.annotate(rank=rank, in_language=in_reader_language(), in_question=in_question)
        return ranked.order_by("-in_language", "-in_question", "-rank", "question", "pk")

    def match_provisions(self, queryset, parsed, named):
        found, rank = self.matching(queryset, parsed, PROVISION_INDEX, PROVISION_FIELD_WEIGHTS)
        if found is None or not parsed.has_words:
            if not named:
                return queryset.none().annotate(rank=Value(0.0))
            return queryset.filter(named).annotate(rank=Value(0.0))
        if named:
            found = queryset.filter(Q(pk__in=found.values("pk")) | named)
        return found.annotate(rank=rank)

    def spelling_candidates(self, words):
        """SQLite has no trigrams: the words with the same first letter and about the same length."""
        candidates = {word: [] for word in words}
        like = Q()
        for word in words:
            like |= Q(word__startswith=word[0], length__range=(len(word) - 2, len(word) + 2))
        found = SearchWord.objects.alias(length=Length("word")).filter(like).values_list("word", flat=True)
        for candidate in found:
            for word, near in candidates.items():
                if candidate[0] == word[0] and abs(len(candidate) - len(word)) <= 2:
                    near.append(candidate)
        return candidates


BACKENDS = {"postgresql": PostgreSQLBackend, "sqlite": SQLiteBackend}


@cache
def backend_for(alias: str) -> SearchBackend:
    """The search backend of the database `alias`, chosen once from its engine."""
    vendor = connections[alias].vendor
    if vendor not in BACKENDS:
        raise NotImplementedError(f"No search backend for the {vendor} database engine.")
    return BACKENDS[vendor]()


def backend() -> SearchBackend:
    """The search backend of the database that answers are read from."""
    return backend_for(router.db_for_read(Answer))
