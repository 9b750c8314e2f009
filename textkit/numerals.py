"""Chinese numerals: 五 → 5, 十二 → 12, 一百零三 → 103, 两千 → 2000."""

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"千": 1000, "百": 100, "十": 10}
# The characters a Chinese number may hold, for character classes of regular expressions.
NUMERAL_CHARACTERS = "".join(DIGITS) + "".join(UNITS)


def chinese_number(text: str) -> int | None:
    """The value of `text`, in ASCII digits or in Chinese numerals (up to 9999); None if it is no number.

    The units fall (千, 百, 十), each once at most, each after one digit, except a leading 十 (十二 = 12).
    零 stands for the places skipped after a unit (一百零三 = 103, 一千零五十 = 1050); a final digit follows
    十, a 零 or nothing. So 九千九千, 十十, 一二, 零五, 一百零三十 and 一百三 (which people read as 130) are
    not numbers, and neither is 0.
    """
    if text.isascii():
        return int(text) or None if text.isdigit() else None
    total, digit, zero, last_unit = 0, None, False, None  # zero: a 零 stands between the last unit and now
    for char in text:
        if char in DIGITS:
            value = DIGITS[char]
            if value == 0:
                if last_unit is None or digit is not None or zero:
                    return None  # 零 comes only right after a unit, once
                zero = True
            elif digit is not None:
                return None  # two digits in a row
            else:
                digit = value
        elif char in UNITS:
            unit = UNITS[char]
            if last_unit is not None and (unit >= last_unit or zero != (unit * 10 < last_unit)):
                return None  # units fall, and a 零 stands exactly for the places skipped
            if digit is None and (total or unit != 10):
                return None  # only a leading 十 goes without its digit
            total += (digit or 1) * unit
            digit, zero, last_unit = None, False, unit
        else:
            return None
    if digit is not None and last_unit is not None and last_unit > 10 and not zero:
        return None  # 一百三: a final digit after 百 or 千 needs its 零
    if zero and (digit is None or last_unit < 100):
        return None  # 一百零; 一十零三 (零 skips no place)
    return total + (digit or 0) or None


def to_chinese_number(number: int) -> str:
    """`number` (1 to 9999) in Chinese numerals, as laws number their articles: 5 → 五, 12 → 十二,
    103 → 一百零三, 110 → 一百一十, 2024 → 二千零二十四. The inverse of `chinese_number`."""
    if not 1 <= number <= 9999:
        raise ValueError(f"{number} is outside 1 to 9999")
    digits = "零一二三四五六七八九"
    teen = 10 <= number < 20  # 十二, not 一十二
    text, skipped = "", False  # skipped: a zero place since the last digit written
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, unit)
        if digit:
            text += ("零" if skipped and text else "") + digits[digit] + name
            skipped = False
        else:
            skipped = True
    return text[1:] if teen else text
