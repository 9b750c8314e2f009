"""Search over published answers and law articles: the one code path behind `/search/`.

The answer's search document is three plain text columns, one per weight: the question (A), the short
answer (B), and `search_document` (C): its sections' headings and text and the law articles it cites,
rebuilt on every save of an answer, section or citation (`refresh_search_document`), or, for an admin save
or an imported source, once at its end (`refreshes_batched`).
`search_cjk` holds the Chinese of all three as two-character tokens (legal_refs.search.cjk_tokens), and
`search_citations` a token per law article cited ("article10"), so that on PostgreSQL "Article 10" with
other words is one lookup in the same GIN index.

- PostgreSQL reads the generated, GIN-indexed ``search_vector`` column that migrations
  ``0004_search_document`` and ``0006_search_citations`` (legal_refs: ``0002_search_document``) build
  from exactly those columns (weights A, B, C; Chinese tokens B; article tokens D), so no ``to_tsvector``
  runs at query time; ``ts_headline`` runs only for the page of results shown.
- SQLite has a ranked substring match: every required term must occur (``LIKE``) in the question, the short
  answer or the document, excluded terms in none; the score adds 10 per term in the question, 4 in the short
  answer, 1 for each time (up to 5) it occurs in the document.

When plain words find neither answers nor law articles, each word no published answer has is corrected to
the nearest word that one has (`SearchWord`, the vocabulary kept with the search document; on PostgreSQL
its candidates come from ``pg_trgm``'s trigram distance over a GiST index) and the corrected words are
searched instead.
"""

import difflib
import html
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connections, router, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, TextField, Value
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
MAX_CANDIDATES = 50
MAX_RESULTS = 2 * MAX_CANDIDATES
SNIPPET_CHARS = 240
ANSWER_FIELD_WEIGHTS = {"question": 10, "short_answer": 4, "search_document": 1}
# A word of the spelling vocabulary: a run of 3 to 40 letters (no digits; Chinese is taken out first).
VOCABULARY_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]{3,40}(?![^\W\d_])")
SPELLING_CUTOFF = 0.75
SPELLING_CANDIDATES = 16  # PostgreSQL: the nearest words by trigram distance that difflib chooses from
SPELLING_MAX_WORDS = 6  # the most words of one query that are corrected


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


_refresh_batch = ContextVar("search_refresh_batch", default=None)


def request_refresh(answer_id):
    """Refresh an answer's search document now or, inside `refreshes_batched`, once at the end of the block."""
    batch = _refresh_batch.get()
    if batch is None:
        refresh_search_document(answer_id)
    else:
        batch.add(answer_id)


@contextmanager
def refreshes_batched():
    """One transaction in which the refreshes requested run once per answer, at its end.

    Saving an answer with its sections and citations in one form sends a signal for each row saved, and
    each would rebuild the whole document; this makes them one rebuild. If the block raises, its rows are
    rolled back with the rebuilds not run, so rows and document stay in step. Nested, the outermost block
    runs them.
    """
    if _refresh_batch.get() is not None:
        yield
        return
    batch = set()
    with transaction.atomic(using=router.db_for_write(Answer)):
        token = _refresh_batch.set(batch)
        try:
            yield
        finally:
            _refresh_batch.reset(token)
        for answer_id in sorted(batch):
            refresh_search_document(answer_id)


def vocabulary_words(*texts):
    """The distinct words of `texts` for the spelling vocabulary, in lower case (see VOCABULARY_WORD)."""
    words = set()
    for text in texts:
        text = CJK_RUN.sub(" ", unicodedata.normalize("NFKC", text))
        words.update(VOCABULARY_WORD.findall(text.casefold()))
    return words


def rebuild_vocabulary():
    """Make the spelling vocabulary again from the published answers; returns (words, added, removed).

    Refreshing an answer only adds words; this also drops those that no published answer has any more
    (an unpublished answer's, a corrected misspelling), so that they are corrected again.
    """
    words = set()
    texts = Answer.objects.published().values_list("question", "short_answer", "search_document")
    for row in texts.iterator(chunk_size=1000):
        words |= vocabulary_words(*row)
    with transaction.atomic():
        stored = set(SearchWord.objects.values_list("word", flat=True))
        removed, added = sorted(stored - words), sorted(words - stored)
        for start in range(0, len(removed), 500):
            SearchWord.objects.filter(word__in=removed[start : start + 500]).delete()
        SearchWord.objects.bulk_create([SearchWord(word=word) for word in added], batch_size=500)
    return len(words), len(added), len(removed)


# Searching -------------------------------------------------------------------------------------------------


