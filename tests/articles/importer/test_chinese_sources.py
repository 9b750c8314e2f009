"""Chinese source texts (docs/source-format.md, "Chinese source texts"): one small text per rule."""

import pytest

from articles.importer import parser
from articles.importer.loader import ImportFailed, import_paths
from articles.importer.parser import (
    ANALYSIS,
    CHINESE,
    CONDITIONS,
    ENGLISH,
    GENERAL,
    METHODS,
    PRECAUTIONS,
    OrderedList,
    Paragraph,
    SourceError,
    parse_source,
)
from articles.models import Answer, Language, SectionKind, Topic
from tests.articles.importer.test_loader import row_counts, run_command, write
from tests.conftest import CHINESE_SOURCES, SOURCE_DIR

BREADCRUMB = "招聘网 - 社保查询 - 社保卡丢了怎么办？"
QUESTION = "社保卡丢了怎么办？"
BASIS = "法律依据：《中华人民共和国社会保险法》第八条"
# fixtures/laws/social-insurance-law.zh.md, article 8
ARTICLE_8 = "社会保险经办机构提供社会保险服务，负责社会保险登记、个人权益记录、社会保险待遇支付等工作。"


def text(*paragraphs, basis=BASIS):
    return "\n\n".join([BREADCRUMB, QUESTION, *paragraphs, *([basis] if basis else [])])


def parse(source):
    return parse_source(source, "zh.txt")


def only_list(source):
    """The one list of the one section of a text."""
    [section] = parse(source).sections
    [block] = section.blocks
    assert isinstance(block, OrderedList)
    return section, block


# --------------------------------------------------------------------- shape and labels


def test_breadcrumb_parts_are_separated_by_a_spaced_hyphen():
    parsed = parse(text("先挂失。").replace(BREADCRUMB, "招聘网 - 社保查询 - 社保卡 - 丢了怎么办？"))
    assert (parsed.site, parsed.section, parsed.title) == ("招聘网", "社保查询", "社保卡 - 丢了怎么办？")


def test_breadcrumb_separators_may_be_full_width():
    parsed = parse(text("先挂失。").replace(BREADCRUMB, "招聘网\u3000－\u3000社保查询 －\u3000社保卡丢了？"))
    assert (parsed.site, parsed.section, parsed.title) == ("招聘网", "社保查询", "社保卡丢了？")


def test_legal_analysis_label_opens_an_analysis_section_headed_in_chinese():
    [section] = parse(text("法律分析：可以补办。补办需要以下材料：", "1、居民身份证。")).sections
    assert (section.kind, section.heading) == (ANALYSIS, "法律分析")
    assert section.blocks[0] == Paragraph("可以补办。补办需要以下材料：", 5)
    assert [item.text for item in section.blocks[1].items] == ["居民身份证。"]


def test_legal_basis_label_opens_the_legal_basis():
    parsed = parse(text("先挂失。", basis=f"法律依据：\n\n《中华人民共和国社会保险法》第八条　{ARTICLE_8}"))
    assert parsed.short_answer == "先挂失。"
    assert [(a.law_name, a.number, a.paragraphs, a.language) for a in parsed.quoted] == [
        ("中华人民共和国社会保险法", 8, (ARTICLE_8,), CHINESE)
    ]


def test_a_law_named_alone_in_book_title_marks_is_the_law_of_the_articles_after_it():
    basis = (
        f"法律依据：\n\n《中华人民共和国社会保险法》\n\n第八条　{ARTICLE_8}\n\n第四条 四。\n\n"
        "《社会保险经办条例》。\n\n第七条"
    )
    quoted = parse(text("先挂失。", basis=basis)).quoted
    assert [(a.law_name, a.number, a.line, a.law_line) for a in quoted] == [
        ("中华人民共和国社会保险法", 8, 11, 9),
        ("中华人民共和国社会保险法", 4, 13, 9),
        ("社会保险经办条例", 7, 17, 15),
    ]


def test_the_law_named_in_the_text_of_the_legal_basis_label():
    basis = f"法律依据：根据《中华人民共和国社会保险法》的规定：\n\n第八条　{ARTICLE_8}"
    [article] = parse(text("先挂失。", basis=basis)).quoted
    assert (article.law_name, article.number, article.paragraphs) == ("中华人民共和国社会保险法", 8, (ARTICLE_8,))


