"""Hostile source texts and concurrent runs: refused or cleaned with file and line, never a hang or a 500."""

import os
import random
import threading

import pytest
from django.db import OperationalError, connection

from articles.importer import loader as loader_module
from articles.importer import parser
from articles.importer.loader import MAX_FILE_BYTES, ImportFailed, import_paths
from articles.models import Answer, Section
from legal_refs.models import Law
from tests.articles.importer.test_loader import source_text, write

FOUR = "Legal basis: Article 4 of Social Insurance Law.\n\nFour."


def test_control_characters_are_removed_and_reported_with_file_and_line(social_insurance_law, tmp_path):
    path = write(tmp_path, "a.txt", source_text("A\x0c", FOUR, answer="Ye\x1bs.\n\nMore\x0b."))
    report = import_paths([path])
    answer = Answer.objects.get()
    assert (answer.question, answer.short_answer) == ("A", "Yes.\n\nMore.")
    assert [line for line in report.lines() if "Control" in line] == [
        f"Control characters removed: {path}, line 1",
        f"Control characters removed: {path}, line 3",
        f"Control characters removed: {path}, line 5",
        f"Control characters removed: {path}, line 7",
    ]


def test_a_fifo_and_a_device_named_txt_are_refused_without_being_read(db, tmp_path):
    os.mkfifo(tmp_path / "fifo.txt")  # opened for reading, it would wait for a writer forever
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # read, it would fill the memory
    with pytest.raises(ImportFailed) as caught:
        import_paths([tmp_path])
    assert [str(error) for error in caught.value.errors] == [
        f"{tmp_path}/fifo.txt: not a regular file (a device, a FIFO or a socket): not read",
        f"{tmp_path}/zero.txt: not a regular file (a device, a FIFO or a socket): not read",
    ]
    with pytest.raises(ImportFailed, match="zero.txt: not a regular file"):
        import_paths([tmp_path / "zero.txt"])  # named on its own


def test_a_file_over_the_size_cap_is_refused(db, tmp_path):
    path = write(tmp_path, "big.txt", source_text("Big", FOUR, answer="word " * (MAX_FILE_BYTES // 5)))
    with pytest.raises(ImportFailed) as caught:
        import_paths([path])
    assert str(caught.value) == f"{path}: the file is {path.stat().st_size:,} bytes; a source text may have 1,000,000"


def test_a_section_or_an_answer_too_large_is_refused_with_file_and_line(social_insurance_law, tmp_path):
    long = write(tmp_path, "long.txt", source_text("L", FOUR, answer=f"Yes.\n\nHow:\n\n{'word ' * 41_000}"))
    rng = random.Random(3)  # noqa: S311 (test text)
    chinese = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(70_000))
    wide = write(tmp_path, "wide.txt", source_text("W", FOUR, answer=f"是。\n\n方法：\n\n{chinese}"))
    with pytest.raises(ImportFailed) as caught:
        import_paths([long, wide])
    assert [str(error) for error in caught.value.errors] == [
        f"{long}, line 7: the section cannot be shown: The text is 204,999 characters long; "
        "a text may have at most 200,000.",
        f"{wide}, line 1: The answer is too long for the search index: its text comes to about 171% of what the "
        "index holds for one answer. Shorten its sections or split it into several answers.",
    ]
    assert not Answer.objects.exists()


def test_a_list_is_built_once_not_once_per_item(monkeypatch):
    """A tuple rebuilt for each item made 100,000 items take a minute."""
    built = []

    class CountedList(parser.OrderedList):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(parser, "OrderedList", CountedList)
    items = "\n".join(f"{number}. Item {number}." for number in range(1, 1000))
    source = parser.parse_source(source_text("L", "", answer=f"Yes.\n\nHow:\n\n{items}"))
    [ordered] = source.sections[0].blocks
    assert len(ordered.items) == 999 and ordered.items[-1] == parser.ListItem("Item 999.", 1007)
    assert len(built) == 1


@pytest.mark.parametrize(
    ("basis", "line", "problem"),
    [
        ("法律依据：《社会保险法》第九千九千条", 7, "“九千九千” is not a number"),
        ("Legal basis: Social Insurance Law.\n\n第九千九千条 文本。", 9, "“九千九千” is not a number"),
        (
            "Legal basis: Social Insurance Law.\n\nArticle 99 Text.",
            9,
            "Article 99 of the Social Insurance Law does not exist",
        ),
        (
            "Legal basis: Article 1000000000000000000000000000000 of the PRC Social Insurance Law.\n\nText.",
            7,
            "Article 1000000000000000000000000000000: no law has that many articles (at most 9,999)",
        ),
    ],
)
def test_malformed_numbers_are_refused_with_file_and_line_and_no_law_is_made(
    social_insurance_law, tmp_path, basis, line, problem
):
    path = write(tmp_path, "a.txt", source_text("A", basis))
    laws = list(Law.objects.values_list("pk", "title"))
    with pytest.raises(ImportFailed) as caught:
        import_paths([path])
    [error] = caught.value.errors
    assert str(error).startswith(f"{path}, line {line}: {problem}")
    assert list(Law.objects.values_list("pk", "title")) == laws
    assert not Answer.objects.exists()


def test_a_locked_database_is_reported_as_such_not_as_a_fault_of_a_file(social_insurance_law, tmp_path, monkeypatch):
    def locked(writes):
        raise OperationalError("database is locked")

    monkeypatch.setattr(loader_module, "save_answers", locked)
    path = write(tmp_path, "a.txt", source_text("A", FOUR))
    with pytest.raises(ImportFailed) as caught:
        import_paths([path])
    assert str(caught.value) == (
        "Import: the database is locked by another write (SQLite takes one writer at a time, and the other did "
        "not finish in time); run the import again when it is done. Nothing was saved."
    )
    assert not Answer.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_two_import_runs_at_once_run_one_after_the_other(social_insurance_law, tmp_path, monkeypatch):
    """The second run waits for the first to commit before it reads anything: before, both read the answer as
    it was and left it with every section twice."""
    path = write(tmp_path, "a.txt", source_text("A", FOUR, answer="Yes.\n\nHow:\n\n1. One.\n2. Two."))
    import_paths([path])
    write(tmp_path, "a.txt", source_text("A", FOUR, answer="Yes.\n\nHow:\n\n1. One.\n2. Two.\n3. Three."))
    first_read, go_on, second_read = threading.Event(), threading.Event(), threading.Event()
    preload = loader_module._Loader.preload

    def paused_preload(self, sources):
        preload(self, sources)
        if threading.current_thread().name == "first":
            first_read.set()
            go_on.wait()
        else:
            second_read.set()

    monkeypatch.setattr(loader_module._Loader, "preload", paused_preload)
    reports = {}

    def run(name):
        try:
            reports[name] = import_paths([path])
        finally:
            connection.close()

    first = threading.Thread(target=run, args=["first"], name="first")
    first.start()
    assert first_read.wait(60)
    second = threading.Thread(target=run, args=["second"], name="second")
    second.start()
    waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    try:
        while not second_read.is_set():  # until the second run waits for the lock, or has read (the fault)
            with connection.cursor() as cursor:
                cursor.execute(waiting)
                if cursor.fetchone()[0]:
                    break
        assert not second_read.is_set()
    finally:
        go_on.set()
        first.join(60), second.join(60)
    assert (len(reports["first"].updated), len(reports["second"].unchanged)) == (1, 1)
    assert Section.objects.get().body == "1. One.\n2. Two.\n3. Three."