def candidate_answers(queryset, parsed):
    """PostgreSQL: the ids of the published answers to rank for `parsed`, as one SQL subquery.

    Ranking reads every candidate's vector, and a query matching a large part of the content would read
    them all. So the candidates are at most MAX_CANDIDATES answers whose question matches and as many that
    match anywhere: all of them when fewer match, which is the usual case (see README). An excluded word
    must be nowhere in the answer: those matching anywhere are exact, those whose question matches are
    only checked against the question here (checking the whole vector too would read the excluded word's
    whole GIN entry a second time) and must be checked against the whole vector after. A named
    article is its token (weight D, which only `search_citations` has) in the same vector, so the GIN
    index finds the words and the article at once.

    Written as SQL rather than built with the ORM, which took longer to build than PostgreSQL took to run
    it. It reads the published answers whatever `queryset` narrows them to: a narrower `queryset` keeps
    what it allows of these candidates.
    """
    connection = connections[queryset.db]
    compiler = queryset.query.get_compiler(connection=connection)
    words, params = compiler.compile(parsed.tsquery().resolve_expression(queryset.query))
    by_question, by_question_params = f"search_question_vector @@ {words}", list(params)
    anywhere, anywhere_params = f"search_vector @@ {words}", list(params)
    if parsed.article_number:
        cites = f"to_tsquery('{CJK_SEARCH_CONFIG}'::regconfig, %s)"
        token = f"{article_token(parsed.article_number)}:D"
        by_question += f" AND search_vector @@ {cites}"
        by_question_params.append(token)
        anywhere = f"search_vector @@ ({words} && {cites})"
        anywhere_params.append(token)
    table = connection.ops.quote_name(Answer._meta.db_table)
    status = connection.ops.quote_name(Answer._meta.get_field("status").column)
    pk = connection.ops.quote_name(Answer._meta.pk.column)
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

        queryset = queryset.alias(search_vector=StoredSearchVector())
        if tsquery is None:  # an article named, and only excluded words
            excluded = parsed.excluded_as_required()
            excluded = excluded.tsquery() if excluded else None
            if excluded is not None:
                queryset = queryset.exclude(search_vector=excluded)
            return queryset.annotate(rank=Value(0.0)).order_by("question", "pk")
        queryset = queryset.filter(pk__in=candidate_answers(queryset, parsed))
        if parsed.excluded:
            queryset = queryset.filter(search_vector=tsquery)  # see candidate_answers
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
    """{word: the word to search for instead: itself if the vocabulary has it, else the vocabulary's word
    most like it, or None if none is like it enough}; one query.

    The candidates are, on PostgreSQL, the SPELLING_CANDIDATES words nearest to each by trigram distance
    (``pg_trgm``'s ``<->``, read in order from the vocabulary's GiST index); on SQLite, which has no
    trigrams, the words with the same first letter and about the same length. Of those, `difflib`'s ratio
    (at least SPELLING_CUTOFF) picks one: it judges swapped and dropped letters better than trigrams do
    in short words.
    """
    if not words:
        return {}
    vocabulary = SearchWord.objects.all()
    connection = connections[vocabulary.db]
    candidates = {word: [] for word in words}
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(SearchWord._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                # A word the vocabulary has is its only candidate; the others get their nearest words.
                f"SELECT q.word, v.word FROM unnest(%s::text[]) AS q(word) CROSS JOIN LATERAL"  # noqa: S608 (a model's table)
                f" ((SELECT k.word FROM {table} k WHERE k.word = q.word) UNION ALL"
                f" (SELECT w.word FROM {table} w WHERE NOT EXISTS (SELECT FROM {table} k WHERE k.word = q.word)"
                " ORDER BY w.word <-> q.word LIMIT %s)) AS v",
                [list(words), SPELLING_CANDIDATES],
            )
            for word, candidate in cursor.fetchall():
                candidates[word].append(candidate)
    else:
        like = Q()
        for word in words:
            like |= Q(word__startswith=word[0], length__range=(len(word) - 2, len(word) + 2))
        for candidate in vocabulary.alias(length=Length("word")).filter(like).values_list("word", flat=True):
            for word, near in candidates.items():
                if candidate[0] == word[0] and abs(len(candidate) - len(word)) <= 2:
                    near.append(candidate)
    return {
        word: next(iter(difflib.get_close_matches(word, near, n=1, cutoff=SPELLING_CUTOFF)), None)
        for word, near in candidates.items()
    }


def spelling_suggestion(parsed):
    """`parsed` with each word that no published answer has replaced by the nearest one that some answer has.

    "soical securty" → "social security". None when there is nothing to correct: not plain words, or every
    word is in the vocabulary, or none has a near word. At most SPELLING_MAX_WORDS words are looked up.
    """
    if not parsed.is_plain:
        return None
    words = [term.text.casefold() for term in parsed.included]
    checkable = [word for word in dict.fromkeys(words) if VOCABULARY_WORD.fullmatch(word) and not CJK_RUN.search(word)]
    if not checkable:
        return None
    nearest = nearest_words(checkable[:SPELLING_MAX_WORDS])
    corrected = [nearest.get(word) or word for word in words]
    if corrected == words:
        return None
    return ParsedQuery.of_words(" ".join(corrected))


def answer_ids(parsed):
    """The ids of the published answers found for `parsed`, best first (at most MAX_RESULTS); one query."""
    return list(Answer.objects.search(parsed).values_list("pk", flat=True)[:MAX_RESULTS])


def law_articles(parsed):
    """The first law articles found for `parsed` (ARTICLES_SHOWN at most); one query."""
    return list(Provision.objects.search(parsed)[:ARTICLES_SHOWN])


def search(text, page_number=1):
    """Answers (paginated) and law articles (on the first page) matching `text`, for the results page.

    Three queries whatever the content: the ranked ids of the answers found, the law articles, the page's
    answers with their snippets (PostgreSQL's ``ts_headline`` for those ten rows only). When neither
    answers nor law articles match, the words are corrected (`spelling_suggestion`: one more query) and,
    if the corrected words find something (two more), the page shows that ("showing results for …").
    """
    parsed = ParsedQuery.parse(text)
    found_for, ids, articles = parsed, answer_ids(parsed), law_articles(parsed)
    if not ids and not articles and (suggestion := spelling_suggestion(parsed)) is not None:
        corrected_ids, corrected_articles = answer_ids(suggestion), law_articles(suggestion)
        if corrected_ids or corrected_articles:
            found_for, ids, articles = suggestion, corrected_ids, corrected_articles
    page = Paginator(ids, RESULTS_PER_PAGE).get_page(page_number)
    page.object_list = answers_with_snippets(page.object_list, found_for)
    articles = articles if page.number == 1 else []
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