def test_labels_and_chinese_article_markers_start_a_paragraph_without_a_blank_line():
    lines = [
        BREADCRUMB,
        QUESTION,
        "",
        "先挂失。",
        "法律分析：可以补办。",
        "法律依据：",
        "《社会保险法》第八条 八。",
        "第四条 四。",
    ]
    source = "\n".join(lines)
    parsed = parse(source)
    assert parsed.short_answer == "先挂失。"
    assert parsed.sections[0].blocks == [Paragraph("可以补办。", 5)]
    assert [(a.number, a.paragraphs, a.line) for a in parsed.quoted] == [(8, ("八。",), 7), (4, ("四。",), 8)]


# --------------------------------------------------------------------- headings


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("补办方法：", METHODS),
        ("注意：", PRECAUTIONS),
        ("补办社保卡的注意事项：", PRECAUTIONS),
        ("办理须知：", PRECAUTIONS),
        ("申领条件：", CONDITIONS),
        ("办理地点：", GENERAL),
    ],
)
def test_a_paragraph_ending_in_a_full_width_colon_is_a_heading_whose_words_give_its_kind(heading, kind):
    [section] = parse(text("先挂失。", heading, "到银行办理。")).sections
    assert (section.kind, section.heading, section.blocks) == (kind, heading[:-1], [Paragraph("到银行办理。", 9)])


def test_a_paragraph_of_two_sentences_ending_in_a_colon_is_text():
    parsed = parse(text("可以补办。补办方法如下：", "到银行办理。"))
    assert (parsed.short_answer, parsed.sections) == ("可以补办。补办方法如下：\n\n到银行办理。", [])


def test_a_heading_with_nothing_under_it_stays_a_paragraph_as_written():
    parsed = parse(text("补办方法：", "注意事项　：", "1、带身份证。"))
    assert parsed.short_answer == "补办方法："
    assert [section.heading for section in parsed.sections] == ["注意事项"]


# --------------------------------------------------------------------- heading words as labels


@pytest.mark.parametrize(
    ("paragraph", "kind", "heading", "first"),
    [
        ("注意事项：补办新卡后原卡作废。", PRECAUTIONS, "注意事项", "补办新卡后原卡作废。"),
        ("注意：带身份证。", PRECAUTIONS, "注意", "带身份证。"),
        ("须知：首次申领免收工本费。", PRECAUTIONS, "须知", "首次申领免收工本费。"),
        ("方法：到银行办理。", METHODS, "方法", "到银行办理。"),
        ("条件：已经参加社会保险。", CONDITIONS, "条件", "已经参加社会保险。"),
        ("\u3000\u3000注意事项\u3000：\u3000补办新卡后原卡作废。", PRECAUTIONS, "注意事项", "补办新卡后原卡作废。"),
        ("注意事项: 补办新卡后原卡作废。", PRECAUTIONS, "注意事项", "补办新卡后原卡作废。"),
    ],
)
def test_a_heading_word_with_text_after_its_colon_opens_a_section_of_its_kind_with_that_text(
    paragraph, kind, heading, first
):
    parsed = parse(text("先挂失。", paragraph))
    assert parsed.short_answer == "先挂失。"
    [section] = parsed.sections
    assert (section.kind, section.heading, section.blocks) == (kind, heading, [Paragraph(first, 7)])


def test_a_heading_word_with_text_starts_a_paragraph_without_a_blank_line():
    parsed = parse(text("先挂失。\n注意事项：补办新卡后原卡作废。\n原号码不变。"))
    assert parsed.short_answer == "先挂失。"
    [section] = parsed.sections
    assert (section.kind, section.heading) == (PRECAUTIONS, "注意事项")
    assert section.blocks == [Paragraph("补办新卡后原卡作废。原号码不变。", 6)]


def test_the_text_after_a_heading_word_is_the_first_paragraph_even_when_it_ends_in_a_colon():
    [section] = parse(text("注意事项：补办后请注意以下两点：", "①原卡作废；", "②号码不变。")).sections
    assert (section.kind, section.heading) == (PRECAUTIONS, "注意事项")
    assert section.markdown == "补办后请注意以下两点：\n\n1. 原卡作废；\n2. 号码不变。"


