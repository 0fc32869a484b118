"""Related stories and the "Most recent" rail under a story: ranking, visibility and a fixed query cost."""
import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.models import Article
from articles.related import rails
from tests.factories import change_story, make_photo, make_story, publish_story

NOW = datetime(2026, 6, 1, 6, 30, tzinfo=dt_timezone.utc)


def ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def page_story(article) -> Article:
    """The story as the page loads it (tags prefetched)."""
    return Article.objects.for_page().get(pk=article.pk)


def headlines(stories) -> list[str]:
    return [story.headline for story in stories]


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def desk(db, at_now):
    story = publish_story(headline="Story", tags=["Rain", "Delhi", "Traffic"], section_slug="india", at=ago(10))
    publish_story(headline="Three shared, old", tags=["Rain", "Delhi", "Traffic"], section_slug="world", at=ago(90))
    publish_story(headline="Two shared, newer", tags=["Rain", "Delhi"], section_slug="business", at=ago(5))
    publish_story(headline="Two shared, older", tags=["Delhi", "Traffic", "Other"], section_slug="world", at=ago(30))
    publish_story(headline="One shared, newest", tags=["Rain"], section_slug="world", at=ago(1))
    publish_story(headline="Same section, newest", section_slug="india", at=ago(0.5))
    publish_story(headline="Unrelated", tags=["Cricket"], section_slug="sports", at=ago(0.2))
    make_story(headline="Draft shares all", tags=["Rain", "Delhi", "Traffic"])
    publish_story(headline="Scheduled shares all", tags=["Rain", "Delhi", "Traffic"], at=NOW + timedelta(hours=1))
    expired = publish_story(headline="Expired shares all", tags=["Rain", "Delhi", "Traffic"], at=ago(2))
    change_story(expired, expires_at=ago(1))
    services.unpublish(publish_story(headline="Unpublished shares all", tags=["Rain", "Delhi", "Traffic"], at=ago(3)), actor=services.COMMAND)
    return story


def test_shared_tags_first_by_count_then_newest(desk):
    assert headlines(rails(page_story(desk))[0]) == [
        "Three shared, old", "Two shared, newer", "Two shared, older", "One shared, newest",
    ]


def test_same_section_fills_the_rest_newest_first(db, at_now):
    story = publish_story(headline="Story", tags=["Solo"], section_slug="india", at=ago(10))
    publish_story(headline="Shares the tag", tags=["Solo"], section_slug="world", at=ago(50))
    for i in range(5):
        publish_story(headline=f"India {i}", section_slug="india", at=ago(i + 1))
    publish_story(headline="World news", section_slug="world", at=ago(0.1))
    publish_story(headline="India scheduled", section_slug="india", at=NOW + timedelta(minutes=5))
    assert headlines(rails(page_story(story))[0]) == ["Shares the tag", "India 0", "India 1", "India 2"]


def test_untagged_story_gets_its_section(db, at_now):
    story = publish_story(headline="Story", section_slug="india", at=ago(10))
    publish_story(headline="India older", section_slug="india", at=ago(20))
    publish_story(headline="World", section_slug="world", at=ago(1))
    assert headlines(rails(page_story(story))[0]) == ["India older"]


def test_most_recent_is_the_five_newest_live_stories_but_this_one(desk):
    recent = rails(page_story(desk))[1]
    assert len(recent) == 5
    assert headlines(recent) == ["Unrelated", "Same section, newest", "One shared, newest", "Two shared, newer",
                                 "Two shared, older"]
    assert desk.pk not in [s.pk for s in recent]


def test_the_story_page_shows_both_rails(client, desk):
    html = client.get(desk.get_absolute_url()).content.decode()
    related = html.split('id="related-heading"')[1].split('id="most-recent-heading"')[0]
    assert re.findall(r'card__headline"?>\s*<a href="[^"]+">([^<]+)</a>', related) == [
        "Three shared, old", "Two shared, newer", "Two shared, older", "One shared, newest",
    ]
    rail = html.split('id="most-recent-heading"')[1]
    assert "Same section, newest" in rail and "Unrelated" in rail
    for hidden in ("Draft shares all", "Scheduled shares all", "Expired shares all", "Unpublished shares all"):
        assert hidden not in html


def test_preview_has_the_same_rails(admin_client, desk):
    draft = make_story(headline="Preview me", tags=["Rain"], section_slug="india")
    html = admin_client.get(f"/preview/{draft.pk}/").content.decode()
    assert "Related stories" in html and "One shared, newest" in html and "Most recent" in html


def _page_queries(client, article) -> list[str]:
    client.get(article.get_absolute_url())  # warm the navigation and ad caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    return [query["sql"][:120] for query in queries.captured_queries]


def test_query_count_does_not_depend_on_the_number_of_tags(client, db, at_now, settings):
    settings.PAGE_CACHE_SECONDS = 0  # measure the view, not a page cache
    tags = [f"Topic {i}" for i in range(8)]
    for i in range(6):
        publish_story(headline=f"Neighbour {i}", tags=tags[: i + 1], section_slug="india", at=ago(i + 1),
                      hero=make_photo(name=f"n{i}.jpg"))
    counts = {
        n: _page_queries(
            client, publish_story(headline=f"With {n} tags", tags=tags[:n], section_slug="india", at=ago(20 + n))
        )
        for n in (0, 1, 8)
    }
    listing = "\n".join(f"{n} tags: " + "\n   ".join(queries) for n, queries in counts.items())
    assert len({len(queries) for queries in counts.values()}) == 1, listing
    assert len(counts[0]) >= 5  # the view really ran (no page cache in between)
