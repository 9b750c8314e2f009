"""The loader and the import command, on the two real source texts and on small synthetic ones."""

import datetime
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.importer.loader import ImportFailed, _Loader, import_paths, read_sources
from articles.models import Answer, Citation, Section, SectionKind, Status, Topic
from legal_refs.models import Law, Provision, ProvisionVersion, Translation
from legal_refs.services import amend, save_translation
from tests.conftest import ENGLISH_SOURCES, SOURCE_DIR
from tests.content import FIRST_CLASS_CARD, UPGRADE_HALFWAY

MODELS = [Law, Provision, ProvisionVersion, Translation, Topic, Answer, Section, Citation]

# fixtures/laws/social-insurance-law.zh.md, article 58
ARTICLE_58 = [
    "用人单位应当自用工之日起三十日内为其职工向社会保险经办机构申请办理社会保险登记。"
    "未办理社会保险登记的，由社会保险经办机构核定其应当缴纳的社会保险费。",
    "自愿参加社会保险的无雇工的个体工商户、未在用人单位参加社会保险的非全日制从业人员以及其他灵活就业人员，"
    "应当向社会保险经办机构申请办理社会保险登记。",
    "国家建立全国统一的个人社会保障号码。个人社会保障号码为公民身份号码。",
]


def row_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def snapshot():
    """Everything the import can touch, as plain values."""
    return (
        row_counts(),
        list(Law.objects.values_list("slug", "title", "aliases")),
        list(Provision.objects.values_list("law__slug", "number", "paragraphs", "chapter__number", "search_text")),
        list(Translation.objects.values_list("provision__number", "source_title", "paragraphs", "is_default")),
        list(Answer.objects.values_list("question", "slug", "short_answer", "status", "imported_fingerprint")),
        list(Section.objects.values_list("answer__slug", "position", "kind", "heading", "body")),
        list(Citation.objects.values_list("answer__slug", "provision__number", "position")),
    )


def copy_english_sources(folder):
    """A folder holding a copy of the two English source texts, to change."""
    folder.mkdir()
    for path in ENGLISH_SOURCES:
        shutil.copy(path, folder / path.name)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def source_text(title, basis, answer="Yes."):
    return f"Site - Topic - {title}\n\n{title}\n\n{answer}\n\n{basis}"


