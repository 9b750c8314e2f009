"""Migration operations shared by the apps."""

from django.db import migrations


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """`RunSQL` that runs on PostgreSQL only and does nothing elsewhere.

    For what only PostgreSQL has (``tsvector`` columns, GIN and trigram indexes): the same migrations then
    run on SQLite, the embedded default, which searches without them.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
