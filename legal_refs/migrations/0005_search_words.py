import re
from pathlib import Path

from django.db import migrations, models

# Chinese searched by words in the law articles too (as articles 0011 does for answers): the article's Chinese,
# folded to simplified characters, cut into words (`search_words`), and the two-character tokens made again from
# the folded text.
#
# - On PostgreSQL the stored vector is made again over them: the text's English words ('english') and the Chinese
#   words weigh A, the two-character tokens D, so a whole word ranks above a match of tokens only.
# - On SQLite, an FTS5 table over the same columns (external content), kept in step by triggers on every insert,
#   update and delete of an article. A later migration that makes the articles' table again drops these
#   triggers: it must create them again (TRIGGERS below).
#
# The words are cut as textkit.chinese cuts them (a frozen copy below, with the dictionary file of the repository);
# `manage.py rebuild_search_words` cuts them again after a change of the dictionary.

VECTOR = """
    ALTER TABLE legal_refs_provision ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        {vector}
    ) STORED
"""
WITH_WORDS = """setweight(to_tsvector('english'::regconfig, search_text), 'A')
        || setweight(to_tsvector('simple'::regconfig, search_words), 'A')
        || setweight(to_tsvector('simple'::regconfig, search_cjk), 'D')"""
WITHOUT_WORDS = "to_tsvector('english'::regconfig, search_text) || to_tsvector('simple'::regconfig, search_cjk)"
DROP = [
    "DROP INDEX IF EXISTS provision_search_vector_idx",
    "ALTER TABLE legal_refs_provision DROP COLUMN IF EXISTS search_vector",
]
CREATE_INDEX = "CREATE INDEX provision_search_vector_idx ON legal_refs_provision USING gin (search_vector)"
POSTGRESQL_FORWARDS = [*DROP, VECTOR.format(vector=WITH_WORDS), CREATE_INDEX]
POSTGRESQL_BACKWARDS = [*DROP, VECTOR.format(vector=WITHOUT_WORDS), CREATE_INDEX]

FTS_COLUMNS = ["search_text", "search_words", "search_cjk"]
_columns = ", ".join(FTS_COLUMNS)
_old = ", ".join(f"old.{column}" for column in FTS_COLUMNS)
_new = ", ".join(f"new.{column}" for column in FTS_COLUMNS)
FTS_TABLE = f"""
    CREATE VIRTUAL TABLE legal_refs_provision_fts USING fts5(
        {_columns}, content='legal_refs_provision', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
"""
TRIGGERS = [
    f"""CREATE TRIGGER legal_refs_provision_fts_insert AFTER INSERT ON legal_refs_provision BEGIN
        INSERT INTO legal_refs_provision_fts(rowid, {_columns}) VALUES (new.id, {_new});
    END""",
    f"""CREATE TRIGGER legal_refs_provision_fts_delete AFTER DELETE ON legal_refs_provision BEGIN
        INSERT INTO legal_refs_provision_fts(legal_refs_provision_fts, rowid, {_columns})
        VALUES ('delete', old.id, {_old});
    END""",
    f"""CREATE TRIGGER legal_refs_provision_fts_update AFTER UPDATE OF {_columns} ON legal_refs_provision BEGIN
        INSERT INTO legal_refs_provision_fts(legal_refs_provision_fts, rowid, {_columns})
        VALUES ('delete', old.id, {_old});
        INSERT INTO legal_refs_provision_fts(rowid, {_columns}) VALUES (new.id, {_new});
    END""",
]
SQLITE_FORWARDS = [FTS_TABLE, *TRIGGERS, "INSERT INTO legal_refs_provision_fts(legal_refs_provision_fts) VALUES ('rebuild')"]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS legal_refs_provision_fts_insert",
    "DROP TRIGGER IF EXISTS legal_refs_provision_fts_delete",
    "DROP TRIGGER IF EXISTS legal_refs_provision_fts_update",
    "DROP TABLE IF EXISTS legal_refs_provision_fts",
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
    Provision = apps.get_model("legal_refs", "Provision")
    changed = []
    for provision in Provision.objects.only("pk", "search_text").iterator(chunk_size=500):
        provision.search_words = index_words(provision.search_text)
        provision.search_cjk = cjk_tokens(fold(provision.search_text))
        changed.append(provision)
    Provision.objects.bulk_update(changed, ["search_words", "search_cjk"], batch_size=500)


def forwards(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[0]:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('legal_refs', '0004_translation_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='provision',
            name='search_words',
            field=models.TextField(blank=True, editable=False, verbose_name='search words (Chinese)'),
        ),
        migrations.RunPython(fill_search_words, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(forwards, backwards),
    ]
