"""PostgreSQL only: the `vietnamese_unaccent` text search configuration used by search.backends.database.

`simple` (no stemming: Vietnamese words are syllables) plus the `unaccent` dictionary, which folds tone
marks and đ/Đ. Created by migration so every database, test databases included, has it.
"""

from django.db import connection, migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'vietnamese_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION vietnamese_unaccent (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION vietnamese_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
    END IF;
END
$$;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS vietnamese_unaccent;"


class Migration(migrations.Migration):
    dependencies = [("search", "0001_commune_promotions_and_query_stats")]

    operations = [migrations.RunSQL(CREATE, DROP)] if connection.vendor == "postgresql" else []
