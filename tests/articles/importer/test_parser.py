"""The source-text parser, rule by rule (docs/source-format.md), on small synthetic texts."""

import pytest

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
    decode_source,
    escape_markdown,
    leading_ordinal,
    ordinal_value,
    parse_source,
)

BREADCRUMB = "Site - Social security inquiry - How do I get a card?"
BASIS = "Legal basis: Article 4 of Social Insurance Law.\n\nArticle text."


def source(*paragraphs, basis=BASIS):
    parts = [BREADCRUMB, "How do I get a card?", *paragraphs]
    if basis:
        parts.append(basis)
    return "\n\n".join(parts)


def parse(text):
    return parse_source(text, "test.txt")


def content(parsed):
    """What a parse says, without the line numbers."""
    return (
        parsed.site,
        parsed.section,
        parsed.title,
        parsed.question,
        parsed.short_answer,
        [(s.kind, s.heading, s.markdown) for s in parsed.sections],
        [(a.law_name, a.number, a.paragraphs) for a in parsed.quoted],
    )


# --------------------------------------------------------------------- encoding


def test_bom_and_crlf_change_nothing():
    text = source("You can.", "Steps:", "1. Go.", "2. Ask.")
    plain = parse(decode_source(text.encode(), "a.txt"))
    bom_crlf = parse(decode_source(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(), "a.txt"))
    assert bom_crlf == plain
    assert plain.site == "Site"


def test_cr_line_ends_trailing_spaces_and_blank_runs_change_nothing():
    text = source("You can.", "Steps:", "1. Go.")
    messy = "\r\r" + text.replace("\n\n", "   \r \t\r\r\r") + "\r\r"
    assert content(parse(decode_source(messy.encode(), "a.txt"))) == content(parse(text))


def test_not_utf8_is_rejected_with_file_and_line():
    data = b"Site - Topic - Title\n\nQuestion\n\n" + "Réponse".encode("latin-1")
    with pytest.raises(SourceError) as caught:
        decode_source(data, "bad.txt")
    assert caught.value.source == "bad.txt"
    assert caught.value.line == 5
    assert "not UTF-8" in str(caught.value)


def test_binary_file_is_rejected():
    with pytest.raises(SourceError, match="NUL"):
        decode_source(b"Site - A - B\n\x00\x01", "bin.txt")


def test_chinese_title_and_body():
    text = "\n\n".join(
        [
            "招聘网 - 社保查询 - 社保卡可以中途升级吗？",
            "社保卡可以中途升级吗？",
            "可以。",
            "升级方法如下：",
            "1、线上升级：登录官网办理。",
            "2、线下升级：到银行办理。",
            "法律依据：《中华人民共和国社会保险法》第四条",
            "用人单位和个人依法缴纳社会保险费。",
            "第五条 县级以上人民政府将社会保险事业纳入国民经济和社会发展规划。",
        ]
    )
    parsed = parse(text)
    assert parsed.section == "社保查询"
    assert parsed.title == "社保卡可以中途升级吗？"
    assert parsed.short_answer == "可以。"
    [methods] = parsed.sections
    assert methods.kind == METHODS
    assert [(i.label, i.text) for i in methods.blocks[0].items] == [
        ("线上升级", "登录官网办理。"),
        ("线下升级", "到银行办理。"),
    ]
    assert [(a.law_name, a.number, a.language) for a in parsed.quoted] == [
        ("中华人民共和国社会保险法", 4, CHINESE),
        ("中华人民共和国社会保险法", 5, CHINESE),
    ]


# --------------------------------------------------------------------- shape


def test_breadcrumb_title_may_contain_the_separator():
    parsed = parse(source("Yes.").replace(BREADCRUMB, "Site - Section - Cards - new and old"))
    assert (parsed.site, parsed.section, parsed.title) == ("Site", "Section", "Cards - new and old")


def test_question_is_the_paragraph_after_the_breadcrumb():
    assert parse(source("Yes.")).question == "How do I get a card?"


