"""A scheduled entry moves its story's stored Updated at its instant: the scheduler's pass (publish_scheduled) follows
due entries (live.services.follow_due_entries, registered as an articles.scheduler pass hook)."""
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from articles import scheduler
from articles.models import Article
from core.timefmt import machine_datetime
from live import services
from tests.live.support import live_story, post

pytestmark = pytest.mark.django_db


def updated_at(article):
    return Article.objects.get(pk=article.pk).updated_at


def test_the_scheduler_pass_moves_updated_to_a_scheduled_entry_at_its_instant(client):
    article, blog, editor = live_story()
    now_entry = post(blog, editor, "Now")
    assert updated_at(article) == now_entry.posted_at
    at = timezone.now() + timedelta(minutes=10)
    scheduled = post(blog, editor, "At ten past", post_at=at)
    call_command("publish_scheduled")  # before its instant: nothing moves
    assert updated_at(article) == now_entry.posted_at
    with time_machine.travel(at + timedelta(seconds=30)):
        call_command("publish_scheduled")
        assert updated_at(article) == scheduled.posted_at
        cache.clear()
        export = json.loads(client.get(f"/story/{article.slug}.json").content)
        assert export["versionCreated"] == machine_datetime(scheduled.posted_at)
        page = client.get(article.get_absolute_url()).content.decode()
        assert f'"dateModified": "{machine_datetime(scheduled.posted_at)}"' in page
        call_command("publish_scheduled")  # a second pass changes nothing
        assert updated_at(article) == scheduled.posted_at
        assert services.follow_due_entries() == 0


def test_removed_scheduled_entries_and_unpublished_stories_are_not_followed():
    article, blog, editor = live_story()
    first = post(blog, editor, "Now")
    at = timezone.now() + timedelta(minutes=5)
    removed = post(blog, editor, "Withdrawn", post_at=at)
    services.remove_entry(removed, actor=editor)
    with time_machine.travel(at + timedelta(seconds=1)):
        assert services.follow_due_entries() == 0
    assert updated_at(article) == first.posted_at


def test_a_failing_pass_hook_is_logged_and_scheduled_updates_still_run(caplog, monkeypatch):
    def broken(now):
        raise RuntimeError("boom")

    monkeypatch.setattr(scheduler, "_pass_hooks", [broken, services.follow_due_entries])
    article, blog, editor = live_story()
    at = timezone.now() + timedelta(minutes=5)
    scheduled = post(blog, editor, "Later", post_at=at)
    with time_machine.travel(at + timedelta(seconds=1)):
        assert scheduler.apply_due_updates() == 0
    assert "scheduler pass hook" in caplog.text and "boom" in caplog.text
    assert updated_at(article) == scheduled.posted_at
