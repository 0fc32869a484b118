"""The Schedule page says when the scheduler last ran, and warns when that is too long ago (or never)."""
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles.models import SchedulerHeartbeat
from core.timefmt import reader_datetime

URL = "/admin/articles/article/schedule/"
pytestmark = pytest.mark.django_db


def test_never_run_is_a_warning(admin_client):
    html = admin_client.get(URL).content.decode()
    assert "The scheduler has never run" in html


def test_a_recent_pass_is_shown_in_ist_and_an_old_one_warns(admin_client):
    now = timezone.now().replace(second=0, microsecond=0)
    with time_machine.travel(now, tick=False):
        call_command("publish_scheduled", stdout=open("/dev/null", "w"))  # one pass writes the heartbeat
    heartbeat = SchedulerHeartbeat.objects.get()
    assert heartbeat.last_run_at == now and heartbeat.applied == 0 and heartbeat.failed == 0

    with time_machine.travel(now + timedelta(seconds=90), tick=False):
        html = admin_client.get(URL).content.decode()
    assert "Scheduler last ran at" in html and reader_datetime(now) in html
    assert "more than 2 minutes ago" not in html

    with time_machine.travel(now + timedelta(minutes=3), tick=False):
        html = admin_client.get(URL).content.decode()
    assert 'class="scheduler-health stale"' in html and "more than 2 minutes ago" in html


def test_a_scheduler_pass_does_not_purge_cached_pages(settings, django_capture_on_commit_callbacks):
    from core import pagecache

    settings.PAGE_CACHE_SECONDS = 300
    before = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("publish_scheduled", stdout=open("/dev/null", "w"))
        call_command("publish_scheduled", stdout=open("/dev/null", "w"))  # the second pass updates the row
    assert callbacks == [] and pagecache.generation() == before
    assert SchedulerHeartbeat.objects.count() == 1
