import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.content import LAW_SLUG

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "fixtures" / "source"
# The English source texts (machine translations) and the Chinese ones (written in the Chinese source format).
ENGLISH_SOURCES = [SOURCE_DIR / "000_c9b72944512ff204.txt", SOURCE_DIR / "001_8aa116ca66a33e7a.txt"]
CHINESE_SOURCES = sorted(SOURCE_DIR.glob("1*_zh-*.txt"))
LAW_DIR = ROOT / "fixtures" / "laws"
LAW_FILES = [LAW_DIR / "social-insurance-law.toml", LAW_DIR / "social-insurance-law-2010-wording.toml"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (reader pages, rate limits)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def database_up(monkeypatch):
    """Each test starts with the database taken as up (a test that made it fail leaves no short circuit)."""
    from serving import faults

    monkeypatch.setattr(faults, "_down_until", 0.0)


@pytest.fixture(scope="session")
def law_files():
    """The four law texts of fixtures/laws/, parsed (once a session)."""
    from legal_refs.lawtext.loader import read_law_files

    return read_law_files([LAW_DIR])


@pytest.fixture
def social_insurance_law(db, law_files):
    """The Social Insurance Law, all 98 articles in both wordings (fixtures/laws/)."""
    from legal_refs.lawtext.loader import load_law_files
    from legal_refs.models import Law

    load_law_files([law_file for law_file in law_files if law_file.metadata.law == LAW_SLUG])
    return Law.objects.get(slug=LAW_SLUG)


@pytest.fixture
def law_corpus(db, law_files):
    """All three instruments of fixtures/laws/."""
    from legal_refs.lawtext.loader import load_law_files

    return load_law_files(law_files)


@pytest.fixture
def law_copy(tmp_path):
    """A copy of the law's two texts (fixtures/laws/), to change."""
    for name in [
        "social-insurance-law.toml",
        "social-insurance-law.zh.md",
        "social-insurance-law-2010-wording.toml",
        "social-insurance-law-2010-wording.zh.md",
    ]:
        shutil.copy(LAW_DIR / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def imported(social_insurance_law):
    """The two English source texts of fixtures/source/, imported (`make run` imports the Chinese ones too)."""
    from articles.importer.loader import import_paths

    return import_paths(ENGLISH_SOURCES)


@pytest.fixture
def search_refreshes(monkeypatch):
    """The answers whose search columns are built, one entry per build (an admin save and an import both
    build them with `search_columns`): the answer's pk, None for an answer an import creates (its columns
    are built before it is inserted)."""
    import articles.search_document
    import articles.services

    rebuilt, build = [], articles.search_document.search_columns

    def counted(answer, *args, **kwargs):
        rebuilt.append(answer.pk)
        return build(answer, *args, **kwargs)

    monkeypatch.setattr(articles.search_document, "search_columns", counted)
    monkeypatch.setattr(articles.services, "search_columns", counted)
    return rebuilt


def require_tool(available, reason):
    """Skip a test whose tool is missing, except in CI, where a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(reason)


VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _checker_file_name(index, name):
    """A file name for document `name` (a URL, say) that is safe on the command line and in a file: URL."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")[:60].strip("-")
    return f"{index:02d}-{slug or 'document'}.html"


@pytest.fixture(scope="session")
def html_errors():
    """A function that returns the Nu HTML checker's errors for each of several HTML documents.

    It takes a mapping of names (URLs, say) to documents and returns a mapping of the same names to
    their errors, found in one run of the checker (one JVM) for all the documents.
    """
    require_tool(VNU_JAR.exists() and shutil.which("java"), "the Nu HTML checker is missing: run `npm ci`")

    def check(documents):
        with tempfile.TemporaryDirectory(prefix="vnu-") as directory:
            names, paths = {}, []
            for index, (name, html) in enumerate(documents.items()):
                path = Path(directory) / _checker_file_name(index, name)
                path.write_bytes(html.encode() if isinstance(html, str) else html)
                names[path.name] = name
                paths.append(str(path))
            result = subprocess.run(
                ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *paths],
                capture_output=True,
                check=False,
                timeout=300,
            )
        try:
            messages = json.loads(result.stdout)["messages"]
        except ValueError:
            raise RuntimeError(f"the Nu HTML checker failed ({result.returncode}): {result.stderr.decode()}") from None
        errors = {name: [] for name in documents}
        for m in messages:
            if m["type"] not in {"error", "non-document-error"}:
                continue
            file_name = unquote(urlparse(m.get("url", "")).path).rpartition("/")[2]
            if file_name not in names:
                raise RuntimeError(f"the Nu HTML checker reported on a document it was not given: {m}")
            errors[names[file_name]].append(f"line {m.get('lastLine')}: {m['message']}")
        return errors

    return check