def test_text_before_the_first_heading_is_the_short_answer():
    parsed = parse(source("Yes, you can.", "It is free.", "Methods:", "1. Go."))
    assert parsed.short_answer == "Yes, you can.\n\nIt is free."
    assert [s.heading for s in parsed.sections] == ["Methods"]


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("The methods to improve the grade are as follows:", METHODS),
        ("Method of application:", METHODS),
        ("Matters needing attention in upgrading:", PRECAUTIONS),
        ("Precautions:", PRECAUTIONS),
        ("Notes for applicants:", PRECAUTIONS),
        ("The following conditions apply:", CONDITIONS),
        ("Where to go:", GENERAL),
    ],
)
def test_heading_words_give_the_section_kind(heading, kind):
    [section] = parse(source(heading, "1. Item.")).sections
    assert section.kind == kind
    assert section.heading == heading[:-1]


def test_a_long_paragraph_ending_with_colon_is_text_not_a_heading():
    lead = "You may apply. The office checks these documents:"
    parsed = parse(source("Methods:", lead, "1. ID card."))
    [section] = parsed.sections
    assert section.blocks[0] == Paragraph(lead, 7)


def test_legal_analysis_opens_an_analysis_section_with_its_text_as_first_paragraph():
    parsed = parse(source("Legal analysis: Yes, but only down. It needs these conditions:", "(a) One;", "(b) Two."))
    [section] = parsed.sections
    assert section.kind == ANALYSIS
    assert section.blocks[0].text == "Yes, but only down. It needs these conditions:"
    assert [i.text for i in section.blocks[1].items] == ["One;", "Two."]


def test_mixed_list_markers_make_one_list_numbered_in_order():
    parsed = parse(source("Conditions:", "(a) A;", "(two) B;", "(3) C;", "(four) D;", "(5) E."))
    [section] = parsed.sections
    [block] = section.blocks
    assert isinstance(block, OrderedList)
    assert [i.text for i in block.items] == ["A;", "B;", "C;", "D;", "E."]
    assert section.markdown.splitlines() == ["1. A;", "2. B;", "3. C;", "4. D;", "5. E."]


def test_list_items_on_consecutive_lines_are_separate_items():
    [section] = parse(source("Methods:\n1. One.\n2. Two.")).sections
    assert [i.text for i in section.blocks[0].items] == ["One.", "Two."]


def test_a_paragraph_between_items_splits_the_lists():
    [section] = parse(source("Methods:", "1. One.", "Then, after a week.", "1. Two.", "2. Three.")).sections
    first, between, second = section.blocks
    assert [i.text for i in first.items] == ["One."]
    assert between.text == "Then, after a week."
    assert [i.text for i in second.items] == ["Two.", "Three."]
    assert section.markdown.splitlines()[-2:] == ["1. Two.", "2. Three."]


def test_a_heading_with_nothing_under_it_is_a_paragraph():
    parsed = parse(source("Where to go:", "Methods:", "1. Go.", "Notes:"))
    assert parsed.short_answer == "Where to go:"
    [section] = parsed.sections
    assert section.heading == "Methods"
    assert section.blocks[-1].text == "Notes:"


@pytest.mark.parametrize(
    ("item", "label", "text"),
    [
        ("1. 9:00 to 17:00 on weekdays.", "", "9:00 to 17:00 on weekdays."),
        ("1. https://www.gov.cn is the site.", "", "https://www.gov.cn is the site."),
        ("1.Online upgrade: open the site.", "Online upgrade", "open the site."),
        ("(ii) Offline: go.", "Offline", "go."),
        ("(3)Formulating plans;", "", "Formulating plans;"),
    ],
)
def test_item_markers_and_labels(item, label, text):
    [section] = parse(source("Methods:", item)).sections
    [parsed] = section.blocks[0].items
    assert (parsed.label, parsed.text) == (label, text)


def test_article_reference_inside_text_is_not_an_article_marker():
    basis = (
        "Legal basis: Article 4 of Social Insurance Law.\n\nEmployers pay as provided in\n"
        "Article 10 of this Law and others.\n\nArticle 10 of this Law also applies."
    )
    [article] = parse(source("Yes.", basis=basis)).quoted
    assert article.number == 4
    assert article.paragraphs == (
        "Employers pay as provided in Article 10 of this Law and others.",
        "Article 10 of this Law also applies.",
    )


