"""A scheduler pass races a desk cancelling or editing the same due updates: a cancelled update never goes
live, an edited one goes live only in its new form, and each is applied at most once.

PostgreSQL only: that is where the scheduler claims stories with FOR UPDATE SKIP LOCKED and where row locks
decide the race (on SQLite every writer holds the whole database, so the two processes cannot interleave inside
a transaction). CI's second pass runs these on PostgreSQL.
"""
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles import services
from articles.models import Article, Revision, ScheduledUpdate
from articles.scheduler import apply_due_updates
from tests.factories import make_reporter, make_story
from tests.processes import ROOT, project_env

STORIES = 100

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row-lock races need PostgreSQL (SQLite serializes all writers); CI's PostgreSQL pass runs them"),
]


def due_updates_on_many_stories():
    reporter = make_reporter()
    due = timezone.now() - timedelta(minutes=1)
    updates = []
    for i in range(STORIES):
        story = services.publish(make_story(headline=f"S{i}", reporters=[reporter]), at=due - timedelta(hours=1), actor=services.COMMAND)
        snap = dict(services.snapshot(Article.objects.get(pk=story.pk)), headline=f"S{i} queued")
        updates.append(services.queue_update(story, snap, go_live_at=due, actor=services.COMMAND))
    return updates


def race(other_action: str) -> tuple[int, list[str]]:
    """Run a scheduler pass and `other_action` at the same instant in two processes; (applied, other's lines)."""
    env, start = project_env(), time.time() + 4  # both have started Django by then
    runs = [subprocess.Popen([sys.executable, "-m", "tests.race_actor", action, str(start)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for action in ("apply", other_action)]
    outputs = [run.communicate(timeout=180) for run in runs]
    for run, (_, err) in zip(runs, outputs):
        assert run.returncode == 0, err[-3000:]
    return int(outputs[0][0].split()[-1]), outputs[1][0].split("\n")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_apply_vs_cancel_a_cancelled_update_never_goes_live():
    due_updates_on_many_stories()
    applied, lines = race("cancel")
    cancelled = {int(line.split()[1]) for line in lines if line.startswith("cancelled")}
    print(f"applied {applied}, cancelled {len(cancelled)}")

    assert not ScheduledUpdate.objects.filter(applied_at__isnull=False, cancelled_at__isnull=False).exists()
    assert ScheduledUpdate.objects.pending().count() == 0  # each one is either applied or cancelled
    assert set(ScheduledUpdate.objects.filter(cancelled_at__isnull=False).values_list("pk", flat=True)) == cancelled
    assert ScheduledUpdate.objects.filter(applied_at__isnull=False).count() == applied == STORIES - len(cancelled)
    assert applied and cancelled, "the two processes did not overlap; the race was not exercised"
    for update in ScheduledUpdate.objects.select_related("article"):
        revisions = list(Revision.objects.filter(article=update.article, kind=Revision.Kind.UPDATE_APPLIED))
        if update.cancelled_at:
            assert revisions == [] and not update.article.headline.endswith("queued"), update.article.headline
        else:
            assert [r.snapshot["headline"] for r in revisions] == [update.article.headline] == [f"{update.snapshot['headline']}"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_apply_vs_edit_an_edited_update_goes_live_only_in_its_new_form():
    due_updates_on_many_stories()
    applied, lines = race("edit")
    edited = {int(line.split()[1]) for line in lines if line.startswith("edited")}
    refused = {int(line.split()[1]) for line in lines if line.startswith("refused")}
    assert len(edited) + len(refused) == STORIES
    leftover = apply_due_updates()  # edits the racing pass skipped (their story was locked by the editor)
    print(f"applied {applied} in the race (+{leftover} after), edited {len(edited)}, refused {len(refused)}")
    assert applied + leftover == STORIES
    assert edited and refused, "the two processes did not overlap; the race was not exercised"

    per_story = Counter(Revision.objects.filter(kind=Revision.Kind.UPDATE_APPLIED).values_list("article_id", flat=True))
    assert set(per_story.values()) == {1}  # exactly once
    for update in ScheduledUpdate.objects.select_related("article"):
        live = update.article.headline
        went_live = Revision.objects.get(article=update.article, kind=Revision.Kind.UPDATE_APPLIED).snapshot["headline"]
        assert went_live == live == update.snapshot["headline"]  # what went live is the update as stored
        if update.pk in edited:
            assert live.endswith(" edited"), live  # never the old form of an edited update
        else:
            assert live.endswith(" queued"), live  # refused: it had already gone live unedited
