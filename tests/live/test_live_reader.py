"""What readers get: the blog on the story page, the update endpoint, permalinks, badges, constant queries."""
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from live import services
from live.stream import ENTRIES_PER_PAGE
from tests.factories import make_photo, publish_story
from tests.live.support import live_story, post

pytestmark = pytest.mark.django_db


def entry_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="entry-(\d+)"', html)]


def test_story_page_shows_the_stream_newest_first_with_pinned_and_key_events(client):
    article, blog, editor = live_story()
    first = post(blog, editor, "Polls open", key_event=True, headline="Polling begins")
    second = post(blog, editor, "Turnout 40% by noon", photo=make_photo(credit="PTI", alt="Queue at a booth"))
    third = post(blog, editor, "Read this first", pinned=True)
    post(blog, editor, "Tomorrow", post_at=timezone.now() + timedelta(days=1))  # scheduled: not shown
    html = client.get(article.get_absolute_url()).content.decode()
    assert entry_ids(html) == [third.pk, second.pk, first.pk]
    assert 'class="live-badge live-badge--page"' in html
    assert '<nav aria-label="Key events">' in html and f'href="#entry-{first.pk}"' in html and "Polling begins" in html
    pinned_box = html.split("data-live-pinned>")[1].split("</div>", 1)[0]
    assert "Read this first" in pinned_box and "Pinned" in pinned_box
    assert "(Photo: PTI)" in html and 'alt="Queue at a booth"' in html
    assert "Tomorrow" not in html
    assert re.search(r'<time datetime="[^"]+\+05:30">\d\d:\d\d IST</time>', html)  # today: the clock only
    assert 'aria-live="polite"' in html and 'src="/static/live/reader.js"' in html


def test_an_entry_from_an_earlier_day_shows_its_date():
    from live.templatetags.live import entry_time

    now = timezone.now()
    assert re.fullmatch(r'<time datetime=".*\+05:30">\d\d:\d\d IST</time>', entry_time(now, now))
    assert " at " in entry_time(now - timedelta(days=2), now)


def test_a_correction_shows_updated_on_the_entry(client):
    article, blog, editor = live_story()
    entry = post(blog, editor, "Wrong number")
    services.edit_entry(entry, actor=editor, expected_version=1, body="Right number", reporters=list(entry.reporters.all()))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Right number" in html and "Wrong number" not in html
    assert re.search(r"live-entry__updated\"><time datetime=\"[^\"]+\">Updated \d\d:\d\d IST", html)


def test_older_entries_are_paged_and_permalinks_find_their_page(client):
    article, blog, editor = live_story()
    entries = [post(blog, editor, f"Update number {n}") for n in range(ENTRIES_PER_PAGE + 5)]
    page1 = client.get(article.get_absolute_url()).content.decode()
    assert len(entry_ids(page1)) == ENTRIES_PER_PAGE and 'href="?page=2"' in page1
    page2 = client.get(article.get_absolute_url() + "?page=2").content.decode()
    assert entry_ids(page2) == [e.pk for e in reversed(entries[:5])]
    oldest = entries[0]
    response = client.get(f"{article.get_absolute_url()}live/entry/{oldest.pk}/")
    assert response.status_code == 302 and response["Location"] == f"{article.get_absolute_url()}?page=2#entry-{oldest.pk}"
    newest = entries[-1]
    assert client.get(f"{article.get_absolute_url()}live/entry/{newest.pk}/")["Location"].endswith(f"/#entry-{newest.pk}")


def test_an_ended_blog_says_so_and_does_not_poll(client):
    article, blog, editor = live_story()
    post(blog, editor, "Final result")
    services.end_coverage(blog, actor=editor)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Live coverage ended" in html and 'data-ended="true"' in html
    assert "data-live-new" not in html and 'class="live-badge' not in html


def test_cards_carry_live_only_while_coverage_runs(client):
    article, blog, editor = live_story(headline="Cyclone landfall live")
    publish_story(headline="An ordinary story")
    html = client.get("/").content.decode()
    assert html.count('<span class="live-badge">Live</span>') == 1
    services.end_coverage(blog, actor=editor)
    assert 'class="live-badge"' not in client.get("/").content.decode()


