"""Two `publish_scheduled` processes race over 200 due updates: each is applied exactly once.

Runs on whichever database the suite uses: PostgreSQL (FOR UPDATE SKIP LOCKED) in CI's second
pass, SQLite (BEGIN IMMEDIATE) in the first.
"""
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, Revision, ScheduledUpdate
from tests.factories import make_reporter, make_story
from tests.processes import ROOT, project_env


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_apply_each_of_200_updates_exactly_once():
    reporter = make_reporter()
    due = timezone.now() - timedelta(minutes=5)
    stories = [services.publish(make_story(headline=f"Story {i}", reporters=[reporter]), at=due - timedelta(hours=1), actor=services.COMMAND) for i in range(50)]
    for story in stories:
        for n in range(4):  # four queued versions per story, due a minute apart
            snap = dict(services.snapshot(Article.objects.get(pk=story.pk)), headline=f"{story.headline} v{n + 1}")
            services.queue_update(story, snap, go_live_at=due + timedelta(seconds=n), actor=services.COMMAND)
    assert ScheduledUpdate.objects.due().count() == 200

    env = project_env()
    workers = [
        subprocess.Popen([sys.executable, "manage.py", "publish_scheduled"], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    for worker, (out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
    counts = [int(out.strip().split()[-1]) for out, _ in outputs]
    print(f"applied per worker: {counts}")
    assert sum(counts) == 200

    assert ScheduledUpdate.objects.due().count() == 0
    applied = Revision.objects.filter(kind=Revision.Kind.UPDATE_APPLIED)
    assert applied.count() == 200
    per_story = Counter(applied.values_list("article_id", flat=True))
    assert set(per_story.values()) == {4}
    for story in Article.objects.all():
        assert story.headline.endswith(" v4"), story.headline  # applied in go-live order, last one wins
        history = [r.snapshot["headline"][-2:] for r in story.revisions.filter(kind=Revision.Kind.UPDATE_APPLIED).order_by("id")]
        assert history == ["v1", "v2", "v3", "v4"]
