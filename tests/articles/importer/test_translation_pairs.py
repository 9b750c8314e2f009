"""A folder's translations.toml pairs its texts that translate each other (docs/source-format.md, "Texts that
translate each other"): the import links their answers, as an editor does in the admin, when it creates either."""

import pytest

from articles.importer.loader import ImportFailed, import_paths
from articles.models import Answer, Language
from articles.services import link_translations
from tests.articles.importer.test_loader import run_command, snapshot, write
from tests.factories import make_answer

ENGLISH = "Site - Social security inquiry - Lost?\n\nLost?\n\nReport it."
CHINESE = "招聘网 - 社保查询 - 社保卡丢了怎么办？\n\n社保卡丢了怎么办？\n\n先挂失，再补办。"
PAIR = '[[pair]]\nzh = "zh.txt"\nen = "en.txt"\n'


def folder(tmp_path, pairs=PAIR, english=True, chinese=True):
    if english:
        write(tmp_path, "en.txt", ENGLISH)
    if chinese:
        write(tmp_path, "zh.txt", CHINESE)
    if pairs is not None:
        write(tmp_path, "translations.toml", pairs)
    return tmp_path


def pair():
    return Answer.objects.get(language=Language.ZH_HANS), Answer.objects.get(language=Language.EN)


def test_the_answers_of_a_pair_are_linked_when_imported(social_insurance_law, tmp_path):
    output = run_command(folder(tmp_path))
    assert f"Translations linked: {tmp_path / 'zh.txt'} = {tmp_path / 'en.txt'}" in output.splitlines()
    chinese, english = pair()
    assert (chinese.translation, english.translation) == (english, chinese)
    assert "Nothing changed." in run_command(tmp_path)


def test_without_the_file_nothing_is_linked(social_insurance_law, tmp_path):
    output = run_command(folder(tmp_path, None))
    assert "Translations linked" not in output
    assert [answer.translation for answer in pair()] == [None, None]


def test_a_pair_is_linked_when_the_second_text_arrives(social_insurance_law, tmp_path):
    run_command(folder(tmp_path, None, chinese=False))
    folder(tmp_path, english=False)
    assert "Translations linked" in run_command(tmp_path)
    chinese, english = pair()
    assert chinese.translation == english


def test_an_editors_unlinking_is_kept(social_insurance_law, tmp_path):
    run_command(folder(tmp_path))
    chinese, _ = pair()
    link_translations(chinese, None)
    assert "Nothing changed." in run_command(tmp_path)
    assert [answer.translation for answer in pair()] == [None, None]


def test_an_editors_link_to_another_answer_is_kept(social_insurance_law, tmp_path):
    run_command(folder(tmp_path, None, chinese=False))
    english = Answer.objects.get()
    other = make_answer("另一个问题？", language=Language.ZH_HANS)
    link_translations(english, other)
    output = run_command(folder(tmp_path, english=False))
    assert "Translations linked" not in output
    english.refresh_from_db()
    assert english.translation == other
    assert Answer.objects.get(question="社保卡丢了怎么办？").translation is None


def test_a_dry_run_links_nothing(social_insurance_law, tmp_path):
    before = snapshot()
    assert "Dry run" in run_command(folder(tmp_path), "--dry-run")
    assert snapshot() == before and not Answer.objects.exists()


@pytest.mark.parametrize(
    ("pairs", "problem"),
    [
        ('[[pair]]\nzh = "missing.txt"\nen = "en.txt"\n', "pair 1: “missing.txt” is no source text of this folder"),
        ('[[pair]]\nzh = "../zh.txt"\nen = "en.txt"\n', "pair 1: “../zh.txt” is no source text of this folder"),
        ('[[pair]]\nzh = "en.txt"\nen = "zh.txt"\n', "pair 1: “en.txt” is not a Chinese text"),
        ('[[pair]]\nzh = "zh.txt"\n', "pair 1 needs a Chinese text (zh) and an English text (en)"),
        ('[[pairs]]\nzh = "zh.txt"\nen = "en.txt"\n', "the file holds only [[pair]] tables"),
        ("[[pair]\n", "not valid TOML"),
        (PAIR + PAIR, "“zh.txt” is in pairs 1 and 2"),
        ('[[pair]]\nzh = "sub\\\\zh.txt"\nen = "en.txt"\n', "pair 1: “sub\\zh.txt” is no source text of this folder"),
    ],
)
def test_a_bad_pairs_file_refuses_the_run_and_saves_nothing(social_insurance_law, tmp_path, pairs, problem):
    folder(tmp_path, pairs)
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        import_paths([tmp_path])
    assert str(failure.value).startswith(f"{tmp_path / 'translations.toml'}: ") and problem in str(failure.value)
    assert snapshot() == before


def test_a_paired_text_that_cannot_be_parsed_is_reported_once(social_insurance_law, tmp_path):
    folder(tmp_path)
    write(tmp_path, "zh.txt", "招聘网 - 社保查询 - 无题\n")  # a breadcrumb and nothing else
    with pytest.raises(ImportFailed) as failure:
        import_paths([tmp_path])
    problems = [str(error) for error in failure.value.errors]
    assert [problem for problem in problems if "zh.txt" in problem and "translations.toml" not in problem]
    assert not any("translations.toml" in problem for problem in problems)
