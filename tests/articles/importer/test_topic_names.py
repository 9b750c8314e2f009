"""A folder's topics.toml names its sections' topics in both languages (docs/source-format.md, "Topic names in
both languages"): the English and the Chinese texts of a section share one topic with both names."""

import pytest

from articles.importer.loader import ImportFailed, import_paths
from articles.models import Answer, Topic
from tests.articles.importer.test_loader import run_command, snapshot, write

ENGLISH = "Site - Social security inquiry - Lost?\n\nLost?\n\nReport it."
CHINESE = "招聘网 - 社保查询 - 社保卡丢了怎么办？\n\n社保卡丢了怎么办？\n\n先挂失，再补办。"
NAMES = '[[topic]]\nen = "Social security inquiry"\nzh = "社保查询"\n'


def folder(tmp_path, names=NAMES, *texts):
    for number, text in enumerate(texts or (ENGLISH, CHINESE)):
        write(tmp_path, f"{number}.txt", text)
    if names is not None:
        write(tmp_path, "topics.toml", names)
    return tmp_path


def test_both_texts_of_a_section_named_in_both_languages_share_one_new_topic_with_both_names(
    social_insurance_law, tmp_path
):
    output = run_command(folder(tmp_path))
    assert output.splitlines()[0] == "New topic: Social security inquiry"
    topic = Topic.objects.get()
    assert (topic.title, topic.title_zh) == ("Social security inquiry", "社保查询")
    assert topic.slug == "social-security-inquiry"
    assert {answer.topic for answer in Answer.objects.all()} == {topic}
    assert "Nothing changed." in run_command(tmp_path)


def test_a_chinese_text_alone_makes_the_topic_with_its_english_name_too(social_insurance_law, tmp_path):
    run_command(folder(tmp_path, NAMES, CHINESE))
    assert list(Topic.objects.values_list("title", "title_zh")) == [("Social security inquiry", "社保查询")]


def test_without_the_file_each_language_makes_its_own_topic(social_insurance_law, tmp_path):
    run_command(folder(tmp_path, None))
    assert sorted(Topic.objects.values_list("title", "title_zh")) == [
        ("Social security inquiry", ""),
        ("社保查询", "社保查询"),
    ]


def test_a_stored_topic_gets_the_names_it_lacks_and_its_answers_are_gathered(social_insurance_law, tmp_path):
    """A site imported before the file: a topic of each language, each with one name."""
    run_command(folder(tmp_path, None))
    write(tmp_path, "topics.toml", NAMES)
    output = run_command(tmp_path)
    assert "Topic named: Social security inquiry / 社保查询" in output
    english = Topic.objects.get(title="Social security inquiry")
    assert english.title_zh == "社保查询"
    assert {answer.topic for answer in Answer.objects.all()} == {english}
    # The Chinese topic is left, empty, for an editor to delete: the report says so.
    assert Topic.objects.count() == 2 and not Topic.objects.get(title="社保查询").answers.exists()
    assert (
        "Warning: the topic “社保查询” (slug 社保查询) has the Chinese name of “Social security inquiry” too, "
        "and 0 answer(s) left in it: move them to “Social security inquiry” and delete it in the admin"
    ) in output.splitlines()
    assert "Warnings: 1." in output


def test_a_placeholder_english_title_gets_the_english_name(social_insurance_law, tmp_path):
    Topic.objects.create(title="社保查询", title_zh="社保查询", slug="inquiry")
    run_command(folder(tmp_path, NAMES, CHINESE))
    topic = Topic.objects.get()
    assert (topic.title, topic.title_zh, topic.slug) == ("Social security inquiry", "社保查询", "inquiry")


def test_names_an_editor_gave_are_kept(social_insurance_law, tmp_path):
    Topic.objects.create(title="Social security inquiry", title_zh="社保问答", slug="inquiry")
    Topic.objects.create(title="Card questions", title_zh="社保查询", slug="card-questions")
    output = run_command(folder(tmp_path))
    assert "Topic named" not in output and "New topic" not in output
    assert sorted(Topic.objects.values_list("title", "title_zh")) == [
        ("Card questions", "社保查询"),
        ("Social security inquiry", "社保问答"),
    ]
    assert {answer.topic.title for answer in Answer.objects.all()} == {"Social security inquiry"}


def test_a_dry_run_names_nothing(social_insurance_law, tmp_path):
    run_command(folder(tmp_path, None))
    write(tmp_path, "topics.toml", NAMES)
    before = snapshot(), list(Topic.objects.values_list("title", "title_zh"))
    assert "Dry run" in run_command(tmp_path, "--dry-run")
    assert (snapshot(), list(Topic.objects.values_list("title", "title_zh"))) == before


def test_a_dangling_names_file_is_reported(social_insurance_law, tmp_path):
    folder(tmp_path, None)
    (tmp_path / "topics.toml").symlink_to(tmp_path / "missing.toml")
    with pytest.raises(ImportFailed) as failure:
        import_paths([tmp_path])
    assert str(failure.value) == f"{tmp_path / 'topics.toml'}: cannot be read (No such file or directory)"


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        ("[[topic]\nen = 1", "not valid TOML"),
        ('[[topic]]\nen = "Social security inquiry"\n', "topic 1 needs an English name (en) and a Chinese name (zh)"),
        ('[[topic]]\nen = "Inquiry"\nzh = " "\n', "topic 1 needs an English name (en) and a Chinese name (zh)"),
        ("topic = [1]\n", "topic 1 is a table of en = … and zh = … only"),
        (NAMES + '[[topic]]\nen = "Inquiry"\nzh = "社保查询"\n', "“社保查询” names two topics"),
        (f'[[topic]]\nen = "{"x" * 201}"\nzh = "社保查询"\n', "is over 200 characters"),
        ("topic = 5\n", "the file holds only [[topic]] tables, each with en = … and zh = …"),
        ('[[topics]]\nen = "Inquiry"\nzh = "社保查询"\n', "the file holds only [[topic]] tables"),
        ('[[topic]]\nen = "Inquiry"\nzh = "社保查询"\nnote = "x"\n', "topic 1 is a table of en = … and zh = … only"),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "not valid TOML"),
        ('[[topic]]\nen = "In\\u0000quiry"\nzh = "社保查询"\n', "an English name holds the invisible character U+0000"),
        ('[[topic]]\nen = "Inquiry"\nzh = "社保\\n查询"\n', "a Chinese name holds the invisible character U+000A"),
        ('[[topic]]\nen = "Inquiry\\u202e"\nzh = "社保查询"\n', "an English name holds the invisible character U+202E"),
    ],
)
def test_a_bad_names_file_refuses_the_run_and_saves_nothing(social_insurance_law, tmp_path, names, problem):
    folder(tmp_path, names)
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        import_paths([tmp_path])
    assert f"{tmp_path / 'topics.toml'}" in str(failure.value) and problem in str(failure.value)
    assert snapshot() == before
