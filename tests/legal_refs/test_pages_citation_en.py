"""The English citation form is English on every site: it is a way to cite, not interface text."""

import pytest
from django.utils import translation

from legal_refs.pages import english_citation


@pytest.mark.django_db
def test_the_english_citation_stays_english_on_the_chinese_site(social_insurance_law):
    provision = social_insurance_law.provisions.get(number=58)
    with translation.override("zh-hans"):
        assert english_citation(provision, 3) == "Social Insurance Law, Article 58(3)"
        assert english_citation(provision) == "Social Insurance Law, Article 58"