def test_enumeration_words_are_not_article_markers():
    basis = "Legal basis: Social Insurance Law.\n\nArticle 1 Lead.\n\nSecond, the state pays."
    [article] = parse(source("Yes.", basis=basis)).quoted
    assert article.paragraphs == ("Lead.", "Second, the state pays.")


@pytest.mark.parametrize(
    ("header", "law"),
    [
        ('Legal basis: Article 4 of the "Social Insurance Law".', "Social Insurance Law"),
        ("Legal basis: Article 4 of 《Social Insurance Law》.", "Social Insurance Law"),
        ("Legal basis: Article 4 of the Social Insurance Law. Employers pay premiums.", "Social Insurance Law"),
    ],
)
def test_law_name_loses_quotes_full_stop_and_what_follows(header, law):
    [article] = parse(source("Yes.", basis=f"{header}\n\nText.")).quoted
    assert article.law_name == law


def test_mixed_digit_kinds_in_chinese_article_marker_are_text_not_a_crash():
    basis = "法律依据：《社会保险法》第四条\n\n文本。\n\n第五5条 其他"
    [article] = parse(source("可以。", basis=basis)).quoted
    assert article.paragraphs == ("文本。", "第五5条 其他")


def test_parse_source_accepts_bare_cr_line_ends_itself():
    parsed = parse("Site - T - Q\r\rQ?\r\rYes.")
    assert (parsed.question, parsed.short_answer) == ("Q?", "Yes.")


def test_overlong_breadcrumb_part_is_an_error():
    with pytest.raises(SourceError, match="site is longer than 200"):
        parse("S" * 250 + " - Topic - Q\n\nQ\n\nYes.")


def test_label_before_colon_is_the_items_label():
    [section] = parse(source("Methods:", "1. Online upgrade: open the website;", "2. Just go to the bank.")).sections
    items = section.blocks[0].items
    assert (items[0].label, items[0].text) == ("Online upgrade", "open the website;")
    assert (items[1].label, items[1].text) == ("", "Just go to the bank.")
    assert section.markdown.splitlines()[0] == "1. **Online upgrade:** open the website;"


def test_list_before_any_heading_becomes_an_untitled_general_section():
    [section] = parse(source("1. Go to the bank.")).sections
    assert (section.kind, section.heading) == (GENERAL, "")


@pytest.mark.parametrize(
    "text",
    [
        "a *b* _c_ `d` [x](javascript:y) ![i](data:z)",
        "a <b> c <script>alert(1)</script>",
        "5 = 5 | pipe & &lt; entity",
        "1. not a list",
        "# not a heading",
        "> not a quote",
        "- not a bullet",
        "back\\slash",
    ],
)
def test_source_text_is_shown_exactly_as_written(text):
    from html import escape

    from articles.markdown import render_markdown

    assert render_markdown(escape_markdown(text)) == f"<p>{escape(text, quote=False)}</p>"


# --------------------------------------------------------------------- legal basis


def test_legal_basis_article_n_of_law_cites_that_article_with_following_text():
    text = source(
        "Yes.", basis="Legal basis: Article 4 of People's Republic of China (PRC) Social Insurance Law.\n\nP1.\n\nP2."
    )
    [article] = parse(text).quoted
    assert article.law_name == "People's Republic of China (PRC) Social Insurance Law"
    assert article.number == 4
    assert article.paragraphs == ("P1.", "P2.")


def test_legal_basis_law_name_then_article_markers():
    basis = "Legal basis: Social Insurance Law.\n\nArticle 4 First text.\n\nMore.\n\nArticle 10\n\nTen text."
    articles = parse(source("Yes.", basis=basis)).quoted
    assert [(a.number, a.paragraphs) for a in articles] == [(4, ("First text.", "More.")), (10, ("Ten text.",))]


def test_article_alone_on_its_line_is_a_marker():
    basis = "Legal basis: Article 4 of Social Insurance Law.\n\nFour.\n\nArticle 10\n\nTen."
    assert [a.number for a in parse(source("Yes.", basis=basis)).quoted] == [4, 10]


