"""What the test fixtures hold, named once: the imported questions (fixtures/source/) and the law."""

from pathlib import Path

# fixtures/laws/social-insurance-law.toml
LAW_SLUG = "social-insurance-law"

# fixtures/source/000_c9b72944512ff204.txt: cites articles 4 and 10
UPGRADE_HALFWAY = "Can social security be upgraded halfway? Where can I go?"
UPGRADE_HALFWAY_SLUG = "can-social-security-be-upgraded-halfway-where-can-i-go"

# fixtures/source/001_8aa116ca66a33e7a.txt: two sections, cites articles 4 and 5
FIRST_CLASS_CARD = "Can the social security card be upgraded to a first-class card?"
FIRST_CLASS_CARD_SLUG = "can-the-social-security-card-be-upgraded-to-a-first-class-card"


# fixtures/laws/social-insurance-law.zh.md: article 4, paragraph 2, and a change of it
ARTICLE_4_2 = "个人依法享受社会保险待遇，有权监督本单位为其缴费情况。"
ARTICLE_4_2_NEW = "个人依法享受社会保险待遇，有权监督本单位为其缴费情况，有权查询个人权益记录。"
# Metadata that marks article 4 as amended, in force from 2027-01-01 (insert it before “[instrument]”)
AMENDMENT_2027 = '\n[[amendments]]\neffective_from = 2027-01-01\nmade_by = "某决定"\narticles = [4]\n'


def replace_in(path: Path, old, new):
    """Change a copy of a law text (the `law_copy` fixture)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
