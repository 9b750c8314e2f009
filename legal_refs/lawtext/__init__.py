"""Law texts: the official wording of an instrument as data the project loads (fixtures/laws/).

`parser` reads a text, `metadata` the TOML beside it; both are pure. `loader` writes them through
`legal_refs.services`, one transaction for a run; `manage.py import_law_text` drives it.
"""
