# ruff: noqa: S311 (synthetic data, no cryptography)
"""Search benchmark on PostgreSQL: our search against a naive `icontains` baseline, at N answers.

Run by hand from the project folder (PostgreSQL must be reachable; see README, "Search benchmark"):

    .venv/bin/python bench/search.py                      # 100,000 answers in database sscard_bench
    .venv/bin/python bench/search.py --answers 20000 --keep

It (re)creates the database named by --database-url (default
postgres://postgres@127.0.0.1:5432/sscard_bench), migrates it, fills it with synthetic published answers
(question, short answer, search document, 1-3 citations of 120 law articles; English words with Zipf-like
frequencies and recurring phrases, some Chinese) and their spelling vocabulary using COPY, then runs every
query of the representative set (common words, rare words, phrases, exclusions, article numbers, typos,
Chinese), after a warm-up with every tenth query, --rounds times (default 3; a query's time is the median
of its runs) for ours and once for the baseline:

- our search: the search backend's ranked answer ids (`search.backends`), with the spelling correction
  when the words find nothing, and the first page;
- our whole page: `search.results.search`, all of a results page's database work (that, plus snippets
  and law articles);
- a naive `icontains` baseline over the same fields (each word in the question, short answer or
  document; count and first page).

It prints p50 and p95 of each and the ratio baseline / ours, and, for the first query of each kind, the
indexes PostgreSQL's plans use for the whole page's statements (EXPLAIN); it drops the database unless --keep.
"""

import argparse
import io
import os
import random
import re
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/: its http.py would hide the standard library's http

from bench.common import drop_database, machine_check, recreate_database  # noqa: E402

COMMON = (
    "social security card bank upgrade apply application office insurance pension medical payment "
    "account record employer employee city online service centre replacement lost old new generation "
    "benefit contribution premium certificate information identity"
).split()
MIDDLE = (
    "halfway grade offline website cardholder issuing branch voluntary electronic applet channel business "
    "balance transfer financial cancel recycle destroy original postal savings agricultural industrial "
    "commercial construction cooperative province county district household registration migrant worker "
    "retirement unemployment maternity injury reimbursement hospital pharmacy outpatient inpatient "
    "settlement deadline procedure material photograph signature password activation freeze unfreeze "
    "withdrawal deposit statement inquiry hotline counter appointment queue window agency bureau ministry"
).split()
# Phrases that real answers repeat (a query in quotes asks for one of them, as a reader would).
PHRASES = [
    "social security card",
    "social security",
    "bank card",
    "medical insurance",
    "basic old-age insurance",
    "electronic social security card",
    "service centre",
    "identity card",
    "third generation card",
    "personal account",
]
FILLER = "the a of to and in for with can be is are your you it on at by from this that as or if".split()
CHINESE = "社保卡 养老保险 医疗保险 银行 升级 补办 挂失 第三代 电子社保卡 缴费 账户 密码 激活 办理 社会保险法".split()

