import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from legal_refs.models import Chapter, Law, normalize_law_name
from tests.conftest import LAW_FIXTURE


def test_fixture_holds_the_social_insurance_law(social_insurance_law):
    law = social_insurance_law
    assert law.title == "Social Insurance Law of the People's Republic of China"
    assert str(law) == "Social Insurance Law"
    assert "People's Republic of China (PRC) Social Insurance Law" in law.aliases
    assert (str(law.adopted_on), str(law.effective_on), str(law.amended_on)) == (
        "2010-10-28",
        "2011-07-01",
        "2018-12-29",
    )
    assert "President's Order No. 35" in law.promulgation
    assert "57, 64 and 66" in law.amendment_note
    assert law.article_count == 98
    chapters = list(law.chapters.all())
    assert [c.number for c in chapters] == list(range(1, 13))
    assert str(chapters[0]) == "Chapter I General Provisions"
    assert str(chapters[11]) == "Chapter XII Supplementary Provisions"


def test_loading_the_fixture_twice_changes_nothing(social_insurance_law):
    call_command("loaddata", str(LAW_FIXTURE), verbosity=0)
    assert Law.objects.count() == 1
    assert Chapter.objects.count() == 12


def test_resolve_matches_title_short_title_and_aliases_loosely(social_insurance_law):
    for name in [
        "Social Insurance Law of the People's Republic of China",
        "social insurance law",
        "People’s Republic of China (PRC)  Social Insurance Law.",
        "《中华人民共和国社会保险法》",
    ]:
        assert Law.objects.resolve(name) == social_insurance_law, name
    assert Law.objects.resolve("Labour Law") is None


def test_normalize_law_name():
    assert normalize_law_name("  The  Law. ") == "the law"


def test_chapter_for_uses_only_known_ranges(social_insurance_law):
    law = social_insurance_law
    assert law.chapter_for(1).number == 1
    assert law.chapter_for(9).number == 1
    assert law.chapter_for(10).number == 2
    assert law.chapter_for(98).number == 12
    assert law.chapter_for(30) is None  # chapter II's end is not recorded, so 30 is not guessed


@pytest.mark.parametrize("aliases", ["abc", ["ok", ""], ["ok", 3]])
def test_aliases_must_be_a_list_of_texts(social_insurance_law, aliases):
    social_insurance_law.aliases = aliases
    with pytest.raises(ValidationError) as caught:
        social_insurance_law.full_clean()
    assert "aliases" in caught.value.message_dict
