import re
from pathlib import Path

from django.db import migrations, models

# Chinese searched by words: each answer's Chinese, folded to simplified characters, is cut into words
# (textkit.chinese) and stored per weight in three new columns; the two-character tokens (`search_cjk`) are made
# again from the folded text. The search reads them through:
#
# - on PostgreSQL, the stored vector made again over them: the words weigh as the text they come from (A question,
#   B short answer, C document), the two-character tokens and the articles cited D, so a whole word ranks above
#   a match of tokens only; the English words keep the 'english' configuration. The question's own vector (which
#   picks the candidates of common queries) gains the question's Chinese words. A generated column's expression
#   cannot be altered: the columns and their indexes are made again (at 100,000 answers, about a minute under
#   an exclusive lock on the answers).
# - on SQLite, an FTS5 table over the same columns (external content: it holds the index only), kept in step by
#   triggers on every insert, update and delete of an answer. A later migration that makes the answers' table
#   again (SQLite's way of altering most columns) drops these triggers: it must create them again (TRIGGERS
#   below); tests/search/test_search_words.py checks that they exist.
#
# The words are cut as textkit.chinese cuts them (a frozen copy below, with the dictionary file of the repository);
# `manage.py rebuild_search_words` cuts them again after a change of the dictionary.

ZH_COLUMNS = ["search_zh_question", "search_zh_short_answer", "search_zh_document"]

VECTOR = """
    ALTER TABLE articles_answer ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, question), 'A')
        || setweight(to_tsvector('english'::regconfig, short_answer), 'B')
        || setweight(to_tsvector('english'::regconfig, search_document), 'C')
        || setweight(to_tsvector('simple'::regconfig, {cjk_words}search_cjk), '{cjk_weight}')
        || setweight(to_tsvector('simple'::regconfig, search_citations), 'D')
    ) STORED
"""
WORDS = """search_zh_question), 'A')
        || setweight(to_tsvector('simple'::regconfig, search_zh_short_answer), 'B')
        || setweight(to_tsvector('simple'::regconfig, search_zh_document), 'C')
        || setweight(to_tsvector('simple'::regconfig, """
QUESTION_VECTOR = """
    ALTER TABLE articles_answer ADD COLUMN search_question_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('english'::regconfig, question){words}
    ) STORED
"""
QUESTION_WORDS = " || to_tsvector('simple'::regconfig, search_zh_question)"
DROP = [
    "DROP INDEX IF EXISTS answer_search_vector_idx",
    "ALTER TABLE articles_answer DROP COLUMN IF EXISTS search_vector",
    "DROP INDEX IF EXISTS answer_search_question_vector_idx",
    "ALTER TABLE articles_answer DROP COLUMN IF EXISTS search_question_vector",
]
CREATE_INDEXES = [
    "CREATE INDEX answer_search_vector_idx ON articles_answer USING gin (search_vector)",
    "CREATE INDEX answer_search_question_vector_idx ON articles_answer USING gin (search_question_vector)",
]
POSTGRESQL_FORWARDS = [
    *DROP,
    VECTOR.format(cjk_words=WORDS, cjk_weight="D"),
    QUESTION_VECTOR.format(words=QUESTION_WORDS),
    *CREATE_INDEXES,
]
POSTGRESQL_BACKWARDS = [
    *DROP,
    VECTOR.format(cjk_words="", cjk_weight="B"),
    QUESTION_VECTOR.format(words=""),
    *CREATE_INDEXES,
]

