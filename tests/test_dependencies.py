"""The dependency direction of the design: search -> articles -> legal_refs -> serving -> textkit, never back up.

Checked in Python imports, in URL names reversed in code, and in the app templates: the tag libraries
they load, the templates they extend or include and the URL names they reverse.
"""

import ast
import re

import pytest

from tests.conftest import ROOT

LAYERS = ["textkit", "serving", "legal_refs", "articles", "search"]  # each may use those before it, never those after
TEMPLATE_REFERENCE = re.compile(r"""\{%\s*(load|extends|include|url)\s+([^%]*?)%\}""")


def above(layer):
    return LAYERS[LAYERS.index(layer) + 1 :]


def tag_libraries():
    """{library name: the layer that defines it}."""
    return {path.stem: layer for layer in LAYERS for path in (ROOT / layer).glob("templatetags/*.py")}


def python_references(path):
    """The modules `path` imports and the URL names ("app:name") its string literals hold."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"\w+:\w+", node.value):
            yield node.value.split(":")[0]


def template_references(path, libraries):
    """The layers an app template uses: through tag libraries, other templates and URL names."""
    for kind, argument in TEMPLATE_REFERENCE.findall(path.read_text()):
        words = argument.split()
        if kind == "load":
            yield from (libraries[word] for word in words if word in libraries)
        elif kind in {"extends", "include"}:
            yield words[0].strip("\"'").split("/")[0]
        else:
            yield words[0].strip("\"'").split(":")[0]


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_python_uses_nothing_above_it(layer):
    offenders = [
        f"{path.relative_to(ROOT)}: {reference}"
        for path in (ROOT / layer).rglob("*.py")
        for reference in python_references(path)
        if reference.split(".")[0] in above(layer)
    ]
    assert offenders == []


@pytest.mark.parametrize("layer", LAYERS[1:-1])
def test_templates_use_nothing_above_them(layer):
    libraries = tag_libraries()
    offenders = [
        f"{path.relative_to(ROOT)}: {reference}"
        for path in (ROOT / "templates" / layer).rglob("*.html")
        for reference in template_references(path, libraries)
        if reference in above(layer)
    ]
    assert offenders == []


def test_migrations_import_no_application_code():
    """Functions a migration runs are frozen copies; only the validators that makemigrations writes as
    references to the app's own models module are imported (a field's definition names them)."""
    project = {*LAYERS, "sscard_kb"}
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for layer in LAYERS
        for path in (ROOT / layer).glob("migrations/*.py")
        for module in python_references(path)
        if module.split(".")[0] in project and module != f"{layer}.models"
    ]
    assert offenders == []


def test_the_checks_see_what_they_look_for(tmp_path):
    """The checks find an upward reference of each kind (so that an empty list means something)."""
    code = tmp_path / "views.py"
    code.write_text('from articles.models import Answer\nreverse("articles:home")\n')
    assert list(python_references(code)) == ["articles.models", "articles"]
    page = tmp_path / "page.html"
    page.write_text("{% load i18n citation_links %}{% include 'articles/x.html' %}{% url 'search:search' %}")
    assert list(template_references(page, {"citation_links": "articles"})) == ["articles", "articles", "search"]
