"""Reading the search index: plain terms in, ranked live stories with highlights out.

Whatever a reader types is reduced to plain terms (runs of letters, digits and combining
marks) before any query is built, so quotes, FTS5 operators (AND OR NOT NEAR * ^ "),
parentheses, SQL-ish text, NUL bytes and emoji can never reach the query language. The
terms are matched all together (AND), stemmed by the backend (FTS5 porter / PostgreSQL
"english").

Visibility is decided at query time by joining `Article.objects.live(now)` (compiled by the
ORM, so it is the same rule as every other public page): scheduled and expired stories
never leak, and a scheduled story is found from its instant without reindexing.

Bounded at any archive size: a search ranks only the newest MAX_RANKED (200) matching live
stories, and counts at most one more; a word found in most of a 100,000-story archive costs what
it does in a small one. Below the cap nothing changes (every match, ranked, counted exactly);
above it the page says "200+ stories" and pages through those 200, best match first.

Highlights come from the database (FTS5 highlight()/snippet(), PostgreSQL ts_headline())
with private-use characters as markers; `highlight_html` escapes everything and only then
turns the markers into <mark>…</mark>, so stored text can never inject markup.
"""
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Private-use code points: never typed by readers, stripped from indexed text (search.indexing).
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_END = "\ue001"

MAX_QUERY_CHARS = 500
MAX_TERMS = 10
MAX_TERM_CHARS = 60
ELLIPSIS = "…"
# Only the newest this many matching stories are ranked and paged (settings.SEARCH_MAX_RANKED overrides).
MAX_RANKED = 200

_MARKED = re.compile(f"{HIGHLIGHT_START}([^{HIGHLIGHT_START}{HIGHLIGHT_END}]*){HIGHLIGHT_END}")


def _is_term_char(char: str) -> bool:
    # Letters, numbers and combining marks (Devanagari vowel signs are marks: "हिन्दी" stays one word).
    return unicodedata.category(char)[0] in "LNM"


def search_terms(raw: object) -> list[str]:
    """Plain, de-duplicated, lower-cased terms from anything a reader might send."""
    return _terms(raw, MAX_TERMS)


def limits_reached(raw: object) -> list[str]:
    """What the search left out of `raw`, as sentences for the results page (none: it searched all of it)."""
    if not isinstance(raw, str):
        return []
    notes = []
    if len(raw) > MAX_QUERY_CHARS:
        notes.append(f"Only the first {MAX_QUERY_CHARS} characters of your search were read.")
    if len(_terms(raw, MAX_TERMS + 1)) > MAX_TERMS:
        notes.append(f"Only the first {MAX_TERMS} words were searched for.")
    return notes


def _terms(raw: object, limit: int) -> list[str]:
    if not isinstance(raw, str):
        return []
    text = unicodedata.normalize("NFKC", raw[:MAX_QUERY_CHARS])
    terms: list[str] = []
    current: list[str] = []
    for char in text + " ":
        if _is_term_char(char):
            current.append(char)
            continue
        if current:
            term = "".join(current)[:MAX_TERM_CHARS].lower()
            current = []
            # A term must start with a letter or digit (a lone combining mark is not a word).
            if unicodedata.category(term[0])[0] in "LN" and term not in terms:
                terms.append(term)
                if len(terms) == limit:
                    break
    return terms


def display_query(raw: object) -> str:
    """What to echo back in the search box: printable, bounded."""
    if not isinstance(raw, str):
        return ""
    # Whitespace (a tab, a line break) separates words as a space does; other control characters are dropped.
    text = "".join(" " if c.isspace() else c for c in raw[:MAX_QUERY_CHARS] if unicodedata.category(c)[0] != "C" or c.isspace())
    return " ".join(text.split())


def fts5_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every term as a quoted string, implicitly ANDed.

    Terms contain only letters, digits and marks (search_terms), so they never hold a quote;
    quoting makes AND/OR/NOT/NEAR plain words.
    """
    return " ".join(f'"{term}"' for term in terms)


def pg_query_text(terms: list[str]) -> str:
    """Input for plainto_tsquery(), which treats all of it as plain words joined with AND."""
    return " ".join(terms)


def highlight_html(text: str | None) -> SafeString:
    """Escape everything, then wrap the database's marked matches in <mark>."""
    escaped = escape(text or "")
    marked = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(marked.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, ""))  # noqa: S308 (escaped above)


@dataclass
class Hit:
    article_id: int
    headline: SafeString
    standfirst: SafeString
    excerpt: SafeString
    article: object = field(default=None)


def _live_sql(now):
    """The live rule as SQL: a derived table of (id, published_at) for stories readers may see."""
    from articles.models import Article

    queryset = Article.objects.live(now).order_by().values("id", "published_at")
    return queryset.query.get_compiler(connection=connection).as_sql()


class _Backend:
    def count(self, terms, now, cap) -> int:
        """How many live stories match, counting at most `cap` + 1 of them."""
        raise NotImplementedError

    def hits(self, terms, now, offset, limit, cap) -> list[Hit]:
        """A page of the `cap` newest live matches, best match first."""
        raise NotImplementedError


