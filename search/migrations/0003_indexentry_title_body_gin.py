"""PostgreSQL only: a GIN index on `title || body` of the search index.

modelsearch's PostgreSQL compiler matches `(title || body) @@ query` (so a query's words may be spread over
title and body), but its migrations only index `title` and `body` separately, which that expression cannot
use: every search read the whole index table. With this index the matches come from the index (EXPLAIN:
Bitmap Index Scan on search_indexentry_title_body_gin). The table belongs to Wagtail's search app
(`wagtailsearch_indexentry`); the name is read from the model so a renamed table is still found.
"""

from django.db import connection, migrations

INDEX = "search_indexentry_title_body_gin"


def create_index(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin ((title || body))")


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_vietnamese_unaccent_configuration"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)] if connection.vendor == "postgresql" else []
