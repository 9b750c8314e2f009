"""Text tools shared by the law corpus, the Q&A content and the search, below all three.

Plain Python (and Django's HTML escaping and forms): no models, no database. `numerals` reads Chinese numerals,
`tokens` makes the search tokens (Chinese bigrams, cited-article tokens, vocabulary words), `chinese` folds
traditional characters and cuts Chinese into words (with `dictionary/`), `query` is the reader's query
language, `highlight` marks matches in escaped HTML, `controls` keeps control characters out of text (with a form
mixin for the admin's forms) and `masking` takes ID, card and phone numbers and e-mail addresses out of a query
before it is counted.
"""
