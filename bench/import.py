# ruff: noqa: S311 (synthetic data, no cryptography)
"""Import benchmark: texts per second of the source-text importer, new and unchanged, on SQLite and PostgreSQL.

Run by hand from the project folder (PostgreSQL must be reachable for it; see docs/benchmarks.md):

    .venv/bin/python -u bench/import.py                             # 1,000 texts, both engines, 3 rounds
    .venv/bin/python -u bench/import.py --engine sqlite --profile   # and where the time goes

It writes N synthetic source texts (--texts, default 1,000) shaped like those of fixtures/source/ into a
temporary folder: 1.5 to 3 KB each, a breadcrumb with a unique title, the question, usually a short answer,
two to four sections with headings and numbered lists (every list marker the parser reads, some items
labelled), sometimes a "Legal analysis:" part, and a legal basis quoting one to three articles (of the 98)
of the Social Insurance Law in the forms the parser reads (`Article 4 of the "…"`, a law name then
`Article 10 …`, an ordinal that continues the sequence, `《中华人民共和国社会保险法》第十条`, `第十二条 …`):
English quotes, each article always in the same words (each becomes a translation of the article, one per
text), or Chinese quotes of the official text (fixtures/laws/social-insurance-law.zh.md), which the import
compares with the text it holds. It parses every text once to check it reads as intended.

Then, --rounds times (default 3; the engines take turns), it runs a child process of itself per engine on
a fresh database (SQLite: a file in the temporary folder; PostgreSQL: the database named by --database-url,
default postgres://postgres@127.0.0.1:5432/sscard_bench_import, created and dropped), which migrates it,
loads the official law texts (fixtures/laws/, as `manage.py import_law_text` does) and times
`import_paths([folder])` in-process (Django start-up excluded) twice: into the empty database ("new": every
text created, every English quote recorded as a translation) and again ("unchanged"). The counts of the
reports and of the rows are checked, so a broken import cannot look fast: the run exits non-zero if an
import fails or a count is wrong. The table gives the median of the rounds against the targets at 1,000
texts (SQLite ≥ 500 new and ≥ 2,000 unchanged texts/s, PostgreSQL ≥ 300 and ≥ 1,500); a missed target is
printed, not an error. Compare runs by the machine check, as with bench/search.py.

--profile adds one run per engine under cProfile: the top 25 functions of the new import by cumulative
time and, for both imports, where the time goes (parsing, Markdown, search documents, SQL, …). DEBUG stays
off, as in production: with DEBUG on, Django logs every query and on SQLite quotes each query's
parameters with one more query.
"""

import argparse
import cProfile
import json
import os
import pstats
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/: its http.py would hide the standard library's http

from bench.common import drop_database, machine_check, recreate_database  # noqa: E402

LAW_TEXTS = ROOT / "fixtures" / "laws"
LAW_TEXT = LAW_TEXTS / "social-insurance-law.zh.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sscard_bench_import"
# engine: (new texts/s, unchanged texts/s), at 1,000 texts
TARGETS = {"sqlite": (500, 2000), "postgresql": (300, 1500)}
TARGET_TEXTS = 1000

# ---------------------------------------------------------------- the law articles quoted

