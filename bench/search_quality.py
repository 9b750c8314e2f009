"""Search quality: recall@3 and MRR of the site's search over a labelled set, for Chinese and for English.

Run by hand from the project folder:

    .venv/bin/python -u bench/search_quality.py                 # SQLite (a temporary file)
    .venv/bin/python -u bench/search_quality.py --postgres      # PostgreSQL: sscard_bench_quality, recreated
    .venv/bin/python -u bench/search_quality.py --verbose       # and each query's rank and first three answers

The labelled set is in bench/search_quality/: `corpus.toml` (answers in Simplified Chinese and English on card
topics, each with a stable key) and `queries.toml` (queries as readers type them, each with the keys of the
answers, in its language, that answer it). The set was written from the readers' side, before any tuning of
the ranking; change it only to add queries, never to fit a ranking.

It migrates a fresh database (SQLite unless --postgres or --database-url, whose database name must start with
`sscard_bench`; a PostgreSQL DATABASE_URL in the environment is taken as --database-url), loads the official
law texts (fixtures/laws/, for the citations) and saves the corpus through the project's save path
(`articles.services.save_answers`, then `link_translations` for the answers that translate each other), all
published. Each query then goes through the search of the results page (`search.results.search`, with the
query's language active, as on the site), and its ranked answers are scored against its labels:

- recall@3: the share of the relevant answers among the first three found, out of at most three (a query with
  four relevant answers is perfect when its first three found are relevant);
- reciprocal rank: 1 / the rank of the first relevant answer found (0 when none is found); MRR is its mean.

It prints both for Chinese, for English and in total, and by kind of query (short words, a whole sentence,
synonyms, traditional characters); --verbose adds each query's rank of the first relevant answer and the first
three answers found. The metric functions need no Django (tests/search/test_search_quality.py imports them).
"""

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path[0] = str(ROOT)  # the project, not bench/: its http.py would hide the standard library's http

DATA = ROOT / "bench" / "search_quality"
CORPUS = DATA / "corpus.toml"
QUERIES = DATA / "queries.toml"
LAW_TEXTS = ROOT / "fixtures" / "laws"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sscard_bench_quality"

CUTOFF = 3  # recall@3
LANGUAGES = ("zh-hans", "en")
SECTION_KINDS = {"methods", "precautions", "analysis", "conditions", "general"}
# The least the set holds: answers per language, and queries per language.
MIN_ANSWERS = {"zh-hans": 30, "en": 30}
MIN_QUERIES = {"zh-hans": 40, "en": 20}


# ---------------------------------------------------------------- the labelled set


def load_corpus(path: Path = CORPUS) -> dict:
    with path.open("rb") as file:
        return tomllib.load(file)


def load_queries(path: Path = QUERIES) -> list[dict]:
    with path.open("rb") as file:
        return tomllib.load(file)["queries"]


def check_labelled_set(corpus: dict, queries: list[dict]) -> list[str]:
    """What is wrong with the corpus and the queries (an empty list when nothing is)."""
    problems = []
    topics = {topic["key"] for topic in corpus.get("topics", [])}
    answers = {}
    for answer in corpus.get("answers", []):
        key = answer.get("key", "")
        if key in answers:
            problems.append(f"answer {key!r}: the key is used twice")
        answers[key] = answer
        for name in ("question", "short_answer", "topic", "language"):
            if not answer.get(name):
                problems.append(f"answer {key!r}: no {name}")
        if answer.get("language") not in LANGUAGES:
            problems.append(f"answer {key!r}: language {answer.get('language')!r} is not one of {LANGUAGES}")
        if answer.get("topic") not in topics:
            problems.append(f"answer {key!r}: no topic {answer.get('topic')!r}")
        sections = answer.get("sections", [])
        if not 1 <= len(sections) <= 3:
            problems.append(f"answer {key!r}: {len(sections)} sections (one to three)")
        for section in sections:
            if section.get("kind") not in SECTION_KINDS or not section.get("body", "").strip():
                problems.append(f"answer {key!r}: a section needs a kind of {sorted(SECTION_KINDS)} and a body")
        for citation in answer.get("citations", []):
            if not citation.get("law") or not isinstance(citation.get("article"), int):
                problems.append(f"answer {key!r}: a citation needs a law (slug) and an article (number)")
    for key, answer in answers.items():
        other = answers.get(answer.get("translation"))
        if "translation" in answer and (other is None or other["language"] == answer["language"]):
            problems.append(f"answer {key!r}: translation {answer['translation']!r} is no answer in another language")
    for language in LANGUAGES:
        count = sum(answer.get("language") == language for answer in answers.values())
        if count < MIN_ANSWERS[language]:
            problems.append(f"{count} answers in {language}, fewer than {MIN_ANSWERS[language]}")
        count = sum(query.get("language") == language for query in queries)
        if count < MIN_QUERIES[language]:
            problems.append(f"{count} queries in {language}, fewer than {MIN_QUERIES[language]}")
    seen = set()
    for query in queries:
        text, language = query.get("text", ""), query.get("language")
        if not text.strip() or not query.get("kind"):
            problems.append(f"query {text!r}: no text or no kind")
        if (text, language) in seen:
            problems.append(f"query {text!r}: listed twice")
        seen.add((text, language))
        if not query.get("relevant"):
            problems.append(f"query {text!r}: no relevant answer")
        for key in query.get("relevant", []):
            if key not in answers:
                problems.append(f"query {text!r}: no answer {key!r} in the corpus")
            elif answers[key]["language"] != language:
                problems.append(f"query {text!r}: answer {key!r} is not in the query's language ({language})")
    return problems


