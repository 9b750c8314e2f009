from django.db import migrations

# GIN indexes of the search vectors (with the character grams) and of the question vectors of the answers whose id
# is a multiple of 16 (on PostgreSQL only), where the search looks first for the answers to rank (search.backends,
# `SAMPLE_EVERY`, `first_found`).
#
# The search ranks at most 50 answers whose question matches and 50 matching anywhere, the first found. A GIN index
# finds every match before it gives the first, so a query of several common words (a whole Chinese question, a
# phrase of common English words) read entries of 5,000 to 30,000 answers at 100,000 to keep 50 of them. When the
# sample has 50 matches, those are taken, from entries a sixteenth as long; when it has fewer, the query usually
# matches fewer than about 800 answers (16 × 50), and the whole index is read as before.
#
# The predicate is written as the search writes it, `(id % 16) = 0`, for PostgreSQL to use the indexes. It has no
# statistics of its own, so PostgreSQL takes it for a rare condition (1 in 200) and reads the sample from its index
# rather than the table in order, which would read sixteen rows for each one of the sample.
#
# Each index reads the whole table: about 2 s in all at 100,000 answers, writes to the answers waiting meanwhile;
# 22 MB and 0.6 MB, beside the whole indexes' 199 MB and 9 MB. Its transaction has no statement timeout
# (`DB_STATEMENT_TIMEOUT` would end it on a larger table).

SAMPLE = "(id % 16) = 0"
INDEXES = {
    "answer_search_sample_idx": "(search_vector, search_cjk_grams)",
    "answer_search_question_sample_idx": "(search_question_vector)",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL statement_timeout = 0")
        for name, columns in INDEXES.items():
            statement = f"CREATE INDEX {name} ON articles_answer USING gin {columns} WHERE {SAMPLE}"
            schema_editor.execute(statement, params=None)  # no parameters: its % is SQL's


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_search_cjk_grams"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