# Each article is quoted in one English wording only. Articles 4, 5 and 10 as the fixtures quote them (article 4
# as in 000_…); the others are made of these sentences.
REAL_WORDING = {
    4: (
        "Employers and individuals in People's Republic of China (PRC) pay social insurance premiums according "
        "to law, and have the right to inquire about payment records and personal rights records, and require "
        "social insurance agencies to provide social insurance consultation and other related services.",
        "Individuals enjoy social insurance benefits according to law and have the right to supervise the "
        "payment of their own units.",
    ),
    5: (
        "People's governments at or above the county level shall incorporate social insurance into the national "
        "economic and social development plan.",
        "The state raises social insurance funds through multiple channels. People's governments at or above the "
        "county level shall give necessary financial support to social insurance.",
        "The state supports social insurance through preferential tax policies.",
    ),
    10: (
        "Employees shall participate in the basic old-age insurance, and the employer and employees shall "
        "jointly pay the basic old-age insurance premium.",
        "Individual industrial and commercial households without employees, part-time employees who have not "
        "participated in the basic old-age insurance in the employer and other flexible employees can "
        "participate in the basic old-age insurance, and individuals pay the basic old-age insurance premium.",
        "The measures for the endowment insurance of civil servants and staff managed by reference to the Civil "
        "Service Law shall be formulated by the State Council.",
    ),
}
LEGAL_SENTENCES = [
    "Employers shall pay social insurance premiums for their employees in full and on time according to law.",
    "Employees shall participate in the basic medical insurance, and the employer and employees shall jointly "
    "pay the premiums as prescribed by the state.",
    "The social insurance agency shall establish a social insurance record for each insured person and keep it "
    "completely and accurately.",
    "Individuals may inquire about their payment records and personal rights and interests records free of charge.",
    "The social security card is issued to insured persons under the unified standards of the state.",
    "The administrative department of social insurance of the State Council is in charge of the social "
    "insurance administration nationwide.",
    "Social insurance funds are used exclusively for their designated purposes and may not be embezzled or "
    "misappropriated by any organisation or individual.",
    "Where an employer fails to pay premiums in full and on time, the collection agency shall order it to pay "
    "or make up the difference within a time limit.",
    "Insured persons who move across regions keep their basic pension insurance relationship, and their "
    "contribution years are counted cumulatively.",
    "Medical expenses that conform to the catalogue of basic medical insurance drugs are paid from the basic "
    "medical insurance fund.",
    "Employees who suffer work-related injuries enjoy work-related injury insurance benefits.",
    "Unemployed persons who meet the conditions may receive unemployment insurance benefits from the "
    "unemployment insurance fund.",
    "The state establishes a unified national social insurance information system.",
    "Social insurance agencies shall provide consultation and other related services to employers and "
    "individuals in a timely manner.",
    "Trade unions protect the lawful rights and interests of employees and have the right to participate in "
    "the supervision of social insurance.",
    "Foreigners employed within the territory of China shall participate in social insurance by reference to this Law.",
]
# Articles quoted in Chinese, always in the Chinese forms and in the words of the official text.
CJK_ARTICLES = (2, 8, 12, 16, 23, 29, 35, 44, 58, 60, 63, 72, 86)
ARTICLE_COUNT = 98  # of the Social Insurance Law (fixtures/laws/social-insurance-law.zh.md)
# Names of the law that resolve to it (its title, short title and aliases in fixtures/laws/).
EN_LAW_NAMES = [
    "Social Insurance Law of the People's Republic of China",
    "People's Republic of China (PRC) Social Insurance Law",
    "PRC Social Insurance Law",
    "Social Insurance Law of the PRC",
    "Social Insurance Law of China",
    "Social Insurance Law",
]
CJK_LAW_NAMES = ["中华人民共和国社会保险法", "社会保险法"]


def official_text():
    """{number: paragraphs} of the law's official text (a paragraph's items on further lines)."""
    from legal_refs.lawtext.parser import parse_law_text

    law = parse_law_text(LAW_TEXT.read_text(encoding="utf-8"), LAW_TEXT.name)
    return {article.number: article.paragraphs for article in law.articles}


def article_wordings(seed):
    """{number: paragraphs} for every article of the law, the same for every text of a run."""
    rng = random.Random(f"wording-{seed}")
    official = official_text()
    if sorted(official) != list(range(1, ARTICLE_COUNT + 1)):
        raise SystemExit(f"{LAW_TEXT.name}: articles {min(official)} to {max(official)}, not 1 to {ARTICLE_COUNT}")
    wordings = {}
    for number in range(1, ARTICLE_COUNT + 1):
        if number in REAL_WORDING:
            wordings[number] = REAL_WORDING[number]
        elif number in CJK_ARTICLES:
            wordings[number] = official[number]
        else:
            wordings[number] = tuple(
                " ".join(rng.sample(LEGAL_SENTENCES, rng.randint(1, 2))) for _ in range(rng.randint(1, 3))
            )
    return wordings


_UNIT_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth".split()
_TEEN_ORDINALS = "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def ordinal_words(number):
    """English ordinal of 1 to 99: "Fifth", "Twelfth", "Fortieth", "Fifty-eighth"."""
    tens, unit = divmod(number, 10)
    if number < 10:
        words = _UNIT_ORDINALS[number - 1]
    elif number < 20:
        words = _TEEN_ORDINALS.split()[number - 10]
    elif unit == 0:
        words = _TENS[tens - 2][:-1] + "ieth"
    else:
        words = f"{_TENS[tens - 2]}-{_UNIT_ORDINALS[unit - 1]}"
    return words.capitalize()


def chinese_number(number):
    """Chinese numerals of 1 to 99: 五, 十, 十二, 二十, 五十八."""
    digits = "零一二三四五六七八九"
    tens, unit = divmod(number, 10)
    if tens == 0:
        return digits[unit]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[unit] if unit else "")


# ---------------------------------------------------------------- the answers