# ---------------------------------------------------------------- the metrics


def first_relevant_rank(found: list[str], relevant: set[str]) -> int | None:
    """The rank (1 for the first) of the first relevant answer in `found`, or None if there is none."""
    return next((rank for rank, key in enumerate(found, start=1) if key in relevant), None)


def recall_at(found: list[str], relevant: set[str], cutoff: int = CUTOFF) -> float:
    """The share of the relevant answers among the first `cutoff` found, out of at most `cutoff`."""
    if not relevant:
        raise ValueError("a query needs at least one relevant answer")
    return len(set(found[:cutoff]) & relevant) / min(cutoff, len(relevant))


def reciprocal_rank(found: list[str], relevant: set[str]) -> float:
    rank = first_relevant_rank(found, relevant)
    return 1 / rank if rank else 0.0


@dataclass
class Scored:
    text: str
    language: str
    kind: str
    relevant: set[str]
    found: list[str]  # the keys of the answers found, best first

    @property
    def rank(self) -> int | None:
        return first_relevant_rank(self.found, self.relevant)

    @property
    def recall(self) -> float:
        return recall_at(self.found, self.relevant)

    @property
    def reciprocal_rank(self) -> float:
        return reciprocal_rank(self.found, self.relevant)


def summarise(scored: list[Scored]) -> tuple[float, float]:
    """(mean recall@3, MRR) of `scored`."""
    if not scored:
        return 0.0, 0.0
    return statistics.fmean(s.recall for s in scored), statistics.fmean(s.reciprocal_rank for s in scored)


# ---------------------------------------------------------------- loading and searching (Django)


def load_into_database(corpus: dict) -> dict[int, str]:
    """Save the corpus's topics and answers (published) as the admin and the importer do; {answer pk: key}."""
    from articles.models import Answer, Citation, Section, Status, Topic, unique_slug
    from articles.services import AnswerWrite, link_translations, save_answers, save_topic
    from legal_refs.lawtext.loader import import_law_paths
    from legal_refs.models import Provision

    import_law_paths([LAW_TEXTS])
    topics = {}
    for topic in corpus["topics"]:
        slug = unique_slug(Topic.objects, topic["title"])
        topics[topic["key"]] = save_topic(Topic(title=topic["title"], title_zh=topic["title_zh"], slug=slug))
    cited = {(c["law"], c["article"]) for answer in corpus["answers"] for c in answer.get("citations", [])}
    provisions = {
        (provision.law.slug, provision.number): provision
        for provision in Provision.objects.select_related("law").filter(law__slug__in={law for law, _ in cited})
    }
    missing = sorted(cited - provisions.keys())
    if missing:
        raise SystemExit(f"The corpus cites law articles that fixtures/laws/ does not hold: {missing}")
    writes, slugs = [], set()
    for item in corpus["answers"]:
        slug = unique_slug(Answer.objects, item["question"], taken=slugs)
        slugs.add(slug)
        answer = Answer(
            question=item["question"],
            slug=slug,
            topic=topics[item["topic"]],
            short_answer=item["short_answer"],
            language=item["language"],
            status=Status.PUBLISHED,
        )
        sections = [
            Section(kind=section["kind"], heading=section.get("heading", ""), body=section["body"].strip(), position=n)
            for n, section in enumerate(item["sections"])
        ]
        citations = [
            Citation(provision=provisions[c["law"], c["article"]], position=n)
            for n, c in enumerate(item.get("citations", []))
        ]
        writes.append(AnswerWrite(answer, sections, citations, replace=True))
    save_answers(writes)
    by_key = {item["key"]: write.answer for item, write in zip(corpus["answers"], writes, strict=True)}
    for item in corpus["answers"]:
        if "translation" in item and by_key[item["translation"]].translation_id is None:
            link_translations(by_key[item["key"]], by_key[item["translation"]])
    return {answer.pk: key for key, answer in by_key.items()}


