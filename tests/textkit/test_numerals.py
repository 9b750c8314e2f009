import pytest

from textkit.numerals import chinese_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("五", 5),
        ("十", 10),
        ("十一", 11),
        ("十二", 12),
        ("二十", 20),
        ("二十一", 21),
        ("九十八", 98),
        ("一百", 100),
        ("两百", 200),
        ("一百零三", 103),
        ("一百一十", 110),
        ("一千零五十", 1050),
        ("一千零三", 1003),
        ("一千零一十", 1010),
        ("两千零二十四", 2024),
        ("两千", 2000),
        ("九千九百九十九", 9999),
        ("12", 12),
    ],
)
def test_chinese_numerals_and_digits(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "九千九千九千九千",
        "十十",
        "一二",
        "一百三",
        "一千二",
        "零",
        "〇",
        "零五",
        "一百零",
        "一百零三十",
        "一千零零三",
        "一十零三",
        "0",
        "",
        "十万",
        "第十",
        "1a",
    ],
)
def test_what_is_not_a_number_is_none(text):
    assert chinese_number(text) is None
