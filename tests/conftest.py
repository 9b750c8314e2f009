import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "fixtures" / "source"
LAW_FIXTURE = ROOT / "fixtures" / "social_insurance_law.json"


@pytest.fixture
def social_insurance_law(db):
    from legal_refs.models import Law

    call_command("loaddata", str(LAW_FIXTURE), verbosity=0)
    return Law.objects.get(slug="social-insurance-law")


@pytest.fixture
def imported(social_insurance_law):
    """The two source texts of fixtures/source/, imported."""
    from articles.importer.loader import import_paths

    return import_paths([SOURCE_DIR])


@pytest.fixture
def search_refreshes(monkeypatch):
    """The answers whose search document is rebuilt, one entry per rebuild (every save rebuilds it through
    `refresh_search_document` as `articles.services` names it)."""
    import articles.services

    rebuilt, rebuild = [], articles.services.refresh_search_document

    def counted(answer, *args, **kwargs):
        rebuilt.append(answer.pk)
        rebuild(answer, *args, **kwargs)

    monkeypatch.setattr(articles.services, "refresh_search_document", counted)
    return rebuilt


def require_tool(available, reason):
    """Skip a test whose tool is missing, except in CI, where a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(reason)


VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="session")
def html_errors():
    """A function that returns the Nu HTML checker's errors for an HTML document."""
    require_tool(VNU_JAR.exists() and shutil.which("java"), "the Nu HTML checker is missing: run `npm ci`")

    def check(html):
        result = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "-"],
            input=html.encode() if isinstance(html, str) else html,
            capture_output=True,
            check=False,
            timeout=120,
        )
        messages = json.loads(result.stdout or b'{"messages": []}')["messages"]
        return [
            f"line {m.get('lastLine')}: {m['message']}"
            for m in messages
            if m["type"] in {"error", "non-document-error"}
        ]

    return check