SITES = ["Job Recruitment Website", "Legal Consultation Network", "Social Security Service Hall", "HR Forum"]
TOPICS = [
    "Social security inquiry",
    "Social security card",
    "Pension insurance",
    "Medical insurance",
    "Card replacement",
    "Work-related injury insurance",
    "Unemployment insurance",
    "Maternity insurance",
]
PLACES = (
    "Beijing Shanghai Guangzhou Shenzhen Hangzhou Nanjing Wuhan Chengdu Chongqing Xi'an Tianjin Suzhou Qingdao "
    "Dalian Xiamen Fuzhou Changsha Zhengzhou Jinan Hefei Kunming Nanning Harbin Shenyang Changchun Shijiazhuang "
    "Taiyuan Hohhot Lanzhou Xining Yinchuan Urumqi Lhasa Guiyang Haikou Nanchang Ningbo Wenzhou Foshan Dongguan"
).split()
WHO = [
    "a retired worker",
    "a migrant worker",
    "a student",
    "a flexible employee",
    "an employee",
    "a self-employed person",
    "a new parent",
    "an elderly person",
]
CARDS = [
    "social security card",
    "third generation social security card",
    "electronic social security card",
    "second generation card",
    "medical insurance card",
]
BANKS = [
    "Postal Savings Bank",
    "Agricultural Bank of China",
    "Industrial and Commercial Bank of China",
    "China Construction Bank",
    "Bank of China",
    "rural credit cooperative",
]
QUESTIONS = [
    "Can {who} upgrade the {card} halfway in {place}?",
    "Where can {who} replace a lost {card} in {place}?",
    "How long does it take {who} to get a new {card} in {place}?",
    "Can {who} use the {card} in {place} after moving from another city?",
    "Does {who} need to pay a fee to replace the {card} in {place}?",
    "How does {who} activate the financial account of the {card} in {place}?",
    "What materials does {who} need to apply for the {card} in {place}?",
    "Can {who} withdraw the balance of the {card} in {place}?",
    "Is the {card} still valid after {who} changes jobs in {place}?",
    "How can {who} check the payment records on the {card} in {place}?",
    "Can {who} apply for the {card} on behalf of a family member in {place}?",
    "What should {who} do if the {card} is frozen in {place}?",
    "Can {who} change the issuing bank of the {card} in {place}?",
    "How does {who} reset the password of the {card} in {place}?",
    "Can {who} use the {card} for medical treatment outside {place}?",
    "Why has {who} not received the {card} applied for in {place}?",
]
SENTENCES = [
    "Bring your original identity card and the old card to the service hall of the {place} social insurance agency.",
    "The {bank} handles the replacement at its branches, and the new card is usually ready within {days} working days.",
    "You can also apply online on the official website of the local human resources and social security bureau.",
    "After the application is accepted, the bank makes the new card and mails it to the cardholder or keeps it at "
    "the branch.",
    "If the old card still has a balance, the bank transfers it to the new card and cancels the old financial account.",
    "The electronic social security card is generated at the same time and can be used in the mobile app.",
    "A card that has been reported lost cannot be used for medical settlement until the new card is activated.",
    "The fee for a replacement is about {fee} yuan in {place}, and the first card is free of charge.",
    "Cardholders over seventy may ask a relative to handle it with a power of attorney and both identity cards.",
    "The payment records of the past years stay on the personal account and are not affected by the new card.",
    "Some districts of {place} offer self-service terminals where the card is printed on the spot.",
    "The social security hotline 12333 answers questions about the progress of an application.",
    "An employer can apply for its employees in batches, and the cards are then collected by the employer.",
    "Students apply through their school, which passes the photographs and forms to the agency.",
    "The card must be activated at a bank counter or a terminal before its financial functions can be used.",
    "When the card is frozen, the cardholder has to unfreeze it at the issuing bank with the identity card.",
    "Moving to another city does not cancel the card, but the medical insurance relationship has to be transferred.",
    "The processing time in {place} is {days} working days, a little longer in the busy months at the start of "
    "the year.",
    "Medical expenses paid with the card are settled directly, and only the part paid by the individual is charged.",
    "The password can be reset at the issuing bank, and the first password is usually the last six digits of the card.",
]
HEADINGS = {
    "methods": [
        "The methods to {verb} the {card} are as follows",
        "Methods of handling it in {place}",
        "Application methods",
    ],
    "precautions": [
        "Matters needing attention in {verbing} the {card}",
        "Precautions",
        "Notes for cardholders in {place}",
    ],
    "conditions": ["Conditions for applying in {place}", "The conditions to be met are as follows"],
    "general": [
        "Materials to prepare",
        "Where to handle it in {place}",
        "Processing time and fees",
        "What happens next",
    ],
}
VERBS = [("upgrade", "upgrading"), ("replace", "replacing"), ("apply for", "applying for"), ("activate", "activating")]
LABELS = [
    "Materials",
    "Online upgrade",
    "Offline upgrade",
    "Where to apply",
    "Processing time",
    "Fee",
    "Time limit",
    "Bank outlet",
    "Mail delivery",
    "Self-service terminal",
    "Mobile app",
]
ANALYSIS = [
    "Yes, but it depends on the rules of the city where the card was issued.",
    "The social security card is both a certificate of social insurance and a bank card.",
    "Card issuing areas should establish standardized human resources and social security business processes.",
    "The issuing bank and the social insurance agency share the work, so either can answer most questions.",
    "Whether the card is upgraded or replaced, the personal rights and interests records stay the same.",
    "The law gives insured persons the right to inquire about their records and to ask for related services.",
]
NUMBER_WORDS = "one two three four five six seven eight nine ten".split()
ROMAN = "i ii iii iv v vi vii viii ix x".split()
LIST_MARKERS = {  # style: marker of item i (from 1)
    "1. x": lambda i: f"{i}. ",
    "1.x": lambda i: f"{i}.",
    "1．": lambda i: f"{i}．",
    "1、": lambda i: f"{i}、",
    "(1)": lambda i: f"({i}) ",
    "(a)": lambda i: f"({chr(96 + i)}) ",
    "(ii)": lambda i: f"({ROMAN[i - 1]}) ",
    "(two)": lambda i: f"({NUMBER_WORDS[i - 1]}) ",
    "（二）": lambda i: f"（{chinese_number(i)}）",
    "mixed": lambda i: (f"({chr(96 + i)}) ", f"({NUMBER_WORDS[i - 1]}) ", f"({i}) ")[i % 3],
}
LIST_STYLE_WEIGHTS = [6, 1, 1, 2, 3, 2, 1, 1, 1, 2]