@pytest.mark.parametrize(
    "source",
    [text("先挂失。", "注意事项：", "补办新卡后原卡作废。"), text("先挂失。\n注意事项：\n①补办新卡后原卡作废。")],
)
def test_a_heading_word_alone_with_its_colon_is_still_a_heading(source):
    parsed = parse(source)
    assert parsed.short_answer == "先挂失。"
    [section] = parsed.sections
    assert (section.kind, section.heading) == (PRECAUTIONS, "注意事项")
    assert section.markdown.endswith("补办新卡后原卡作废。")


@pytest.mark.parametrize(
    "paragraph",
    [
        "补办时请注意：原卡作废。",  # the colon mid-line
        "他说：“注意事项：原卡作废。”",  # a quotation after the colon
        "补办方法：到银行办理。",  # the word, but not alone before the colon
        "注意身份证号码：不会改变。",  # the word, but not right before the colon
        "可以补办，方法：到银行办理。",  # a clause before the word
        "方法论：先挂失，后补办。",  # a longer word
    ],
)
def test_a_sentence_with_a_full_width_colon_that_is_no_heading_word_label_stays_a_paragraph(paragraph):
    parsed = parse(text("先挂失。", paragraph))
    assert (parsed.short_answer, parsed.sections) == (f"先挂失。\n\n{paragraph}", [])


def test_a_sentence_continuing_on_a_line_with_a_colon_mid_line_is_joined_to_its_paragraph():
    parsed = parse(text("先挂失，\n补办时请注意：原卡作废。"))
    assert (parsed.short_answer, parsed.sections) == ("先挂失，补办时请注意：原卡作废。", [])


def test_in_an_english_text_a_heading_word_before_text_is_no_label_and_legal_analysis_is_one():
    english = "Site - Social security inquiry - Lost?\n\nLost?\n\n"
    parsed = parse(english + "Report it.\n\nPrecautions: keep the receipt.\n\nMethods: go to the bank.")
    assert (parsed.short_answer, parsed.sections) == (
        "Report it.\n\nPrecautions: keep the receipt.\n\nMethods: go to the bank.",
        [],
    )
    parsed = parse(english + "Report it.\n\nLegal analysis: Yes.\n\nPrecautions:\n\n1. Keep the receipt.")
    assert [(s.kind, s.heading, s.markdown) for s in parsed.sections] == [
        (ANALYSIS, "Legal analysis", "Yes."),
        (PRECAUTIONS, "Precautions", "1. Keep the receipt."),
    ]


def test_a_heading_word_label_is_read_in_an_english_text_too():
    parsed = parse("招聘网 - 社保查询 - Lost?\n\nLost?\n\nReport it.\n\n注意事项：Keep the receipt.")
    assert parsed.language == ENGLISH
    assert [(s.kind, s.heading, s.markdown) for s in parsed.sections] == [
        (PRECAUTIONS, "注意事项", "Keep the receipt.")
    ]


def test_a_heading_word_label_is_imported_as_a_section_of_its_kind(social_insurance_law, tmp_path):
    write(tmp_path, "a.txt", text("先挂失。", "注意事项：补办新卡后原卡作废。"))
    import_paths([tmp_path])
    answer = Answer.objects.get()
    assert answer.short_answer == "先挂失。"
    assert [(s.kind, s.heading, s.body) for s in answer.sections.all()] == [
        (SectionKind.PRECAUTIONS, "注意事项", "补办新卡后原卡作废。")
    ]


# --------------------------------------------------------------------- lists


@pytest.mark.parametrize(
    "markers",
    [
        ("1、", "2、"),
        ("（一）", "（二）"),
        ("一、", "二、"),
        ("①", "②"),
        ("⑲", "⑳"),
        ("(1)", "(2)"),
        ("（1）", "（2）"),
        ("⑴", "⑵"),
        ("１、", "２、"),
        ("（１）", "（２）"),
    ],
)
def test_each_chinese_list_marker_makes_an_ordered_list_numbered_from_one(markers):
    first, second = markers
    section, block = only_list(text("办理方法：", f"{first}带身份证；", f"{second}\u3000到银行办理。"))
    assert [(item.text, item.line) for item in block.items] == [("带身份证；", 7), ("到银行办理。", 9)]
    assert section.markdown == "1. 带身份证；\n2. 到银行办理。"