def run_queries(queries: list[dict], keys: dict[int, str]) -> list[Scored]:
    """Each query through the results page's search, in its language; the answers found as corpus keys."""
    from django.utils import translation

    from search.results import search

    scored = []
    for query in queries:
        with translation.override(query["language"]):
            results = search(query["text"])
        ids = results.page.paginator.object_list  # every answer found, ranked (the page shows ten of them)
        found = [keys.get(pk, f"#{pk}") for pk in ids]
        scored.append(Scored(query["text"], query["language"], query["kind"], set(query["relevant"]), found))
    return scored


# ---------------------------------------------------------------- the report


def print_report(scored: list[Scored], *, verbose: bool) -> None:
    print(f"\n{'queries':<22} | {'n':>3} | recall@{CUTOFF} |  MRR  | none relevant found")
    print("-" * 70)
    groups = [(language, [s for s in scored if s.language == language]) for language in LANGUAGES]
    for label, group in [*groups, ("total", scored)]:
        recall, mrr = summarise(group)
        missed = sum(s.rank is None for s in group)
        print(f"{label:<22} | {len(group):>3} | {recall:8.3f} | {mrr:5.3f} | {missed}")
    print("\nby kind of query:")
    for language, group in groups:
        for kind in dict.fromkeys(s.kind for s in group):
            part = [s for s in group if s.kind == kind]
            recall, mrr = summarise(part)
            print(f"  {language + ', ' + kind:<20} | {len(part):>3} | {recall:8.3f} | {mrr:5.3f} |")
    if verbose:
        print(f"\neach query: rank of the first relevant answer (- none found), recall@{CUTOFF}, the first three found")
        for s in scored:
            rank = str(s.rank) if s.rank else "-"
            print(f"  {s.language:<7} {s.kind:<11} {rank:>3} {s.recall:4.2f}  {s.text}  →  {', '.join(s.found[:3])}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true", help=f"PostgreSQL ({DEFAULT_DATABASE_URL}), not SQLite")
    parser.add_argument("--database-url", help="the PostgreSQL database to (re)create (its name starts sscard_bench)")
    parser.add_argument("--verbose", action="store_true", help="each query's rank and the first three answers found")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    problems = check_labelled_set(corpus := load_corpus(), queries := load_queries())
    if problems:
        raise SystemExit("The labelled set is not well-formed:\n" + "\n".join(problems))

    from bench.common import drop_database, recreate_database

    environment_url = os.environ.get("DATABASE_URL", "")
    url = args.database_url or (DEFAULT_DATABASE_URL if args.postgres else None)
    if url is None and environment_url.startswith("postgres"):
        url = environment_url
    folder = None
    if url:
        recreate_database(url)  # refuses a database whose name does not start with sscard_bench
        os.environ["DATABASE_URL"] = url
    else:
        folder = Path(tempfile.mkdtemp(prefix="sscard-search-quality-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'quality.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["TESTING"] = "true"  # the cache in this process's memory: no shared cache is touched
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscard_kb.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from search.backends import backend

    try:
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        keys = load_into_database(corpus)
        counts = {language: sum(a["language"] == language for a in corpus["answers"]) for language in LANGUAGES}
        print(
            f"Search quality on {connection.vendor} ({type(backend()).__name__}): "
            f"{len(keys)} answers ({', '.join(f'{n} {language}' for language, n in counts.items())}) "
            f"loaded in {time.perf_counter() - start:.1f} s; {len(queries)} labelled queries",
            flush=True,
        )
        print_report(run_queries(queries, keys), verbose=args.verbose)
    finally:
        connections.close_all()
        if url and not args.keep:
            drop_database(url)
        elif url:
            print(f"kept: {url}")
        if folder is not None and args.keep:
            print(f"kept: {os.environ['DATABASE_URL']}")
        elif folder is not None:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
