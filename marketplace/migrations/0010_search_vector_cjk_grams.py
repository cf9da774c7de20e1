"""The full-text column also indexes the CJK characters and character pairs of the titles (ADR 0014).

PostgreSQL cannot change a generated column's expression in place: the column and its GIN index are
dropped and added again (``SCHEMA_REBUILD_SQL``), which computes every row's vector anew, CJK
tokens included (``karavan_cjk_grams``, created first); ``search_text`` is unchanged, so nothing
else needs a backfill. A no-op on SQLite, which has no full-text column.
"""

from django.db import migrations

from marketplace.browse.search import CJK_GRAMS_FUNCTION, SCHEMA_REBUILD_SQL, TRIGRAM_INDEX, VECTOR_COLUMN, VECTOR_INDEX

#: The column as migration 0006 made it, before the CJK tokens (frozen here for the reverse).
VECTOR_SQL_0006 = (
    "setweight(to_tsvector('russian', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(translations->'en'->>'title', '')), 'A') || "
    "setweight(to_tsvector('russian', coalesce(translations->'ru'->>'title', '')), 'A') || "
    "setweight(to_tsvector('simple', jsonb_path_query_array(translations, '$.*.title')), 'A') || "
    "setweight(to_tsvector('russian', coalesce(description, '')), 'C') || "
    "setweight(to_tsvector('simple', coalesce(description, '')), 'C') || "
    "setweight(to_tsvector('english', coalesce(translations->'en'->>'description', '')), 'C') || "
    "setweight(to_tsvector('russian', coalesce(translations->'ru'->>'description', '')), 'C') || "
    "setweight(to_tsvector('simple', jsonb_path_query_array(translations, '$.*.description')), 'C')"
)


def vector_rebuild(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in SCHEMA_REBUILD_SQL:
        schema_editor.execute(statement)


def vector_restore_0006(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (
        f"DROP INDEX IF EXISTS {VECTOR_INDEX}",
        f"ALTER TABLE marketplace_product DROP COLUMN IF EXISTS {VECTOR_COLUMN}",
        f"DROP FUNCTION IF EXISTS {CJK_GRAMS_FUNCTION}(text)",
        f"ALTER TABLE marketplace_product ADD COLUMN {VECTOR_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({VECTOR_SQL_0006}) STORED",
        f"CREATE INDEX {VECTOR_INDEX} ON marketplace_product USING gin ({VECTOR_COLUMN})",
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON marketplace_product USING gin (search_text gin_trgm_ops)",
    ):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("marketplace", "0009_import_claimed_by_its_run"),
    ]

    operations = [
        migrations.RunPython(vector_rebuild, vector_restore_0006),
    ]