@pytest.mark.parametrize("line", ["两、三天后领卡。", "十一五期间。", "1.5万张卡。", "〇、零。"])
def test_what_only_looks_like_a_marker_is_text(line):
    [section] = parse(text("办理方法：", line)).sections
    assert section.blocks == [Paragraph(line, 7)]


def test_in_a_chinese_text_another_kind_of_marker_opens_a_list_under_the_item_before_it():
    items = [
        "一、单位申领：",
        "1、单位收集材料；",
        "（1）身份证；",
        "（2）相片；",
        "2、集中提交。",
        "二、个人申领：",
        "1、本人办理。",
    ]
    section, block = only_list(text("申领方法：", "\n".join(items)))
    assert [item.text for item in block.items] == ["单位申领：", "个人申领："]
    assert section.markdown.splitlines() == [
        "1. 单位申领：",
        "    1. 单位收集材料；",
        "        1. 身份证；",
        "        2. 相片；",
        "    2. 集中提交。",
        "2. 个人申领：",
        "    1. 本人办理。",
    ]
    from articles.markdown import render_markdown

    html = render_markdown(section.markdown)
    assert html.count("<ol>") == 4 and html.count("<li>") == 7


def test_in_an_english_text_every_marker_continues_the_one_list():
    english = "Site - Topic - Lost card?\n\nLost card?\n\nMethods:\n\n一、Go to the bank;\n1、Bring the ID card;\n①Pay."
    [section] = parse_source(english).sections
    assert section.markdown.splitlines() == ["1. Go to the bank;", "2. Bring the ID card;", "3. Pay."]


def test_a_nested_list_is_built_once_per_list_not_once_per_item(monkeypatch):
    built = []

    class CountedList(parser.OrderedList):
        def __init__(self, *args, **kwargs):
            built.append(len(args[0]))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(parser, "OrderedList", CountedList)
    items = "\n".join(f"{n}、第{n}项；\n（一）甲；\n（二）乙。" for n in range(1, 1000))
    [section] = parse(text("办理方法：", items)).sections
    assert sorted(built) == [2] * 999 + [999]
    assert section.markdown.count("\n    2. 乙。") == 999


def test_an_items_label_ends_at_a_full_width_colon_and_keeps_it():
    section, block = only_list(text("挂失方法：", "1、电话挂失：拨打12333；", "2、到银行，填写申请：带身份证。"))
    assert [(item.label, item.text) for item in block.items] == [
        ("电话挂失", "拨打12333；"),
        ("", "到银行，填写申请：带身份证。"),  # a clause with a full-width comma is no label
    ]
    assert section.markdown.splitlines()[0] == "1. **电话挂失：**拨打12333；"


# --------------------------------------------------------------------- full-width forms


def test_full_width_spaces_around_paragraphs_are_dropped_and_inside_them_kept():
    parsed = parse(
        text("\u3000\u3000先挂失，\n\u3000\u3000再补办。\u3000\u3000", "办理方法：", "1、\u3000到银行\u3000办理。")
    )
    assert parsed.short_answer == "先挂失，再补办。"
    assert parsed.sections[0].blocks[0].items[0].text == "到银行\u3000办理。"


def test_full_width_digits_are_read_in_article_numbers():
    basis = "法律依据：《中华人民共和国社会保险法》第８条\n\n第 ７４ 条"
    assert [a.number for a in parse(text("先挂失。", basis=basis)).quoted] == [8, 74]


# --------------------------------------------------------------------- the language of a text


@pytest.mark.parametrize(
    ("source", "language"),
    [
        (text("先挂失，再补办。"), CHINESE),
        ("Site - Topic - Lost card?\n\nLost card?\n\nReport it, then replace it.", ENGLISH),
        # English labels in a Chinese text, Chinese labels in an English one: the words decide.
        (
            "Site - Topic - 丢了？\n\n社保卡丢了？\n\nLegal analysis: 先挂失。\n\nLegal basis: 《社会保险法》第八条",
            CHINESE,
        ),
        (
            "招聘网 - 社保查询 - Lost?\n\nLost card?\n\n法律分析：Report it first.\n\n法律依据：《社会保险法》第八条",
            ENGLISH,
        ),
        ("Site - Topic - W\n\nW\n\n社保卡丢失后，先挂失。", CHINESE),  # the answer outweighs a one-letter question
        ("Site - Topic - 丢了？\n\n社保卡丢了？\n\nReport it to the bank first, then go to the office.", ENGLISH),
        ("Site - Topic - PIN码忘了\n\nPIN码忘了\n\n12333", CHINESE),  # as many Chinese characters as letters
        ("Site - Topic - 12333\n\n12333?\n\n12333.", ENGLISH),  # neither
    ],
)
def test_a_text_is_chinese_when_its_question_and_answer_have_as_many_chinese_characters_as_letters(source, language):
    assert parse(source).language == language


