"""Applying due scheduled updates: exactly once, in time order, safe with several workers.

A worker claims one story at a time (PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED on the
article row, so two workers never hold the same story) and applies that story's due updates
in go-live order inside the claiming transaction. On SQLite the transaction is BEGIN IMMEDIATE
(settings), which serializes writers; the due rows are re-read after the lock is held, so an
update applied by another process is never applied again.
"""
from django.db import connection, transaction
from django.utils import timezone

from . import services
from .models import Article, ScheduledUpdate


def apply_due_updates(now=None) -> int:
    """Apply every update due at `now`; return how many were applied."""
    applied, done = 0, set()
    while True:
        with transaction.atomic():
            moment = now or timezone.now()
            due_articles = ScheduledUpdate.objects.due(moment).exclude(article_id__in=done).values("article_id")
            claim = Article.objects.filter(pk__in=due_articles).order_by("pk")
            if connection.features.has_select_for_update_skip_locked:
                claim = claim.select_for_update(skip_locked=True, of=("self",))
            article = claim.first()
            if article is None:
                return applied
            done.add(article.pk)
            for update in ScheduledUpdate.objects.due(moment).filter(article=article).order_by("go_live_at", "id"):
                services.apply_update(update, now=moment, actor=services.SCHEDULER)
                applied += 1
