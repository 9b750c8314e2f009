"""Chinese numerals: 五 → 5, 十二 → 12, 一百零三 → 103, 两千 → 2000."""

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"千": 1000, "百": 100, "十": 10}
# The characters a Chinese number may hold, for character classes of regular expressions.
NUMERAL_CHARACTERS = "".join(DIGITS) + "".join(UNITS)


def chinese_number(text: str) -> int | None:
    """The value of `text`, in ASCII digits or in Chinese numerals (up to 9999); None if it is no number.

    The units fall (千, 百, 十), each once at most, each after one digit, except a leading 十 (十二 = 12);
    a final digit follows 十, a 零 (一百零三 = 103) or nothing. So 九千九千, 十十, 一二 and 一百三 (which
    people read as 130) are not numbers, and neither is 0.
    """
    if text.isascii():
        return int(text) or None if text.isdigit() else None
    total, digit, after_zero, last_unit = 0, None, False, 10_000
    for char in text:
        if char in DIGITS:
            value = DIGITS[char]
            if digit is not None and not (digit == 0 and value):
                return None  # two digits in a row, except 零 before a digit
            after_zero = digit == 0
            digit = value
        elif char in UNITS:
            unit = UNITS[char]
            if unit >= last_unit or digit == 0 or (digit is None and (total or unit != 10)):
                return None
            total += (digit or 1) * unit
            digit, after_zero, last_unit = None, False, unit
        else:
            return None
    if digit == 0 or (digit and last_unit > 10 and last_unit != 10_000 and not after_zero):
        return None
    return total + (digit or 0) or None
