"""Personal data out of a text before it is kept: ID, card and phone numbers and e-mail addresses (pure).

Readers paste their ID card number, their social security card or bank card number, their phone number or their
e-mail address into the search box. Before a query is counted (search.log), `mask_personal_data` replaces each
run of six or more digits (the digits may be grouped with spaces, hyphens, dots, slashes or commas, as in
1101 0519 9001 0112 34, 138-0013-8000 or 138.0013.8000; an 18-character ID may end in X) by `MASKED_NUMBER`,
and anything shaped like an e-mail address by `MASKED_EMAIL`. Shorter numbers (12333, a year, 第10条) are kept.
A year followed by another number may be masked with it (2024 12333): the mask errs on the side of the reader.
"""

import re
import unicodedata

MASKED_NUMBER = "[number]"
MASKED_EMAIL = "[email]"
MIN_DIGITS = 6  # a run of this many digits or more is masked

# A local part of Latin letters, digits and . _ % + - (none: "张三@qq.com" loses its address, keeps the name),
# then a domain with at least one dot and a top-level domain of letters. Chinese around it is not part of it.
# A Chinese full stop typed for a dot (name@qq。com) is a dot.
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:[.。][A-Za-z0-9\-]+)*[.。][A-Za-z]{2,}")
# Digits in groups separated by spaces, or by a hyphen, dash, dot, slash or comma (Chinese ones too: ，、), with
# spaces around it or not, then perhaps an X (the check character of a Chinese ID) that does not begin a Latin word.
_SEPARATOR = r"(?:\s*[-\u2010-\u2015\u2212./,，、]\s*|\s+)"
NUMBER_RUN = re.compile(rf"\d+(?:{_SEPARATOR}\d+)*(?:[Xx](?![A-Za-z]))?")
_DIGIT = re.compile(r"\d")


def _mask_number(match: re.Match) -> str:
    run = match.group()
    return MASKED_NUMBER if len(_DIGIT.findall(run)) >= MIN_DIGITS else run


def mask_personal_data(text: str) -> str:
    """`text` NFKC-folded (full-width digits and letters as ASCII, as every query is read) with each e-mail
    address replaced by MASKED_EMAIL and each run of MIN_DIGITS or more digits by MASKED_NUMBER."""
    text = unicodedata.normalize("NFKC", text)
    text = EMAIL.sub(MASKED_EMAIL, text)
    return NUMBER_RUN.sub(_mask_number, text)
