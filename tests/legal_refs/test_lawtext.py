"""The law texts of fixtures/laws/: the parser, the metadata, and the loader's versions, amendments and corrections."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from legal_refs.lawtext.loader import LawImportFailed, import_law_paths, read_law_files
from legal_refs.lawtext.metadata import parse_metadata
from legal_refs.lawtext.parser import LawTextError, parse_law_text
from legal_refs.models import Chapter, Correction, Law, LawTextImport, Provision, ProvisionVersion
from legal_refs.services import amend
from tests.conftest import LAW_DIR
from tests.content import AMENDMENT_2027, ARTICLE_4_2, ARTICLE_4_2_NEW, replace_in

LAW = LAW_DIR / "social-insurance-law.zh.md"
WORDING_2010 = LAW_DIR / "social-insurance-law-2010-wording.zh.md"
REGULATION = LAW_DIR / "social-insurance-handling-regulation.zh.md"
BEIJING = LAW_DIR / "beijing-social-security-card-one-card-provisions.zh.md"
ARTICLE_58_3 = "国家建立全国统一的个人社会保障号码。个人社会保障号码为公民身份号码。"


def parse(path, whole=True):
    return parse_law_text(path.read_text(encoding="utf-8"), path.name, whole=whole)


# --------------------------------------------------------------------- the parser


@pytest.mark.parametrize(
    ("path", "articles", "chapters"), [(LAW, 98, 12), (REGULATION, 63, 7), (BEIJING, 26, 0)], ids=lambda v: str(v)
)
def test_the_three_instruments_parse_whole(path, articles, chapters):
    text = parse(path)
    assert [article.number for article in text.articles] == list(range(1, articles + 1))
    assert len(text.chapters) == chapters
    if chapters:  # every article is in the chapter whose range holds it
        for article in text.articles:
            chapter = text.chapters[article.chapter - 1]
            assert chapter.first_article <= article.number <= chapter.last_article


def test_the_law_gives_title_history_chapters_and_paragraphs():
    text = parse(LAW)
    assert text.title == "中华人民共和国社会保险法"
    assert len(text.history) == 2 and text.history[1].startswith("2018年12月29日")
    assert [(c.title, c.first_article, c.last_article) for c in text.chapters[:2]] == [
        ("总则", 1, 9),
        ("基本养老保险", 10, 22),
    ]
    counts = {number: len(text.article(number).paragraphs) for number in (4, 5, 10, 58, 64, 66)}
    assert counts == {4: 2, 5: 3, 10: 3, 58: 3, 64: 3, 66: 1}
    assert text.article(58).paragraphs[2] == ARTICLE_58_3


def test_items_belong_to_the_paragraph_before_them():
    paragraphs = parse(LAW).article(30).paragraphs
    assert len(paragraphs) == 2
    text, *items = paragraphs[0].split("\n")
    assert text == "下列医疗费用不纳入基本医疗保险基金支付范围:"
    assert items == [
        "（一）应当从工伤保险基金中支付的；",
        "（二）应当由第三人负担的；",
        "（三）应当由公共卫生负担的；",
        "（四）在境外就医的。",
    ]
    assert "\n" not in paragraphs[1]


def test_spaced_chapter_titles_are_closed_up():
    assert parse(REGULATION).chapters[0].title == "总则"  # “## 第一章 总 则”


def test_a_file_of_some_articles_needs_only_increasing_numbers():
    text = parse(WORDING_2010, whole=False)
    assert [article.number for article in text.articles] == [57, 64, 66]
    assert text.article(57).paragraphs[2].startswith("工商行政管理部门")
    with pytest.raises(LawTextError, match="article 57 where article 1 was expected"):
        parse(WORDING_2010, whole=True)


HEAD = "# 某法\n\n<!-- INFO END -->\n\n"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 0, "the file is empty"),
        ("某法\n<!-- INFO END -->\n第一条 文。\n", 1, "must start with its title"),
        ("# 某法\n\n第一条 文。\n", 0, "INFO END"),
        ("# 某法\n\n第一条 文。\n<!-- INFO END -->\n", 3, "before “<!-- INFO END -->”"),
        (HEAD + "前言。\n\n第一条 文。\n", 5, "text before the first article"),
        (HEAD + "第一条 文。\n\n第三条 文。\n", 7, "article 3 where article 2 was expected"),
        (HEAD + "第一条 文。\n\n第一条 又。\n", 7, "article 1 where article 2 was expected"),
        (HEAD + "第一条 \n", 5, "article 1 starts with no paragraph"),
        (HEAD + "第一条 （一）项。\n", 5, "starts with no paragraph"),
        (HEAD + "第一条 文：\n\n（二）项。\n", 7, "item 二 where item 1 was expected"),
        (HEAD + "第九千九千条 文。\n", 5, "“九千九千” is no article number"),
        (HEAD + "第五千条 文。\n", 5, "“五千” is no article number"),  # more than any instrument has
        (HEAD + "第二条 文。\n", 5, "article 2 where article 1 was expected"),
        (HEAD + "## 第一章 总则\n\n## 第二章 附则\n\n第一条 文。\n", 7, "chapter 1 holds no article"),
        (HEAD + "## 第二章 总则\n\n第一条 文。\n", 5, "chapter 2 where chapter 1 was expected"),
        (HEAD + "第一条 文。\n\n## 第一章 总则\n\n第二条 文。\n", 7, "articles before the first chapter"),
        (HEAD + "### 注\n\n第一条 文。\n", 5, "a heading that is no chapter"),
        (HEAD + "第一条 文\x1b。\n", 5, "control character"),
        (HEAD, 0, "the file holds no article"),
    ],
)
def test_malformed_texts_are_rejected_with_file_and_line(text, line, message):
    with pytest.raises(LawTextError) as caught:
        parse_law_text(text, "bad.zh.md")
    assert caught.value.name == "bad.zh.md"
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"bad.zh.md, line {line}: " if line else "bad.zh.md: ")


# --------------------------------------------------------------------- the metadata


def test_the_metadata_names_the_wording_of_each_article():
    metadata = parse_metadata((LAW_DIR / "social-insurance-law.toml").read_text(encoding="utf-8"), "law.toml")
    assert metadata.whole and metadata.law == "social-insurance-law"
    assert metadata.wording_of(4).effective_from == datetime.date(2011, 7, 1)
    assert metadata.wording_of(57).effective_from == datetime.date(2018, 12, 29)
    assert "决定" in metadata.wording_of(57).made_by
    assert metadata.chapters[12] == "Supplementary Provisions"
    assert metadata.instrument["title_zh"] == "中华人民共和国社会保险法"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('text = "a"\nlaw = "b"\n', "“contents” is missing"),
        ('text = "a"\nlaw = "b"\ncontents = "some"\n', "“contents” is “some”"),
        ('text = "a"\nlaw = "b"\ncontents = "articles"\n[wording]\neffective_from = "2011"\n', "must be a date"),
        ('text = "a"\nlaw = "b"\ncontents = "articles"\n[wording]\neffective_from = 2011-07-01\nx = 1\n', "unknown"),
        ('text = "a"\nlaw = "b"\ncontents = "whole"\n[wording]\neffective_from = 2011-07-01\n', "“instrument”"),
        ("text = ", "not valid TOML"),
        (
            'text = "a"\nlaw = "b"\ncontents = "articles"\n[wording]\neffective_from = 2011-07-01\n'
            "[[amendments]]\neffective_from = 2010-01-01\narticles = [1]\n",
            "must take effect after",
        ),
    ],
)
def test_malformed_metadata_is_rejected_with_its_file(text, message):
    with pytest.raises(LawTextError) as caught:
        parse_metadata(text, "bad.toml")
    assert caught.value.name == "bad.toml"
    assert message in caught.value.message


# --------------------------------------------------------------------- loading


def test_the_corpus_loads_187_articles_with_their_versions(law_corpus):
    counts = {law.slug: law.provisions.count() for law in Law.objects.all()}
    assert counts == {
        "social-insurance-law": 98,
        "social-insurance-handling-regulation": 63,
        "beijing-social-security-card-provisions": 26,
    }
    regulation = Law.objects.get(slug="social-insurance-handling-regulation")
    assert (regulation.title_zh, regulation.kind, regulation.issuing_body) == (
        "社会保险经办条例",
        "administrative-regulation",
        "State Council",
    )
    assert (regulation.adopted_on, regulation.effective_on) == (datetime.date(2023, 8, 16), datetime.date(2023, 12, 1))
    assert Law.objects.resolve("Regulations on Social Insurance Handling") == regulation
    assert Law.objects.resolve("社会保险经办条例") == regulation
    beijing = Law.objects.get(slug="beijing-social-security-card-provisions")
    assert beijing.effective_on_publication and not beijing.chapters.exists()
    assert ProvisionVersion.objects.count() == 187 + 3
    article_6 = Provision.objects.get(law=regulation, number=6)
    assert article_6.chapter.title == "Social Insurance Registration and Transfer of Insurance Relationships"
    assert "社会保障号码" in article_6.paragraphs[0] or "公民身份号码" in article_6.text


def test_article_57_reads_as_in_force_on_each_date(social_insurance_law):
    article = Provision.objects.with_text().get(law=social_insurance_law, number=57)
    assert article.version_on(datetime.date(2015, 1, 1)).paragraphs[2].startswith("工商行政管理部门")
    assert article.version_on(datetime.date(2019, 1, 1)).paragraphs[2].startswith("市场监督管理部门")
    assert article.version_on(datetime.date(2011, 6, 30)) is None
    periods = [(v.effective_from, v.until) for v in article.timeline()]
    assert periods == [
        (datetime.date(2011, 7, 1), datetime.date(2018, 12, 28)),
        (datetime.date(2018, 12, 29), None),
    ]
    assert article.paragraphs == article.timeline()[-1].paragraphs  # the copy of the latest wording
    article_4 = Provision.objects.with_text().get(law=social_insurance_law, number=4)
    assert [v.effective_from for v in article_4.timeline()] == [datetime.date(2011, 7, 1)]


def test_loading_twice_changes_nothing(law_corpus, capsys):
    call_command("import_law_text", str(LAW_DIR))
    out = capsys.readouterr().out
    assert out.rstrip().endswith("Nothing changed.")
    assert "files unchanged: 4" in out
    assert ProvisionVersion.objects.count() == 190


def test_a_change_marked_as_an_amendment_makes_a_version(db, law_copy):
    import_law_paths([law_copy])
    replace_in(law_copy / "social-insurance-law.zh.md", ARTICLE_4_2, ARTICLE_4_2_NEW)
    replace_in(law_copy / "social-insurance-law.toml", "\n[instrument]", AMENDMENT_2027 + "\n[instrument]")
    report = import_law_paths([law_copy])
    assert report.amendments == [
        "Social Insurance Law, Article 4, in force from 2027-01-01 (social-insurance-law.zh.md)"
    ]
    assert report.versions_added == 1 and not report.corrections
    article = Provision.objects.with_text().get(law__slug="social-insurance-law", number=4)
    versions = article.timeline()
    assert [(v.effective_from, v.made_by) for v in versions] == [
        (datetime.date(2011, 7, 1), ""),
        (datetime.date(2027, 1, 1), "某决定"),
    ]
    assert versions[0].paragraphs[1] == ARTICLE_4_2  # the earlier wording stays as it was
    assert versions[1].paragraphs[1] == ARTICLE_4_2_NEW
    assert article.paragraphs[1] == ARTICLE_4_2_NEW
    assert ProvisionVersion.objects.count() == 102  # and no other article changed


def test_the_same_change_unmarked_is_a_correction(db, law_copy):
    import_law_paths([law_copy])
    replace_in(law_copy / "social-insurance-law.zh.md", ARTICLE_4_2, ARTICLE_4_2_NEW)
    report = import_law_paths([law_copy])
    assert report.corrections == [
        "Social Insurance Law, Article 4, version in force from 2011-07-01 (social-insurance-law.zh.md)"
    ]
    assert not report.amendments and report.versions_added == 0
    version = ProvisionVersion.objects.get(provision__law__slug="social-insurance-law", provision__number=4)
    assert version.paragraphs[1] == ARTICLE_4_2_NEW
    correction = Correction.objects.get()
    assert (correction.version, correction.before[1], correction.after[1]) == (version, ARTICLE_4_2, ARTICLE_4_2_NEW)
    assert correction.source == "social-insurance-law.zh.md"
    assert ProvisionVersion.objects.count() == 101


def test_the_known_comma_in_article_64_is_corrected_by_a_changed_file(db, law_copy):
    import_law_paths([law_copy])
    replace_in(law_copy / "social-insurance-law.zh.md", "统筹,其他", "统筹，其他")
    report = import_law_paths([law_copy])
    assert len(report.corrections) == 1 and "Article 64, version in force from 2018-12-29" in report.corrections[0]
    article = Provision.objects.get(law__slug="social-insurance-law", number=64)
    assert "统筹，其他" in article.paragraphs[2]


def test_a_reimport_leaves_a_publishers_amendment_in_place(db, law_copy):
    import_law_paths([law_copy])
    article = Provision.objects.get(law__slug="social-insurance-law", number=4)
    amend(article, ["第一款。", ARTICLE_4_2_NEW], datetime.date(2026, 1, 1), "某决定")
    report = import_law_paths([law_copy])
    assert report.summary()[-1] == "Nothing changed."
    article.refresh_from_db()
    assert article.paragraphs == ["第一款。", ARTICLE_4_2_NEW]
    assert article.versions.count() == 2
    # A change of another article in the file is still taken, and the amendment stays.
    replace_in(law_copy / "social-insurance-law.zh.md", "统筹,其他", "统筹，其他")
    assert len(import_law_paths([law_copy]).corrections) == 1
    article.refresh_from_db()
    assert article.paragraphs == ["第一款。", ARTICLE_4_2_NEW]


def test_a_reimport_leaves_a_publishers_change_to_the_instrument_in_place(db, law_copy):
    import_law_paths([law_copy])
    Law.objects.filter(slug="social-insurance-law").update(issuing_body="NPC Standing Committee")
    Chapter.objects.filter(law__slug="social-insurance-law", number=1).update(title="General Rules")
    assert import_law_paths([law_copy]).summary()[-1] == "Nothing changed."
    replace_in(law_copy / "social-insurance-law.toml", "in_force = true", "in_force = false")
    report = import_law_paths([law_copy])
    assert report.updated == ["Social Insurance Law: in_force"]
    law = Law.objects.get(slug="social-insurance-law")
    assert (law.in_force, law.issuing_body) == (False, "NPC Standing Committee")
    assert law.chapters.get(number=1).title == "General Rules"


def test_a_malformed_file_leaves_the_database_as_it_was(db, law_copy):
    import_law_paths([law_copy])
    before = list(ProvisionVersion.objects.values_list("pk", "paragraphs"))
    replace_in(law_copy / "social-insurance-law.zh.md", ARTICLE_4_2, ARTICLE_4_2_NEW)  # a valid change…
    replace_in(law_copy / "social-insurance-law-2010-wording.zh.md", "第六十六条 ", "第六十五条 ")  # …and a broken file
    replace_in(law_copy / "social-insurance-law-2010-wording.zh.md", "第六十四条 ", "第六十六条 ")
    with pytest.raises(CommandError) as caught:
        call_command("import_law_text", str(law_copy))
    assert "the database is unchanged" in str(caught.value)
    assert "social-insurance-law-2010-wording.zh.md, line 19: article 65 after article 66" in str(caught.value)
    assert list(ProvisionVersion.objects.values_list("pk", "paragraphs")) == before


def test_a_file_of_some_articles_needs_its_instrument(db, law_copy):
    (law_copy / "social-insurance-law.toml").unlink()
    with pytest.raises(LawImportFailed, match="not loaded: import its whole text first"):
        import_law_paths([law_copy])
    assert not LawTextImport.objects.exists()


def test_metadata_and_text_must_agree(db, law_copy):
    replace_in(
        law_copy / "social-insurance-law.toml", 'title_zh = "中华人民共和国社会保险法"', 'title_zh = "社会保险法"'
    )
    with pytest.raises(LawImportFailed, match="is not the metadata's title_zh"):
        import_law_paths([law_copy])
    assert not Law.objects.exists()


def test_files_that_are_not_regular_or_too_large_are_refused(tmp_path, law_copy):
    (law_copy / "social-insurance-law-2010-wording.zh.md").unlink()
    (law_copy / "social-insurance-law-2010-wording.zh.md").symlink_to("/dev/zero")
    with pytest.raises(LawImportFailed, match="is not a regular file"):
        read_law_files([law_copy])
    (law_copy / "social-insurance-law-2010-wording.zh.md").unlink()
    (law_copy / "social-insurance-law-2010-wording.zh.md").write_bytes(b"#" * (3 * 1024 * 1024))
    with pytest.raises(LawImportFailed, match="is larger than 2048 KB"):
        read_law_files([law_copy])
    (law_copy / "social-insurance-law-2010-wording.zh.md").write_bytes("# 法\n".encode() + b"\xff\xfe")
    with pytest.raises(LawImportFailed, match="line 2: is not UTF-8 text"):
        read_law_files([law_copy])


def test_a_dry_run_saves_nothing(db, capsys):
    call_command("import_law_text", str(LAW_DIR), "--dry-run")
    assert capsys.readouterr().out.rstrip().endswith("Dry run: nothing was saved.")
    assert not Law.objects.exists() and not LawTextImport.objects.exists()


def test_a_file_of_some_articles_cannot_add_an_article(db, law_copy):
    import_law_paths([law_copy])
    text = law_copy / "social-insurance-law-2010-wording.zh.md"
    text.write_text(text.read_text(encoding="utf-8") + "\n第九十九条 多出来的一条。\n", encoding="utf-8")
    with pytest.raises(LawImportFailed) as caught:
        import_law_paths([law_copy])
    assert str(caught.value) == (
        "social-insurance-law-2010-wording.zh.md, line 21: Social Insurance Law has no article 99: "
        "only its whole text adds articles"
    )
    assert not Provision.objects.filter(number=99).exists()


def test_an_amendment_must_name_articles_of_the_text(db, law_copy):
    replace_in(law_copy / "social-insurance-law.toml", "articles = [57, 64, 66]", "articles = [57, 64, 66, 120]")
    with pytest.raises(LawImportFailed, match="names articles the text lacks: 120"):
        import_law_paths([law_copy])


def test_an_amendment_of_unchanged_text_makes_no_version_and_says_so(db, law_copy):
    import_law_paths([law_copy])
    replace_in(law_copy / "social-insurance-law.toml", "\n[instrument]", AMENDMENT_2027 + "\n[instrument]")
    report = import_law_paths([law_copy])
    assert report.versions_added == 0 and not report.amendments
    assert report.warnings == [
        "Social Insurance Law, Article 4: the metadata dates a version from 2027-01-01, but the text is that of "
        "the version in force from 2011-07-01; no version made (social-insurance-law.zh.md)"
    ]
    assert f"Warning: {report.warnings[0]}" in report.summary()
    assert ProvisionVersion.objects.count() == 101
    assert import_law_paths([law_copy]).summary()[-1] == "Nothing changed."  # said once


def test_a_changed_amending_instrument_is_taken(db, law_copy):
    import_law_paths([law_copy])
    replace_in(
        law_copy / "social-insurance-law.toml", 'made_by = "全国人民代表大会常务委员会关于修改', 'made_by = "关于修改'
    )
    report = import_law_paths([law_copy])
    assert len(report.updated) == 3  # articles 57, 64 and 66
    version = ProvisionVersion.objects.get(provision__number=57, effective_from=datetime.date(2018, 12, 29))
    assert version.made_by.startswith("关于修改")


def test_a_file_that_disagrees_with_a_publishers_version_is_reported_and_the_version_kept(db, law_copy):
    import_law_paths([law_copy])
    amend(Provision.objects.get(number=4), ["出版者的文本。"], datetime.date(2027, 1, 1), "某决定")
    replace_in(law_copy / "social-insurance-law.zh.md", ARTICLE_4_2, ARTICLE_4_2_NEW)
    replace_in(law_copy / "social-insurance-law.toml", "\n[instrument]", AMENDMENT_2027 + "\n[instrument]")
    report = import_law_paths([law_copy])
    assert report.kept == [
        "Social Insurance Law, Article 4: the version in force from 2027-01-01 differs from social-insurance-law.zh.md"
    ]
    assert report.summary()[-1] != "Nothing changed."
    assert Provision.objects.get(number=4).paragraphs == ["出版者的文本。"]


def test_values_the_database_cannot_hold_are_refused_with_the_metadata_file_and_field(db, law_copy):
    toml = law_copy / "social-insurance-law.toml"
    replace_in(toml, '1 = "General Provisions"', f'1 = "{"G" * 500}"')
    with pytest.raises(LawImportFailed) as caught:
        import_law_paths([law_copy])
    assert str(caught.value) == (
        f"{toml}: not valid: chapter 1: title: Ensure this value has at most 200 characters (it has 500)."
    )
    replace_in(toml, f'1 = "{"G" * 500}"', '1 = "General Provisions"')
    replace_in(toml, 'issuing_body = "Standing Committee', f'issuing_body = "{"S" * 400}')
    with pytest.raises(LawImportFailed, match="not valid: issuing_body: Ensure this value has at most 300"):
        import_law_paths([law_copy])
    assert not Law.objects.exists()


def test_a_correction_from_a_file_takes_a_changed_amending_instrument_too(db, law_copy):
    import_law_paths([law_copy])
    replace_in(law_copy / "social-insurance-law.zh.md", "统筹,其他", "统筹，其他")
    replace_in(
        law_copy / "social-insurance-law.toml", 'made_by = "全国人民代表大会常务委员会关于修改', 'made_by = "关于修改'
    )
    assert len(import_law_paths([law_copy]).corrections) == 1
    version = ProvisionVersion.objects.get(provision__number=64, effective_from=datetime.date(2018, 12, 29))
    assert version.made_by.startswith("关于修改") and "统筹，其他" in version.paragraphs[2]
