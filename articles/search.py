"""Search over published answers and law articles: the one code path behind `/search/`.

The answer's search document is three plain text columns, one per weight: the question (A), the short
answer (B), and `search_document` (C): its sections' headings and text and the law articles it cites,
kept in step on every save of an answer, section or citation and after an import (`refresh_search_document`).
`search_cjk` holds the Chinese of all three as two-character tokens (legal_refs.search.cjk_tokens), and
`search_citations` a token per law article cited ("article10"), so that on PostgreSQL "Article 10" with
other words is one lookup in the same GIN index.

- PostgreSQL reads the generated, GIN-indexed ``search_vector`` column that migration
  ``0004_search_document`` (legal_refs: ``0002_search_document``) builds from exactly those columns
  (weights A, B, C; Chinese tokens B; article tokens D), so no ``to_tsvector`` runs at query time; ``ts_headline`` runs
  only for the page of results shown.
- SQLite has a ranked substring match: every required term must occur (``LIKE``) in the question, the short
  answer or the document, excluded terms in none; the score adds 10 per term in the question, 4 in the short
  answer, 1 for each time (up to 5) it occurs in the document.

When plain words find nothing, each word no published answer has is corrected to the nearest word that one
has (`SearchWord`, the vocabulary kept with the search document; on PostgreSQL its candidates come from
``pg_trgm``'s trigram distance over a GiST index) and the corrected words are searched instead.
"""

import difflib
import html
import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, F, OuterRef, Prefetch, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Length
from django.utils.html import strip_tags

from legal_refs.models import Provision
from legal_refs.search import (
    CJK_RUN,
    CJK_SEARCH_CONFIG,
    START_SEL,
    STOP_SEL,
    TEXT_SEARCH_CONFIG,
    ParsedQuery,
    StoredSearchVector,
    cjk_tokens,
    highlight,
    is_postgresql,
    mark_headline,
    provision_snippet,
    substring_match,
    substring_score,
)

from .models import Answer, Citation, SearchWord, Section, Status, Topic

RESULTS_PER_PAGE = 10
ARTICLES_SHOWN = 5
MAX_CANDIDATES = 100
MAX_RESULTS = 2 * MAX_CANDIDATES
SNIPPET_CHARS = 240
ANSWER_FIELD_WEIGHTS = {"question": 10, "short_answer": 4, "search_document": 1}
# A word of the spelling vocabulary: letters only (no digits, no Chinese), 3 to 40 of them.
VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,40}")
SPELLING_CUTOFF = 0.75
SPELLING_CANDIDATES = 16


# The search document ---------------------------------------------------------------------------------------


def section_text(section):
    """A section's heading and text as plain text (from the sanitised HTML rendered on save)."""
    body = html.unescape(strip_tags(section.body_html)) if section.body_html else section.body
    return "\n".join(part for part in (section.heading, " ".join(body.split())) if part)


def citation_label(citation):
    law = citation.provision.law
    return f"{law.short_title or law.title}, Article {citation.provision.number}"


def article_token(number):
    """The token that stands for "cites an article numbered `number`" in `search_citations`."""
    return f"article{int(number)}"


def citation_tokens(citations):
    """`search_citations`: one `article_token` per article cited ("article4 article10")."""
    return " ".join(article_token(number) for number in sorted({citation.provision.number for citation in citations}))


def build_search_document(sections, citations):
    """The weight-C text of an answer: its sections, then the law articles it cites."""
    parts = [section_text(section) for section in sections]
    parts += [citation_label(citation) for citation in citations]
    return "\n\n".join(part for part in parts if part)


