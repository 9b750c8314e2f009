from textkit.tokens import cjk_tokens, provision_token, vocabulary_words


def test_chinese_runs_become_overlapping_tokens():
    assert cjk_tokens("办理社保卡 at the 银行") == "办理 理社 社保 保卡 卡 银行 行"


def test_a_cited_article_is_one_token():
    assert provision_token(10) == "article10"


def test_vocabulary_words_are_runs_of_three_to_forty_letters_in_lower_case():
    words = vocabulary_words("Where is the PENSION office? 社保卡 is 2 km, a" + " x" + "y" * 40, "Straße")
    assert words == {"where", "the", "pension", "office", "strasse"}  # casefolded; 41 letters are too many