def updates(client, article, after="", **headers):
    # Followed like the page's fetch() does: a cursor whose entry has since changed (its stamp moved) is redirected
    # to the latest stamp before it, which has the same answer (live.stream.stamps, tests/live/test_live_errors.py).
    return client.get(f"{article.get_absolute_url()}live/", {"after": after} if after != "" else {}, follow=True,
                      **headers)


def test_the_endpoint_sends_what_changed_after_the_cursor_with_etag_and_304(client):
    article, blog, editor = live_story()
    first = post(blog, editor, "One")
    html = client.get(article.get_absolute_url()).content.decode()
    cursor = re.search(r'data-cursor="(\d+)"', html).group(1)
    assert re.search(r'data-poll="15"\s+data-poll-hidden="60"', html)

    quiet = updates(client, article, cursor)
    assert quiet.status_code == 200 and json.loads(quiet.content)["entries"] == []
    assert "s-maxage=5" in quiet["Cache-Control"] and "public" in quiet["Cache-Control"]
    etag = quiet["ETag"]
    not_modified = updates(client, article, cursor, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304

    second = post(blog, editor, "Two")
    services.edit_entry(first, actor=editor, expected_version=1, body="One (corrected)", reporters=list(first.reporters.all()))
    changed = updates(client, article, cursor, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    data = json.loads(changed.content)
    assert [e["id"] for e in data["entries"]] == [second.pk, first.pk]  # in stamp order
    assert "One (corrected)" in data["entries"][1]["html"] and data["poll"] == {"visible": 15, "hidden": 60}
    assert data["entries"][0]["posted"].endswith("+05:30")
    assert json.loads(updates(client, article, data["cursor"]).content)["entries"] == []


def test_a_scheduled_entry_reaches_open_pages_at_its_instant(client):
    import time_machine

    article, blog, editor = live_story()
    post(blog, editor, "Now")
    cursor = json.loads(updates(client, article, "0").content)["cursor"]
    at = timezone.now() + timedelta(minutes=10)
    later = post(blog, editor, "At ten past", post_at=at)
    assert json.loads(updates(client, article, cursor).content)["entries"] == []
    with time_machine.travel(at + timedelta(seconds=1)):
        from django.core.cache import cache

        cache.clear()
        assert [e["id"] for e in json.loads(updates(client, article, cursor).content)["entries"]] == [later.pk]


def test_removed_entries_leave_open_pages(client):
    article, blog, editor = live_story()
    entry = post(blog, editor, "Mistake")
    cursor = json.loads(updates(client, article, "0").content)["cursor"]
    services.remove_entry(entry, actor=editor)
    assert json.loads(updates(client, article, cursor).content)["entries"] == [{"id": entry.pk, "removed": True}]
    assert "Mistake" not in client.get(article.get_absolute_url()).content.decode()


def test_a_new_entry_purges_the_blogs_page_and_not_the_rest_of_the_site(client, settings, django_capture_on_commit_callbacks):
    """Which pages each kind of change purges: tests/live/test_live_purge.py."""
    settings.PAGE_CACHE_SECONDS = 300
    article, blog, editor = live_story()
    other = publish_story(headline="Elsewhere on the site")
    for url in (other.get_absolute_url(), article.get_absolute_url()):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        entry = post(blog, editor, "Breaking")
        services.set_pinned(entry, True, actor=editor)
        services.set_key_event(entry, True, actor=editor)
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "Breaking" in response.content.decode()
    # The blog's own pages also live only RUNNING_PAGE_SECONDS in the page cache and CDNs (scheduled entries).
    assert "s-maxage=5" in response["Cache-Control"]


def test_first_page_of_a_2000_entry_blog_costs_a_constant_number_of_queries(client):
    from django.core.cache import cache

    from articles import body_media
    from live.guard import live_service
    from live.models import LiveEntry, LiveEntryByline, LiveEntryPhoto
    from tests.factories import make_reporter

    article, blog, editor = live_story()
    reporter = make_reporter()
    photo = make_photo()

    placed = [make_photo(credit=credit, name=f"placed-{credit}.jpg") for credit in ("AP", "PTI", "Reuters")]
    # Every third entry places photos in its body, as the story body does (a photo, and a gallery of all three).
    media_body, media_blocks = body_media.prepare(
        f'<p>Scene</p><figure data-photo="{placed[0].pk}"></figure>'
        f'<figure data-gallery="{",".join(str(p.pk) for p in placed)}"></figure>'
    )

    @live_service
    def bulk(count, start):
        now = timezone.now() - timedelta(hours=1)
        rows = LiveEntry.objects.bulk_create(
            LiveEntry(blog=blog, posted_at=now + timedelta(seconds=n), stamp=now + timedelta(seconds=n),
                      body=media_body if n % 3 == 0 else f"<p>{n}</p>", body_blocks=media_blocks if n % 3 == 0 else [],
                      key_event=n % 50 == 0, photo=photo if n % 7 == 0 else None)
            for n in range(start, start + count)
        )
        LiveEntryByline.objects.bulk_create(LiveEntryByline(entry=row, reporter=reporter) for row in rows)
        LiveEntryPhoto.objects.bulk_create(
            LiveEntryPhoto(entry=row, photo=picture, position=i)
            for row in rows if row.body_blocks for i, picture in enumerate(placed)
        )

    def measure():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(queries)

    bulk(20, 0)
    small = measure()
    assert 'class="body-photo' in client.get(article.get_absolute_url()).content.decode()
    bulk(1980, 20)
    assert LiveEntry.objects.filter(blog=blog).count() == 2000
    assert measure() == small


def test_the_page_cache_keeps_a_running_blog_five_seconds_and_answers_304(client, settings):
    import time_machine

    settings.PAGE_CACHE_SECONDS = 300
    article, blog, editor = live_story()
    post(blog, editor, "First")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = client.get(article.get_absolute_url())
        assert first["X-Page-Cache"] == "miss" and "s-maxage=5" in first["Cache-Control"]
        endpoint = updates(client, article, "0")
        assert endpoint["X-Page-Cache"] == "miss"
        again = updates(client, article, "0")
        assert again["X-Page-Cache"] == "hit"
        assert updates(client, article, "0", HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304
    # Its purge (live.cache_keys) runs on commit, which this test's transaction never reaches: without one, cached
    # copies live on for at most five seconds (a scheduled entry reaching its instant, a CDN with no purger).
    post(blog, editor, "Second")
    with time_machine.travel(start + timedelta(seconds=4), tick=False):
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    with time_machine.travel(start + timedelta(seconds=6), tick=False):
        fresh = client.get(article.get_absolute_url())
        assert fresh["X-Page-Cache"] == "miss" and "Second" in fresh.content.decode()
        assert len(json.loads(updates(client, article, "0").content)["entries"]) == 2


def test_listings_change_when_coverage_starts_or_ends_with_no_purge():
    from core import pagecache
    from live import index

    now = timezone.now()
    _, blog, editor = live_story(start=now + timedelta(minutes=10), end=now + timedelta(hours=3))
    assert index.next_coverage_change(now) == blog.coverage_start
    assert index.next_coverage_change(now + timedelta(minutes=11)) == blog.coverage_end
    assert index.next_coverage_change in pagecache._next_instant_sources
    assert not index.is_running(blog.article_id, now) and index.is_running(blog.article_id, now + timedelta(minutes=11))


def test_the_storys_updated_line_follows_a_scheduled_entry_from_its_instant(client):
    import time_machine

    from core.timefmt import machine_datetime

    article, blog, editor = live_story()
    now_entry = post(blog, editor, "Now")
    at = timezone.now() + timedelta(minutes=20)
    post(blog, editor, "Later", post_at=at)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<p class="story__updated"><time datetime="{machine_datetime(now_entry.posted_at)}">Updated ' in html
    with time_machine.travel(at + timedelta(seconds=1)):
        html = client.get(article.get_absolute_url()).content.decode()
    assert f'<p class="story__updated"><time datetime="{machine_datetime(at)}">Updated ' in html