def refresh_search_document(answer_id):
    """Rebuild one answer's search columns from what is stored now (three queries; a fourth for a published
    answer adds its words to the spelling vocabulary)."""
    answer = (
        Answer.objects.filter(pk=answer_id)
        .prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position", "pk")),
            Prefetch("citations", queryset=Citation.objects.select_related("provision__law")),
        )
        .first()
    )
    if answer is None:
        return
    document = build_search_document(answer.sections.all(), answer.citations.all())
    tokens = cjk_tokens(" ".join([answer.question, answer.short_answer, document]))
    cited = citation_tokens(answer.citations.all())
    if (document, tokens, cited) != (answer.search_document, answer.search_cjk, answer.search_citations):
        Answer.objects.filter(pk=answer_id).update(search_document=document, search_cjk=tokens, search_citations=cited)
    if answer.status == Status.PUBLISHED:
        words = vocabulary_words(answer.question, answer.short_answer, document)
        SearchWord.objects.bulk_create([SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True)


def vocabulary_words(*texts):
    """The distinct words of `texts` for the spelling vocabulary, in lower case (see VOCABULARY_WORD)."""
    words = set()
    for text in texts:
        words.update(VOCABULARY_WORD.findall(CJK_RUN.sub(" ", text).casefold()))
    return words


# Searching -------------------------------------------------------------------------------------------------


def candidate_answers(queryset, tsquery, article_number=None):
    """PostgreSQL: the ids of the published answers to rank for `tsquery`, as one SQL subquery.

    Ranking reads every candidate's vector, and a query matching a large part of the content would read
    them all. So the candidates are at most MAX_CANDIDATES answers whose question matches and as many that
    match anywhere: all of them when fewer match, which is the usual case (see README). A named article is
    its token in the same vector, so the GIN index finds the words and the article at once. `tsquery` must
    only require terms: the question's vector cannot tell that an excluded word is elsewhere in the answer.

    Written as SQL rather than built with the ORM, which took longer to build than PostgreSQL took to run
    it. It reads the published answers whatever `queryset` narrows them to: a narrower `queryset` keeps
    what it allows of these candidates.
    """
    connection = connections[queryset.db]
    compiler = queryset.query.get_compiler(connection=connection)
    words, params = compiler.compile(tsquery.resolve_expression(queryset.query))
    table = connection.ops.quote_name(Answer._meta.db_table)
    status = connection.ops.quote_name(Answer._meta.get_field("status").column)
    pk = connection.ops.quote_name(Answer._meta.pk.column)
    by_question, anywhere = f"search_question_vector @@ {words}", f"search_vector @@ {words}"
    by_question_params, anywhere_params = list(params), list(params)
    if article_number is not None:
        cites = f"to_tsquery('{CJK_SEARCH_CONFIG}'::regconfig, %s)"
        by_question += f" AND search_vector @@ {cites}"
        anywhere = f"search_vector @@ ({words} && {cites})"
        by_question_params.append(article_token(article_number))
        anywhere_params.append(article_token(article_number))
    sql = (
        f"(SELECT {pk} FROM {table} WHERE {status} = %s AND {by_question} LIMIT %s)"  # noqa: S608 (no user text)
        f" UNION (SELECT {pk} FROM {table} WHERE {status} = %s AND {anywhere} LIMIT %s)"
    )
    published = Status.PUBLISHED.value
    params = [published, *by_question_params, MAX_CANDIDATES, published, *anywhere_params, MAX_CANDIDATES]
    return RawSQL(sql, params)  # noqa: S611 (the query's text is in `params`)


def search_answers(queryset, query):
    """`queryset` narrowed to what matches `query`, annotated with `rank`, best first.

    A named law article ("Article 4", 第四条) matches the answers citing it; other terms must match too.
    """
    parsed = query if isinstance(query, ParsedQuery) else ParsedQuery.parse(query)
    if parsed.article_number and not parsed.terms:
        # Only an article named: (at most MAX_RESULTS of) the answers citing it, found from the citations.
        citing = Citation.objects.filter(provision__number=parsed.article_number).order_by().values("answer_id")
        return queryset.filter(pk__in=citing[:MAX_RESULTS]).annotate(rank=Value(0.0)).order_by("question", "pk")
    postgresql = is_postgresql(queryset)
    tsquery = parsed.tsquery() if postgresql else None
    if parsed.article_number and tsquery is None:
        queryset = queryset.filter(
            Exists(Citation.objects.filter(answer=OuterRef("pk"), provision__number=parsed.article_number))
        )
    elif not parsed.has_words:
        return queryset.none()
    if postgresql:
        from django.contrib.postgres.search import SearchRank

        if tsquery is None:
            return queryset.annotate(rank=Value(0.0)).order_by("question", "pk")
        queryset = queryset.alias(search_vector=StoredSearchVector())
        if parsed.excluded:
            # Candidates by the required terms only; the exclusions are checked on those (see ParsedQuery.tsquery).
            required = parsed.tsquery(required_only=True)
            queryset = queryset.filter(pk__in=candidate_answers(queryset, required, parsed.article_number))
            queryset = queryset.filter(search_vector=tsquery)
        else:
            queryset = queryset.filter(pk__in=candidate_answers(queryset, tsquery, parsed.article_number))
        return queryset.annotate(rank=SearchRank(F("search_vector"), tsquery)).order_by("-rank", "pk")
    fields = list(ANSWER_FIELD_WEIGHTS)
    for term in parsed.included:
        queryset = queryset.filter(substring_match(term.text, fields))
    for term in parsed.excluded:
        queryset = queryset.exclude(substring_match(term.text, fields))
    score = substring_score(parsed.highlight_needles(), ANSWER_FIELD_WEIGHTS, counted={"search_document"})
    return queryset.annotate(rank=score).order_by("-rank", "question", "pk")


@dataclass
class SearchResults:
    query: ParsedQuery
    page: object  # django.core.paginator.Page of answers, each with `title_html` and `snippet_html`
    articles: list = field(default_factory=list)  # law articles, each with `snippet_html`
    similar_to: str = ""  # the corrected words the answers were found for ("showing results for …")

    @property
    def count(self):
        return self.page.paginator.count + len(self.articles)

    @property
    def is_capped(self):
        """Whether the answers found are the best of a larger set (see MAX_CANDIDATES): "more than …"."""
        return self.page.paginator.count >= MAX_CANDIDATES

    @property
    def is_empty(self):
        return not self.count


def nearest_words(words):
    """{word: the vocabulary's word most like it, or None if none is like it enough}; one query.

    The candidates are, on PostgreSQL, the SPELLING_CANDIDATES words nearest to each by trigram distance
    (``pg_trgm``'s ``<->``, read in order from the vocabulary's GiST index), on SQLite, which has no trigrams,
    the words of about the same length. Of those, `difflib`'s ratio (at least SPELLING_CUTOFF) picks one: it
    judges swapped and dropped letters better than trigrams do in short words ("cadr" → "card").
    A word of the vocabulary is its own nearest word (on PostgreSQL, found by the primary key alone).
    """
    vocabulary = SearchWord.objects.all()
    connection = connections[vocabulary.db]
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(SearchWord._meta.db_table)
        candidates = {word: [] for word in words}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT q.word, v.word FROM unnest(%s::text[]) AS q(word) CROSS JOIN LATERAL"  # noqa: S608 (a model's table)
                f" (SELECT w.word FROM {table} w WHERE NOT EXISTS (SELECT FROM {table} k WHERE k.word = q.word)"
                " ORDER BY w.word <-> q.word LIMIT %s) AS v",
                [list(words), SPELLING_CANDIDATES],
            )
            for word, candidate in cursor.fetchall():
                candidates[word].append(candidate)
        candidates = {word: near or [word] for word, near in candidates.items()}
    else:
        lengths = [len(word) for word in words]
        known = list(
            vocabulary.alias(length=Length("word"))
            .filter(length__gte=min(lengths) - 2, length__lte=max(lengths) + 2)
            .values_list("word", flat=True)
        )
        candidates = dict.fromkeys(words, known)
    return {
        word: next(iter(difflib.get_close_matches(word, near, n=1, cutoff=SPELLING_CUTOFF)), None)
        for word, near in candidates.items()
    }


