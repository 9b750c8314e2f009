"""Search over published answers and law articles: the one code path behind `/search/`.

The answer's search document is three plain text columns, one per weight: the question (A), the short
answer (B), and `search_document` (C): its sections' headings and text and the law articles it cites,
kept in step on every save of an answer, section or citation and after an import (`refresh_search_document`).
`search_cjk` holds the Chinese of all three as two-character tokens (legal_refs.search.cjk_tokens).

- PostgreSQL reads the generated, GIN-indexed ``search_vector`` column that migration
  ``0004_search_document`` (legal_refs: ``0002_search_document``) builds from exactly those columns
  (weights A, B, C; Chinese tokens B), so no ``to_tsvector`` runs at query time; ``ts_headline`` runs
  only for the page of results shown. A query that finds nothing falls back to trigram word similarity
  on the question (GIN ``gin_trgm_ops`` index).
- SQLite has a ranked substring match: every required term must occur (``LIKE``) in the question, the short
  answer or the document, excluded terms in none; the score adds 10 per term in the question, 4 in the short
  answer, 1 for each time (up to 5) it occurs in the document. SQLite has no similarity fallback.
"""

import html
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import strip_tags

from legal_refs.models import Provision
from legal_refs.search import (
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

from .models import Answer, Citation, Section, Topic

RESULTS_PER_PAGE = 10
ARTICLES_SHOWN = 5
MAX_CANDIDATES = 100
MAX_RESULTS = 2 * MAX_CANDIDATES
SNIPPET_CHARS = 240
ANSWER_FIELD_WEIGHTS = {"question": 10, "short_answer": 4, "search_document": 1}


# The search document ---------------------------------------------------------------------------------------


def section_text(section):
    """A section's heading and text as plain text (from the sanitised HTML rendered on save)."""
    body = html.unescape(strip_tags(section.body_html)) if section.body_html else section.body
    return "\n".join(part for part in (section.heading, " ".join(body.split())) if part)


def citation_label(citation):
    law = citation.provision.law
    return f"{law.short_title or law.title}, Article {citation.provision.number}"


def build_search_document(sections, citations):
    """The weight-C text of an answer: its sections, then the law articles it cites."""
    parts = [section_text(section) for section in sections]
    parts += [citation_label(citation) for citation in citations]
    return "\n\n".join(part for part in parts if part)


def refresh_search_document(answer_id):
    """Rebuild one answer's search columns from what is stored now (three queries)."""
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
    if (document, tokens) != (answer.search_document, answer.search_cjk):
        Answer.objects.filter(pk=answer_id).update(search_document=document, search_cjk=tokens)


# Searching -------------------------------------------------------------------------------------------------


def search_answers(queryset, query):
    """`queryset` narrowed to what matches `query`, annotated with `rank`, best first.

    A named law article ("Article 4", 第四条) matches the answers citing it; other terms must match too.
    """
    parsed = query if isinstance(query, ParsedQuery) else ParsedQuery.parse(query)
    if parsed.article_number and not parsed.terms:
        # Only an article named: (at most MAX_RESULTS of) the answers citing it, found from the citations.
        citing = Citation.objects.filter(provision__number=parsed.article_number).order_by().values("answer_id")
        return queryset.filter(pk__in=citing[:MAX_RESULTS]).annotate(rank=Value(0.0)).order_by("question", "pk")
    if parsed.article_number:
        queryset = queryset.filter(
            Exists(Citation.objects.filter(answer=OuterRef("pk"), provision__number=parsed.article_number))
        )
    elif not parsed.has_words:
        return queryset.none()
    if is_postgresql(queryset):
        from django.contrib.postgres.search import SearchRank

        tsquery = parsed.tsquery()
        if tsquery is None:
            return queryset.annotate(rank=Value(0.0)).order_by("question", "pk")
        # Ranking reads every candidate's vector; a query matching a large part of the content would read
        # them all. So the candidates are at most MAX_CANDIDATES answers whose question matches and as many
        # that match anywhere: all of them when fewer match, which is the usual case (see README).
        by_question = queryset.alias(v=StoredSearchVector("search_question_vector")).filter(v=tsquery)
        anywhere = queryset.alias(v=StoredSearchVector()).filter(v=tsquery)
        candidates = (
            by_question.order_by()
            .values("pk")[:MAX_CANDIDATES]
            .union(anywhere.order_by().values("pk")[:MAX_CANDIDATES])
        )
        return (
            queryset.filter(pk__in=candidates)
            .alias(search_vector=StoredSearchVector())
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
            .order_by("-rank", "pk")
        )
    fields = list(ANSWER_FIELD_WEIGHTS)
    for term in parsed.included:
        queryset = queryset.filter(substring_match(term.text, fields))
    for term in parsed.excluded:
        queryset = queryset.exclude(substring_match(term.text, fields))
    score = substring_score(parsed.highlight_needles(), ANSWER_FIELD_WEIGHTS, counted={"search_document"})
    return queryset.annotate(rank=score).order_by("-rank", "question", "pk")


def similar_answers(queryset, query):
    """Answers whose question resembles the query's words (trigram word similarity), most similar first.

    Only for plain words (quoted phrases and exclusions are taken literally). PostgreSQL only (``pg_trgm``);
    on SQLite there is no similarity search and this finds nothing.
    """
    parsed = query if isinstance(query, ParsedQuery) else ParsedQuery.parse(query)
    if not parsed.is_plain or not is_postgresql(queryset):
        return queryset.none()
    from django.contrib.postgres.search import TrigramWordSimilarity

    text = parsed.plain_text
    candidates = queryset.filter(question__trigram_word_similar=text).order_by().values("pk")[:MAX_CANDIDATES]
    return (
        queryset.filter(pk__in=candidates)
        .annotate(rank=TrigramWordSimilarity(text, "question"))
        .order_by("-rank", "pk")
    )


@dataclass
class SearchResults:
    query: ParsedQuery
    page: object  # django.core.paginator.Page of answers, each with `title_html` and `snippet_html`
    articles: list = field(default_factory=list)  # law articles, each with `snippet_html`
    similar_to: str = ""  # the words the typo fallback found similar answers for ("showing results for …")

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


def corrected_words(parsed, answers):
    """The query's words spelt as in the questions found by similarity ("securty" → "security")."""
    import difflib

    vocabulary = {word.strip("?,.!:;()").casefold() for answer in answers for word in answer.question.split()}
    vocabulary.discard("")
    words = []
    for word in parsed.plain_text.split():
        close = difflib.get_close_matches(word.casefold(), vocabulary, n=1, cutoff=0.6)
        words.append(close[0] if close else word)
    return " ".join(words)


def search(text, page_number=1):
    """Answers (paginated) and law articles (the first few) matching `text`, for the results page.

    Three queries whatever the content: the ranked ids of the answers found (at most MAX_RESULTS), the
    page's answers with their snippets (PostgreSQL's ``ts_headline`` for those ten rows only), the law
    articles; plus the typo fallback's ids when the words find nothing.
    """
    parsed = ParsedQuery.parse(text)
    ranked = list(Answer.objects.search(parsed).values_list("pk", flat=True)[:MAX_RESULTS])
    similar = False
    if not ranked and parsed.is_plain:
        ranked = list(Answer.objects.similar(parsed).values_list("pk", flat=True)[:MAX_RESULTS])
        similar = bool(ranked)
    page = Paginator(ranked, RESULTS_PER_PAGE).get_page(page_number)
    page.object_list = answers_with_snippets(page.object_list, parsed, use_headline=not similar)
    articles = []
    if page.number == 1:
        articles = list(Provision.objects.search(parsed)[:ARTICLES_SHOWN])
        for article in articles:
            article.snippet_html = provision_snippet(article, parsed)
    similar_to = corrected_words(parsed, page.object_list) if similar else ""
    return SearchResults(query=parsed, page=page, articles=articles, similar_to=similar_to)


def answers_with_snippets(ids, parsed, *, use_headline=True):
    """The answers `ids` (in that order, with their topic), each with `title_html` and `snippet_html`.

    Escaped, matches in <mark>. One query: on PostgreSQL it also runs ``ts_headline`` for these rows only;
    otherwise, and for Chinese, the matched substrings are marked in Python.
    """
    if not ids:
        return []
    queryset = Answer.objects.filter(pk__in=ids).select_related("topic")
    tsquery = parsed.tsquery() if use_headline and not parsed.has_cjk else None
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
