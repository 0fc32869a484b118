"""Scheduled publishing, expiry and scheduled updates, with time travel (no sleeps, no worker)."""
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from articles import services
from articles.models import Article, Revision, ScheduledUpdate
from articles.scheduler import apply_due_updates
from tests.factories import make_reporter, make_story

IST = ZoneInfo("Asia/Kolkata")
TEN_AM = datetime(2026, 12, 1, 10, 0, tzinfo=IST)


def at(dt):
    return time_machine.travel(dt, tick=False)


def queue(article, headline, when, body=None, note=""):
    draft = Article.objects.get(pk=article.pk)
    draft.headline = headline
    if body is not None:
        draft.body = body
    related = services.Related(
        reporters=draft.ordered_reporters(), tags=list(draft.tags.names()), photos=[p.photo for p in draft.inline_photos.all()]
    )
    return services.queue_update(article, services.snapshot_of(draft, related), go_live_at=when, note=note, actor=services.COMMAND)


@pytest.mark.django_db
def test_story_scheduled_for_ten_is_404_at_095959_and_live_at_1000_without_a_worker(client):
    with at(TEN_AM - timedelta(days=1)):
        story = services.publish(make_story(headline="Budget session opens"), at=TEN_AM, actor=services.COMMAND)
        assert story.state() == "scheduled"
        assert story.published_at == TEN_AM
    with at(TEN_AM - timedelta(seconds=1)):
        assert client.get(story.get_absolute_url()).status_code == 404
        assert "Budget session opens" not in client.get("/").content.decode()
        assert "Budget session opens" not in client.get("/section/world/").content.decode()
    with at(TEN_AM):
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        assert '<time datetime="2026-12-01T10:00:00+05:30">Published December 1st, 2026 at 10:00 IST</time>' in response.content.decode()
        assert "Budget session opens" in client.get("/").content.decode()


@pytest.mark.django_db
def test_expiry_takes_effect_at_read_time(client):
    with at(TEN_AM):
        story = services.publish(make_story(headline="Flash sale"), actor=services.COMMAND)
        story.expires_at = TEN_AM + timedelta(hours=2)
        services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)
    with at(TEN_AM + timedelta(hours=2) - timedelta(seconds=1)):
        assert client.get(story.get_absolute_url()).status_code == 200
    with at(TEN_AM + timedelta(hours=2)):
        assert client.get(story.get_absolute_url()).status_code == 404
        assert Article.objects.get(pk=story.pk).state() == "expired"


@pytest.mark.django_db
def test_scheduled_update_goes_live_once_at_its_time_and_moves_updated(client):
    with at(TEN_AM):
        story = services.publish(make_story(headline="Cyclone nears coast"), actor=services.COMMAND)
        queue(story, "Cyclone makes landfall", TEN_AM + timedelta(hours=3), note="landfall")
    with at(TEN_AM + timedelta(hours=2, minutes=59)):
        assert apply_due_updates() == 0
        assert "Cyclone nears coast" in client.get(story.get_absolute_url()).content.decode()
    with at(TEN_AM + timedelta(hours=3, seconds=20)):
        assert apply_due_updates() == 1
        assert apply_due_updates() == 0
        html = client.get(story.get_absolute_url()).content.decode()
        assert "Cyclone makes landfall" in html
        # Updated shows the scheduled go-live instant, not when the worker happened to run.
        assert '<time datetime="2026-12-01T13:00:00+05:30">Updated December 1st, 2026 at 13:00 IST</time>' in html
        assert '<time datetime="2026-12-01T10:00:00+05:30">Published December 1st, 2026 at 10:00 IST</time>' in html
    assert Revision.objects.filter(article=story, kind=Revision.Kind.UPDATE_APPLIED).count() == 1


@pytest.mark.django_db
def test_several_updates_apply_in_time_order_and_can_be_edited_or_cancelled():
    with at(TEN_AM):
        story = services.publish(make_story(headline="v1"), actor=services.COMMAND)
        third = queue(story, "v4", TEN_AM + timedelta(hours=3))
        first = queue(story, "v2", TEN_AM + timedelta(hours=1))
        second = queue(story, "v3", TEN_AM + timedelta(hours=2))
        cancelled = queue(story, "never", TEN_AM + timedelta(hours=2, minutes=30))
        services.cancel_update(cancelled, actor=services.COMMAND)
        snap = dict(second.snapshot, headline="v3 (edited)")
        services.edit_update(second, snap, go_live_at=second.go_live_at, actor=services.COMMAND)
    with at(TEN_AM + timedelta(hours=4)):
        assert apply_due_updates() == 3
    story.refresh_from_db()
    assert story.headline == "v4"
    applied = Revision.objects.filter(article=story, kind=Revision.Kind.UPDATE_APPLIED).order_by("id")
    assert [r.snapshot["headline"] for r in applied] == ["v2", "v3 (edited)", "v4"]
    assert ScheduledUpdate.objects.get(pk=cancelled.pk).applied_at is None
    with pytest.raises(ValidationError):
        services.edit_update(first, first.snapshot, go_live_at=first.go_live_at, actor=services.COMMAND)
    assert third.pk


