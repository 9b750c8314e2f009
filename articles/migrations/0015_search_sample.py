from django.db import migrations

# A GIN index of the search vector and character grams of the answers whose id is a multiple of 16 (on PostgreSQL
# only), where the search looks first for the answers matching a query anywhere (search.backends, `SAMPLE_EVERY`,
# `PostgreSQLBackend.candidates_sql`).
#
# The search ranks at most 50 answers matching anywhere, the first found. A GIN index finds every match before it
# gives the first, so a query of several common words (a whole Chinese question, a phrase of common English words)
# read entries of 5,000 to 30,000 answers at 100,000 to keep 50 of them. When the sample has 50 matches, those are
# taken, from entries a sixteenth as long; when it has fewer, the query matches fewer than about 800 answers and
# the whole index is read as before.
#
# The predicate is written as the search writes it, `(id % 16) = 0`, for PostgreSQL to use the index. It has no
# statistics of its own, so PostgreSQL takes it for a rare condition (1 in 200) and reads the sample from its index
# rather than the table in order, which would read sixteen rows for each one of the sample.
#
# About 2 s at 100,000 answers, writes to the answers waiting meanwhile; the index is about a ninth of the size of
# the search vector's (22 and 199 MB).

INDEX = (
    "CREATE INDEX answer_search_sample_idx ON articles_answer USING gin (search_vector, search_cjk_grams)"
    " WHERE (id % 16) = 0"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX, params=None)  # no parameters: its % is SQL's


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS answer_search_sample_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_search_cjk_grams"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
