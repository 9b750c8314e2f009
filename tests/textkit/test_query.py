"""The reader's query language (pure functions)."""

import pytest

from textkit.query import ParsedQuery


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Article 10", 10),
        ("article10 pension", 10),
        ("art. 10", 10),
        ("ART 4", 4),
        ("第十条", 10),
        ("社会保险法第四条", 4),
        ("第二十三条", 23),
        ("第一百零五条", 105),
        ("第 12 条", 12),
        ("upgrade card", None),
        ("particle 10", None),
    ],
)
def test_query_naming_an_article_is_recognised(text, number):
    assert ParsedQuery.parse(text).provision_number == number


def test_article_reference_is_not_a_search_word():
    parsed = ParsedQuery.parse("Article 10 pension")
    assert [term.text for term in parsed.terms] == ["pension"]


def test_phrases_and_exclusions_are_parsed():
    parsed = ParsedQuery.parse('"social security card" upgrade -bank -"old card"')
    assert [(t.text, t.phrase, t.excluded) for t in parsed.terms] == [
        ("social security card", True, False),
        ("upgrade", False, False),
        ("bank", False, True),
        ("old card", True, True),
    ]
    assert not parsed.is_plain


def test_unclosed_quote_and_punctuation_do_not_break_the_parse():
    parsed = ParsedQuery.parse('"lost card?"  ; -- \' OR 1=1')
    assert [t.text for t in parsed.terms] == ["lost card", "1=1"]
    assert [t.text for t in ParsedQuery.parse('"lost card').terms] == ["lost card"]


def test_control_characters_and_long_queries_are_cleaned():
    parsed = ParsedQuery.parse("bank\x00\x1b[31m\ttransfer" + " x" * 500)
    assert parsed.terms[0].text == "bank"
    assert "\x00" not in parsed.text and "\x1b" not in parsed.text
    assert len(parsed.text) <= 200


def test_query_of_only_symbols_has_no_words():
    assert not ParsedQuery.parse('-- ;; \' "" ()').has_words
