"""The loader and the import command, on the two real source texts and on small synthetic ones."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from articles.importer.loader import ImportFailed, import_paths
from articles.models import Answer, Citation, Section, SectionKind, Status, Topic
from legal_refs.models import Law, Provision
from tests.conftest import SOURCE_DIR
from tests.content import FIRST_CLASS_CARD, UPGRADE_HALFWAY

MODELS = [Law, Provision, Topic, Answer, Section, Citation]


def row_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def snapshot():
    """Everything the import can touch, as plain values."""
    return (
        row_counts(),
        list(Provision.objects.values_list("law__slug", "number", "paragraphs", "chapter__number")),
        list(Answer.objects.values_list("question", "slug", "short_answer", "status", "imported_fingerprint")),
        list(Section.objects.values_list("answer__slug", "position", "kind", "heading", "body")),
        list(Citation.objects.values_list("answer__slug", "provision__number", "position")),
    )


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_command(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_source_texts", *map(str, args), stdout=out)
    return out.getvalue()


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


def test_source_texts_give_the_law_articles_with_their_paragraphs_and_chapters(imported, social_insurance_law):
    articles = {p.number: p for p in Provision.objects.all()}
    assert sorted(articles) == [4, 5, 10]
    assert all(p.law == social_insurance_law for p in articles.values())
    assert len(articles[4].paragraphs) == 2
    assert articles[4].paragraphs[0].startswith("Employers and individuals in People's Republic of China (PRC) pay")
    assert len(articles[10].paragraphs) == 3
    assert len(articles[5].paragraphs) == 3
    assert articles[5].paragraphs[0].startswith("People's governments at or above the county level")
    assert [articles[n].chapter.number for n in (4, 5, 10)] == [1, 1, 2]
    assert Law.objects.count() == 1


def test_import_summary_and_the_article_4_wording_difference_reported_once(social_insurance_law):
    output = run_command(SOURCE_DIR)
    assert "Answers: 2 created, 0 updated, 0 unchanged, 0 skipped. Law articles: 3 created." in output
    assert output.count("quoted with other wording") == 1
    assert "001_8aa116ca66a33e7a.txt, line 19: Social Insurance Law, Article 4" in output
    stored = Provision.objects.get(number=4).paragraphs[0]
    assert " pay social insurance premiums" in stored  # the first file's wording is kept


def test_importing_twice_changes_nothing_and_says_so(imported):
    before = snapshot()
    output = run_command(SOURCE_DIR)
    assert snapshot() == before
    assert "Answers: 0 created, 0 updated, 2 unchanged, 0 skipped. Law articles: 0 created." in output
    assert "Nothing changed." in output


def test_replace_wording_option_replaces_the_stored_article_text(imported):
    output = run_command(SOURCE_DIR / "001_8aa116ca66a33e7a.txt", "--replace-wording")
    assert "Wording replaced: " in output and "Social Insurance Law, Article 4" in output
    assert " shall pay social insurance premiums" in Provision.objects.get(number=4).paragraphs[0]
    assert "Nothing changed." in run_command(SOURCE_DIR / "001_8aa116ca66a33e7a.txt", "--replace-wording")


def test_replace_wording_replaces_an_article_quoted_by_several_files_once(imported, tmp_path):
    for name in "ab":
        write(
            tmp_path,
            f"{name}.txt",
            f"Site - Topic - Q{name}\n\nQ{name}?\n\nYes.\n\n"
            "Legal basis: Article 4 of Social Insurance Law.\n\nNew wording of Article 4.",
        )
    output = run_command(tmp_path, "--replace-wording")
    assert output.count("Wording replaced: ") == 1
    assert Provision.objects.get(number=4).paragraphs == ["New wording of Article 4."]


def test_replace_wording_refuses_two_wordings_in_one_run(imported):
    before = snapshot()
    with pytest.raises(CommandError, match="quoted with other wording than in .*000_c9b72944512ff204.txt"):
        run_command(SOURCE_DIR, "--replace-wording")
    assert snapshot() == before


def test_dry_run_reports_and_saves_nothing(social_insurance_law):
    before = snapshot()
    output = run_command(SOURCE_DIR, "--dry-run")
    assert "2 created" in output and "Dry run: nothing was saved." in output
    assert snapshot() == before


# --------------------------------------------------------------------- editors' changes


def test_answer_edited_after_import_is_not_overwritten(imported):
    section = Answer.objects.get(question=UPGRADE_HALFWAY).sections.first()
    section.body = "Edited by an editor."
    section.save()
    output = run_command(SOURCE_DIR)
    assert "Skipped, edited since import: " in output and "000_c9b72944512ff204.txt" in output
    assert "0 updated, 1 unchanged, 1 skipped" in output
    assert Section.objects.get(pk=section.pk).body == "Edited by an editor."


def test_status_change_is_not_an_edit(imported):
    Answer.objects.filter(question=UPGRADE_HALFWAY).update(status=Status.DRAFT)
    assert "2 unchanged" in run_command(SOURCE_DIR)


def test_saving_with_browser_line_ends_is_not_an_edit(imported):
    # Browsers submit textareas with CRLF line ends; that alone is no edit.
    for section in Section.objects.all():
        section.body = section.body.replace("\n", "\r\n") + "\r\n"
        section.save()
    assert "2 unchanged" in run_command(SOURCE_DIR)


def test_renaming_a_topic_is_not_an_edit_and_adds_no_topic(imported):
    Topic.objects.update(title="Social security questions")
    output = run_command(SOURCE_DIR)
    assert "2 unchanged" in output and "Nothing changed." in output
    assert list(Topic.objects.values_list("title", flat=True)) == ["Social security questions"]


def test_same_article_cited_under_two_names_is_cited_once_and_stays_unchanged(social_insurance_law, tmp_path):
    basis = (
        "Legal basis: Article 4 of Social Insurance Law.\n\nFour.\n\n"
        "Legal basis: Article 4 of People's Republic of China (PRC) Social Insurance Law.\n\nFour."
    )
    write(tmp_path, "a.txt", f"Site - Topic - Q\n\nQ\n\nYes.\n\n{basis}")
    run_command(tmp_path)
    assert Citation.objects.count() == 1
    assert "1 unchanged" in run_command(tmp_path)


def test_skipped_answer_writes_nothing_for_its_source(imported, tmp_path):
    answer = Answer.objects.get(question=UPGRADE_HALFWAY)
    answer.short_answer = "Edited."
    answer.save()
    folder = tmp_path / "src"
    shutil.copytree(SOURCE_DIR, folder)
    path = folder / "000_c9b72944512ff204.txt"
    path.write_text(path.read_text() + "\n\nArticle 11\n\nEleven.", encoding="utf-8")
    output = run_command(folder)
    assert "1 skipped" in output and "Law articles: 0 created" in output
    assert not Provision.objects.filter(number=11).exists()


def test_overwrite_edited_option_restores_the_source(imported):
    answer = Answer.objects.get(question=UPGRADE_HALFWAY)
    answer.short_answer = "Edited."
    answer.save()
    output = run_command(SOURCE_DIR, "--overwrite-edited")
    assert "1 updated" in output
    answer.refresh_from_db()
    assert answer.short_answer == ""
    assert answer.sections.count() == 2 and answer.citations.count() == 2


def test_changed_source_updates_the_answer_keeping_its_url(imported, tmp_path, search_refreshes):
    folder = tmp_path / "src"
    shutil.copytree(SOURCE_DIR, folder)
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


def test_unknown_law_name_creates_a_law_and_reports_it(social_insurance_law, tmp_path):
    write(tmp_path, "a.txt", "Site - Topic - Q\n\nQ\n\nYes.\n\nLegal basis: Article 2 of Card Regulations.\n\nTwo.")
    output = run_command(tmp_path)
    assert "New law (name not known): Card Regulations" in output
    law = Law.objects.get(title="Card Regulations")
    assert law.slug == "card-regulations"
    assert Provision.objects.get(law=law, number=2).paragraphs == ["Two."]


def test_law_names_resolve_through_aliases(social_insurance_law, tmp_path):
    text = "Site - Topic - Q\n\nQ\n\nYes.\n\nLegal basis: Article 2 of the social insurance law of the PRC.\n\nTwo."
    write(tmp_path, "a.txt", text)
    run_command(tmp_path)
    assert Provision.objects.get(number=2).law == social_insurance_law
    assert Law.objects.count() == 1


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
    shutil.copytree(SOURCE_DIR, folder)
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


def test_an_error_while_loading_rolls_back_the_whole_run(social_insurance_law, tmp_path):
    # b.txt repeats a.txt's breadcrumb: found only after a.txt is parsed.
    write(tmp_path, "a.txt", "Site - Topic - Q\n\nQ\n\nYes.\n\nLegal basis: Article 2 of New Law.\n\nTwo.")
    write(tmp_path, "b.txt", "Site - Topic - Q\n\nQ again\n\nNo.")
    before = snapshot()
    with pytest.raises(CommandError, match="the same source as"):
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
        run_command(SOURCE_DIR)
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
    assert "Answers: 2 created" in run_command(SOURCE_DIR)
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