class Writer:
    """One synthetic source text; `counts` notes which forms it used (for the coverage line)."""

    def __init__(self, rng, wordings, counts):
        self.rng, self.wordings, self.counts = rng, wordings, counts
        self.place, self.card = rng.choice(PLACES), rng.choice(CARDS)  # one of each per text

    def fill(self, template, **slots):
        rng = self.rng
        verb, verbing = rng.choice(VERBS)
        values = {
            "place": self.place,
            "card": self.card,
            "bank": rng.choice(BANKS),
            "days": rng.choice([5, 7, 10, 15, 20, 30]),
            "fee": rng.choice([10, 15, 20, 25]),
            "verb": verb,
            "verbing": verbing,
        }
        return template.format(**(values | slots))

    def sentences(self, count):
        return " ".join(self.fill(s) for s in self.rng.sample(SENTENCES, count))

    def ordered_list(self, count):
        rng = self.rng
        style = rng.choices(list(LIST_MARKERS), LIST_STYLE_WEIGHTS)[0]
        self.counts[f"list {style}"] += 1
        tight = rng.random() < 0.3  # items on consecutive lines, as a list marker starts a new block
        items = []
        for i in range(1, count + 1):
            text = self.sentences(rng.randint(1, 2))
            if rng.random() < 0.35:
                text = f"{rng.choice(LABELS)}: {text}"
                self.counts["labelled items"] += 1
            if rng.random() < 0.15:  # an item wrapped over two lines
                words = text.split(" ")
                cut = len(words) // 2
                text = " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
            items.append(LIST_MARKERS[style](i) + (text[:-1] + ";" if i < count and rng.random() < 0.5 else text))
        return ("\n" if tight else "\n\n").join(items)

    def section(self, kind):
        rng = self.rng
        parts = [self.fill(rng.choice(HEADINGS[kind])) + (":" if rng.random() < 0.9 else "：")]
        if rng.random() < 0.4:
            parts.append(self.sentences(1))
        parts.append(self.ordered_list(rng.randint(2, 4)))
        if rng.random() < 0.15:
            parts.append(self.sentences(1))
        return "\n\n".join(parts)

    def analysis(self):
        rng = self.rng
        parts = ["Legal analysis: " + " ".join(rng.sample(ANALYSIS, rng.randint(2, 3)))]
        if rng.random() < 0.5:
            parts.append(self.ordered_list(rng.randint(2, 5)))
        return "\n\n".join(parts)

    def articles(self):
        """1-3 distinct article numbers of one language; sometimes two in a row (an ordinal can name the second)."""
        rng = self.rng
        if rng.random() < 0.15:
            return "cjk", sorted(rng.sample(CJK_ARTICLES, rng.randint(1, 3)))
        english = [n for n in range(1, ARTICLE_COUNT + 1) if n not in CJK_ARTICLES]
        count = rng.randint(1, 3)
        if count > 1 and rng.random() < 0.4:
            first = rng.choice([n for n in english if n + 1 in english])
            numbers = {first, first + 1}
        else:
            numbers = set()
        while len(numbers) < count:
            numbers.add(rng.choice([4, 5, 10, *english]))  # the real ones more often
        return "en", sorted(numbers)

    def legal_basis(self, language, numbers):
        rng, wordings = self.rng, self.wordings
        blocks = []
        if language == "cjk":
            law = rng.choice(CJK_LAW_NAMES)
            label = rng.choice(["法律依据：", "Legal basis: "])
            if rng.random() < 0.5:  # 法律依据：《…》第N条, the text on the lines after
                blocks.append(f"{label}《{law}》第{chinese_number(numbers[0])}条")
                blocks += wordings[numbers[0]]
                numbers = numbers[1:]
                self.counts["basis 《law》第N条"] += 1
            else:
                blocks.append(f"{label}《{law}》")
                self.counts["basis 《law》"] += 1
            for number in numbers:
                written = chinese_number(number) if rng.random() < 0.7 else str(number)
                blocks.append(f"第{written}条 {wordings[number][0]}")
                blocks += wordings[number][1:]
            return blocks
        law = rng.choice(EN_LAW_NAMES)
        if rng.random() < 0.5:  # Legal basis: Article 4 of [the] "…"., the text on the lines after
            law = rng.choice([law, f'"{law}"', f"“{law}”", f"the {law}", f'the "{law}"'])
            blocks.append(f"Legal basis: Article {numbers[0]} of {law}{rng.choice(['.', ''])}")
            blocks += wordings[numbers[0]]
            previous, numbers = numbers[0], numbers[1:]
            self.counts["basis Article N of law"] += 1
        else:
            blocks.append(f"Legal basis: {rng.choice([law, f'"{law}"', f'《{law}》'])}{rng.choice(['.', ''])}")
            previous = None
            self.counts["basis law"] += 1
        for number in numbers:
            first, rest = wordings[number][0], list(wordings[number][1:])
            roll = rng.random()
            if number - 1 == previous and roll < 0.7:  # "Fifth people's governments …" continues Article 4
                blocks.append(f"{ordinal_words(number)} {first[0].lower()}{first[1:]}")
                self.counts["ordinal article"] += 1
            elif roll < 0.5:
                blocks.append(f"Article {number}{rng.choice([' ', ': ', '. '])}{first}")
            else:
                blocks += [f"Article {number}", first]
            blocks += rest
            previous = number
        return blocks

    def text(self):
        """(text, title, topic, kinds of its sections, article numbers, language of the quotes) of a new source."""
        rng = self.rng
        question = self.fill(rng.choice(QUESTIONS), who=rng.choice(WHO))
        blocks = [question]
        if rng.random() < 0.85:
            blocks.append(self.sentences(rng.randint(1, 2)))
        kinds = rng.choices(list(HEADINGS), k=rng.randint(2, 4))
        sections = [self.section(kind) for kind in kinds]
        if rng.random() < 0.3:
            sections.insert(rng.choice([0, len(sections)]), self.analysis())
            kinds.append("analysis")
            self.counts["legal analysis"] += 1
        blocks += sections
        language, numbers = self.articles()
        blocks += self.legal_basis(language, numbers)
        topic = rng.choice(TOPICS)
        breadcrumb = f"{rng.choice(SITES)} - {topic} - {question}"
        return "\n\n".join([breadcrumb, *blocks]) + "\n", question, topic, sorted(kinds), numbers, language


