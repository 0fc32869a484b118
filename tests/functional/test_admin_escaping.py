"""Text in a queued update is data: braces, %s and HTML show as typed on every admin page of the story."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import make_story

# A headline as a desk writes it, a wire version string, a printf placeholder, and markup that must stay text.
HEADLINE = "Sensex {live}: markets {0} open {} higher %s <b>bold</b>"
NOTE = "wire {1} %(x)s <script>alert(1)</script>"


@pytest.fixture
def story_with_queued_update(db):
    story = services.publish(make_story(headline="Live {headline} %s"), actor=services.COMMAND)
    snap = dict(services.snapshot(Article.objects.get(pk=story.pk)), headline=HEADLINE)
    update = services.queue_update(story, snap, go_live_at=timezone.now() + timedelta(hours=2), note=NOTE, actor=services.COMMAND)
    services.queue_update(
        story, dict(snap, headline=HEADLINE + " second"), go_live_at=timezone.now() + timedelta(hours=3), actor=services.COMMAND
    )  # no note: the form lists it by its headline
    return story, update


def test_every_admin_page_of_the_story_renders_its_texts_escaped(admin_client, story_with_queued_update):
    story, update = story_with_queued_update
    pages = [
        reverse("admin:articles_article_change", args=[story.pk]),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_schedule"),
        reverse("admin:articles_article_revisions", args=[story.pk]),
        reverse("admin:articles_scheduledupdate_change", args=[update.pk]),
        reverse("admin:articles_scheduledupdate_changelist"),
        reverse("articles:preview", args=[story.pk]),
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html, url

    form = admin_client.get(pages[0]).content.decode()
    # The queued list shows the note of the first update and the headline of the second, escaped, braces intact.
    assert "wire {1} %(x)s &lt;script&gt;alert(1)&lt;/script&gt;" in form
    assert "Sensex {live}: markets {0} open {} higher %s &lt;b&gt;bold&lt;/b&gt; second" in form
    schedule = admin_client.get(pages[2]).content.decode()
    assert "Sensex {live}: markets {0} open {} higher %s &lt;b&gt;bold&lt;/b&gt;" in schedule
