"""One bad scheduled update never stalls the others: it is recorded, shown in red, retried with back-off.

The poison is real: an update whose only byline is a reporter deleted after it was queued (a byline protects a
reporter only once it is on the story), so applying it fails the services' "at least one byline" rule.
"""
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from articles import services
from articles.models import Article, Revision, ScheduledUpdate, SchedulerHeartbeat
from articles.scheduler import apply_due_updates
from tests.factories import make_reporter, make_story
from tests.processes import ROOT, project_env

OTHERS = 8


def queue(story, headline, go_live_at, reporters=None):
    snap = dict(services.snapshot(Article.objects.get(pk=story.pk)), headline=headline)
    if reporters is not None:
        snap["reporters"] = [r.pk for r in reporters]
    return services.queue_update(story, snap, go_live_at=go_live_at, actor=services.COMMAND)


def poisoned_update(go_live_at, headline="Poisoned"):
    story = services.publish(make_story(headline=f"{headline} story", reporters=[make_reporter("Staff Writer")]),
                             at=go_live_at - timedelta(hours=2), actor=services.COMMAND)
    leaver = make_reporter("Leaves Tomorrow")
    update = queue(story, f"{headline} update", go_live_at, reporters=[leaver])
    leaver.delete()
    return update


@pytest.fixture
def desk():
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        poison = poisoned_update(now - timedelta(minutes=1))
        others = []
        for n in range(OTHERS):
            story = services.publish(make_story(headline=f"Story {n}"), at=now - timedelta(hours=1), actor=services.COMMAND)
            others.append(queue(story, f"Story {n} updated", now - timedelta(seconds=30)))
    return now, poison, others


@pytest.mark.django_db
def test_a_poisoned_update_is_recorded_and_every_other_one_goes_out(desk, admin_client):
    now, poison, others = desk
    with time_machine.travel(now, tick=False):
        assert apply_due_updates() == OTHERS
    for update in others:
        update.refresh_from_db()
        assert update.applied_at == now
        assert Article.objects.get(pk=update.article_id).headline.endswith("updated")
    poison.refresh_from_db()
    assert poison.applied_at is None and poison.cancelled_at is None
    assert poison.failed_attempts == 1 and poison.last_error == "A story needs at least one byline."
    assert poison.last_failed_at == now and poison.retry_at == now + timedelta(minutes=1)
    assert Article.objects.get(pk=poison.article_id).headline == "Poisoned story"  # nothing half-applied

    # Visible in red: on the story's form, the update's own page and the Schedule page.
    for url in (f"/admin/articles/article/{poison.article_id}/change/", f"/admin/articles/scheduledupdate/{poison.pk}/change/",
                "/admin/articles/article/schedule/", "/admin/articles/scheduledupdate/"):
        html = admin_client.get(url).content.decode()
        assert 'class="update-failure"' in html and "Failed 1 time" in html and "A story needs at least one byline." in html, url


@pytest.mark.django_db
def test_a_failed_update_is_retried_with_back_off(desk):
    now, poison, _ = desk
    with time_machine.travel(now, tick=False):
        apply_due_updates()
    moment = now
    for attempt, wait in enumerate([1, 2, 4, 8, 16, 32, 60, 60], start=2):
        poison.refresh_from_db()
        assert poison.failed_attempts == attempt - 1
        assert poison.retry_at == moment + timedelta(minutes=wait)  # 1, 2, 4 ... minutes, at most an hour
        moment = poison.retry_at
        with time_machine.travel(moment - timedelta(seconds=1), tick=False):
            apply_due_updates()  # a second early: still waiting out its back-off
        poison.refresh_from_db()
        assert poison.failed_attempts == attempt - 1
        with time_machine.travel(moment, tick=False):
            apply_due_updates()
    poison.refresh_from_db()
    assert poison.failed_attempts == 9 and poison.retry_at == moment + timedelta(hours=1)


@pytest.mark.django_db
def test_a_stories_later_updates_wait_behind_its_failed_one_and_editing_it_clears_the_failure():
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        poison = poisoned_update(now - timedelta(minutes=2))
        later = queue(poison.article, "Later update", now - timedelta(minutes=1), reporters=[make_reporter("Staff Writer")])
        assert apply_due_updates() == 0
    later.refresh_from_db()
    assert later.applied_at is None  # applying it first would put the story back in time when the failed one goes out

    with time_machine.travel(now + timedelta(seconds=10), tick=False):
        fixed = dict(poison.snapshot, reporters=[make_reporter("Staff Writer").pk])
        services.edit_update(poison, fixed, go_live_at=poison.go_live_at, actor=services.COMMAND)
        poison.refresh_from_db()
        assert poison.failed_attempts == 0 and poison.retry_at is None and poison.last_error == ""
        assert apply_due_updates() == 2
    applied = Revision.objects.filter(article_id=poison.article_id, kind=Revision.Kind.UPDATE_APPLIED).order_by("id")
    assert [r.snapshot["headline"] for r in applied] == ["Poisoned update", "Later update"]


def wait_until(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_loop_survives_a_poisoned_update_and_a_lost_database_connection():
    now = timezone.now()
    poison = poisoned_update(now - timedelta(seconds=5))
    story = services.publish(make_story(headline="Good story"), at=now - timedelta(hours=1), actor=services.COMMAND)
    loop = subprocess.Popen([sys.executable, "manage.py", "publish_scheduled", "--loop", "--interval", "0.2"],
                            cwd=ROOT, env=project_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: ScheduledUpdate.objects.get(pk=poison.pk).failed_attempts == 1)
        first = queue(story, "Good story, first update", timezone.now())
        assert wait_until(lambda: ScheduledUpdate.objects.get(pk=first.pk).applied_at is not None)
        assert loop.poll() is None
        heartbeat = SchedulerHeartbeat.objects.get()
        assert timezone.now() - heartbeat.last_run_at < timedelta(seconds=10)

        if connection.vendor == "postgresql":
            # Cut the loop's connection from the server side, as a database restart or failover does.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            second = queue(story, "Good story, second update", timezone.now())
            assert wait_until(lambda: ScheduledUpdate.objects.get(pk=second.pk).applied_at is not None)
            assert loop.poll() is None
        assert Article.objects.get(pk=story.pk).headline.startswith("Good story, ")
    finally:
        loop.terminate()
        out, err = loop.communicate(timeout=20)
    assert "failed update" in err and "A story needs at least one byline." in err