def generate(folder, count, seed):
    """Write `count` source texts of 1.5 to 3 KB into `folder`; return what they hold."""
    rng = random.Random(seed)
    wordings = article_wordings(seed)
    counts = Counter()
    titles, expected = set(), []
    while len(expected) < count:
        attempt = Counter()
        text, title, topic, kinds, numbers, language = Writer(rng, wordings, attempt).text()
        if rng.random() < 0.05:  # Windows line ends and a byte-order mark, which decoding removes
            text = "\ufeff" + text.replace("\n", "\r\n")
            attempt["CRLF and BOM"] += 1
        data = text.encode()
        if title in titles or not 1500 <= len(data) <= 3000:
            continue
        titles.add(title)
        counts += attempt
        name = f"{len(expected):05d}_{rng.getrandbits(64):016x}.txt"
        (folder / name).write_bytes(data)
        expected.append(
            {
                "name": name,
                "title": title,
                "topic": topic,
                "kinds": kinds,
                "articles": numbers,
                "language": language,
                "bytes": len(data),
            }
        )
    return expected, wordings, counts


def check_parsed(folder, expected, wordings):
    """Parse every text as the importer will and compare with what was written; return problems."""
    from articles.importer.parser import decode_source, parse_source

    problems = []
    for item in expected:
        path = folder / item["name"]
        source = parse_source(decode_source(path.read_bytes(), str(path)), str(path))
        quoted = {article.number: article.paragraphs for article in source.quoted}
        wanted = wordings
        if item["language"] == "cjk":  # official paragraphs' items start paragraphs of their own: compare the text
            quoted = {number: "".join("".join(paragraphs).split()) for number, paragraphs in quoted.items()}
            wanted = {number: "".join("".join(wordings[number]).split()) for number in quoted}
        if source.title != item["title"]:
            problems.append(f"{path.name}: title {source.title!r}")
        if sorted(section.kind for section in source.sections) != item["kinds"]:
            problems.append(f"{path.name}: sections {[s.kind for s in source.sections]} instead of {item['kinds']}")
        if sorted(quoted) != item["articles"] or any(quoted[n] != wanted[n] for n in quoted):
            problems.append(f"{path.name}: articles {sorted(quoted)} instead of {item['articles']}, or other wording")
        if len({article.law_name for article in source.quoted}) != 1:
            problems.append(f"{path.name}: more than one law name")
    return problems