def test_the_legal_basis_does_not_count_for_the_language():
    english = "Site - Topic - Lost?\n\nLost?\n\nReport it.\n\n法律依据：《中华人民共和国社会保险法》第八条 " + ARTICLE_8
    parsed = parse(english)
    assert (parsed.language, parsed.quoted[0].language) == (ENGLISH, CHINESE)


def test_an_english_text_with_chinese_labels_is_parsed_as_an_english_one():
    parsed = parse(
        "招聘网 - 社保查询 - Lost?\n\nLost?\n\n法律分析：Report it first.\n\n注意事项：\n\n①Keep the receipt."
    )
    assert [(s.kind, s.heading, s.markdown) for s in parsed.sections] == [
        (ANALYSIS, "Legal analysis", "Report it first."),
        (PRECAUTIONS, "注意事项", "1. Keep the receipt."),
    ]


# --------------------------------------------------------------------- errors name the file and the line


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        (BREADCRUMB, 1, "only a breadcrumb: the question and answer are missing"),
        (
            f"{BREADCRUMB}\n\n法律分析：可以补办。",
            3,
            "the question is missing: this paragraph begins the legal analysis",
        ),
        (
            f"{BREADCRUMB}\n\n法律依据：《社会保险法》第八条",
            3,
            "the question is missing: this paragraph begins the legal basis",
        ),
        (f"{BREADCRUMB}\n\n{QUESTION}\n\n{BASIS}", 3, "no answer follows the question"),
        ("招聘网 - 社保查询\n\n问题？\n\n回答。", 1, "the first line must be a breadcrumb"),
        (text("先挂失。", basis="法律依据："), 7, "the legal basis names no article"),
        (text("先挂失。", basis="法律依据：\n\n《》第八条"), 7, "'法律依据：' names no law"),
        (text("先挂失。", basis="法律依据：《社会保险法》"), 7, "the legal basis names no article"),
        (
            text("先挂失。", basis="法律依据：《社会保险法》\n\n用人单位缴费。"),
            9,
            "text in the legal basis before any article",
        ),
        (text("先挂失。", basis="法律依据：《社会保险法》第一百三条"), 7, "“一百三” is not a number"),
        (text("先挂失。", basis="法律依据：《社会保险法》\n\n第零条 零。"), 9, "“零” is not a number"),
        (text("先挂失。", basis="法律依据：《社会保险法》\n\n第０条 零。"), 9, "article numbers start at 1"),
        (text("先挂失。", basis="法律依据：《社会保险法》第八条 八。\n\n第八条 又八。"), 9, "is quoted twice"),
    ],
)
def test_a_malformed_chinese_text_is_an_error_naming_the_file_and_the_line(source, line, message):
    with pytest.raises(SourceError) as caught:
        parse(source)
    assert (caught.value.source, caught.value.line) == ("zh.txt", line)
    assert str(caught.value) == f"zh.txt, line {line}: {caught.value.message}"
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("basis", "line", "message"),
    [
        (
            "法律依据：《中华人民共和国劳动法》第八条",
            7,
            "no law is known as “中华人民共和国劳动法”; known: Social Insurance Law, ",
        ),
        (
            "法律依据：\n\n《社会保险法》\n\n第一百二十条",
            11,
            "Article 120 of the Social Insurance Law does not exist: it has 98",
        ),
    ],
)
def test_a_law_or_an_article_not_held_is_an_error_naming_the_file_and_the_line(
    social_insurance_law, tmp_path, basis, line, message
):
    path = write(tmp_path, "zh.txt", text("先挂失。", basis=basis))
    before = row_counts()
    with pytest.raises(ImportFailed) as caught:
        import_paths([path])
    [error] = caught.value.errors
    assert str(error).startswith(f"{path}, line {line}: {message}")
    assert row_counts() == before


# --------------------------------------------------------------------- the import: answers and topics