def run_command(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_source_texts", *map(str, args), stdout=out)
    return out.getvalue()


def translations(number, law="social-insurance-law"):
    """(source title, first words, is default) of the English translations of an article."""
    return [
        (t.source_title, t.paragraphs[0][:30], t.is_default)
        for t in Translation.objects.filter(provision__law__slug=law, provision__number=number, language="en")
    ]


# --------------------------------------------------------------------- the two source texts


def test_source_texts_give_the_answers_sections_and_citations(imported):
    assert Topic.objects.get().title == "Social security inquiry"
    first = Answer.objects.get(question=UPGRADE_HALFWAY)
    second = Answer.objects.get(question=FIRST_CLASS_CARD)
    for answer in (first, second):
        assert answer.topic.title == "Social security inquiry"
        assert answer.status == Status.PUBLISHED
        assert answer.source_site == "Job Recruitment Website"
        assert answer.source_section == "Social security inquiry"
    assert first.slug == "can-social-security-be-upgraded-halfway-where-can-i-go"

    methods, precautions = first.sections.all()
    assert (methods.kind, methods.heading) == (
        SectionKind.METHODS,
        "The methods to improve the grade of social security cards are as follows",
    )
    assert methods.body.startswith("1. **Online upgrade:** You can open the official website")
    assert "\n2. **Offline upgrade:** directly carry the original ID card" in methods.body
    assert methods.body_html.count("<li>") == 2 and "<strong>Online upgrade:</strong>" in methods.body_html
    assert (precautions.kind, precautions.heading) == (
        SectionKind.PRECAUTIONS,
        "Matters needing attention in upgrading social security card",
    )
    assert precautions.body_html.count("<li>") == 2

    [analysis] = second.sections.all()
    assert analysis.kind == SectionKind.ANALYSIS
    assert analysis.body.startswith("Yes, but it can only be downgraded but not upgraded.")
    assert analysis.body_html.count("<li>") == 5
    assert "<ol>" in analysis.body_html and "start=" not in analysis.body_html

    assert [(c.provision.law.slug, c.provision.number, c.paragraph) for c in first.citations.all()] == [
        ("social-insurance-law", 4, None),
        ("social-insurance-law", 10, None),
    ]
    assert [c.provision.number for c in second.citations.all()] == [4, 5]


def test_source_texts_cite_the_official_articles_and_change_no_law(social_insurance_law):
    before = list(Provision.objects.values_list("number", "paragraphs", "search_text").order_by("number"))
    laws = list(Law.objects.values_list("slug", "title", "aliases"))
    import_paths(ENGLISH_SOURCES)
    assert Law.objects.count() == 1 and list(Law.objects.values_list("slug", "title", "aliases")) == laws
    assert Provision.objects.count() == 98
    after = {
        number: (paragraphs, text)
        for number, paragraphs, text in Provision.objects.values_list("number", "paragraphs", "search_text")
    }
    assert all(after[number][0] == paragraphs for number, paragraphs, _ in before)  # the official text kept
    assert after[4][0][0].startswith("中华人民共和国境内的用人单位和个人依法缴纳社会保险费")
    assert {c.provision.law for c in Citation.objects.select_related("provision__law")} == {social_insurance_law}


def test_english_quotes_are_recorded_as_translations_with_their_source(imported):
    assert translations(4) == [
        (UPGRADE_HALFWAY, "Employers and individuals in P", True),
        (FIRST_CLASS_CARD, "Employers and individuals in P", False),
    ]
    assert translations(10) == [(UPGRADE_HALFWAY, "Employees shall participate in", True)]
    assert translations(5) == [(FIRST_CLASS_CARD, "People's governments at or abo", True)]
    article_5 = Translation.objects.get(provision__number=5)
    assert len(article_5.paragraphs) == 3 and article_5.translator is None
    # The article is found by its translations' words too.
    assert "People's governments at or above the county level" in Provision.objects.get(number=5).search_text


def test_two_sources_quoting_one_article_in_other_english_are_two_translations_one_shown(imported):
    first, second = Translation.objects.filter(provision__number=4).order_by("pk")
    assert first.paragraphs[0] != second.paragraphs[0]
    assert " pay social insurance premiums" in first.paragraphs[0]
    assert " shall pay social insurance premiums" in second.paragraphs[0]
    assert [first.is_default, second.is_default] == [True, False]


def test_import_reports_each_translation_recorded_and_sums_up(social_insurance_law):
    output = run_command(*ENGLISH_SOURCES)
    assert output.splitlines() == [
        "New topic: Social security inquiry",
        f"Translation recorded: Social Insurance Law, Article 4, from {SOURCE_DIR}/000_c9b72944512ff204.txt",
        f"Translation recorded: Social Insurance Law, Article 10, from {SOURCE_DIR}/000_c9b72944512ff204.txt",
        f"Translation recorded: Social Insurance Law, Article 4, from {SOURCE_DIR}/001_8aa116ca66a33e7a.txt",
        f"Translation recorded: Social Insurance Law, Article 5, from {SOURCE_DIR}/001_8aa116ca66a33e7a.txt",
        "Answers: 2 created, 0 updated, 0 unchanged, 0 skipped. Translations: 4 recorded, 0 updated. Warnings: 0.",
    ]


def test_importing_twice_changes_nothing_and_says_so(imported):
    before = snapshot()
    output = run_command(*ENGLISH_SOURCES)
    assert snapshot() == before
    assert "Answers: 0 created, 0 updated, 2 unchanged, 0 skipped. Translations: 0 recorded, 0 updated." in output
    assert "Translation recorded" not in output
    assert "Nothing changed." in output


def test_a_source_whose_quote_changed_updates_its_own_translation(imported, tmp_path):
    folder = tmp_path / "src"
    copy_english_sources(folder)
    path = folder / "001_8aa116ca66a33e7a.txt"
    path.write_text(path.read_text().replace("Individuals enjoy", "Individuals have"), encoding="utf-8")
    others = list(Translation.objects.exclude(source_title=FIRST_CLASS_CARD, provision__number=4).values())
    output = run_command(folder)
    assert output.count("Translation updated: ") == 1
    assert f"Translation updated: Social Insurance Law, Article 4, from {path}" in output
    assert "2 unchanged" in output and "Translations: 0 recorded, 1 updated." in output
    updated = Translation.objects.get(provision__number=4, source_title=FIRST_CLASS_CARD)
    assert updated.paragraphs[1].startswith("Individuals have social insurance benefits")
    assert not updated.is_default
    assert list(Translation.objects.exclude(pk=updated.pk).values()) == others
    assert "Individuals have social insurance" in Provision.objects.get(number=4).search_text
    assert "Nothing changed." in run_command(folder)


def test_a_changed_quote_translates_the_wording_in_force_when_it_changed(imported, tmp_path):
    article_4 = Provision.objects.get(number=4)
    first = article_4.versions.get()
    assert set(Translation.objects.filter(provision=article_4).values_list("version", flat=True)) == {first.pk}
    amend(article_4, ["新的第一款。", "新的第二款。"], datetime.date(2026, 1, 1), "某决定")
    folder = tmp_path / "src"
    copy_english_sources(folder)
    path = folder / "001_8aa116ca66a33e7a.txt"
    path.write_text(path.read_text().replace("Individuals enjoy", "Individuals have"), encoding="utf-8")
    run_command(folder)
    updated = Translation.objects.get(provision__number=4, source_title=FIRST_CLASS_CARD)
    assert updated.version.effective_from == datetime.date(2026, 1, 1)
    kept = Translation.objects.get(provision__number=4, source_title=UPGRADE_HALFWAY)
    assert kept.version == first  # unchanged: still of the wording it was quoted from
    # Found by the earlier wording and by both translations.
    search_text = Provision.objects.get(number=4).search_text
    assert "新的第一款。" in search_text and first.paragraphs[0] in search_text


def test_a_change_of_spacing_alone_updates_no_translation(imported, tmp_path):
    folder = tmp_path / "src"
    copy_english_sources(folder)
    path = folder / "001_8aa116ca66a33e7a.txt"
    path.write_text(path.read_text().replace("Individuals enjoy", "Individuals   enjoy"), encoding="utf-8")
    assert "Nothing changed." in run_command(folder)


def test_replace_wording_is_gone(social_insurance_law):
    with pytest.raises(CommandError, match="unrecognized arguments: --replace-wording"):
        call_command("import_source_texts", "--replace-wording", str(SOURCE_DIR))


def test_dry_run_reports_and_saves_nothing(social_insurance_law):
    before = snapshot()
    output = run_command(*ENGLISH_SOURCES, "--dry-run")
    assert "2 created" in output and "Translations: 4 recorded" in output and "Dry run: nothing was saved." in output
    assert snapshot() == before


# --------------------------------------------------------------------- editors' changes


def test_answer_edited_after_import_is_not_overwritten(imported):
    section = Answer.objects.get(question=UPGRADE_HALFWAY).sections.first()
    section.body = "Edited by an editor."
    section.save()
    output = run_command(*ENGLISH_SOURCES)
    assert "Skipped, edited since import: " in output and "000_c9b72944512ff204.txt" in output
    assert "0 updated, 1 unchanged, 1 skipped" in output
    assert Section.objects.get(pk=section.pk).body == "Edited by an editor."


def test_status_change_is_not_an_edit(imported):
    Answer.objects.filter(question=UPGRADE_HALFWAY).update(status=Status.DRAFT)
    assert "2 unchanged" in run_command(*ENGLISH_SOURCES)


def test_saving_with_browser_line_ends_is_not_an_edit(imported):
    # Browsers submit textareas with CRLF line ends; that alone is no edit.
    for section in Section.objects.all():
        section.body = section.body.replace("\n", "\r\n") + "\r\n"
        section.save()
    assert "2 unchanged" in run_command(*ENGLISH_SOURCES)


def test_renaming_a_topic_is_not_an_edit_and_adds_no_topic(imported):
    Topic.objects.update(title="Social security questions")
    output = run_command(*ENGLISH_SOURCES)
    assert "2 unchanged" in output and "Nothing changed." in output
    assert list(Topic.objects.values_list("title", flat=True)) == ["Social security questions"]


def test_same_article_cited_under_two_names_is_cited_once_and_stays_unchanged(social_insurance_law, tmp_path):
    basis = (
        "Legal basis: Article 4 of Social Insurance Law.\n\nFour.\n\n"
        "Legal basis: Article 4 of People's Republic of China (PRC) Social Insurance Law.\n\nFour."
    )
    write(tmp_path, "a.txt", f"Site - Topic - Q\n\nQ\n\nYes.\n\n{basis}")
    output = run_command(tmp_path)
    assert Citation.objects.count() == 1
    assert translations(4) == [("Q", "Four.", True)] and "Warning:" not in output
    assert "1 unchanged" in run_command(tmp_path)


def test_same_article_quoted_under_two_names_in_other_english_keeps_the_first_and_warns(social_insurance_law, tmp_path):
    basis = (
        "Legal basis: Article 4 of Social Insurance Law.\n\nFour.\n\n"
        "Legal basis: Article 4 of PRC Social Insurance Law.\n\nFour, otherwise."
    )
    path = write(tmp_path, "a.txt", source_text("Q", basis))
    output = run_command(tmp_path)
    assert translations(4) == [("Q", "Four.", True)]
    assert (
        f"Warning: {path}, line 11: Social Insurance Law, Article 4: quoted in other words at {path}, line 7; "
        "the translation quoted there is kept"
    ) in output


def test_skipped_answer_writes_nothing_for_its_source(imported, tmp_path):
    answer = Answer.objects.get(question=UPGRADE_HALFWAY)
    answer.short_answer = "Edited."
    answer.save()
    folder = tmp_path / "src"
    copy_english_sources(folder)
    path = folder / "000_c9b72944512ff204.txt"
    path.write_text(path.read_text().replace("Individuals enjoy", "Individuals have") + "\n\nArticle 11\n\nEleven.")
    before = list(Translation.objects.values())
    output = run_command(folder)
    assert "1 skipped" in output and "Translations: 0 recorded, 0 updated." in output
    assert list(Translation.objects.values()) == before


def test_overwrite_edited_option_restores_the_source(imported):
    answer = Answer.objects.get(question=UPGRADE_HALFWAY)
    answer.short_answer = "Edited."
    answer.save()
    output = run_command(*ENGLISH_SOURCES, "--overwrite-edited")
    assert "1 updated" in output
    answer.refresh_from_db()
    assert answer.short_answer == ""
    assert answer.sections.count() == 2 and answer.citations.count() == 2


def test_changed_source_updates_the_answer_keeping_its_url(imported, tmp_path, search_refreshes):
    folder = tmp_path / "src"
    copy_english_sources(folder)
    path = folder / "000_c9b72944512ff204.txt"
    path.write_text(path.read_text().replace("Matters needing attention", "Notes to heed"), encoding="utf-8")
    slug = Answer.objects.get(question=UPGRADE_HALFWAY).slug
    search_refreshes.clear()
    output = run_command(folder)
    assert "0 created, 1 updated, 1 unchanged" in output
    answer = Answer.objects.get(question=UPGRADE_HALFWAY)
    assert answer.slug == slug
    assert answer.sections.last().heading == "Notes to heed in upgrading social security card"
    # Its sections and citations were replaced: one rebuild of its search document, not one per row.
    assert search_refreshes == [answer.pk]
    assert "Notes to heed in upgrading" in answer.search_document
    assert "Matters needing attention" not in answer.search_document


# --------------------------------------------------------------------- laws, aliases, slugs


def test_unknown_law_name_is_an_error_naming_file_line_and_known_names_and_nothing_is_written(
    social_insurance_law, tmp_path
):
    write(tmp_path, "a.txt", source_text("A", "Legal basis: Article 4 of Social Insurance Law.\n\nFour."))
    basis = "Legal basis: Labour Law.\n\nArticle 2 Two.\n\nLegal basis: Article 3 of the labour law.\n\nThree."
    write(tmp_path, "b.txt", source_text("B", basis))  # one name, reported once
    before = snapshot()
    with pytest.raises(ImportFailed) as caught:
        import_paths([tmp_path])
    [error] = caught.value.errors
    assert str(error) == (
        f"{tmp_path}/b.txt, line 7: no law is known as “Labour Law”; known: Social Insurance Law, "
        "Social Insurance Law of the People's Republic of China, 中华人民共和国社会保险法, "
        "People's Republic of China (PRC) Social Insurance Law, PRC Social Insurance Law, "
        "Social Insurance Law of the PRC, Social Insurance Law of China, 社会保险法"
    )
    assert snapshot() == before


def test_unknown_law_names_are_reported_with_the_files_that_do_not_parse(law_corpus, tmp_path):
    write(tmp_path, "a.txt", "not a breadcrumb")
    write(tmp_path, "b.txt", source_text("B", "Legal basis: Article 2 of Labour Law.\n\nTwo."))
    write(tmp_path, "c.txt", source_text("C", "法律依据：《劳动法》第二条"))
    with pytest.raises(CommandError) as caught:
        run_command(tmp_path)
    message = str(caught.value)
    assert "a.txt, line 1: the first line must be a breadcrumb" in message
    assert "b.txt, line 7: no law is known as “Labour Law”; known: " in message
    assert "c.txt, line 7: no law is known as “劳动法”; known: " in message
    # every instrument's names, so that staff see which alias to add
    assert (
        "; Social Insurance Handling Regulation, Regulation on the Handling of Social Insurance, 社会保险经办条例"
        in (message)
    )
    assert message.index("a.txt") < message.index("b.txt") < message.index("c.txt")
    assert row_counts()["Answer"] == 0


def test_an_article_the_law_does_not_have_is_an_error_and_nothing_is_written(social_insurance_law, tmp_path):
    write(
        tmp_path,
        "a.txt",
        source_text("A", "Legal basis: Social Insurance Law.\n\nArticle 4 Four.\n\nArticle 120 Text."),
    )
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        run_command(tmp_path)
    assert (
        f"{tmp_path}/a.txt, line 11: Article 120 of the Social Insurance Law does not exist: it has 98 articles"
        in str(caught.value)
    )
    assert snapshot() == before


def test_an_article_of_a_law_whose_text_is_not_loaded_is_an_error(social_insurance_law, tmp_path):
    Law.objects.create(title="Card Regulations", slug="card-regulations")
    write(tmp_path, "a.txt", source_text("A", "Legal basis: Article 2 of Card Regulations.\n\nTwo."))
    with pytest.raises(ImportFailed, match="line 7: Article 2 of the Card Regulations is not held"):
        import_paths([tmp_path])


def test_an_alias_added_by_staff_makes_the_name_known(social_insurance_law, tmp_path):
    write(tmp_path, "a.txt", source_text("A", "Legal basis: Article 4 of the Social Security Law.\n\nFour."))
    with pytest.raises(ImportFailed, match="no law is known as “Social Security Law”"):
        import_paths([tmp_path])
    social_insurance_law.aliases.append("Social Security Law")
    social_insurance_law.save()
    assert "Translations: 1 recorded" in run_command(tmp_path)
    assert translations(4) == [("A", "Four.", True)]


def test_law_names_resolve_through_titles_aliases_and_official_titles(law_corpus, tmp_path):
    basis = (
        "Legal basis: Article 2 of the social insurance law of the PRC.\n\nTwo.\n\n"
        "Legal basis: Article 7 of Regulations on Social Insurance Handling.\n\nSeven.\n\n"
        "法律依据：\n\n《中华人民共和国社会保险法》第五十八条\n\n《社会保险经办条例》第八条"
    )
    write(tmp_path, "a.txt", source_text("A", basis))
    run_command(tmp_path)
    assert list(Citation.objects.values_list("provision__law__slug", "provision__number")) == [
        ("social-insurance-law", 2),
        ("social-insurance-handling-regulation", 7),
        ("social-insurance-law", 58),
        ("social-insurance-handling-regulation", 8),
    ]
    assert translations(7, law="social-insurance-handling-regulation") == [("A", "Seven.", True)]
    assert Law.objects.count() == 3


# --------------------------------------------------------------------- Chinese quotes


def test_a_chinese_quote_as_the_official_text_is_cited_and_recorded_nowhere(social_insurance_law, tmp_path):
    # Spacing, paragraph breaks and half-width punctuation do not count.
    quote = "\n\n".join([ARTICLE_58[0].replace("，", ","), ARTICLE_58[1] + ARTICLE_58[2]])
    write(tmp_path, "a.txt", source_text("A", f"法律依据：\n\n《中华人民共和国社会保险法》第五十八条 {quote}"))
    before = Provision.objects.get(number=58).paragraphs
    output = run_command(tmp_path)
    assert "Warning:" not in output and "Translations: 0 recorded" in output
    assert Citation.objects.get().provision.number == 58
    assert Provision.objects.get(number=58).paragraphs == before == ARTICLE_58
    assert not Translation.objects.exists()


def test_a_chinese_quote_of_an_earlier_wording_is_not_reported(social_insurance_law, tmp_path):
    earlier = ProvisionVersion.objects.get(provision__number=57, effective_from=datetime.date(2011, 7, 1))
    quote = "\n\n".join(earlier.paragraphs)
    write(tmp_path, "a.txt", source_text("A", f"法律依据：\n\n《中华人民共和国社会保险法》第五十七条 {quote}"))
    output = run_command(tmp_path)
    assert "Warning:" not in output
    write(tmp_path, "a.txt", source_text("A", f"法律依据：\n\n《中华人民共和国社会保险法》第五十七条 {quote}改"))
    assert "quoted text differs from the official text" in run_command(tmp_path)


def test_a_chinese_quote_that_differs_is_reported_and_the_official_text_kept(law_corpus, tmp_path):
    basis = "法律依据：《社会保险经办条例》第七条 社会保障卡是个人参加社会保险的凭证。"
    path = write(tmp_path, "a.txt", source_text("A", basis))
    before = snapshot()
    output = run_command(tmp_path)
    assert (
        f"Warning: {path}, line 7: Social Insurance Handling Regulation, Article 7: quoted text differs from the "
        "official text; the official text is kept"
    ) in output
    assert "Warnings: 1." in output
    assert snapshot()[1:4] == before[1:4]  # laws, articles and translations as they were
    assert Citation.objects.get().provision.law.slug == "social-insurance-handling-regulation"
    assert "Warnings: 1." in run_command(tmp_path)  # still differs: reported again


def test_a_chinese_marker_with_an_english_quote_records_a_translation(social_insurance_law, tmp_path):
    write(
        tmp_path, "a.txt", source_text("A", "Legal basis: 《中华人民共和国社会保险法》第五十八条 Employers register.")
    )
    assert "Translation recorded: Social Insurance Law, Article 58" in run_command(tmp_path)
    assert translations(58) == [("A", "Employers register.", True)]


# --------------------------------------------------------------------- translations held before


def test_an_unsourced_translation_in_the_same_words_becomes_the_sources(social_insurance_law, tmp_path):
    """An article's English from before quotes were translations (no source, no translator) is claimed by the
    source that quotes it in those words, not doubled."""
    article_4 = Provision.objects.get(number=4)
    save_translation(Translation(provision=article_4, paragraphs=["Four,  as quoted."]))
    save_translation(Translation(provision=article_4, paragraphs=["Four, by an editor."], is_default=True))
    write(tmp_path, "a.txt", source_text("A", "Legal basis: Article 4 of Social Insurance Law.\n\nFour, as quoted."))
    write(tmp_path, "b.txt", source_text("B", "Legal basis: Article 4 of Social Insurance Law.\n\nFour, as quoted."))
    output = run_command(tmp_path)
    assert output.count("Translation recorded: ") == 2
    assert sorted(translations(4)) == [
        ("", "Four, by an editor.", True),
        ("A", "Four,  as quoted.", False),
        ("B", "Four, as quoted.", False),
    ]


def test_preloading_makes_as_many_queries_whatever_the_number_of_sources(law_corpus, tmp_path):
    def preload_queries(count):
        folder = tmp_path / str(count)
        folder.mkdir()
        for n in range(count):
            basis = (
                f"Legal basis: Article {n + 1} of Social Insurance Law.\n\nText {n}.\n\n《社会保险经办条例》第{n + 1}条"
            )
            write(folder, f"{n}.txt", source_text(f"Q{count}-{n}", basis))
        run_command(folder)  # stored answers and translations to find
        loader = _Loader(report=None, overwrite_edited=False)
        sources = read_sources([folder])
        with CaptureQueriesContext(connection) as queries:
            loader.preload(sources)
        assert len(loader.answers) == count and len(loader.translations) == count
        return len(queries)

    # Answers: 4 (their fields, sections, citations, fingerprints), those deleted by editors 1, slugs 1, laws 1,
    # articles 1, translations 2.
    assert preload_queries(2) == preload_queries(9) == 11  # the versions of the articles quoted: one query


def test_same_question_from_two_sections_gets_a_unique_slug(social_insurance_law, tmp_path):
    write(tmp_path, "a.txt", "Site - Topic A - Same?\n\nSame?\n\nYes.")
    write(tmp_path, "b.txt", "Site - Topic B - Same?\n\nSame?\n\nNo.")
    run_command(tmp_path)
    assert sorted(Answer.objects.values_list("slug", flat=True)) == ["same", "same-2"]


def test_unicode_question_keeps_unicode_slug(social_insurance_law, tmp_path):
    write(tmp_path, "a.txt", "招聘网 - 社保查询 - 社保卡可以升级吗\n\n社保卡可以升级吗\n\n可以。")
    run_command(tmp_path)
    assert Answer.objects.get().slug == "社保卡可以升级吗"
    assert Topic.objects.get().slug == "社保查询"


# --------------------------------------------------------------------- failures leave everything as it was


def test_a_failing_file_in_a_batch_leaves_the_database_unchanged(imported, tmp_path):
    folder = tmp_path / "batch"
    copy_english_sources(folder)
    write(folder, "002_new.txt", "Site - Topic - New question\n\nNew question\n\nYes.")
    write(folder, "003_broken.txt", "Site - Topic - Broken\n\nBroken\n\nYes.\n\nLegal basis: Social Insurance Law.")
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        run_command(folder)
    message = str(caught.value)
    assert "database is unchanged" in message
    assert "003_broken.txt, line 7: the legal basis names no article" in message
    assert snapshot() == before


def test_every_broken_file_is_reported(social_insurance_law, tmp_path):
    write(tmp_path, "a.txt", "")
    (tmp_path / "b.txt").write_bytes(b"Site - T - Q\n\n\xff\xfe")
    with pytest.raises(ImportFailed) as caught:
        import_paths([tmp_path])
    assert [(e.source.rsplit("/", 1)[-1], e.line) for e in caught.value.errors] == [("a.txt", 0), ("b.txt", 3)]
    assert row_counts()["Answer"] == 0


def test_two_files_with_one_breadcrumb_are_refused_before_anything_is_written(social_insurance_law, tmp_path):
    # b.txt repeats a.txt's breadcrumb: found only after both are parsed.
    write(tmp_path, "a.txt", "Site - Topic - Q\n\nQ\n\nYes.\n\nLegal basis: Article 2 of Social Insurance Law.\n\nTwo.")
    write(tmp_path, "b.txt", "Site - Topic - Q\n\nQ again\n\nNo.")
    before = snapshot()
    with pytest.raises(CommandError, match="b.txt, line 1: the same source as .*a.txt"):
        run_command(tmp_path)
    assert snapshot() == before


def test_a_database_error_in_a_later_file_rolls_back_the_earlier_ones(social_insurance_law, monkeypatch):
    """The answers are saved together; when that fails, one by one, so that the error names its file."""
    from django.db import DatabaseError

    from articles.models import Section

    bulk_create = Section.objects.bulk_create

    def fail_for_second_answer(sections, *args, **kwargs):
        if any(section.answer.question == FIRST_CLASS_CARD for section in sections):
            raise DatabaseError("disk full")
        return bulk_create(sections, *args, **kwargs)

    monkeypatch.setattr(Section.objects, "bulk_create", fail_for_second_answer)
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        run_command(*ENGLISH_SOURCES)
    assert "001_8aa116ca66a33e7a.txt, line 1: cannot be saved: disk full" in str(caught.value)
    assert snapshot() == before


def test_answers_that_fail_together_but_not_alone_are_saved_one_by_one(social_insurance_law, monkeypatch):
    from django.db import DatabaseError

    from articles.models import Answer

    bulk_create = Answer.objects.bulk_create

    def fail_for_more_than_one(answers, *args, **kwargs):
        if len(answers) > 1:
            raise DatabaseError("too many")
        return bulk_create(answers, *args, **kwargs)

    monkeypatch.setattr(Answer.objects, "bulk_create", fail_for_more_than_one)
    assert "Answers: 2 created" in run_command(*ENGLISH_SOURCES)
    assert Answer.objects.count() == 2
    assert all(answer.sections.exists() and answer.search_document for answer in Answer.objects.all())


def test_folder_without_source_texts_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="holds no \\*.txt files"):
        run_command(tmp_path)


def test_missing_path_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        run_command(tmp_path / "nowhere")


def test_command_exits_non_zero_on_error(db, tmp_path):
    import subprocess
    import sys

    write(tmp_path, "a.txt", "not a breadcrumb")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_source_texts", str(tmp_path), "--dry-run"],
        capture_output=True,
        text=True,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite://:memory:"},
        cwd=SOURCE_DIR.parent.parent,
        check=False,
    )
    assert result.returncode != 0
    assert "a.txt, line 1: the first line must be a breadcrumb" in result.stderr


def test_citing_a_paragraph_the_article_does_not_have_is_invalid(imported):
    from django.core.exceptions import ValidationError

    citation = Citation.objects.filter(provision__number=4).first()
    citation.paragraph = 3  # article 4 has two paragraphs
    with pytest.raises(ValidationError, match="has 2 paragraph"):
        citation.full_clean()
    citation.paragraph = 2
    citation.full_clean()
