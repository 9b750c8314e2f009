"""The dependency direction of the design: articles -> legal_refs, never the reverse."""

import ast

from tests.conftest import ROOT


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_legal_refs_imports_nothing_from_articles():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "legal_refs").rglob("*.py")
        for module in imported_modules(path)
        if module == "articles" or module.startswith("articles.")
    ]
    assert offenders == []