def test_ordinal_word_that_continues_the_sequence_is_an_article_marker():
    basis = "Legal basis: Social Insurance Law.\n\nArticle 4 Four.\n\nFifth people's governments act."
    articles = parse(source("Yes.", basis=basis)).quoted
    assert [(a.number, a.paragraphs[0]) for a in articles] == [(4, "Four."), (5, "People's governments act.")]


def test_ordinal_word_that_does_not_continue_the_sequence_is_text():
    basis = "Legal basis: Social Insurance Law.\n\nArticle 4 Four.\n\nSecond, the state pays.\n\nSixth item."
    [article] = parse(source("Yes.", basis=basis)).quoted
    assert article.paragraphs == ("Four.", "Second, the state pays.", "Sixth item.")


def test_unknown_law_name_is_kept_as_written():
    [article] = parse(source("Yes.", basis="Legal basis: Article 3 of Card Regulations.\n\nText.")).quoted
    assert article.law_name == "Card Regulations"


def test_second_legal_basis_switches_law():
    basis = "Legal basis: Article 4 of Law A.\n\nA4.\n\nLegal basis: Article 4 of Law B.\n\nB4."
    assert [(a.law_name, a.number) for a in parse(source("Yes.", basis=basis)).quoted] == [("Law A", 4), ("Law B", 4)]


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("fifth", 5),
        ("tenth", 10),
        ("twelfth", 12),
        ("twentieth", 20),
        ("twenty first", 21),
        ("ninety eighth", 98),
        ("one hundred and third", 103),
        ("one hundredth", 100),
        ("five", None),
        ("twenty", None),
    ],
)
def test_ordinal_values(words, value):
    assert ordinal_value(words.split()) == value


def test_leading_ordinal_reads_hyphenated_words_and_ignores_longer_words():
    assert leading_ordinal("Twenty-first Employers pay.") == (21, "Employers pay.")
    assert leading_ordinal("Firstly, the state") is None
    assert leading_ordinal("Fifthly") is None


def test_a_malformed_chinese_article_number_is_an_error_naming_the_line():
    text = f"{BREADCRUMB}\n\nQuestion?\n\nYes.\n\n法律依据：《社会保险法》\n\n第九千九千条 Text."
    with pytest.raises(SourceError, match=r"line 9: “九千九千” is not a number"):
        parse(text)


# --------------------------------------------------------------------- Chinese article markers


def cjk_source(basis):
    return f"{BREADCRUMB}\n\nQuestion?\n\n可以。\n\n{basis}"


def quoted(basis):
    return [(a.law_name, a.number, a.paragraphs, a.language) for a in parse(cjk_source(basis)).quoted]


def test_chinese_marker_names_the_law_and_the_article_and_takes_the_text_after_it():
    basis = (
        "法律依据：\n\n"
        "《中华人民共和国社会保险法》第五十八条 用人单位应当自用工之日起三十日内申请办理社会保险登记。\n\n"
        "自愿参加社会保险的人员，应当向社会保险经办机构申请办理社会保险登记。\n\n"
        "《社会保险经办条例》第七条：社会保险经办机构应当及时办理。"
    )
    assert quoted(basis) == [
        (
            "中华人民共和国社会保险法",
            58,
            (
                "用人单位应当自用工之日起三十日内申请办理社会保险登记。",
                "自愿参加社会保险的人员，应当向社会保险经办机构申请办理社会保险登记。",
            ),
            CHINESE,
        ),
        ("社会保险经办条例", 7, ("社会保险经办机构应当及时办理。",), CHINESE),
    ]


def test_chinese_marker_after_the_label_takes_the_text_on_its_line():
    assert quoted("法律依据：《社会保险经办条例》第七条 社会保险经办机构应当及时办理。") == [
        ("社会保险经办条例", 7, ("社会保险经办机构应当及时办理。",), CHINESE)
    ]


def test_chinese_marker_without_text_cites_the_article():
    basis = "法律依据：\n\n《中华人民共和国社会保险法》第五十八条\n\n《社会保险经办条例》第 7 条"
    assert quoted(basis) == [("中华人民共和国社会保险法", 58, (), CHINESE), ("社会保险经办条例", 7, (), CHINESE)]


