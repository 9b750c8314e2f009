from django.db import migrations

# The Chinese of each answer as character grams, for the search to look up a Chinese word of one or three characters
# as one entry of the GIN index (on PostgreSQL only; SQLite's FTS5 table is unchanged):
#
# - `search_cjk_grams`, a generated tsvector column of each character and each three characters in a row of every
#   run of the answer's Chinese, made from its two-character tokens (`search_cjk`: "社会 会保 保险 险" gives 社 会 保
#   险 社会保 会保险), without positions (stripped); an answer without Chinese has an empty one.
# - the GIN index of the stored search vector now has this column too (`answer_search_vector_idx` on both), so a
#   query of words and grams is answered by one scan of one index, which skips through the long entries of common
#   words by the rare ones as it does for the words of one column.
#
# Before, one character was read as the prefix of every token and word starting with it, and three characters as
# the phrase of their two tokens, whose positions PostgreSQL checks in every answer having both tokens: 医保卡 read
# the whole table (300 ms at 100,000 answers) to find that no answer has it. search.backends looks them up here.
#
# Adding a generated column rewrites the answers' table under an exclusive lock (about 45 s at 100,000 answers);
# the index is made again (about 25 s). The answers' table and its indexes grow by about a third (a third of the
# answers Chinese).

FUNCTION = r"""
    CREATE FUNCTION articles_cjk_grams(tokens text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT strip(to_tsvector('simple'::regconfig,
            regexp_replace(tokens, '(\S)\S', '\1', 'g') || ' ' || coalesce((
                SELECT string_agg(token || right(next, 1), ' ') FROM (
                    SELECT token, lead(token) OVER (ORDER BY position) AS next
                    FROM unnest(string_to_array(tokens, ' ')) WITH ORDINALITY AS tokens(token, position)
                ) AS pairs
                WHERE length(token) = 2 AND length(next) = 2
            ), '')
        ))
    $$
"""
# Each token's first character is each character of the runs (the last one of a run is a token of its own); two
# two-character tokens in a row are one run's, and make its three characters (a run ends with a one-character token).
COLUMN = (
    "ALTER TABLE articles_answer ADD COLUMN search_cjk_grams tsvector"
    " GENERATED ALWAYS AS (articles_cjk_grams(search_cjk)) STORED"
)
INDEX = "CREATE INDEX answer_search_vector_idx ON articles_answer USING gin ({columns})"
# The rewrite takes longer than the site's statement timeout (DB_STATEMENT_TIMEOUT) at 100,000 answers: this
# migration's transaction has none.
NO_TIMEOUT = "SET LOCAL statement_timeout = 0"
POSTGRESQL_FORWARDS = [
    NO_TIMEOUT,
    FUNCTION,
    COLUMN,
    "DROP INDEX IF EXISTS answer_search_vector_idx",
    INDEX.format(columns="search_vector, search_cjk_grams"),
]
POSTGRESQL_BACKWARDS = [
    NO_TIMEOUT,
    "DROP INDEX IF EXISTS answer_search_vector_idx",
    "ALTER TABLE articles_answer DROP COLUMN IF EXISTS search_cjk_grams",
    "DROP FUNCTION IF EXISTS articles_cjk_grams(text)",
    INDEX.format(columns="search_vector"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_baseline_revisions"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
