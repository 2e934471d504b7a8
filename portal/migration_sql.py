"""Migration operations for what only PostgreSQL gets (triggers, GIN
indexes, multiranges): SQLite gets the tables and the code does without."""

from django.db import migrations


def _executor(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


def on_postgresql(create, drop):
    """A RunPython running the SQL statements ``create`` forwards and ``drop`` backwards, on PostgreSQL only."""
    return migrations.RunPython(_executor(create), _executor(drop), elidable=False)