def test_a_chinese_text_becomes_a_chinese_answer_and_an_english_one_an_english_answer(social_insurance_law, tmp_path):
    write(tmp_path, "a.txt", text("先挂失，再补办。"))
    write(tmp_path, "b.txt", "Site - Social security inquiry - Lost?\n\nLost?\n\nReport it.")
    import_paths([tmp_path])
    assert dict(Answer.objects.values_list("question", "language")) == {
        QUESTION: Language.ZH_HANS,
        "Lost?": Language.EN,
    }


def test_a_chinese_section_makes_a_topic_with_that_name_as_both_titles(social_insurance_law, tmp_path):
    write(tmp_path, "a.txt", text("先挂失。"))
    assert "New topic: 社保查询" in run_command(tmp_path)
    topic = Topic.objects.get()
    assert (topic.title, topic.title_zh, topic.slug) == ("社保查询", "社保查询", "社保查询")
    assert Answer.objects.get().topic == topic


def test_a_chinese_section_finds_the_topic_of_that_chinese_title(social_insurance_law, tmp_path):
    Topic.objects.create(title="Card questions", title_zh="社保卡问题", slug="card-questions")
    named = Topic.objects.create(title="Social security inquiry", title_zh="社保查询", slug="social-security-inquiry")
    write(tmp_path, "a.txt", text("先挂失。"))
    output = run_command(tmp_path)
    assert "New topic" not in output
    assert Answer.objects.get().topic == named and Topic.objects.count() == 2


def test_a_chinese_section_finds_the_topic_of_that_title_when_none_has_it_as_its_chinese_title(
    social_insurance_law, tmp_path
):
    named = Topic.objects.create(title="社保查询", slug="inquiry")
    write(tmp_path, "a.txt", text("先挂失。"))
    assert "New topic" not in run_command(tmp_path)
    assert Answer.objects.get().topic == named


def test_an_english_section_is_looked_for_by_its_english_title_only(social_insurance_law, tmp_path):
    Topic.objects.create(title="Questions", title_zh="Social security inquiry", slug="questions")
    write(tmp_path, "a.txt", "Site - Social security inquiry - Lost?\n\nLost?\n\nReport it.")
    assert "New topic: Social security inquiry" in run_command(tmp_path)
    assert Topic.objects.get(title="Social security inquiry").title_zh == ""


def test_the_fixture_folder_imports_the_chinese_texts_with_the_english_ones_and_again_changes_nothing(
    social_insurance_law,
):
    output = run_command(SOURCE_DIR)
    assert output.splitlines()[0] == "New topic: Social security inquiry"  # named in both (topics.toml)
    assert "New topic: 社保查询" not in output
    assert output.splitlines()[-1].startswith("Answers: 5 created, 0 updated, 0 unchanged, 0 skipped.")
    assert "Warning:" not in output  # the Chinese quotes are the official text
    chinese = Answer.objects.filter(language=Language.ZH_HANS).order_by("source_title")
    assert len(CHINESE_SOURCES) == 3 and chinese.count() == 3
    assert {answer.topic.title_zh for answer in chinese} == {"社保查询"}
    assert Topic.objects.get().answers.count() == 5  # the English and the Chinese texts share it
    lost = chinese.get(question="社保卡丢了怎么补办？")
    assert [(s.kind, s.heading) for s in lost.sections.all()] == [
        (SectionKind.METHODS, "挂失方法"),
        (SectionKind.METHODS, "补办方法"),
        (SectionKind.PRECAUTIONS, "注意事项"),
    ]
    assert [c.provision.number for c in lost.citations.all()] == [58, 74]
    first = chinese.get(question="第一次办理社保卡需要什么条件？")
    assert [s.kind for s in first.sections.all()] == [SectionKind.CONDITIONS, SectionKind.METHODS, PRECAUTIONS]
    assert first.sections.all()[1].body_html.count("<ol>") == 3
    upgrade = chinese.get(question="社保卡可以中途升级吗？到哪里办理？")
    assert upgrade.translation.source_title == "Can social security be upgraded halfway? Where can I go?"  # paired
    assert upgrade.sections.first().heading == "法律分析"
    assert [c.provision.number for c in upgrade.citations.all()] == [4, 8]
    again = run_command(SOURCE_DIR)
    assert "Answers: 0 created, 0 updated, 5 unchanged, 0 skipped." in again and "Nothing changed." in again
