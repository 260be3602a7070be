"""Published results never change: no UPDATE (and on PostgreSQL no DELETE) in the database."""

from django.db import migrations

TABLES = ("scoring_publication", "scoring_publishedresult")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION scoring_published_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'published results are immutable; publish a revision instead';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION scoring_published_immutable();"
            )
    elif vendor == "sqlite":
        # No DELETE trigger: Django's test flush empties tables with DELETE on SQLite.
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_immutable BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'published results are immutable'); END;"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable;")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS scoring_published_immutable();")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
