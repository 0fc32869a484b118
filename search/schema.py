"""The database side of the search index, one variant per backend.

`search_searchdocument` (the SearchDocument model) holds one row of plain text per story.
Next to it, depending on the database:

* PostgreSQL: a stored generated column `search_vector` (a weighted tsvector: headline A,
  standfirst and tags B, bylines C, body D), recomputed by PostgreSQL on every write, and a
  GIN index over it. The model does not declare the column, so the model (and its
  migrations) stay the same on both databases.
* SQLite: an FTS5 table `search_fts` with external content (it stores only the index and
  reads the text from `search_searchdocument`; rowid = article id), kept in step by three
  triggers on the document table. Porter stemming, like PostgreSQL's "english".

`install()` is idempotent and also used by `rebuild_search_index` to repair a schema whose
triggers were lost (SQLite drops triggers when Django remakes a table for a field change).
Migration 0001 calls it; a change to this SQL needs a new migration that applies it.
"""

TEXT_COLUMNS = ("headline", "standfirst", "body", "bylines", "tags")
DOCUMENT_TABLE = "search_searchdocument"
FTS_TABLE = "search_fts"
PG_VECTOR_COLUMN = "search_vector"
PG_CONFIG = "english"

_cols = ", ".join(TEXT_COLUMNS)
_new = ", ".join(f"new.{c}" for c in TEXT_COLUMNS)
_old = ", ".join(f"old.{c}" for c in TEXT_COLUMNS)

SQLITE_INSTALL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        {_cols},
        content='{DOCUMENT_TABLE}', content_rowid='article_id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON {DOCUMENT_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, {_cols}) VALUES (new.article_id, {_new});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON {DOCUMENT_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_cols}) VALUES ('delete', old.article_id, {_old});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_document_au AFTER UPDATE ON {DOCUMENT_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_cols}) VALUES ('delete', old.article_id, {_old});
        INSERT INTO {FTS_TABLE}(rowid, {_cols}) VALUES (new.article_id, {_new});
    END""",
]

SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def _weighted(column: str, weight: str) -> str:
    return f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, coalesce({column}, '')), '{weight}')"


PG_VECTOR_EXPRESSION = " || ".join(
    _weighted(column, weight)
    for column, weight in (("headline", "A"), ("standfirst", "B"), ("tags", "B"), ("bylines", "C"), ("body", "D"))
)

PG_INSTALL = [
    f"""ALTER TABLE {DOCUMENT_TABLE} ADD COLUMN IF NOT EXISTS {PG_VECTOR_COLUMN} tsvector
        GENERATED ALWAYS AS ({PG_VECTOR_EXPRESSION}) STORED""",
    f"CREATE INDEX IF NOT EXISTS search_document_vector_gin ON {DOCUMENT_TABLE} USING GIN ({PG_VECTOR_COLUMN})",
]

PG_UNINSTALL = [
    "DROP INDEX IF EXISTS search_document_vector_gin",
    f"ALTER TABLE {DOCUMENT_TABLE} DROP COLUMN IF EXISTS {PG_VECTOR_COLUMN}",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return PG_INSTALL if install else PG_UNINSTALL
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_UNINSTALL
    raise NotImplementedError(f"full-text search supports PostgreSQL and SQLite, not {vendor}")


def _pg_missing(cursor) -> list[str]:
    """The PostgreSQL statements still needed (DDL on a table with pending trigger events fails, even a no-op)."""
    cursor.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s "
        "AND column_name = %s",
        [DOCUMENT_TABLE, PG_VECTOR_COLUMN],
    )
    has_column = cursor.fetchone() is not None
    cursor.execute("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s",
                   ["search_document_vector_gin"])
    has_index = cursor.fetchone() is not None
    return [statement for statement, present in zip(PG_INSTALL, (has_column, has_index)) if not present]


def install(connection) -> None:
    """Create whatever part of the index is missing; a no-op on a complete schema."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statements = _pg_missing(cursor)
        else:
            statements = _statements(connection.vendor, install=True)
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)


def rebuild_native_index(connection) -> None:
    """Re-derive the backend's index from the document rows (FTS5 'rebuild' + 'optimize')."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
