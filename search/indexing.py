"""Writing the search index: one SearchDocument per story, upserted when the story changes.

`articles.services` sends `story_changed` once a change has committed; `on_story_changed`
(connected in SearchConfig.ready) re-reads the story and upserts its document. The work
happens on the editor's (or ingest's, or scheduler's) side, never on a reader's request.
`rebuild_search_index` uses the same `index_articles` in batches.
"""
import logging
from collections.abc import Iterable

from django.db import models

from articles.cache_keys import HARD_KINDS
from articles.models import Article, Byline
from core import pagecache
from core.sanitize import plain_text
from reporters.models import join_names

from .models import SearchDocument
from .query import HIGHLIGHT_END, HIGHLIGHT_START
from .results_cache import SEARCH_KEY

logger = logging.getLogger(__name__)

# Enough for any real story; keeps PostgreSQL's 1 MB tsvector limit far away.
MAX_FIELD_CHARS = 100_000
TEXT_FIELDS = ("headline", "standfirst", "body", "bylines", "tags")


def _clean(text: str) -> str:
    """Index text never contains the highlight markers (or NUL, which PostgreSQL refuses)."""
    for char in (HIGHLIGHT_START, HIGHLIGHT_END, "\x00"):
        text = text.replace(char, "")
    return text[:MAX_FIELD_CHARS]


def document_for(article: Article) -> SearchDocument:
    """The document of a story loaded with its bylines (and reporters) and tags."""
    return SearchDocument(
        article_id=article.pk,
        headline=_clean(article.headline),
        standfirst=_clean(article.standfirst),
        body=_clean(plain_text(article.body)),
        bylines=_clean(join_names([byline.reporter.name for byline in article.bylines.all()])),
        tags=_clean(", ".join(sorted(tag.name for tag in article.tags.all()))),
    )


def _with_related(queryset):
    return queryset.select_related(None).prefetch_related(
        models.Prefetch("bylines", queryset=Byline.objects.select_related("reporter")), "tags"
    )


def index_articles(article_ids: Iterable[int], *, purge: bool = True) -> int:
    """Upsert the documents of these stories (any state) in one statement; returns how many.

    Then (unless `purge` is False: the caller decides) the kept search results are purged, after the write, so a
    search that read the index before it is not kept (core.pagecache refuses a fragment whose key moved while it was
    built)."""
    ids = list(article_ids)
    if not ids:
        return 0
    documents = [document_for(article) for article in _with_related(Article.objects.filter(pk__in=ids))]
    SearchDocument.objects.bulk_create(
        documents, update_conflicts=True, unique_fields=["article"], update_fields=[*TEXT_FIELDS, "indexed_at"]
    )
    if purge:
        pagecache.purge_keys([SEARCH_KEY], hard=True, edge=False)  # a rebuild: nothing said about what changed
    return len(documents)


def index_article(article_id: int, *, purge: bool = True) -> None:
    """Bring one story's document up to date (a deleted story's document went with it: CASCADE)."""
    index_articles([article_id], purge=purge)


def may_change_results(article_id: int, kind: str | None) -> bool:
    """Whether this change can change what public search finds (search.results_cache says why these)."""
    if kind in HARD_KINDS:
        return True  # into or out of the live set
    # Published (live, scheduled or expired) or gone: yes. A draft or a story in review: readers cannot find it.
    return not Article.objects.filter(pk=article_id).exclude(status=Article.Status.PUBLISHED).exists()


def on_story_changed(sender, article_id, kind=None, **kwargs) -> None:
    # After commit: the story is saved whatever happens here. A failure is logged, not raised into
    # the editor's response; `rebuild_search_index` repairs anything missed.
    try:
        index_article(article_id, purge=False)
        if may_change_results(article_id, kind):
            # Hard when readers can no longer see the story: no earlier results may then be shown while a search
            # runs again (search.results_cache serves them, when busy, only after soft purges).
            gone = not Article.objects.live().filter(pk=article_id).exists()
            pagecache.purge_keys([SEARCH_KEY], hard=gone, edge=False)
    except Exception:  # noqa: BLE001
        logger.exception("search: could not index article %s after %s", article_id, kind)
