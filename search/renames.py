"""A reporter's new name reaches the search documents of the stories carrying their byline.

A byline is indexed by name (search.indexing), and renaming a reporter changes no story row, so no story_changed is
sent: this listens to the Reporter's own save instead. After the commit, the stories with their byline are
reindexed in batches of BATCH (one upsert each), so the work per statement is bounded whatever the reporter's
archive. Tags are renamed only through articles.tags, which announces every story carrying the tag (the
story_changed receiver reindexes each). A `Reporter.objects.update(name=…)` sends no signal and is not followed:
`rebuild_search_index` repairs it.
"""
import logging

from django.db import transaction
from django.db.models.signals import post_save, pre_save

from articles.models import Byline
from reporters.models import Reporter

from .indexing import index_articles

logger = logging.getLogger(__name__)
BATCH = 200


def remember_name(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    instance._indexed_name = Reporter.objects.filter(pk=instance.pk).values_list("name", flat=True).first()


def reindex_bylines(sender, instance, created=False, raw=False, **kwargs) -> None:
    old = getattr(instance, "_indexed_name", None)
    if raw or created or old is None or old == instance.name:
        return
    reporter_id = instance.pk
    transaction.on_commit(lambda: reindex_reporter(reporter_id))


def reindex_reporter(reporter_id: int) -> int:
    """Reindex every story carrying this reporter's byline, BATCH at a time; returns how many."""
    done, last = 0, 0
    while True:
        ids = list(
            Byline.objects.filter(reporter_id=reporter_id, article_id__gt=last).order_by("article_id")
            .values_list("article_id", flat=True)[:BATCH]
        )
        if not ids:
            return done
        try:
            done += index_articles(ids)
        except Exception:  # noqa: BLE001 — after commit: the rename is saved; rebuild_search_index repairs the rest
            logger.exception("search: could not reindex the stories of reporter %s", reporter_id)
            return done
        last = ids[-1]


def connect() -> None:
    pre_save.connect(remember_name, sender=Reporter, dispatch_uid="search-reporter-name-before")
    post_save.connect(reindex_bylines, sender=Reporter, dispatch_uid="search-reporter-renamed")