class SQLiteBackend(_Backend):
    # bm25 column weights, in FTS5 column order: headline, standfirst, body, bylines, tags.
    WEIGHTS = "10.0, 4.0, 1.0, 2.0, 4.0"
    SNIPPET_TOKENS = 32

    def count(self, terms, now, cap) -> int:
        live_sql, live_params = _live_sql(now)
        sql = (
            f"SELECT COUNT(*) FROM (SELECT 1 FROM search_fts JOIN ({live_sql}) AS live ON live.id = search_fts.rowid "
            "WHERE search_fts MATCH %s LIMIT %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*live_params, fts5_query(terms), cap + 1])
            return cursor.fetchone()[0]

    def hits(self, terms, now, offset, limit, cap) -> list[Hit]:
        live_sql, live_params = _live_sql(now)
        marks = [HIGHLIGHT_START, HIGHLIGHT_END]
        # The newest `cap` matches are the candidates; bm25() needs the MATCH in the ranking query itself.
        sql = (
            "SELECT search_fts.rowid, highlight(search_fts, 0, %s, %s), highlight(search_fts, 1, %s, %s), "
            f"snippet(search_fts, 2, %s, %s, %s, {self.SNIPPET_TOKENS}) "
            "FROM search_fts JOIN ("
            f"  SELECT live.id, live.published_at FROM search_fts JOIN ({live_sql}) AS live ON live.id = search_fts.rowid "
            "   WHERE search_fts MATCH %s ORDER BY live.published_at DESC, live.id DESC LIMIT %s"
            ") AS candidate ON candidate.id = search_fts.rowid "
            "WHERE search_fts MATCH %s "
            f"ORDER BY bm25(search_fts, {self.WEIGHTS}), candidate.published_at DESC, search_fts.rowid DESC "
            "LIMIT %s OFFSET %s"
        )
        match = fts5_query(terms)
        params = [*marks, *marks, *marks, ELLIPSIS, *live_params, match, cap, match, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [Hit(row[0], highlight_html(row[1]), highlight_html(row[2]), highlight_html(row[3])) for row in rows]


class PostgresBackend(_Backend):
    CONFIG = "english"
    FULL = f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, HighlightAll=true"
    FRAGMENTS = (
        f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, "
        f'MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" {ELLIPSIS} "'
    )

    # The query is written out (not a joined function) so the planner sees it: for a word in most stories it walks
    # the stories newest first and stops after `cap`; for a rare one it reads the GIN index and sorts the few.
    def _candidates(self, now, terms, cap):
        live_sql, live_params = _live_sql(now)
        sql = (
            f"SELECT d.article_id, d.search_vector, live.published_at FROM search_searchdocument d "
            f"JOIN ({live_sql}) AS live ON live.id = d.article_id "
            "WHERE d.search_vector @@ plainto_tsquery(%s::regconfig, %s) "
            "ORDER BY live.published_at DESC, live.id DESC LIMIT %s"
        )
        return sql, [*live_params, self.CONFIG, pg_query_text(terms), cap]

    def count(self, terms, now, cap) -> int:
        candidates, params = self._candidates(now, terms, cap + 1)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({candidates}) AS candidate", params)
            return cursor.fetchone()[0]

    def hits(self, terms, now, offset, limit, cap) -> list[Hit]:
        candidates, candidate_params = self._candidates(now, terms, cap)
        # Rank the candidates and cut the page first; ts_headline (which re-parses the text) runs only on its rows.
        sql = (
            "SELECT page.article_id, ts_headline(%s::regconfig, d.headline, page.query, %s), "
            "ts_headline(%s::regconfig, d.standfirst, page.query, %s), "
            "ts_headline(%s::regconfig, d.body, page.query, %s) "
            "FROM ("
            "  SELECT c.article_id, q.query, ts_rank(c.search_vector, q.query) AS rank, c.published_at "
            f"  FROM ({candidates}) AS c CROSS JOIN plainto_tsquery(%s::regconfig, %s) AS q(query) "
            "  ORDER BY rank DESC, c.published_at DESC, c.article_id DESC LIMIT %s OFFSET %s"
            ") AS page JOIN search_searchdocument d ON d.article_id = page.article_id "
            "ORDER BY page.rank DESC, page.published_at DESC, page.article_id DESC"
        )
        params = [
            self.CONFIG, self.FULL, self.CONFIG, self.FULL, self.CONFIG, self.FRAGMENTS,
            *candidate_params, self.CONFIG, pg_query_text(terms), limit, offset,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [Hit(row[0], highlight_html(row[1]), highlight_html(row[2]), highlight_html(row[3])) for row in rows]


def backend() -> _Backend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(f"full-text search supports PostgreSQL and SQLite, not {connection.vendor}")


class SearchResults:
    """A lazy, sliceable result list for django.core.paginator.Paginator.

    Bounded at any archive size: only the `max_ranked` newest matching stories are ranked and
    paged, and counting stops one past them (`capped` then says there are more). Below the cap,
    the results and the count are every match. count() is one query, a page slice one more; no
    terms means no query at all.
    """

    def __init__(self, terms: list[str], now=None, max_ranked: int | None = None):
        self.terms = terms
        self.now = now or timezone.now()
        self.max_ranked = max_ranked or getattr(settings, "SEARCH_MAX_RANKED", MAX_RANKED)
        self._found: int | None = None

    def _found_up_to_cap(self) -> int:
        if self._found is None:
            self._found = backend().count(self.terms, self.now, self.max_ranked) if self.terms else 0
        return self._found

    @property
    def capped(self) -> bool:
        """More stories match than are ranked: the page says "N+ stories"."""
        return self._found_up_to_cap() > self.max_ranked

    def count(self) -> int:
        return min(self._found_up_to_cap(), self.max_ranked)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("SearchResults supports slices only")
        start, stop = key.start or 0, key.stop
        total = self.count()
        stop = total if stop is None else min(stop, total)
        if not self.terms or stop <= start:
            return []
        return backend().hits(self.terms, self.now, start, stop - start, self.max_ranked)