# ---------------------------------------------------------------- the child: one engine, one database


def fail(message):
    print(f"FAILED: {message}", flush=True)
    raise SystemExit(1)


def check_report(phase, report, **wanted):
    """Each list of the report has the length wanted (those not named: empty)."""
    fields = ["created", "updated", "unchanged", "skipped", "topics_created"]
    fields += ["translations_recorded", "translations_updated", "warnings"]
    lengths = {name: len(getattr(report, name)) for name in fields}
    wrong = [
        f"{name} {lengths[name]} (not {wanted.get(name, 0)})" for name in fields if lengths[name] != wanted.get(name, 0)
    ]
    if wrong:
        details = [str(warning) for warning in report.warnings[:3]]
        fail(f"{phase} import: " + ", ".join(wrong) + (f" ({'; '.join(details)})" if details else ""))


def english_quotes(expected):
    """How many translations the texts give: one per text and article it quotes in English."""
    return sum(len(item["articles"]) for item in expected if item["language"] == "en")


def law_rows():
    """The rows of the law corpus, which an import of source texts must leave as they are."""
    from legal_refs.models import Law, Provision, ProvisionVersion

    return Law.objects.count(), Provision.objects.count(), ProvisionVersion.objects.count()


def check_rows(expected, laws):
    from articles.models import Answer, Citation, SearchWord, Section, Topic
    from legal_refs.models import Translation

    counts = {
        "answers": (Answer.objects.count(), len(expected)),
        "sections": (Section.objects.count(), sum(len(item["kinds"]) for item in expected)),
        "citations": (Citation.objects.count(), sum(len(item["articles"]) for item in expected)),
        "laws, law articles and versions": (law_rows(), laws),
        "translations": (Translation.objects.count(), english_quotes(expected)),
        "answers without cited articles in their search document": (
            Answer.objects.filter(search_citations="").count(),
            0,
        ),
        "sections without HTML": (Section.objects.filter(body_html="").count(), 0),
    }
    wrong = [f"{what} {got} (not {want})" for what, (got, want) in counts.items() if got != want]
    if not Topic.objects.exists() or not SearchWord.objects.exists():
        wrong.append("no topics or no spelling vocabulary")
    if wrong:
        fail("rows after the import: " + ", ".join(wrong))


def timed_import(folder, profiler=None):
    """(wall seconds, this process's CPU seconds, report, queries) of one `import_paths([folder])`."""
    from django.db import connection

    from articles.importer.loader import ImportFailed, import_paths

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            if profiler:
                report = profiler.runcall(import_paths, [folder])
            else:
                report = import_paths([folder])
        except ImportFailed as failure:
            fail(
                f"the import was refused ({len(failure.errors)} problems):\n" + "\n".join(map(str, failure.errors[:10]))
            )
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return seconds, cpu, report, queries


def warm_up():
    """Lazy imports and first uses that a real run pays once at start-up: Markdown, the sanitiser, a query."""
    from articles.importer.parser import parse_source
    from articles.markdown import render_markdown
    from legal_refs.models import Law

    render_markdown("1. **Label:** warm up")
    parse_source("Site - Topic - Title\n\nQuestion?\n\nAnswer.")
    Law.objects.resolve("Social Insurance Law")


