"""An editor changes a queued update of a live story in its own admin page, and can cancel it."""
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, ScheduledUpdate
from tests.factories import make_story


@pytest.fixture
def queued(db):
    story = services.publish(make_story(headline="Live headline"), actor=services.COMMAND)
    snap = services.snapshot(Article.objects.get(pk=story.pk))
    return services.queue_update(story, dict(snap, headline="Queued headline"), go_live_at=timezone.now() + timedelta(hours=2), actor=services.COMMAND)


def test_editing_a_queued_update_keeps_the_live_story_as_it_is(admin_client, queued):
    story = queued.article
    page = admin_client.get(f"/admin/articles/scheduledupdate/{queued.pk}/change/")
    assert page.status_code == 200 and 'value="Queued headline"' in page.content.decode()
    when = timezone.localtime(queued.go_live_at + timedelta(hours=1))
    response = admin_client.post(f"/admin/articles/scheduledupdate/{queued.pk}/change/", {
        "headline": "Edited queued headline", "standfirst": "", "body": "<p>New body.</p>",
        "byline_reporters": [str(r.pk) for r in story.ordered_reporters()], "section": str(story.section_id),
        "tags": ["Elections"], "hero_photo": "", "story_photos": [],
        "go_live_at_0": when.strftime("%Y-%m-%d"), "go_live_at_1": when.strftime("%H:%M:%S"), "note": "fix",
    })
    assert response.status_code == 302, response.content.decode()[:1500]
    queued.refresh_from_db()
    assert queued.snapshot["headline"] == "Edited queued headline"
    assert queued.snapshot["slug"] == story.slug and queued.snapshot["tags"] == ["Elections"]
    assert abs((queued.go_live_at - when).total_seconds()) < 1
    assert Article.objects.get(pk=story.pk).headline == "Live headline"


def test_cancel_from_the_admin(admin_client, queued):
    response = admin_client.post(f"/admin/articles/scheduledupdate/{queued.pk}/cancel/")
    assert response.status_code == 302
    assert ScheduledUpdate.objects.get(pk=queued.pk).state == "cancelled"
    assert admin_client.get(f"/admin/articles/scheduledupdate/{queued.pk}/cancel/").status_code == 405