# The Chinese answers (a third of them) are written from the words of a government-service FAQ on the card, the
# more common first (Zipf-like), with the variants real writers use (社保卡 and 社会保障卡, 补办 and 补领, …).
ZH_TERMS = (
    "社保卡 办理 银行 网点 身份证 参保 医保 申领 社会保障卡 缴费 账户 激活 密码 补办 挂失 本人 经办机构 材料 "
    "养老金 医疗保险 养老保险 查询 金融功能 电子社保卡 定点医院 结算 领卡 制卡 换卡 线上 窗口 照片 居民身份证 "
    "第三代社保卡 异地就医 备案 药店 人社局 12333 户口簿 个人账户 余额 缴费记录 补领 遗失 丢失 损坏 芯片 "
    "新生儿 未成年人 监护人 退休人员 待遇资格认证 工本费 进度 代办 委托书 手机银行 掌上12333 跨省 外地 异地 "
    "一卡通 注销 变更 信息 工作日 免费 收费 邮寄 服务大厅 合作银行 社会保障号码 临时挂失 正式挂失 交易密码 "
    "服务密码 刷脸 认证 城乡居民 职工 灵活就业 转移接续 报销 统筹基金 门诊 住院 发卡银行 即时制卡 三代卡"
).split()
ZH_FILLER = "的 了 在 可以 需要 到 和 或 按 由 向 为 将 是 请 应当 携带 及时 一般 也 并 后 时 已 不 能 先 通过".split()
ZH_TERM_WEIGHTS = [1 / rank**0.8 for rank in range(1, len(ZH_TERMS) + 1)]
ZH_QUESTION_ENDS = "怎么办 如何办理 需要什么材料 可以吗 在哪里办 多久能办好 要收费吗 怎么查询 有什么区别 能用吗".split()
# Queries as Chinese readers type them: whole questions; other words than most answers use (synonyms);
# traditional characters.
ZH_SUBJECTS = "社保卡 社会保障卡 电子社保卡 三代卡 医保个人账户 养老金 孩子的社保卡 退休人员".split()
ZH_PREDICATES = (
    "丢了怎么办 怎么激活 密码忘了怎么办 可以在外地用吗 怎么补办 在哪里办理 要多久才能拿到 收费吗 怎么查余额 坏了能换吗"
).split()
ZH_SYNONYMS = "社会保障卡 补领 三代卡 居民身份证 户口本 医保卡 遗失 换领 人社部门 社保经办机构 开通 解挂".split()
ZH_TRADITIONAL = (
    "社會保障卡 補辦 補領 電子社保卡 養老保險 醫療保險 異地就醫 掛失 密碼 退休人員 戶口簿 銀行 網點 "
    "養老金 遺失 個人賬戶 辦理 社保卡丟了怎麼辦 社會保障卡遺失 第三代社保卡換領"
).split()


def rare_words(rng, count=5000):
    """Invented rare terms (each appears in a handful of answers): place names and form numbers."""
    syllables = "ba ce di fo gu ha ji ka lo mu ne pi qu ro si tu va we xo yu za".split()
    return sorted({"".join(rng.choices(syllables, k=4)) for _ in range(count)})


# Word frequencies fall off as in natural text (Zipf): a few words are in most answers, most in few.
MIDDLE_WEIGHTS = [1 / rank for rank in range(1, len(MIDDLE) + 1)]


def sentence(rng, words, rare, *, length):
    out = []
    for _ in range(length):
        roll = rng.random()
        if roll < 0.03:
            out.append(rng.choice(PHRASES))
        elif roll < 0.40:
            out.append(rng.choice(FILLER))
        elif roll < 0.65:
            out.append(rng.choice(COMMON))
        elif roll < 0.95:
            out.append(rng.choices(MIDDLE, MIDDLE_WEIGHTS)[0])
        else:
            out.append(rng.choice(rare))
    return " ".join(out)


def zh_place_names(rng, count=3000):
    """Invented districts and counties (each in a handful of answers), as rare words are in English."""
    characters = "安宝昌城川东丰福广海和河华嘉江金康兰乐林隆明南宁平浦青庆山盛顺泰天通文西祥新兴阳永云州"
    return sorted({"".join(rng.choices(characters, k=2)) + rng.choice("区县市镇") for _ in range(count)})


def zh_sentence(rng, places, *, length):
    """Chinese words and particles run together, a comma every few words, ending in a full stop."""
    out = []
    for index in range(length):
        roll = rng.random()
        if roll < 0.35:
            out.append(rng.choice(ZH_FILLER))
        elif roll < 0.97:
            out.append(rng.choices(ZH_TERMS, ZH_TERM_WEIGHTS)[0])
        else:
            out.append(rng.choice(places))
        if index % 6 == 5 and index < length - 1:
            out.append("，")
    return "".join(out) + "。"


def zh_answer(rng, places):
    question = "".join(rng.choices(ZH_TERMS, ZH_TERM_WEIGHTS, k=rng.randint(2, 4))) + rng.choice(ZH_QUESTION_ENDS)
    short = zh_sentence(rng, places, length=rng.randint(15, 30))
    paragraphs = [zh_sentence(rng, places, length=rng.randint(25, 50)) for _ in range(rng.randint(2, 5))]
    return question + "？", short, paragraphs