def breakdown():
    """(label, function or functions, caller or None): what an import's time is spent on, by cumulative time."""
    from django.db.backends.utils import CursorWrapper
    from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler, SQLUpdateCompiler

    from articles import search_document, services
    from articles.importer import loader, parser
    from articles.markdown import render
    from articles.models import Answer, SearchWord, content_fingerprint, unique_slug

    load = loader._Loader.load
    # A manager's methods share one code object (manager_method), told apart by their caller only.
    return [
        ("read and parse the files (read_sources)", loader.read_sources, None),
        ("  parse_source", parser.parse_source, None),
        ("read what is stored (_Loader.preload)", loader._Loader.preload, None),
        ("load (_Loader.load)", load, None),
        ("  quotes: translations, official text (_Loader.quote)", loader._Loader.quote, None),
        ("  topics (_Loader.topic)", loader._Loader.topic, load),
        ("  content_fingerprint", content_fingerprint, None),
        ("  unique_slug", unique_slug, None),
        ("save the answers (services.save_answers)", services.save_answers, None),
        ("  render the sections (markdown.render)", render, None),
        ("  citations cited in the text", services._text_citations, None),
        ("  search columns (search_columns)", search_document.search_columns, None),
        ("  inserts: answers, sections, citations", Answer.objects.bulk_create, services._save_replacing),
        ("  SearchWord bulk_create", SearchWord.objects.bulk_create, search_document.add_to_vocabulary),
        (
            "all SQL: compiling it (as_sql)",
            [SQLCompiler.as_sql, SQLInsertCompiler.as_sql, SQLUpdateCompiler.as_sql],
            None,
        ),
        ("all SQL: in the database (_execute)", [CursorWrapper._execute, CursorWrapper._executemany], None),
    ]


def _key(function):
    code = getattr(function, "__func__", function).__code__
    return code.co_filename, code.co_firstlineno, code.co_name


def print_breakdown(stats, total, phase):
    print(f"Where the {phase} import's time goes (cumulative; nested lines are part of the line above):")
    for label, functions, caller in breakdown():
        seconds = calls = 0
        for function in functions if isinstance(functions, list) else [functions]:
            _cc, ncalls, _tt, cumulative, callers = stats.stats.get(_key(function), (0, 0, 0, 0, {}))
            if caller is not None:
                _cc, ncalls, _tt, cumulative = callers.get(_key(caller), (0, 0, 0, 0))
            seconds, calls = seconds + cumulative, calls + ncalls
        if calls:  # left out when this import does not call it (an unchanged answer is not written)
            print(f"  {label:<46} {seconds:6.2f} s {seconds / total:6.1%} {calls:>7,} calls", flush=True)


def profiled(phase, folder):
    """Run one import under cProfile; print the top 25 (the new import) and the breakdown."""
    profiler = cProfile.Profile()
    seconds, cpu, report, queries = timed_import(folder, profiler)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    if phase == "new":
        print("\nTop 25 by cumulative time, new import under cProfile:", flush=True)
        stats.sort_stats("cumulative").print_stats(25)
    print_breakdown(stats, seconds, phase)
    return seconds, cpu, report, queries


def child(args):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    folder = Path(args.folder)
    expected = json.loads((folder / "expected.json").read_text())
    texts = len(expected)
    from legal_refs.lawtext.loader import import_law_paths

    call_command("migrate", verbosity=0)
    import_law_paths([LAW_TEXTS])
    laws = law_rows()
    warm_up()
    result = {"engine": connection.vendor, "machine_check": machine_check(), "texts": texts}
    for phase in ["new", "unchanged"]:
        if args.profile:
            seconds, cpu, report, queries = profiled(phase, folder / "texts")
        else:
            seconds, cpu, report, queries = timed_import(folder / "texts")
        if phase == "new":
            topics = len({item["topic"] for item in expected})
            translations = english_quotes(expected)
            check_report(phase, report, created=texts, topics_created=topics, translations_recorded=translations)
        else:
            check_report(phase, report, unchanged=texts)
            if report.changed:
                fail("unchanged import: the report says something changed")
        check_rows(expected, laws)
        result |= {f"{phase}_seconds": seconds, f"{phase}_queries": queries}
        print(
            f"  {phase + ':':<10} {texts:,} texts in {seconds:6.2f} s (CPU of this process {cpu:6.2f} s)"
            f" {texts / seconds:7.0f} texts/s {queries / texts:5.1f} queries/text"
            + (" (under cProfile)" if args.profile else ""),
            flush=True,
        )
    return result


# ---------------------------------------------------------------- the parent


