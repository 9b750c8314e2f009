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
