"""What the test fixtures hold, named once: the imported questions (fixtures/source/) and the law."""

# fixtures/laws/social-insurance-law.toml
LAW_SLUG = "social-insurance-law"

# fixtures/source/000_c9b72944512ff204.txt: cites articles 4 and 10
UPGRADE_HALFWAY = "Can social security be upgraded halfway? Where can I go?"
UPGRADE_HALFWAY_SLUG = "can-social-security-be-upgraded-halfway-where-can-i-go"

# fixtures/source/001_8aa116ca66a33e7a.txt: two sections, cites articles 4 and 5
FIRST_CLASS_CARD = "Can the social security card be upgraded to a first-class card?"
FIRST_CLASS_CARD_SLUG = "can-the-social-security-card-be-upgraded-to-a-first-class-card"