def test_chinese_marker_sets_the_law_of_the_bare_markers_after_it():
    basis = "Legal basis: Social Insurance Law.\n\n《社会保险经办条例》第七条 七。\n\n第八条 八。"
    assert [(law, number) for law, number, *_ in quoted(basis)] == [("社会保险经办条例", 7), ("社会保险经办条例", 8)]


def test_the_line_naming_the_law_is_kept_with_each_article():
    parsed = parse(cjk_source("法律依据：《社会保险法》\n\n第四条 四。\n\n《社会保险经办条例》第七条"))
    assert [(a.number, a.line, a.law_line) for a in parsed.quoted] == [(4, 9, 7), (7, 11, 11)]


def test_chinese_reference_inside_text_is_not_a_marker():
    basis = "法律依据：《社会保险法》第四条 四。\n\n《社会保险经办条例》第七条规定的登记，依照本法办理。"
    assert quoted(basis) == [
        ("社会保险法", 4, ("四。", "《社会保险经办条例》第七条规定的登记，依照本法办理。"), CHINESE)
    ]


def test_a_malformed_number_in_a_chinese_marker_is_an_error_naming_the_line():
    with pytest.raises(SourceError, match=r"test.txt, line 9: “一百三” is not a number"):
        parse(cjk_source("法律依据：\n\n《社会保险法》第一百三条 文本。"))


def test_a_bare_marker_before_any_law_is_named_is_an_error_at_the_label():
    with pytest.raises(SourceError, match=r"line 7: '法律依据：' names no law"):
        parse(cjk_source("法律依据：\n\n第四条 文本。"))


@pytest.mark.parametrize(
    ("basis", "language"),
    [
        ("Legal basis: Article 4 of Social Insurance Law.\n\nEmployers pay premiums.", ENGLISH),
        ("Legal basis: Article 4 of Social Insurance Law.\n\n用人单位和个人依法缴纳社会保险费。", CHINESE),
        ("法律依据：《社会保险法》第四条 Employers pay the premiums of 《社会保险法》.", ENGLISH),
        ("法律依据：《社会保险法》第四条 用人单位依法缴纳 PRC 社会保险费。", CHINESE),
    ],
)
def test_the_language_of_a_quote_is_that_of_most_of_its_letters(basis, language):
    [article] = parse(cjk_source(basis)).quoted
    assert article.language == language


def test_no_legal_basis_means_no_citations():
    assert parse(source("Yes.", basis="")).quoted == []


# --------------------------------------------------------------------- malformed files


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 0, "empty"),
        ("\n\n   \n", 0, "empty"),
        ("Just a question without a breadcrumb?\n\nYes.", 1, "breadcrumb"),
        ("\n\nSite - Topic\n\nQuestion\n\nAnswer", 3, "breadcrumb"),
        ("Site - Topic - Title\n", 1, "only a breadcrumb"),
        ("Site - Topic - Title\n\nQuestion?\n", 3, "no answer"),
        (
            source("Yes.", basis="Legal basis: Social Insurance Law.\n\nSome text without an article."),
            9,
            "before any article",
        ),
        (source("Yes.", basis="Legal basis: Social Insurance Law."), 7, "names no article"),
        (source("Yes.", basis="Legal basis: Article 4 of Social Insurance Law."), 7, "has no text"),
        (source("Yes.", basis="Legal basis:\n\nArticle 4 text"), 7, "names no law"),
        (
            source("Yes.", basis="Legal basis: Social Insurance Law.\n\nArticle 4 A.\n\nArticle 4 B."),
            11,
            "quoted twice",
        ),
        (source("Yes.", basis="Legal basis: Social Insurance Law.\n\nArticle 0 Zero."), 9, "start at 1"),
    ],
)
def test_malformed_files_raise_an_error_naming_file_and_line(text, line, message):
    with pytest.raises(SourceError) as caught:
        parse(text)
    assert caught.value.source == "test.txt"
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"test.txt, line {line}: " if line else "test.txt: ")