def run_child(args, engine, workdir, label, *, profile=False):
    """Run one engine in a child process on a fresh database; its result, or None when it failed."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "sscard_kb.settings", "DEBUG": "false"}
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # DEBUG stays off, as in production
    if engine == "sqlite":  # the settings' own way to name another SQLite file
        database = workdir / "bench.sqlite3"
        database.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{database}"
        where = str(database)
    else:
        recreate_database(args.database_url)
        env["DATABASE_URL"] = args.database_url
        where = urlsplit(args.database_url).path.lstrip("/")
    print(f"\n{label}: fresh database {where}", flush=True)
    result_file = workdir / "result.json"
    result_file.unlink(missing_ok=True)
    command = [sys.executable, __file__, "--child", "--folder", str(workdir), "--result", str(result_file)]
    try:
        returncode = subprocess.run(command + ["--profile"] * profile, env=env, check=False).returncode  # noqa: S603
    finally:
        if engine == "postgresql" and not args.keep:
            drop_database(args.database_url)
    if returncode != 0 or not result_file.exists():
        print(f"{label}: FAILED (exit status {returncode})", flush=True)
        return None
    return json.loads(result_file.read_text())


def verdict(rate, target):
    return "met" if rate >= target else "MISSED"


def print_table(results, texts, rounds):
    """The median of the rounds of each engine; a failed round makes the engine's row "failed"."""
    print(f"\nImport of {texts:,} synthetic source texts, Django start-up excluded; the median of {rounds} round(s)")
    header = f"{'engine':<10} | {'new texts/s':>11} | {'unchanged texts/s':>17} | {'machine check':>13} | targets"
    print(header)
    print("-" * (len(header) + 60))
    for engine, runs in results.items():
        new_target, unchanged_target = TARGETS[engine]
        targets = f"≥ {new_target:,} new/s, ≥ {unchanged_target:,} unchanged/s"
        if not runs or None in runs:
            print(f"{engine:<10} | {'failed':>11} | {'failed':>17} | {'':>13} | {targets}")
            continue
        new = statistics.median(run["texts"] / run["new_seconds"] for run in runs)
        unchanged = statistics.median(run["texts"] / run["unchanged_seconds"] for run in runs)
        check = statistics.median(run["machine_check"] for run in runs)
        print(
            f"{engine:<10} | {new:>11,.0f} | {unchanged:>17,.0f} | {check:>10.0f} ms | {targets}: "
            f"new {verdict(new, new_target)}, unchanged {verdict(unchanged, unchanged_target)}"
        )
    if texts != TARGET_TEXTS:
        print(f"(the targets are for {TARGET_TEXTS:,} texts; this run imported {texts:,})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=TARGET_TEXTS, help="how many source texts (default 1,000)")
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="the PostgreSQL database to (re)create")
    parser.add_argument("--rounds", type=int, default=3, help="fresh-database runs per engine (the median counts)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="then one more run per engine under cProfile")
    parser.add_argument("--keep", action="store_true", help="keep the texts, the SQLite file and the database")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        result = child(args)
        Path(args.result).write_text(json.dumps(result))
        return

    if args.texts < 1 or args.rounds < 1:
        parser.error("--texts and --rounds must be at least 1")
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="sscard-bench-import-"))
    try:
        (workdir / "texts").mkdir()
        expected, wordings, counts = generate(workdir / "texts", args.texts, args.seed)
        (workdir / "expected.json").write_text(json.dumps(expected))
        sizes = [item["bytes"] for item in expected]
        print(
            f"{len(expected):,} source texts in {workdir / 'texts'}: {min(sizes):,} to {max(sizes):,} bytes, "
            f"median {statistics.median(sizes):,.0f}; {len({n for i in expected for n in i['articles']})} "
            "distinct law articles quoted",
            flush=True,
        )
        print("  forms used: " + ", ".join(f"{form} {n:,}" for form, n in sorted(counts.items())), flush=True)
        problems = check_parsed(workdir / "texts", expected, wordings)
        if problems:
            print("The generated texts do not parse as intended:\n" + "\n".join(problems[:10]))
            raise SystemExit(1)
        print(f"machine check: a fixed Python loop takes {machine_check():.0f} ms (compare runs by it)", flush=True)

        engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
        results = {engine: [] for engine in engines}
        for number in range(1, args.rounds + 1):  # the engines take turns, so a slow spell hits both
            for engine in engines:
                if None not in results[engine]:
                    label = f"{engine}, round {number} of {args.rounds}"
                    results[engine].append(run_child(args, engine, workdir, label))
        if args.profile:
            for engine in engines:
                run_child(args, engine, workdir, f"{engine}, under cProfile", profile=True)
        print_table(results, len(expected), args.rounds)
        print(f"wall time of the whole run: {time.perf_counter() - started:.1f} s")
        if any(None in runs for runs in results.values()):
            raise SystemExit(1)
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