def spelling_suggestion(parsed):
    """`parsed` with each word that no published answer has replaced by the nearest one that some answer has.

    "soical securty" → "social security". None when there is nothing to correct (not plain words, or every
    word is in the vocabulary, or none has a near word).
    """
    if not parsed.is_plain:
        return None
    words = [term.text.casefold() for term in parsed.included]
    checkable = {word for word in words if VOCABULARY_WORD.fullmatch(word)}
    if not checkable:
        return None
    nearest = nearest_words(sorted(checkable))
    corrected = [nearest.get(word) or word for word in words]
    if corrected == words:
        return None
    return ParsedQuery.parse(" ".join(corrected))


def find_answers(parsed):
    """The ids of the published answers found for `parsed`, best first (at most MAX_RESULTS), and the query
    they were found for: `parsed` itself or, when its words find nothing, its `spelling_suggestion`.

    One query, or three when the words find nothing (the ids, the nearest words, the corrected query's ids).
    """
    ids = list(Answer.objects.search(parsed).values_list("pk", flat=True)[:MAX_RESULTS])
    if not ids and (suggestion := spelling_suggestion(parsed)) is not None:
        return list(Answer.objects.search(suggestion).values_list("pk", flat=True)[:MAX_RESULTS]), suggestion
    return ids, parsed


