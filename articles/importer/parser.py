"""Parse a source text (the format: docs/source-format.md) into plain data.

Pure: text in, dataclasses out; no database, no files. `decode_source` turns
the bytes of a file into text, `parse_source` turns text into a `ParsedSource`.
Every problem raises `SourceError`, which names the file and the line.
"""

import re
from dataclasses import dataclass, field, replace

from textkit.controls import control_character_lines, normalize_newlines, strip_control_characters
from textkit.numerals import NUMERAL_CHARACTERS, chinese_number

METHODS, PRECAUTIONS, ANALYSIS, CONDITIONS, GENERAL = "methods", "precautions", "analysis", "conditions", "general"
ENGLISH, CHINESE = "en", "zh-hans"  # the languages a quote can be in

MAX_LAW_NAME_LENGTH = 300
MAX_QUESTION_LENGTH = 500
MAX_SITE_LENGTH = MAX_SECTION_LENGTH = 200
MAX_TITLE_LENGTH = 500
MAX_ARTICLE = 9999  # the highest article number read (Chinese numerals go as far)


class SourceError(ValueError):
    def __init__(self, source, line, message):
        self.source, self.line, self.message = source, line, message
        location = f"{source}, line {line}" if line else source
        super().__init__(f"{location}: {message}")


# ---------------------------------------------------------------- plain data


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int


@dataclass(frozen=True)
class ListItem:
    text: str
    line: int
    label: str = ""
    sublist: "OrderedList | None" = None  # the items under it (a Chinese text's nested markers)
    colon: str = ":"  # after the label, as written: ":" or the full-width "："


@dataclass(frozen=True)
class OrderedList:
    items: tuple[ListItem, ...]
    line: int


@dataclass
class ParsedSection:
    kind: str
    heading: str
    line: int
    blocks: list = field(default_factory=list)
    written: str = field(default="", compare=False, repr=False)  # the paragraph that opened it, as written

    @property
    def markdown(self):
        return blocks_to_markdown(self.blocks)


@dataclass(frozen=True)
class QuotedProvision:
    """A law article named in the legal basis, with the text quoted for it (none after a bare Chinese marker)."""

    law_name: str
    number: int
    paragraphs: tuple[str, ...]
    line: int  # of the article's marker
    language: str = ENGLISH  # of the quoted text: ENGLISH (a translation) or CHINESE (the official language)
    law_line: int = 0  # of the paragraph that names the law


@dataclass
class ParsedSource:
    name: str
    line: int  # of the breadcrumb
    site: str
    section: str
    title: str
    question: str
    short_answer: str
    sections: list[ParsedSection]
    quoted: list[QuotedProvision]  # the law articles quoted in the legal basis
    stripped_lines: tuple[int, ...] = ()  # the lines control characters were removed from
    language: str = ENGLISH  # of the text: a Chinese text becomes a Chinese (zh-hans) answer


# ---------------------------------------------------------------- decoding and blocks


