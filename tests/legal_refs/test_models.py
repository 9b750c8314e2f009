import pytest
from django.core.exceptions import ValidationError

from legal_refs.lawtext.loader import load_law_files
from legal_refs.models import Chapter, Law, ProvisionVersion, normalize_law_name


def test_the_law_text_gives_the_social_insurance_law(social_insurance_law):
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
    assert (chapters[0].title_zh, chapters[11].title_zh) == ("总则", "附则")
    assert (law.title_zh, law.kind, law.in_force) == ("中华人民共和国社会保险法", "law", True)


def test_loading_the_law_texts_twice_changes_nothing(social_insurance_law, law_files):
    report = load_law_files(law_files[:1] + [f for f in law_files if f.metadata.law == social_insurance_law.slug])
    assert report.lines[0].startswith("beijing")  # only the instrument new to the database
    assert Chapter.objects.filter(law=social_insurance_law).count() == 12
    assert ProvisionVersion.objects.filter(provision__law=social_insurance_law).count() == 101


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


def test_chapter_ranges_come_from_the_text(social_insurance_law):
    ranges = [(c.first_article, c.last_article) for c in social_insurance_law.chapters.all()]
    # The README of the law texts: I 1–9, II 10–22, III 23–32, IV 33–43, V 44–52, VI 53–56, VII 57–63,
    # VIII 64–71, IX 72–75, X 76–83, XI 84–94, XII 95–98.
    assert ranges == [
        (1, 9), (10, 22), (23, 32), (33, 43), (44, 52), (53, 56), (57, 63), (64, 71), (72, 75), (76, 83), (84, 94),
        (95, 98),
    ]  # fmt: skip


@pytest.mark.parametrize("aliases", ["abc", ["ok", ""], ["ok", 3]])
def test_aliases_must_be_a_list_of_texts(social_insurance_law, aliases):
    social_insurance_law.aliases = aliases
    with pytest.raises(ValidationError) as caught:
        social_insurance_law.full_clean()
    assert "aliases" in caught.value.message_dict


def test_the_migration_keeps_the_english_that_was_an_articles_text_as_its_translation(db):
    import importlib

    from django.apps import apps

    from legal_refs.models import Provision, Translation
    from tests.factories import make_provision

    article = make_provision(number=4, paragraphs=["Employers pay.", "Individuals enjoy."], version=False)
    migration = importlib.import_module("legal_refs.migrations.0003_instruments_versions_translations")
    migration.english_text_to_translations(apps, None)
    translation = Translation.objects.get()
    assert (translation.provision, translation.language, translation.is_default) == (article, "en", True)
    assert translation.paragraphs == ["Employers pay.", "Individuals enjoy."]
    assert Provision.objects.get(pk=article.pk).paragraphs == []
    migration.translations_to_english_text(apps, None)
    assert Provision.objects.get(pk=article.pk).paragraphs == ["Employers pay.", "Individuals enjoy."]
