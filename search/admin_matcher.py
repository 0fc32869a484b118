"""The story list's search in the admin, answered by the search index (registered in SearchConfig.ready).

The index holds every story in any state (search/models.py), so this finds drafts, scheduled and
trashed stories as well as published ones; the admin's queryset still decides who sees what. It
looks where the admin's `icontains` search looked: headline, standfirst, bylines and tags (the
PostgreSQL weights A, B and C; the same FTS5 columns), never the body. Every word must match, as
a whole word or a word's beginning (stemmed, like the public search). Words are reduced to plain
terms first (search.query.search_terms), so nothing typed reaches the query language.
"""
from django.db import connection

from .query import search_terms
from .schema import DOCUMENT_TABLE, FTS_TABLE, PG_CONFIG, PG_VECTOR_COLUMN

# headline (A), standfirst and tags (B), bylines (C): not the body (D).
PG_WEIGHTS = "ABC"
FTS_COLUMNS = "{headline standfirst bylines tags}"


def pg_prefix_query(terms: list[str]) -> str:
    """Input for to_tsquery(): each term a weighted prefix, all ANDed (terms hold only letters, digits, marks)."""
    return " & ".join(f"{term}:*{PG_WEIGHTS}" for term in terms)


def fts5_prefix_query(terms: list[str]) -> str:
    return " ".join(f'{FTS_COLUMNS} : "{term}"*' for term in terms)


def story_matcher(text: str) -> tuple[str, list] | None:
    """SQL selecting the ids of the stories every word matches, and its parameters; None when there are no words."""
    terms = search_terms(text)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        return (
            f"SELECT article_id FROM {DOCUMENT_TABLE} WHERE {PG_VECTOR_COLUMN} @@ to_tsquery(%s::regconfig, %s)",
            [PG_CONFIG, pg_prefix_query(terms)],
        )
    return f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [fts5_prefix_query(terms)]