def decode_source(data, name):
    """The text of a file's bytes: UTF-8 (a byte-order mark is dropped), any line ends."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(name, line, f"not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded)") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError(name, line, "not a text file (it holds a NUL byte)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class _Block:
    text: str
    line: int


NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
_CJK_NUMBER = r"([0-9０-９]{1,4}|[" + NUMERAL_CHARACTERS + r"]{1,8})"
# A list item's marker; the group that matches names its kind (a Chinese text nests lists by kind). `\d` takes
# full-width digits too (１、, （１）).
LIST_MARKER = re.compile(
    r"^(?:(?P<digit>\d{1,3})(?:[.．](?:\s+|(?=[^\d\s]))|、\s*)"
    r"|(?P<cjk>[一二三四五六七八九十]{1,3})、\s*"
    r"|(?P<circled>[\u2460-\u2473])\s*"  # ① to ⑳
    r"|(?P<paren_digit_sign>[\u2474-\u2487])\s*"  # ⑴ to ⒇
    r"|[(（]\s*(?:(?P<paren_digit>\d{1,3})|(?P<paren_latin>[A-Za-z]|[ivx]{2,5}|"
    + "|".join(NUMBER_WORDS)
    + r")|(?P<paren_cjk>["
    + NUMERAL_CHARACTERS
    + r"]{1,4}))\s*[)）]\s*)",
    re.IGNORECASE,
)
# The kinds of marker that are one kind: (1), （1） and ⑴.
_MARKER_KINDS = {"paren_digit_sign": "paren_digit"}
# "Article 10 of this Law …" is a reference inside text, not the start of article 10.
ARTICLE_MARKER = re.compile(r"^Article\s+(\d{1,4})(?!\d|\.\d|\s+of\b)[\s:：.]*(.*)$", re.IGNORECASE | re.DOTALL)
CJK_ARTICLE_MARKER = re.compile(r"^第\s*" + _CJK_NUMBER + r"\s*条(?!规定)[\s:：]*(.*)$", re.DOTALL)
# 《中华人民共和国社会保险法》第五十八条 …: a Chinese article marker that names its law.
CJK_LAW_ARTICLE_MARKER = re.compile(r"^《([^《》]+)》\s*第\s*" + _CJK_NUMBER + r"\s*条(?!规定)[\s:：]*(.*)$", re.DOTALL)
LEGAL_BASIS = re.compile(r"^(?:Legal\s+basis\s*[:：]|法律依据\s*[:：])\s*(.*)$", re.IGNORECASE | re.DOTALL)
LEGAL_ANALYSIS = re.compile(r"^(?:Legal\s+analysis\s*[:：]|法律分析\s*[:：])\s*(.*)$", re.IGNORECASE | re.DOTALL)
# A Chinese heading word that gives a section's kind (`section_kind`), used as a label: `注意事项：补办新卡后原卡作废。`
# opens a precautions section whose first paragraph is the text after the colon, as `法律分析：` opens the analysis.
# Only these words, at the start of the paragraph: `补办方法：…`, `请注意：…` are no labels.
KIND_LABEL = re.compile(r"^(注意事项|注意|方法|须知|条件)\s*[:：]\s*(.*)$", re.DOTALL)
# A paragraph of the legal basis that is only a law's name in book-title marks: the articles after it are its.
LAW_NAME_LINE = re.compile(r"^《([^《》]+)》[\s.。:：]*$")
# A label starts with a letter and ends at a colon followed by a space ("9:00", "https://" are not labels), or at a
# full-width colon; a Chinese clause (with a full-width comma or 、) is no label.
ITEM_LABEL = re.compile(r"^([^\W\d_][^:：.。;；!?！？()（），、]{0,39}?)\s*(?::\s+|：\s*)(\S.*)$", re.DOTALL)
# The breadcrumb's separator: a hyphen (or a full-width one) with white space (full-width too) on both sides.
BREADCRUMB_SEPARATOR = re.compile(r"[ \t\u3000]+[-－][ \t\u3000]+")
ANALYSIS_HEADINGS = {ENGLISH: "Legal analysis", CHINESE: "法律分析"}
# Full-width digits, read as digits in article numbers.
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _starts_block(line):
    """A line that opens a new block even without a blank line before it: a list item, a label (`KIND_LABEL`
    too), a Chinese article marker or a line naming a law (Chinese text is seldom wrapped, and often has no blank
    lines)."""
    if LIST_MARKER.match(line):
        return True
    if line[0] in "Ll法":
        return bool(LEGAL_BASIS.match(line) or LEGAL_ANALYSIS.match(line))
    if line[0] in "注方须条":
        return bool(KIND_LABEL.match(line))
    if line[0] == "第":
        return bool(CJK_ARTICLE_MARKER.match(line))
    return line[0] == "《" and bool(CJK_LAW_ARTICLE_MARKER.match(line) or LAW_NAME_LINE.match(line))


def _join_lines(lines):
    text = ""
    for line in lines:
        if text and not (_is_cjk(text[-1]) and _is_cjk(line[0])):
            text += " "
        text += line
    return text


def _is_cjk(char):
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def split_blocks(text, offset=0):
    """Paragraphs (runs of non-blank lines) with the line each starts on.

    A line that starts a list item, an article or the legal basis starts a new
    block even without a blank line before it; the lines of a block are joined.
    """
    blocks, current, start = [], [], 0
    for number, raw in enumerate(text.split("\n"), start=offset + 1):
        line = raw.strip()
        if not line or (current and _starts_block(line)):
            if current:
                blocks.append(_Block(_join_lines(current), start))
            current = [line] if line else []
            start = number
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append(_Block(_join_lines(current), start))
    return blocks


# ---------------------------------------------------------------- numbers in words

_UNIT_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
}
_TEEN_ORDINALS = {
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_TENS_ORDINALS = {
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
}
_UNITS = {word: value for word, value in NUMBER_WORDS.items() if value < 10}


def ordinal_value(words):
    """The number an English ordinal names ("fifth", "twenty-first", "one hundred and tenth"), or None."""
    words = [word.lower() for word in words]
    total = 0
    if len(words) >= 2 and words[0] in _UNITS and words[1] in {"hundred", "hundredth"}:
        total = _UNITS[words[0]] * 100
        if words[1] == "hundredth":
            return total if len(words) == 2 else None
        words = words[2:]
        if words[:1] == ["and"]:
            words = words[1:]
    if len(words) == 2 and words[0] in _TENS and words[1] in _UNIT_ORDINALS:
        return total + _TENS[words[0]] + _UNIT_ORDINALS[words[1]]
    if len(words) == 1:
        for table in (_UNIT_ORDINALS, _TEEN_ORDINALS, _TENS_ORDINALS):
            if words[0] in table:
                return total + table[words[0]]
    return None


_WORD = re.compile(r"[A-Za-z]+")
_WORD_GAP = re.compile(r"[\s-]+")
_AFTER_ORDINAL = re.compile(r"[\s:：.]")
# The words an ordinal can open with: anything else is not one, whatever follows.
_FIRST_WORDS = {*_UNITS, *_UNIT_ORDINALS, *_TEEN_ORDINALS, *_TENS, *_TENS_ORDINALS}


def leading_ordinal(text):
    """(number, rest of text) when `text` opens with an English ordinal, else None."""
    first = _WORD.match(text)
    if first is None or first.group().lower() not in _FIRST_WORDS:
        return None
    words, position = [], 0
    for match in _WORD.finditer(text):
        gap = text[position : match.start()]
        if len(words) >= 6 or (words and not _WORD_GAP.fullmatch(gap)) or (not words and gap):
            break
        words.append((match.group(), match.end()))
        position = match.end()
    for count in range(len(words), 0, -1):
        value = ordinal_value([word for word, _ in words[:count]])
        if value is not None:
            rest = text[words[count - 1][1] :]
            if rest and not _AFTER_ORDINAL.match(rest):
                continue  # a longer word ("Firstly") or an enumeration ("Second, …")
            return value, rest.lstrip(" \t:：.")
    return None


# ---------------------------------------------------------------- the parser


def section_kind(heading):
    words = heading.lower()
    if re.search(r"\bmethods?\b", words) or "方法" in words:
        return METHODS
    if re.search(r"\b(attention|precautions?|notes?)\b", words) or "注意" in words or "须知" in words:
        return PRECAUTIONS
    if re.search(r"\bconditions?\b", words) or "条件" in words:
        return CONDITIONS
    return GENERAL


def _is_heading(text):
    """A paragraph ending with a colon that is one short sentence introduces a section."""
    if not text.endswith((":", "：")) or len(text) > 200:
        return False
    return not re.search(r"[.!?。！？]\s*\S", text[:-1])


def _capitalize(text):
    return text[:1].upper() + text[1:]


def _law_name(text):
    """The law name of a legal-basis line: up to the first sentence end, without quotes."""
    name = re.split(r"(?<=[.。])\s", text.strip(), maxsplit=1)[0]
    previous = None
    while name != previous:
        previous, name = name, name.strip().strip("《》\"“”'").rstrip(".。")
    return name


def parse_source(text, name="<text>"):
    """Parse the text of one source into a `ParsedSource`; raise `SourceError` when it is malformed.

    Control characters (C0 but tab and line ends) are not text: they are removed, and the lines they were on
    recorded (`ParsedSource.stripped_lines`)."""
    text = normalize_newlines(text.lstrip("\ufeff"))
    stripped = tuple(control_character_lines(text))
    if stripped:
        text = strip_control_characters(text)
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise SourceError(name, 0, "the file is empty")
    site, section, title = _breadcrumb(lines[first].strip(), first + 1, name)
    blocks = split_blocks("\n".join(lines[first + 1 :]), offset=first + 1)
    if not blocks:
        raise SourceError(name, first + 1, "only a breadcrumb: the question and answer are missing")
    question = blocks[0]
    if len(question.text) > MAX_QUESTION_LENGTH:
        raise SourceError(name, question.line, f"the question is longer than {MAX_QUESTION_LENGTH} characters")
    for label, what in [(LEGAL_ANALYSIS, "the legal analysis"), (LEGAL_BASIS, "the legal basis")]:
        if label.match(question.text):
            raise SourceError(name, question.line, f"the question is missing: this paragraph begins {what}")
    body = blocks[1:]
    basis_at = next((i for i, block in enumerate(body) if LEGAL_BASIS.match(block.text)), len(body))
    answer = body[:basis_at]
    markers = [LIST_MARKER.match(block.text) for block in answer]  # read once, for the language and the lists
    language = text_language([question.text, *map(_words, answer, markers)])
    short_answer, sections = _parse_answer(answer, markers, language)
    if not short_answer and not sections:
        raise SourceError(name, question.line, "no answer follows the question")
    quoted = _parse_legal_basis(body[basis_at:], name)
    return ParsedSource(
        name=name,
        line=first + 1,
        site=site,
        section=section,
        title=title,
        question=question.text,
        short_answer=short_answer,
        sections=sections,
        quoted=quoted,
        stripped_lines=stripped,
        language=language,
    )


_CHINESE_CHARACTERS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN_LETTERS = re.compile(r"[A-Za-z]+")


def _letters(text):
    """(Chinese characters, Latin letters) in `text`."""
    return sum(map(len, _CHINESE_CHARACTERS.findall(text))), sum(map(len, _LATIN_LETTERS.findall(text)))


def _words(block, marker):
    """A paragraph of the answer without its list marker (`一、`, the match `marker`) or label (`法律分析：`)."""
    if marker:
        return block.text[marker.end() :]
    if block.text[0] in "Ll法" and (label := LEGAL_ANALYSIS.match(block.text)):
        return label[1]
    return block.text


def text_language(paragraphs):
    """The language of a source text, from the words of its question and answer (the legal basis, whose quotes
    may be in either language, does not count, nor do labels and list markers): CHINESE when its Chinese
    characters are at least as many as its Latin letters (and there is one), else ENGLISH. The same measure as
    `quote_language`."""
    chinese, latin = _letters("".join(paragraphs))
    return CHINESE if chinese and chinese >= latin else ENGLISH


def _breadcrumb(line, number, name):
    parts = [part.strip() for part in BREADCRUMB_SEPARATOR.split(line, maxsplit=2)]
    if len(parts) < 3 or not all(parts):
        raise SourceError(name, number, "the first line must be a breadcrumb '<site> - <section> - <title>'")
    site, section, title = parts
    for part, limit, what in [
        (site, MAX_SITE_LENGTH, "site"),
        (section, MAX_SECTION_LENGTH, "section"),
        (title, MAX_TITLE_LENGTH, "title"),
    ]:
        if len(part) > limit:
            raise SourceError(name, number, f"the breadcrumb's {what} is longer than {limit} characters")
    return site, section, title


def _parse_answer(blocks, markers, language):
    """(short answer, sections) of the answer's blocks. In a Chinese text a list item whose marker is of another
    kind than the list's (`1、` under `一、`) opens a list under the item before it, and one of the kind of an
    enclosing list goes back to that list; in an English text (a translation, whose markers are whatever the
    translation made of them) consecutive items are one list."""
    lead, sections, current = [], [], None
    open_lists = []  # the lists the next item may continue, outermost first: each of another kind
    for block, marker in zip(blocks, markers, strict=True):
        if marker:
            item_text = block.text[marker.end() :].strip()
            label_match = ITEM_LABEL.match(item_text)
            label, colon = "", ":"
            if label_match and len(label_match[1].split()) <= 6:
                colon = "：" if "：" in item_text[label_match.end(1) : label_match.start(2)] else ":"
                label, item_text = label_match[1].strip(), label_match[2]
            item = ListItem(item_text, block.line, label, colon=colon)
            if current is None:
                current = ParsedSection(kind=GENERAL, heading="", line=block.line)
                sections.append(current)
            kind = _MARKER_KINDS.get(marker.lastgroup, marker.lastgroup) if language == CHINESE else "item"
            if not (current.blocks and current.blocks[-1] is (open_lists[0] if open_lists else None)):
                open_lists = [_OpenList([], block.line, kind)]
                current.blocks.append(open_lists[0])
            elif kind != open_lists[-1].kind:
                at = next((depth for depth, open_list in enumerate(open_lists) if open_list.kind == kind), None)
                if at is None:
                    sublist = _OpenList([], block.line, kind)
                    open_lists[-1].sublists[len(open_lists[-1].items) - 1] = sublist
                    open_lists.append(sublist)
                else:
                    del open_lists[at + 1 :]
            open_lists[-1].items.append(item)  # in place: a tuple rebuilt per item is quadratic
            continue
        analysis = LEGAL_ANALYSIS.match(block.text)
        if analysis:
            _demote_if_empty(sections, lead)
            current = ParsedSection(
                kind=ANALYSIS, heading=ANALYSIS_HEADINGS[language], line=block.line, written=block.text
            )
            sections.append(current)
            if analysis[1].strip():
                current.blocks.append(Paragraph(analysis[1].strip(), block.line))
        elif (label := KIND_LABEL.match(block.text)) and label[2].strip():  # alone, the word is a heading (below)
            _demote_if_empty(sections, lead)
            current = ParsedSection(kind=section_kind(label[1]), heading=label[1], line=block.line, written=block.text)
            sections.append(current)
            current.blocks.append(Paragraph(label[2].strip(), block.line))
        elif _is_heading(block.text):
            _demote_if_empty(sections, lead)
            heading = block.text[:-1].strip()
            current = ParsedSection(kind=section_kind(heading), heading=heading, line=block.line, written=block.text)
            sections.append(current)
        elif current is None:
            lead.append(block.text)
        else:
            current.blocks.append(Paragraph(block.text, block.line))
    _demote_if_empty(sections, lead)
    for section in sections:
        section.blocks = [block.closed() if isinstance(block, _OpenList) else block for block in section.blocks]
    return "\n\n".join(lead), sections


@dataclass
class _OpenList:
    """An ordered list being read: its items grow in place; it becomes an `OrderedList` at the end."""

    items: list
    line: int
    kind: str  # of its markers
    sublists: dict = field(default_factory=dict)  # the position of an item -> the list under it

    def closed(self):
        """The `OrderedList` read, the lists under its items included (without recursion)."""
        order, stack = [], [self]
        while stack:  # each list before the lists under it
            open_list = stack.pop()
            order.append(open_list)
            stack.extend(open_list.sublists.values())
        built = {}  # id of an open list -> its OrderedList
        for open_list in reversed(order):  # the lists under a list before it
            items = open_list.items
            for position, sublist in open_list.sublists.items():
                items[position] = replace(items[position], sublist=built.pop(id(sublist)))
            built[id(open_list)] = OrderedList(tuple(items), open_list.line)
        return built[id(self)]


def _demote_if_empty(sections, lead):
    """A heading with nothing under it is a paragraph of what comes before it, as written."""
    if not sections or sections[-1].blocks:
        return
    empty = sections.pop()
    text = empty.written
    if sections:
        sections[-1].blocks.append(Paragraph(text, empty.line))
    else:
        lead.append(text)


@dataclass
class _Article:
    """The article being read in the legal basis."""

    law: str
    law_line: int
    number: int
    line: int
    marker_language: str  # of its marker: the language of an article quoted without text
    paragraphs: list = field(default_factory=list)


def _parse_legal_basis(blocks, name):
    quoted, law, law_line, article = [], None, 0, None
    basis_line = blocks[0].line if blocks else 0
    label = "'法律依据：'" if blocks and blocks[0].text.startswith("法律依据") else "'Legal basis:'"

    def close():
        if article is None:
            return
        if not article.paragraphs and article.marker_language == ENGLISH:
            raise SourceError(name, article.line, f"Article {article.number} of {article.law} has no text")
        if any(a.law_name == article.law and a.number == article.number for a in quoted):
            raise SourceError(name, article.line, f"Article {article.number} of {article.law} is quoted twice")
        quoted.append(
            QuotedProvision(
                law_name=article.law,
                number=article.number,
                paragraphs=tuple(article.paragraphs),
                line=article.line,
                language=quote_language(article.paragraphs, article.marker_language),
                law_line=article.law_line,
            )
        )

    def start(number, line, language, rest):
        nonlocal article
        close()
        if law is None:
            raise SourceError(name, law_line, f"{label} names no law")
        article = _Article(law, law_line, number, line, language)
        if rest.strip():
            article.paragraphs.append(_capitalize(rest.strip()))

    for block in blocks:
        text = block.text
        if basis := LEGAL_BASIS.match(text):
            close()
            law, law_line, article, text = None, block.line, None, basis[1].strip()
            label = "'法律依据：'" if block.text.startswith("法律依据") else "'Legal basis:'"
            if not text:
                continue  # the article markers that follow name the law
            if not CJK_LAW_ARTICLE_MARKER.match(text):
                law, number, language = _legal_basis_header(text, block, name, label)
                if number is not None:
                    article = _Article(law, law_line, number, block.line, language)
                continue
        if named := LAW_NAME_LINE.match(text):  # 《中华人民共和国社会保险法》 alone: the articles after it are its
            close()
            law, law_line, article = _checked_law_name(named[1], block, name, label), block.line, None
            continue
        if marker := CJK_LAW_ARTICLE_MARKER.match(text):  # 《…》第五十八条 names the law and begins an article
            law, law_line = _checked_law_name(marker[1], block, name, label), block.line
            start(_provision_number(marker[2], name, block.line), block.line, CHINESE, marker[3])
            continue
        marker = ARTICLE_MARKER.match(text) or CJK_ARTICLE_MARKER.match(text)
        ordinal = None if marker or article is None else leading_ordinal(text)
        if ordinal and ordinal[0] != article.number + 1:
            ordinal = None  # a number word that does not continue the sequence is text
        if marker:
            language = ENGLISH if marker.re is ARTICLE_MARKER else CHINESE
            start(_provision_number(marker[1], name, block.line), block.line, language, marker[2])
        elif ordinal:
            start(ordinal[0], block.line, ENGLISH, ordinal[1])
        elif article is not None:
            article.paragraphs.append(text)
        elif law is None:
            raise SourceError(name, law_line, f"{label} names no law")
        else:
            raise SourceError(name, block.line, f"text in the legal basis before any article of {law} is named")
    close()
    if blocks and not quoted:
        raise SourceError(name, basis_line, "the legal basis names no article")
    return quoted


def quote_language(paragraphs, default):
    """CHINESE when most letters of `paragraphs` are Chinese characters, ENGLISH when most are Latin letters;
    `default` (the language of the article's marker) when there are none."""
    chinese, latin = _letters("".join(paragraphs))
    if not chinese and not latin:
        return default
    return CHINESE if chinese >= latin else ENGLISH


_ARTICLE_OF_LAW = re.compile(r"^Article\s+(\d+)\s+of\s+(?:the\s+)?(.+)$", re.IGNORECASE | re.DOTALL)
_CJK_ARTICLE_OF_LAW = re.compile(r"^《(.+?)》\s*第\s*" + _CJK_NUMBER + r"\s*条", re.DOTALL)


def _legal_basis_header(rest, block, name, label):
    """(law name, article number or None, language of the marker) from what follows `Legal basis:`, when it is
    no Chinese article marker. A name in book-title marks (`根据《社会保险法》的规定：`) is the law's name."""
    match = _ARTICLE_OF_LAW.match(rest)
    if match:
        law, number, language = match[2], _provision_number(match[1], name, block.line), ENGLISH
    elif match := _CJK_ARTICLE_OF_LAW.match(rest):  # 《…》第四条规定…: the article, the rest ignored
        law, number, language = match[1], _provision_number(match[2], name, block.line), CHINESE
    elif match := _BOOK_TITLE.search(rest):
        law, number, language = match[1], None, CHINESE
    else:
        law, number, language = rest, None, ENGLISH
    return _checked_law_name(law, block, name, label), number, language


_BOOK_TITLE = re.compile(r"《([^《》]+)》")


def _checked_law_name(text, block, name, label):
    """The law name `text` gives (see `_law_name`); a SourceError if it is empty or too long."""
    law = _law_name(text)
    if not law:
        raise SourceError(name, block.line, f"{label} names no law")
    if len(law) > MAX_LAW_NAME_LENGTH:
        raise SourceError(name, block.line, f"the law name is longer than {MAX_LAW_NAME_LENGTH} characters")
    return law


def _provision_number(text, name, line):
    """The article number written as `text` (digits, full-width ones too, or Chinese numerals); a SourceError if
    it is none."""
    text = text.translate(_FULL_WIDTH_DIGITS)
    if text.isdigit() and len(text) > 4:  # no law has ten thousand articles: not a law's name either
        raise SourceError(name, line, f"Article {text}: no law has that many articles (at most {MAX_ARTICLE:,})")
    number = chinese_number(text)
    if number is None:
        problem = "article numbers start at 1" if text.isdigit() else f"“{text}” is not a number"
        raise SourceError(name, line, problem)
    return number


# ---------------------------------------------------------------- Markdown for section bodies

# Python-Markdown's escapable characters that can start markup inside a line. `<` needs no
# escape (raw HTML is off, so it is shown as text) and `&` becomes `&amp;` so an entity
# written in the source is shown as written.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")
_MARKDOWN_LINE_START = re.compile(r"^(\d+)([.)])(\s)|^([#>+\-])")


def escape_markdown(text):
    """Text shown as it is when read as Markdown."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))
    return _MARKDOWN_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}{m[3]}" if m[1] else f"\\{m[4]}", text)


def blocks_to_markdown(blocks):
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(escape_markdown(block.text))
        else:
            parts.append("\n".join(_list_lines(block)))
    return "\n\n".join(parts)


def _list_lines(ordered_list):
    """The Markdown lines of an ordered list, a list under an item indented four spaces more than the item."""
    lines, stack = [], [(ordered_list.items, 0, "")]
    while stack:
        items, position, indent = stack.pop()
        for index in range(position, len(items)):
            item = items[index]
            label = ""
            if item.label:  # a full-width colon takes no space after it
                label = f"**{escape_markdown(item.label)}{item.colon}**{'' if item.colon == '：' else ' '}"
            lines.append(f"{indent}{index + 1}. {label}{escape_markdown(item.text)}")
            if item.sublist is not None:
                stack += [(items, index + 1, indent), (item.sublist.items, 0, indent + "    ")]
                break
    return lines