def search(text, page_number=1):
    """Answers (paginated) and law articles (the first few) matching `text`, for the results page.

    Three queries whatever the content (five when the words find nothing, see `find_answers`): the ranked
    ids of the answers found, the page's answers with their snippets (PostgreSQL's ``ts_headline`` for those
    ten rows only), the law articles. When only the corrected words find answers, the page shows those
    ("showing results for …").
    """
    parsed = ParsedQuery.parse(text)
    ranked, found_for = find_answers(parsed)
    if not ranked:
        found_for = parsed
    page = Paginator(ranked, RESULTS_PER_PAGE).get_page(page_number)
    page.object_list = answers_with_snippets(page.object_list, found_for)
    articles = []
    if page.number == 1:
        articles = list(Provision.objects.search(found_for)[:ARTICLES_SHOWN])
        for article in articles:
            article.snippet_html = provision_snippet(article, found_for)
    similar_to = found_for.text if found_for is not parsed else ""
    return SearchResults(query=parsed, page=page, articles=articles, similar_to=similar_to)


def answers_with_snippets(ids, parsed):
    """The answers `ids` (in that order, with their topic), each with `title_html` and `snippet_html`.

    Escaped, matches in <mark>. One query: on PostgreSQL it also runs ``ts_headline`` for these rows only;
    otherwise, and for Chinese, the matched substrings are marked in Python.
    """
    if not ids:
        return []
    queryset = Answer.objects.filter(pk__in=ids).select_related("topic")
    tsquery = parsed.tsquery() if not parsed.has_cjk else None
    postgresql = tsquery is not None and is_postgresql(queryset)
    if postgresql:
        from django.contrib.postgres.search import SearchHeadline

        options = {"config": TEXT_SEARCH_CONFIG, "start_sel": START_SEL, "stop_sel": STOP_SEL}
        queryset = queryset.annotate(
            title_headline=SearchHeadline("question", tsquery, highlight_all=True, **options),
            snippet_headline=SearchHeadline(
                Concat("short_answer", Value("\n\n"), "search_document", output_field=TextField()),
                tsquery,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
                **options,
            ),
        )
    by_pk = {answer.pk: answer for answer in queryset}
    answers = [by_pk[pk] for pk in ids if pk in by_pk]
    needles = parsed.highlight_needles()
    for answer in answers:
        if postgresql:
            answer.title_html = mark_headline(answer.title_headline)
            answer.snippet_html = mark_headline(answer.snippet_headline)
        else:
            body = "\n\n".join(part for part in (answer.short_answer, answer.search_document) if part)
            answer.title_html = highlight(answer.question, needles)
            answer.snippet_html = highlight(body, needles, max_chars=SNIPPET_CHARS)
    return answers


def topics_to_browse():
    """Topics with published answers, offered when a search finds nothing."""
    return Topic.objects.filter(Exists(Answer.objects.published().filter(topic=OuterRef("pk"))))