def synthetic_answer(rng, rare, number):
    question = sentence(rng, COMMON, rare, length=rng.randint(6, 12)).capitalize() + "?"
    short = sentence(rng, COMMON, rare, length=rng.randint(20, 40)) + "."
    paragraphs = [sentence(rng, COMMON, rare, length=rng.randint(30, 60)) + "." for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.1:
        question += " " + "".join(rng.sample(CHINESE, 2)) + "？"
        paragraphs.append("".join(rng.sample(CHINESE, 4)) + "。")
    return question, short, paragraphs


def representative_queries(rng, rare):
    queries = []
    queries += [" ".join(rng.sample(COMMON, rng.randint(1, 3))) for _ in range(40)]
    queries += [rng.choice(rare) + ("" if i % 2 else " " + rng.choice(COMMON)) for i in range(40)]
    queries += [f'"{rng.choice(PHRASES)}"' + ("" if i % 2 else f" {rng.choice(MIDDLE)}") for i in range(20)]
    queries += [f'"social security" {rng.choice(MIDDLE)}' for _ in range(10)]
    queries += [f"{rng.choice(COMMON)} {rng.choice(MIDDLE)} -{rng.choice(COMMON)}" for _ in range(10)]
    queries += [f"Article {rng.randint(1, 120)}" for _ in range(15)]
    queries += [f"art. {rng.randint(1, 120)} {rng.choice(COMMON)}" for _ in range(10)]
    queries += ["第十条", "第四条", "第一百条 缴费", "第三十五条", "第九条"]
    CATEGORIES.update(common=(0, 40), rare=(40, 80), phrases=(80, 110), exclusions=(110, 120), articles=(120, 150))

    def typo(word):
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    queries += [typo(rng.choice([w for w in COMMON + MIDDLE if len(w) > 5])) for _ in range(25)]
    queries += [f"social {typo('security')}" for _ in range(5)]
    queries += [" ".join(rng.sample(CHINESE, rng.randint(1, 2))) for _ in range(25)]
    queries += [rng.choice(CHINESE)[:2] for _ in range(5)]
    CATEGORIES.update(typos=(150, 180), chinese=(180, 210))
    queries += [" ".join(rng.sample(ZH_TERMS[:40], rng.randint(1, 2))) for _ in range(15)]
    queries += [rng.choice(ZH_SUBJECTS) + rng.choice(ZH_PREDICATES) for _ in range(15)]
    queries += [rng.choice(ZH_SYNONYMS) + ("" if i % 2 else " " + rng.choice(ZH_TERMS[:20])) for i in range(15)]
    queries += [" ".join(rng.sample(ZH_TRADITIONAL, 1 + i % 2)) for i in range(15)]
    CATEGORIES.update(
        {"zh words": (210, 225), "zh sentence": (225, 240), "zh synonym": (240, 255), "zh trad.": (255, 270)}
    )
    return queries


CATEGORIES = {}  # kind of query: (first, last + 1) in the list above


def copy_rows(cursor, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(value) for value in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _copy_value(value):
    if value is None:
        return r"\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def fill(count, rng, rare):
    """Every third answer in Chinese (language zh-hans), the others in English; each answer's search columns are
    computed as the save path computes them (`articles.search_document.search_columns`), whatever they are."""
    from django.db import connection
    from django.utils import timezone

    from articles.models import Answer, Citation, Language, Section, Topic
    from articles.search_document import search_columns
    from legal_refs.models import Law, Provision
    from textkit.tokens import vocabulary_words

    law = Law.objects.create(
        title="Social Insurance Law of the People's Republic of China",
        short_title="Social Insurance Law",
        slug="social-insurance-law",
    )
    provisions = [
        Provision.objects.create(
            law=law, number=number, paragraphs=[sentence(rng, COMMON, rare, length=40) + "." for _ in range(2)]
        )
        for number in range(1, 121)
    ]
    topics = [Topic.objects.create(title=f"Topic {i}", slug=f"topic-{i}") for i in range(1, 21)]
    places = zh_place_names(rng)
    now = timezone.now().isoformat()
    answers, citations, vocabulary, search_names = [], [], set(), None
    for number in range(1, count + 1):
        language = Language.ZH_HANS if number % 3 == 0 else Language.EN
        if language == Language.ZH_HANS:
            question, short, paragraphs = zh_answer(rng, places)
        else:
            question, short, paragraphs = synthetic_answer(rng, rare, number)
        cited = rng.sample(provisions, rng.randint(1, 3))
        search = search_columns(
            Answer(question=question, short_answer=short, language=language),
            [Section(body=text, position=position) for position, text in enumerate(paragraphs)],
            [Citation(provision=provision, position=position) for position, provision in enumerate(cited)],
        )
        search_names = search_names or sorted(search)
        vocabulary |= vocabulary_words(question, short, search["search_document"])
        answers.append(
            (
                number,
                question,
                f"q-{number}",
                rng.choice(topics).pk,
                short,
                language.value,
                "published",
                "",
                "",
                "",
                "",
                now,
                now,
                now,
                *(search[name] for name in search_names),
            )
        )
        citations += [(number, provision.pk, None, position) for position, provision in enumerate(cited)]
    with connection.cursor() as cursor:
        # Filling takes longer than the site's statement timeout allows one statement; the queries keep it.
        cursor.execute("SET statement_timeout = 0")
        raw = cursor.cursor
        copy_rows(
            raw,
            "articles_answer",
            [
                "id",
                "question",
                "slug",
                "topic_id",
                "short_answer",
                "language",
                "status",
                "source_site",
                "source_section",
                "source_title",
                "imported_fingerprint",
                "created_at",
                "updated_at",
                "published_at",
                *search_names,
            ],
            answers,
        )
        copy_rows(raw, "articles_citation", ["answer_id", "provision_id", "paragraph", "position"], citations)
        copy_rows(raw, "articles_searchword", ["word"], ((word,) for word in sorted(vocabulary)))
        cursor.execute("SELECT setval(pg_get_serial_sequence('articles_answer', 'id'), %s)", [count])
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("RESET statement_timeout")


def naive_search(text):
    """The baseline: every word somewhere in the question, short answer or document (icontains), newest first."""
    from django.db.models import Q

    from articles.models import Answer

    queryset = Answer.objects.published()
    for word in text.replace('"', " ").split():
        if word.startswith("-"):
            continue
        queryset = queryset.filter(
            Q(question__icontains=word) | Q(short_answer__icontains=word) | Q(search_document__icontains=word)
        )
    return queryset.count(), list(queryset.select_related("topic")[:10])


def our_search(text):
    """The answers found (the synonyms from the cache; any of the Chinese words when none has all): the ranked ids
    (count) and the first page's answers, as the baseline does."""
    from articles.models import Answer
    from search.backends import backend
    from search.results import RESULTS_PER_PAGE, spelling_suggestion
    from search.synonyms import synonym_map
    from textkit.query import ParsedQuery

    parsed = ParsedQuery.parse(text, synonym_map())
    ids, _ = backend().answer_ids(parsed)
    if not ids and (relaxed := parsed.relaxed()) is not None:
        ids, _ = backend().answer_ids(relaxed)
    if not ids and (suggestion := spelling_suggestion(parsed)) is not None:
        ids, _ = backend().answer_ids(suggestion)
    return len(ids), list(Answer.objects.filter(pk__in=ids[:RESULTS_PER_PAGE]).select_related("topic"))


def our_results_page(text):
    """All the database work of a results page: the above, snippets (ts_headline) and law articles."""
    from search.results import search

    results = search(text)
    return results.page.paginator.count, list(results.page.object_list), results.provisions


def measure(function, queries, rounds=1):
    """Each query's time in ms: the median of `rounds` runs, the rounds one after another over all queries.

    On a shared virtual machine a single run of a query now and then takes twice as long for reasons of
    its own; the median of three keeps such a stall from being read as the query's cost.
    """
    timings = [[] for _ in queries]
    for _ in range(rounds):
        for index, query in enumerate(queries):
            start = time.perf_counter()
            function(query)
            timings[index].append((time.perf_counter() - start) * 1000)
    return [statistics.median(times) for times in timings], [t for times in timings for t in times]


def indexes_used(function, query):
    """The indexes that PostgreSQL's plans use for each statement `function(query)` runs (EXPLAIN of the
    statements as they were sent), and how many statements used none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function(query)
    used, without = set(), 0
    with connection.cursor() as cursor:
        for statement in captured.captured_queries:
            cursor.execute(f"EXPLAIN {statement['sql']}")
            names = set(INDEX_IN_PLAN.findall("\n".join(row[0] for row in cursor.fetchall())))
            used |= names
            without += not names
    return used, without


INDEX_IN_PLAN = re.compile(r"Index (?:Only )?Scan (?:using|on) (\w+)")


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/sscard_bench")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (and reuse it with --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by an earlier --keep run")
    parser.add_argument("--skip-baseline", action="store_true", help="measure our search only (while tuning)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each query of ours (its median counts)")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # DEBUG stays off, as in production
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscard_kb.settings")
    if not args.reuse:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command

    rng = random.Random(args.seed)
    rare = rare_words(rng)
    if not args.reuse:
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        fill(args.answers, rng, rare)
        print(f"Filled {args.answers:,} published answers in {time.perf_counter() - start:.1f} s", flush=True)
    queries = representative_queries(random.Random(args.seed + 1), rare)
    print(f"{len(queries)} queries, measured after a warm-up", flush=True)
    print(f"machine check: a fixed Python loop takes {machine_check():.0f} ms (compare runs by it)", flush=True)
    try:
        results = {}
        contenders = [
            ("our search", our_search),
            ("our whole page", our_results_page),
            ("icontains baseline", naive_search),
        ]
        print(f"each query's time: the median of {args.rounds} runs (the baseline: one run)", flush=True)
        for name, function in contenders[:2] if args.skip_baseline else contenders:
            measure(function, queries[::10])  # warm up: caches, connection
            rounds = 1 if function is naive_search else args.rounds
            timings, every = measure(function, queries, rounds)
            results[name] = timings
            print(
                f"{name:>20}: p50 {percentile(timings, 0.5):8.1f} ms   p95 {percentile(timings, 0.95):8.1f} ms"
                f"   mean {statistics.fmean(timings):8.1f} ms   max {max(timings):8.1f} ms",
                flush=True,
            )
            if rounds > 1:
                every_p50, every_p95 = percentile(every, 0.5), percentile(every, 0.95)
                print(f"{'every single run':>20}: p50 {every_p50:8.1f} ms   p95 {every_p95:8.1f} ms", flush=True)
        ours, naive = results["our search"], results.get("icontains baseline")
        for category, (first, last) in CATEGORIES.items():
            part = ours[first:last]
            print(
                f"  our search, {category:>11}: p50 {percentile(part, 0.5):6.1f} ms"
                f"  p95 {percentile(part, 0.95):6.1f} ms"
            )
        rest = [t for i, t in enumerate(ours) if not CATEGORIES["typos"][0] <= i < CATEGORIES["typos"][1]]
        print(f"  our search, all but typos: p50 {percentile(rest, 0.5):6.1f} ms  p95 {percentile(rest, 0.95):6.1f} ms")
        for category, (first, _last) in CATEGORIES.items():
            used, without = indexes_used(our_results_page, queries[first])
            print(
                f"  indexes used, {category:>11} ({queries[first]!r}): {', '.join(sorted(used)) or 'none'}"
                + (f"; {without} statement(s) used none" if without else "")
            )
        slowest = sorted(zip(ours, queries, strict=True), reverse=True)[:8]
        print("slowest of ours: " + ", ".join(f"{q!r} {t:.0f} ms" for t, q in slowest))
        if naive is None:
            return
        print(
            f"{'baseline / ours':>20}: p50 {percentile(naive, 0.5) / percentile(ours, 0.5):8.1f} x  "
            f"p95 {percentile(naive, 0.95) / percentile(ours, 0.95):8.1f} x"
        )
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()  # this process's own connection to the database dropped
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
