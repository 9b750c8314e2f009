"""Law pages in each language: the English citation form stays English; dates are written as each language does."""

import pytest
from django.utils import translation

from legal_refs.pages import english_citation


@pytest.mark.django_db
def test_the_english_citation_stays_english_on_the_chinese_site(social_insurance_law):
    provision = social_insurance_law.provisions.get(number=58)
    with translation.override("zh-hans"):
        assert english_citation(provision, 3) == "Social Insurance Law, Article 58(3)"
        assert english_citation(provision) == "Social Insurance Law, Article 58"


@pytest.mark.django_db
def test_law_pages_write_dates_the_way_each_language_does(client, social_insurance_law):
    chinese = client.get("/zh-hans/laws/social-insurance-law/articles/57/versions/2011-07-01/").text
    english = client.get("/en/laws/social-insurance-law/articles/57/versions/2011-07-01/").text
    assert "2011年7月1日" in chinese and "2011-07-01施行" not in chinese
    assert "2011-07-01" in english and "2011年7月1日" not in english


@pytest.mark.django_db
def test_an_article_is_named_the_chinese_way_on_the_chinese_site(social_insurance_law):
    provision = social_insurance_law.provisions.get(number=4)
    with translation.override("zh-hans"):
        assert str(provision) == "《中华人民共和国社会保险法》第四条"
    with translation.override("en"):
        assert str(provision) == "Social Insurance Law, Article 4"