@pytest.mark.django_db
def test_a_failure_mid_update_leaves_story_unchanged_and_update_due_after_its_back_off(monkeypatch):
    with at(TEN_AM):
        story = services.publish(make_story(headline="Before"), actor=services.COMMAND)
        update = queue(story, "After", TEN_AM + timedelta(minutes=5))
    real_save = services.save_story

    def save_then_crash(*args, **kwargs):
        real_save(*args, **kwargs)  # the story row is written...
        raise RuntimeError("worker killed mid-pass")  # ...and then the process dies

    monkeypatch.setattr(services, "save_story", save_then_crash)
    with at(TEN_AM + timedelta(minutes=6)):
        assert apply_due_updates() == 0  # recorded on the update, not raised
    story.refresh_from_db()
    assert story.headline == "Before"
    assert ScheduledUpdate.objects.due(TEN_AM + timedelta(minutes=6)).filter(pk=update.pk).exists()
    update.refresh_from_db()
    assert update.failed_attempts == 1 and update.last_error == "RuntimeError: worker killed mid-pass"
    assert update.retry_at == TEN_AM + timedelta(minutes=7)
    monkeypatch.setattr(services, "save_story", real_save)
    with at(TEN_AM + timedelta(minutes=7)):
        assert apply_due_updates() == 1
    story.refresh_from_db()
    assert story.headline == "After"


@pytest.mark.django_db
def test_publish_scheduled_command_prints_applied_count():
    with at(TEN_AM):
        story = services.publish(make_story(), actor=services.COMMAND)
        queue(story, "u1", TEN_AM + timedelta(minutes=1))
        queue(story, "u2", TEN_AM + timedelta(minutes=2))
    out = StringIO()
    with at(TEN_AM + timedelta(minutes=3)):
        call_command("publish_scheduled", stdout=out)
    assert out.getvalue().strip() == "applied 2"


@pytest.mark.django_db
def test_minor_fix_keeps_updated_and_real_update_moves_it(client):
    with at(TEN_AM):
        story = services.publish(make_story(headline="Rains lash Mumbai", body="<p>Heavy rain.</p>"), actor=services.COMMAND)
    with at(TEN_AM + timedelta(hours=1)):
        story.body = "<p>Heavy rains.</p>"
        services.save_story(story, services.Related(story.ordered_reporters(), [], []), minor=True, actor=services.COMMAND)
        assert Article.objects.get(pk=story.pk).updated_at == TEN_AM
    with at(TEN_AM + timedelta(hours=2)):
        story.body = "<p>Heavy rains; schools shut.</p>"
        story.correction_note = "An earlier version misstated the rainfall."
        services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)
        story.refresh_from_db()
        assert story.updated_at == TEN_AM + timedelta(hours=2)
        html = client.get(story.get_absolute_url()).content.decode()
        assert "Correction" in html and "misstated the rainfall" in html
        assert '<time datetime="2026-12-01T12:00:00+05:30">December 1st, 2026 at 12:00 IST</time>' in html


@pytest.mark.django_db
def test_a_draft_change_does_not_move_updated_and_republish_keeps_published():
    with at(TEN_AM):
        story = services.publish(make_story(headline="First"), actor=services.COMMAND)
    with at(TEN_AM + timedelta(hours=1)):
        services.unpublish(story, actor=services.COMMAND)
        services.publish(story, actor=services.COMMAND)
    story.refresh_from_db()
    assert story.published_at == TEN_AM  # set once


@pytest.mark.django_db
def test_update_must_follow_first_publication():
    with at(TEN_AM):
        story = services.publish(make_story(), at=TEN_AM + timedelta(days=1), actor=services.COMMAND)
        with pytest.raises(ValidationError):
            queue(story, "too early", TEN_AM + timedelta(hours=1))
    assert make_reporter()


@pytest.mark.django_db
def test_service_refuses_a_save_from_an_older_version_with_the_forms_message():
    story = make_story(headline="First")
    seen = story.edit_version
    story.headline = "Second"
    services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)
    stale = Article.objects.get(pk=story.pk)
    stale.headline = "Third"
    with pytest.raises(services.EditConflict) as refused:
        services.save_story(stale, services.Related(stale.ordered_reporters(), [], []), expected_version=seen, actor=services.COMMAND)
    assert "changed this story" in str(refused.value) and "headline" in str(refused.value)
    assert Article.objects.get(pk=story.pk).headline == "Second"
