"""The law corpus's write path: versions keep the article's copy of the latest wording; translations keep one
default per language and the article's search text."""

import datetime

from legal_refs.models import Translation
from legal_refs.services import add_version, save_translation, save_translations
from tests.factories import make_provision


def test_the_article_copies_its_latest_wording_whatever_the_order_versions_come_in(db):
    article = make_provision(number=7, paragraphs=["现行文本。"], version=datetime.date(2018, 12, 29))
    add_version(article, ["原来的文本。"], datetime.date(2011, 7, 1))
    article.refresh_from_db()
    assert article.paragraphs == ["现行文本。"]
    assert "原来的文本。" in article.search_text  # found by every wording it has had
    add_version(article, ["将来的文本。"], datetime.date(2030, 1, 1), "某决定")
    article.refresh_from_db()
    assert article.paragraphs == ["将来的文本。"]
    assert "将来" in article.search_cjk


def test_a_batch_of_translations_gets_one_default_and_each_wording_once_in_the_search_text(db):
    article = make_provision(number=8, paragraphs=["官方文本。"])
    batch = [
        Translation(provision=article, paragraphs=["Same words."], source_title="a"),
        Translation(provision=article, paragraphs=["Same words."], source_title="b"),
        Translation(provision=article, paragraphs=["Other words."], source_title="c"),
    ]
    save_translations(batch)
    assert [t.is_default for t in Translation.objects.order_by("source_title")] == [True, False, False]
    article.refresh_from_db()
    assert article.search_text.count("Same words.") == 1
    assert "Other words." in article.search_text and "官方文本。" in article.search_text
    # Choosing another one as the default unsets the first.
    chosen = Translation.objects.get(source_title="c")
    chosen.is_default = True
    save_translation(chosen)
    assert list(Translation.objects.filter(is_default=True).values_list("source_title", flat=True)) == ["c"]


def test_a_translation_written_before_the_official_text_translates_the_first_wording_in_force(db):
    article = make_provision(number=9, paragraphs=["Old English."], version=False)
    translation = save_translation(Translation(provision=article, paragraphs=["Old English."]))
    assert translation.version is None
    add_version(article, ["官方文本。"], datetime.date(2011, 7, 1))
    translation.refresh_from_db()
    version = article.versions.get()
    assert translation.version == version
    article = type(article).objects.prefetch_related("versions", "translations").get(pk=article.pk)
    assert article.default_translation("en", version) == translation
    add_version(article, ["新文本。"], datetime.date(2020, 1, 1), "某决定")
    article = type(article).objects.prefetch_related("versions", "translations").get(pk=article.pk)
    assert article.default_translation("en", article.version_on(datetime.date(2021, 1, 1))) is None
