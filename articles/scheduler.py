"""Applying due scheduled updates: exactly once, in time order, safe with several workers, never stalled.

A worker claims one story at a time (PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED on the article row, so
two workers never hold the same story), locks that story's due update rows (story first, then updates: the
order cancel_update and edit_update take too), and applies them in go-live order inside the claiming
transaction, each in its own savepoint. On SQLite the transaction is BEGIN IMMEDIATE (settings), which
serializes writers; the due rows are re-read after the lock is held, so an update applied or cancelled by
another process is never applied again.

An update that fails (its only reporter deleted, a snapshot that no longer validates, any bug) is rolled back
to its savepoint and the failure is written on the row: the error, when, how many attempts, and when to try
again (1, 2, 4 ... minutes, at most an hour). The story's later updates wait behind it, so a story never goes
back in time when the failed one is finally applied; every other story's updates go out as usual. A lost
database connection is not the update's fault: it ends the pass, and `publish_scheduled --loop` reconnects
and tries again.
"""
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from . import services
from .models import Article, ScheduledUpdate, SchedulerHeartbeat
from .service_mark import story_service

logger = logging.getLogger(__name__)
RETRY_CAP = timedelta(hours=1)
# The database itself failing (connection lost, locked): retried by the next pass, not charged to an update.
DATABASE_TROUBLE = (OperationalError, InterfaceError)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the attempt that failed, at most an hour."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 10)), RETRY_CAP)


def describe(error: Exception) -> str:
    """What the desk reads on the Schedule page and the story's form."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return f"{error.__class__.__name__}: {error}"


@story_service  # writes a guarded row: the failure fields of a queued update
def record_failure(update: ScheduledUpdate, error: Exception, moment: datetime) -> ScheduledUpdate:
    attempts = update.failed_attempts + 1
    update.failed_attempts, update.last_error = attempts, describe(error)[:2000]
    update.last_failed_at, update.retry_at = moment, moment + retry_delay(attempts)
    # Only the failure fields: the row is locked by this transaction, and nothing a reader sees changes.
    ScheduledUpdate.objects.filter(pk=update.pk).update(
        failed_attempts=update.failed_attempts, last_error=update.last_error,
        last_failed_at=update.last_failed_at, retry_at=update.retry_at,
    )
    return update


# Work other apps add to every scheduler pass (live: scheduled entries move their story's Updated at their instant).
# Articles never imports them; they register in their AppConfig.ready.
_pass_hooks: list[Callable[[datetime], object]] = []


def register_pass_hook(hook: Callable[[datetime], object]) -> None:
    if hook not in _pass_hooks:
        _pass_hooks.append(hook)


def run_pass_hooks(now: datetime) -> None:
    """Each hook in its own transaction; one that fails is logged and never stops the pass or the other hooks."""
    for hook in _pass_hooks:
        try:
            with transaction.atomic():
                hook(now)
        except DATABASE_TROUBLE:
            raise
        except Exception:  # noqa: BLE001 (one app's failing hook must not stop scheduled updates)
            logger.exception("scheduler pass hook %s failed", getattr(hook, "__qualname__", hook))


def apply_due_updates(now: datetime | None = None, on_failure: Callable[[ScheduledUpdate], None] | None = None) -> int:
    """Run the pass hooks, then apply every update due at `now`; return how many updates were applied. Failures
    are recorded, not raised."""
    run_pass_hooks(now or timezone.now())
    applied, done = 0, set()
    while True:
        with transaction.atomic():
            moment = now or timezone.now()
            ready = ScheduledUpdate.objects.ready(moment).exclude(article_id__in=done).values("article_id")
            claim = Article.objects.filter(pk__in=ready).order_by("pk")
            if connection.features.has_select_for_update_skip_locked:
                claim = claim.select_for_update(skip_locked=True, of=("self",))
            article = claim.only("pk").first()
            if article is None:
                return applied
            done.add(article.pk)
            updates = ScheduledUpdate.objects.due(moment).filter(article=article).order_by("go_live_at", "id")
            for update in updates.select_for_update():
                if update.retry_at and update.retry_at > moment:
                    break  # waiting out its back-off; the story's later updates wait behind it
                try:
                    with transaction.atomic():  # a savepoint: a failure undoes this update only
                        result = services.apply_update(update, now=moment, actor=services.SCHEDULER)
                except DATABASE_TROUBLE:
                    raise
                except Exception as error:  # noqa: BLE001 (any failure of one update must not stop the others)
                    record_failure(update, error, moment)
                    if on_failure:
                        on_failure(update)
                    break
                applied += result is not None


def record_heartbeat(applied: int, failed: int) -> None:
    """Write this pass on the heartbeat row. An UPDATE (or a first INSERT) sends no model signal, so a pass every
    few seconds never purges the page cache, which follows every save of an articles model."""
    fields = {"last_run_at": timezone.now(), "applied": applied, "failed": failed,
              "worker": f"{socket.gethostname()}:{os.getpid()}"[:120]}
    if not SchedulerHeartbeat.objects.filter(pk=SchedulerHeartbeat.ROW).update(**fields):
        SchedulerHeartbeat.objects.bulk_create([SchedulerHeartbeat(pk=SchedulerHeartbeat.ROW, **fields)], ignore_conflicts=True)


def last_heartbeat() -> SchedulerHeartbeat | None:
    return SchedulerHeartbeat.objects.filter(pk=SchedulerHeartbeat.ROW).first()
