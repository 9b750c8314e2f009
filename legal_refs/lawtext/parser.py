"""Read an official law text in LawRefBook's Markdown layout (see fixtures/laws/README.md). Pure: text in,
`LawText` out, or a `LawTextError` naming the file and the line.

    # 中华人民共和国社会保险法
    2010年10月28日 第十一届全国人民代表大会常务委员会第十七次会议通过      (history lines)
    <!-- INFO END -->
    ## 第一章 总则                                                     (chapters: all articles, or none)
    第一条 为了规范社会保险关系，……                                    (an article and its first paragraph)
    个人依法享受社会保险待遇，……                                        (a further paragraph)
    （一）应当从工伤保险基金中支付的；                                   (an item of the paragraph before)

Blank lines separate the blocks and do not count otherwise.
"""

import re
from dataclasses import dataclass

from textkit.numerals import NUMERAL_CHARACTERS, chinese_number

INFO_END = "<!-- INFO END -->"
MAX_ARTICLES = 2000  # far more than any instrument holds; a larger number is a misreading
MAX_LINE_LENGTH = 20_000

ARTICLE = re.compile(rf"第([{NUMERAL_CHARACTERS}]+)条(?:[ \u3000](.*))?")
CHAPTER = re.compile(rf"## 第([{NUMERAL_CHARACTERS}]+)章[ \u3000]+(.+)")
ITEM = re.compile(rf"（([{NUMERAL_CHARACTERS}]+)）")
HAN_GAP = re.compile(r"(?<=[\u3400-\u9fff])[ \u3000]+(?=[\u3400-\u9fff])")


class LawTextError(ValueError):
    def __init__(self, name, line, message):
        self.name, self.line, self.message = name, line, message
        super().__init__(f"{name}, line {line}: {message}" if line else f"{name}: {message}")


@dataclass(frozen=True)
class Article:
    number: int
    chapter: int | None
    paragraphs: tuple[str, ...]  # each paragraph's items follow its text on further lines
    line: int


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    first_article: int
    last_article: int
    line: int


@dataclass(frozen=True)
class LawText:
    title: str
    history: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    articles: tuple[Article, ...]

    def article(self, number):
        return next((article for article in self.articles if article.number == number), None)


def parse_law_text(text: str, name: str, *, whole: bool = True) -> LawText:
    """Parse a law text. `whole`: the file holds the whole instrument, so its articles run from 1 without a
    gap; otherwise it holds some articles of one version, in increasing order."""
    lines = [(number, line.rstrip()) for number, line in enumerate(text.splitlines(), 1)]
    for number, line in lines:
        if len(line) > MAX_LINE_LENGTH:
            raise LawTextError(name, number, f"the line is longer than {MAX_LINE_LENGTH} characters")
        if any(ord(char) < 32 and char != "\t" for char in line):
            raise LawTextError(name, number, "the line holds a control character")
    blocks = [(number, line.strip()) for number, line in lines if line.strip()]
    if not blocks:
        raise LawTextError(name, 0, "the file is empty")
    first_line, first = blocks[0]
    if not first.startswith("# ") or not first[2:].strip():
        raise LawTextError(name, first_line, "the text must start with its title, as “# title”")
    title = first[2:].strip()
    marker = next((index for index, (_, line) in enumerate(blocks) if line == INFO_END), None)
    if marker is None:
        raise LawTextError(name, 0, f"no “{INFO_END}” line ends the title and history")
    history = []
    for number, line in blocks[1:marker]:
        if line.startswith("#") or ARTICLE.fullmatch(line):
            raise LawTextError(name, number, f"a heading or an article before “{INFO_END}”")
        history.append(line)
    return _parse_body(blocks[marker + 1 :], name, title, tuple(history), whole)


def _parse_body(blocks, name, title, history, whole):
    chapters, articles = [], []
    chapter = None  # (number, title, line) of the chapter being read
    article = None  # (number, line, paragraphs) of the article being read

    def close_article():
        if article is not None:
            number, line, paragraphs = article
            articles.append(Article(number, chapter and chapter[0], tuple(paragraphs), line))

    def close_chapter(line):
        if chapter is not None:
            held = [a.number for a in articles if a.chapter == chapter[0]]
            if not held:
                raise LawTextError(name, line, f"chapter {chapter[0]} holds no article")
            chapters.append(Chapter(chapter[0], chapter[1], held[0], held[-1], chapter[2]))

    for line_number, line in blocks:
        if line.startswith("#"):
            match = CHAPTER.fullmatch(line)
            if not match:
                raise LawTextError(name, line_number, "a heading that is no chapter (“## 第X章 title”)")
            number = _number(match[1], "chapter", name, line_number)
            expected = chapter[0] + 1 if chapter else 1
            if number != expected:
                raise LawTextError(name, line_number, f"chapter {number} where chapter {expected} was expected")
            if (articles or article) and chapter is None:
                raise LawTextError(name, line_number, "articles before the first chapter")
            close_article()
            article = None
            close_chapter(line_number)
            chapter = (number, HAN_GAP.sub("", match[2].strip()), line_number)
            continue
        match = ARTICLE.fullmatch(line)
        if match:
            number = _number(match[1], "article", name, line_number)
            previous = article[0] if article else (articles[-1].number if articles else 0)
            if whole and number != previous + 1:
                raise LawTextError(name, line_number, f"article {number} where article {previous + 1} was expected")
            if number <= previous:
                raise LawTextError(name, line_number, f"article {number} after article {previous}")
            text = (match[2] or "").strip()
            if not text or ITEM.match(text):
                raise LawTextError(name, line_number, f"article {number} starts with no paragraph")
            close_article()
            article = (number, line_number, [text])
            continue
        if article is None:
            raise LawTextError(name, line_number, "text before the first article")
        item = ITEM.match(line)
        if item:
            paragraphs = article[2]
            held = paragraphs[-1].split("\n")[1:]
            expected = len(held) + 1
            if chinese_number(item[1]) != expected:
                raise LawTextError(name, line_number, f"item {item[1]} where item {expected} was expected")
            paragraphs[-1] += "\n" + line
        else:
            article[2].append(line)
    close_article()
    if chapter is not None:
        close_chapter(blocks[-1][0] if blocks else 0)
    if not articles:
        raise LawTextError(name, 0, "the file holds no article")
    return LawText(title, history, tuple(chapters), tuple(articles))


def _number(numeral, what, name, line):
    number = chinese_number(numeral)
    if number is None or number > MAX_ARTICLES:
        raise LawTextError(name, line, f"“{numeral}” is no {what} number")
    return number
