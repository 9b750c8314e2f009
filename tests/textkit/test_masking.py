"""Personal data masked before a query is kept (a pure function)."""

import pytest

from textkit.masking import MASKED_EMAIL, MASKED_NUMBER, mask_personal_data

N, E = MASKED_NUMBER, MASKED_EMAIL


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # Grouped with dots, slashes or commas, Chinese ones too; an e-mail address with a Chinese full stop.
        ("138.0013.8000", "[number]"),
        ("138/0013/8000 补卡", "[number] 补卡"),
        ("卡号1380013，8000", "卡号[number]"),
        ("name@qq。com 丢卡", "[email] 丢卡"),
        # ID card numbers: 18 digits, or 17 and an X; grouped with spaces or not; inside Chinese.
        ("110105199001011234", N),
        ("11010519900101123X", N),
        ("11010519900101123x 补办", f"{N} 补办"),
        ("身份证11010519900101123X怎么挂失", f"身份证{N}怎么挂失"),
        ("1101 0519 9001 0112 34", N),
        ("1101 0519 9001 0112 3X 社保卡", f"{N} 社保卡"),
        # Phone numbers, with hyphens or spaces, a country code, a landline.
        ("13800138000", N),
        ("138-0013-8000", N),
        ("138 0013 8000 打不通", f"{N} 打不通"),
        ("+86 138 0013 8000", f"+{N}"),
        ("010-6512 3456", N),
        ("138–0013–8000", N),  # en dashes
        # Full-width digits, hyphens and X (as typed with a Chinese input method).
        ("１３８００１３８０００", N),
        ("１１０１０５１９９００１０１１２３Ｘ", N),
        ("１３８－００１３－８０００", N),
        # Card numbers.
        ("6222 0212 3456 7890 123", N),
        ("卡号6222021234567890123余额", f"卡号{N}余额"),
        # Six digits is enough; five is not.
        ("123456", N),
        ("12345", "12345"),
        ("12 34 56", N),
        # E-mail addresses, with Chinese around them.
        ("zhang.san@example.com", E),
        ("请发到zhang.san+kb@example.com.cn谢谢", f"请发到{E}谢谢"),
        ("我的邮箱是li_si@qq.com，密码忘了", f"我的邮箱是{E},密码忘了"),  # NFKC: the full-width comma too
        ("ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", E),
        ("123456789@qq.com", E),
        ("张三@163.com", f"张三{E}"),
        # Both in one query.
        ("13800138000 a@b.cn 社保卡", f"{N} {E} 社保卡"),
    ],
)
def test_personal_data_is_masked(text, masked):
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "社保卡丢了怎么办",
        "12333",  # the social security hotline
        "第10条",
        "Article 4 pension",
        "2024年 社保卡",
        "how do I get a first-class card",
        "e-mail address of the office",
        "X-ray 12345",
        "@home",
    ],
)
def test_ordinary_queries_are_kept(text):
    assert mask_personal_data(text) == text


def test_an_x_that_begins_a_word_is_not_part_of_the_number():
    assert mask_personal_data("123456xyz") == f"{N}xyz"


def test_no_digit_of_a_masked_number_is_left():
    masked = mask_personal_data("ID 1101 0519 9001 0112 3X, phone 138-0013-8000, card 6222021234567890")
    assert not any(char.isdigit() for char in masked)
    assert masked == f"ID {N}, phone {N}, card {N}"
