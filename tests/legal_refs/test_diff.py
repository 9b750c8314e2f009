"""What changed between two wordings: paragraphs matched, then characters; rendered escaped."""

from legal_refs.diff import DELETE, EQUAL, INSERT, ParagraphChange, Segment, diff_paragraphs, diff_text
from legal_refs.templatetags.law_text import chinese_numeral, segments_html


def test_characters_deleted_and_inserted():
    assert diff_text("工商行政管理部门", "市场监督管理部门") == [
        Segment(DELETE, "工商行政"),
        Segment(INSERT, "市场监督"),
        Segment(EQUAL, "管理部门"),
    ]


def test_identical_texts_are_one_equal_segment():
    assert diff_text("同一", "同一") == [Segment(EQUAL, "同一")]
    assert diff_text("", "") == []


def test_a_long_text_is_compared_character_by_character_without_junk_heuristics():
    before = "的" * 300 + "甲"
    after = "的" * 300 + "乙"
    assert diff_text(before, after) == [Segment(EQUAL, "的" * 300), Segment(DELETE, "甲"), Segment(INSERT, "乙")]


def test_paragraphs_kept_changed_removed_and_added():
    changes = diff_paragraphs(["一", "二", "三"], ["一", "贰", "三", "四"])
    assert changes == [
        ParagraphChange(1, 1, (Segment(EQUAL, "一"),)),
        ParagraphChange(2, 2, (Segment(DELETE, "二"), Segment(INSERT, "贰"))),
        ParagraphChange(3, 3, (Segment(EQUAL, "三"),)),
        ParagraphChange(None, 4, (Segment(INSERT, "四"),)),
    ]
    assert [change.changed for change in changes] == [False, True, False, True]
    assert diff_paragraphs(["一", "二"], ["一"])[1] == ParagraphChange(2, None, (Segment(DELETE, "二"),))


def test_segments_are_rendered_escaped_with_their_line_breaks():
    html = segments_html(diff_text("a<b>\n（一）x", "a<i>\n（一）x"))
    assert html == "a&lt;<del>b</del><ins>i</ins>&gt;<br>（一）x"


def test_chinese_numeral_filter():
    assert chinese_numeral(12) == "十二"
    assert chinese_numeral("7") == "七"


def test_texts_too_long_for_characters_are_compared_line_by_line():
    from textkit.diff import MAX_UNITS

    lines = [f"第{n}行" + "的" * 40 for n in range(MAX_UNITS // 40)]
    changed = [*lines[:-1], "最后一行改了"]
    segments = diff_text("\n".join(lines), "\n".join(changed))
    assert segments[-2:] == [Segment(DELETE, lines[-1]), Segment(INSERT, "最后一行改了")]