FTS_COLUMNS = ["question", "short_answer", "search_document", *ZH_COLUMNS, "search_cjk"]
_columns = ", ".join(FTS_COLUMNS)
_old = ", ".join(f"old.{column}" for column in FTS_COLUMNS)
_new = ", ".join(f"new.{column}" for column in FTS_COLUMNS)
# Words of Latin letters are stemmed (porter) as PostgreSQL's 'english' does; Chinese words and tokens pass as
# they are (each is separated by spaces in its column).
FTS_TABLE = f"""
    CREATE VIRTUAL TABLE articles_answer_fts USING fts5(
        {_columns}, content='articles_answer', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
"""
TRIGGERS = [
    f"""CREATE TRIGGER articles_answer_fts_insert AFTER INSERT ON articles_answer BEGIN
        INSERT INTO articles_answer_fts(rowid, {_columns}) VALUES (new.id, {_new});
    END""",
    f"""CREATE TRIGGER articles_answer_fts_delete AFTER DELETE ON articles_answer BEGIN
        INSERT INTO articles_answer_fts(articles_answer_fts, rowid, {_columns}) VALUES ('delete', old.id, {_old});
    END""",
    f"""CREATE TRIGGER articles_answer_fts_update AFTER UPDATE OF {_columns} ON articles_answer BEGIN
        INSERT INTO articles_answer_fts(articles_answer_fts, rowid, {_columns}) VALUES ('delete', old.id, {_old});
        INSERT INTO articles_answer_fts(rowid, {_columns}) VALUES (new.id, {_new});
    END""",
]
SQLITE_FORWARDS = [
    FTS_TABLE,
    *TRIGGERS,
    "INSERT INTO articles_answer_fts(articles_answer_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_answer_fts_insert",
    "DROP TRIGGER IF EXISTS articles_answer_fts_delete",
    "DROP TRIGGER IF EXISTS articles_answer_fts_update",
    "DROP TABLE IF EXISTS articles_answer_fts",
]
STATEMENTS = {
    "postgresql": (POSTGRESQL_FORWARDS, POSTGRESQL_BACKWARDS),
    "sqlite": (SQLITE_FORWARDS, SQLITE_BACKWARDS),
}


# Frozen copies (a migration imports no application code): the Chinese cut into words as textkit.chinese cuts it
# now, with rjieba, the domain dictionary of the repository (textkit/dictionary/words.txt) and OpenCC's t2s.
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD_RUN = re.compile(r"[^\W_]+")
DICTIONARY = Path(__file__).resolve().parents[2] / "textkit" / "dictionary" / "words.txt"


def chinese_tools():
    """(fold, index_words, cjk_tokens) as this migration cuts the stored text."""
    import opencc
    import rjieba

    jieba = rjieba.Jieba()
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, *rest = line.split()
            frequency = int(rest[0]) if rest else jieba.suggest_freq(word)
            jieba.add_word(word, frequency, rest[1] if len(rest) > 1 else None)
    convert = opencc.OpenCC("t2s").convert

    def fold(text):
        return HAN.sub(lambda run: convert(run.group(0)), text)

    def index_words(text):
        runs = (run for run in WORD_RUN.findall(fold(text)) if HAN.search(run))
        return " ".join(word.casefold() for run in runs for word in jieba.cut_for_search(run) if word.strip())

    def cjk_tokens(text):
        tokens = []
        for run in HAN.findall(text):
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            tokens.append(run[-1])
        return " ".join(tokens)

    return fold, index_words, cjk_tokens


def fill_search_words(apps, schema_editor):
    fold, index_words, cjk_tokens = chinese_tools()
    Answer = apps.get_model("articles", "Answer")
    fields = ["question", "short_answer", "search_document"]
    changed = []
    for answer in Answer.objects.only("pk", *fields).iterator(chunk_size=500):
        answer.search_zh_question = index_words(answer.question)
        answer.search_zh_short_answer = index_words(answer.short_answer)
        answer.search_zh_document = index_words(answer.search_document)
        answer.search_cjk = cjk_tokens(fold(" ".join([answer.question, answer.short_answer, answer.search_document])))
        changed.append(answer)
    Answer.objects.bulk_update(changed, [*ZH_COLUMNS, "search_cjk"], batch_size=500)


def forwards(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[0]:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_answer_language_topic_zh'),
    ]

    operations = [
        migrations.AddField(
            model_name='answer',
            name='search_zh_document',
            field=models.TextField(blank=True, editable=False, verbose_name='search words (Chinese, document)'),
        ),
        migrations.AddField(
            model_name='answer',
            name='search_zh_question',
            field=models.TextField(blank=True, editable=False, verbose_name='search words (Chinese, question)'),
        ),
        migrations.AddField(
            model_name='answer',
            name='search_zh_short_answer',
            field=models.TextField(blank=True, editable=False, verbose_name='search words (Chinese, short answer)'),
        ),
        migrations.RunPython(fill_search_words, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(forwards, backwards),
    ]
