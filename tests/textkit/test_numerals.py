import pytest

from textkit.numerals import chinese_number, to_chinese_number


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


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "一"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (58, "五十八"),
        (98, "九十八"),
        (100, "一百"),
        (103, "一百零三"),
        (110, "一百一十"),
        (1003, "一千零三"),
        (1010, "一千零一十"),
        (1050, "一千零五十"),
        (2024, "二千零二十四"),
        (9999, "九千九百九十九"),
    ],
)
def test_numbers_in_chinese_numerals(number, text):
    assert to_chinese_number(number) == text
    assert chinese_number(text) == number  # and back


def test_every_numeral_written_is_read_back_and_each_number_has_one_numeral():
    written = {n: to_chinese_number(n) for n in range(1, 10000)}
    assert len(set(written.values())) == 9999
    assert [n for n, text in written.items() if to_chinese_number(chinese_number(text)) != text] == []


def test_chinese_numerals_round_trip_from_one_to_9999():
    assert [n for n in range(1, 10000) if chinese_number(to_chinese_number(n)) != n] == []


@pytest.mark.parametrize("number", [0, -1, 10000])
def test_numbers_outside_the_range_are_refused(number):
    with pytest.raises(ValueError, match="outside"):
        to_chinese_number(number)
