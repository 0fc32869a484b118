"""The edge obeys the schedule (issue 20): what a CDN is told it may keep never reaches past the next instant that
changes the answer without a purge, error answers on cacheable paths are keyed (or `no-store`), and a story moving
into or out of live() is purged hard everywhere it showed, page 2+ of listings included.

Through the real middleware (the test client), with the recording purger standing in for a CDN (tests/purging.py):
the CDN may keep pages for minutes (PAGE_CACHE_CDN_PURGED_SECONDS), so only the bound computed here stops it.
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory

from articles import services
from core import pagecache
from tests.factories import make_story

IST = ZoneInfo("Asia/Kolkata")
NINE = datetime(2026, 12, 1, 9, 0, tzinfo=IST)


def directives(response) -> dict[str, str]:
    found = {}
    for part in response["Cache-Control"].split(","):
        name, _, value = part.strip().partition("=")
        found[name] = value
    return found


def edge_seconds(response) -> int:
    """How long a CDN may serve this answer: s-maxage, then stale-while-revalidate."""
    found = directives(response)
    return int(found["s-maxage"]) + int(found.get("stale-while-revalidate", 0))


def save(story, **fields):
    for name, value in fields.items():
        setattr(story, name, value)
    related = services.Related(story.ordered_reporters(), list(story.tags.names()), [])
    return services.save_story(story, related, actor=services.COMMAND)


def purge_of(sent, story) -> tuple[set[str], bool]:
    """The one purge that carried the story's key (articles.related may purge neighbours' related lists apart)."""
    [(keys, hard)] = [(set(keys), hard) for keys, hard in sent if f"story:{story.pk}" in keys]
    return keys, hard


def purges_of(sent, key) -> list[bool]:
    """Whether each purge that carried `key` was hard."""
    return [hard for keys, hard in sent if key in keys]


# --- s-maxage follows the schedule ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_expiry_90_s_ahead_bounds_what_the_cdn_keeps_of_the_story_its_section_and_home(
        client, recorded_purges, django_capture_on_commit_callbacks):
    with time_machine.travel(NINE - timedelta(seconds=10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            other = services.publish(make_story(headline="Stays up", section_slug="sports"), actor=services.COMMAND)
    with time_machine.travel(NINE - timedelta(seconds=9), tick=False):
        assert edge_seconds(client.get(other.get_absolute_url())) == 300 + 5  # nothing scheduled: minutes
    with time_machine.travel(NINE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            story = services.publish(make_story(headline="Goes at 09:01:30", section_slug="business"),
                                     actor=services.COMMAND)
            save(story, expires_at=NINE + timedelta(seconds=90))
    pages = {"story": story.get_absolute_url(), "section": "/section/business/", "home": "/",
             "unrelated": other.get_absolute_url()}
    with time_machine.travel(NINE + timedelta(seconds=1), tick=False):  # renders after the purges, so kept
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200 and response["X-Page-Cache"] == "miss", name
            assert edge_seconds(response) <= 90, (name, response["Cache-Control"])
            assert "public" in response["Cache-Control"]
    with time_machine.travel(NINE + timedelta(seconds=61), tick=False):
        for name, url in pages.items():  # a hit tells the CDN only what is left, not what the render was told
            response = client.get(url)
            assert response["X-Page-Cache"] == "hit", name
            assert edge_seconds(response) <= 29, (name, response["Cache-Control"])
    with time_machine.travel(NINE + timedelta(seconds=90), tick=False):
        home = client.get("/")
        assert home["X-Page-Cache"] == "miss" and "Goes at" not in home.content.decode()
        assert edge_seconds(home) == 300 + 5  # nothing scheduled any more
        assert client.get(pages["story"]).status_code == 404


@pytest.mark.django_db
def test_a_go_live_and_a_queued_update_bound_it_too(client, recorded_purges, django_capture_on_commit_callbacks):
    with time_machine.travel(NINE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            live = services.publish(make_story(headline="Live now"), actor=services.COMMAND)
            services.publish(make_story(headline="At 09:03"), at=NINE + timedelta(minutes=3), actor=services.COMMAND)
        assert edge_seconds(client.get("/")) <= 180
        # A queued update two minutes ahead: the scheduler applies it then (and purges); until then, no longer.
        with django_capture_on_commit_callbacks(execute=True):
            services.queue_update(live, {**services.snapshot(live), "headline": "Live now, updated"},
                                  go_live_at=NINE + timedelta(minutes=2), actor=services.COMMAND)
        for url in ("/", live.get_absolute_url()):
            response = client.get(url)
            assert response["X-Page-Cache"] == "miss" and edge_seconds(response) <= 120, (url, response["Cache-Control"])


@pytest.mark.django_db
def test_a_stale_copy_is_never_kept_by_the_cdn(client, recorded_purges, django_capture_on_commit_callbacks):
    story = services.publish(make_story(headline="Before the edit"), actor=services.COMMAND)
    url = story.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        save(story, headline="After the edit")
    cache.add(pagecache.LOCK_KEY.format(page=pagecache.page_key(url, [])), 1, timeout=30)  # someone re-renders
    stale = client.get(url)
    assert stale["X-Page-Cache"] == "stale" and "Before the edit" in stale.content.decode()
    assert directives(stale)["s-maxage"] == "0" and edge_seconds(stale) <= 5


# --- error answers at the edge ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_scheduled_storys_404_is_keyed_short_and_purged_by_its_publication(client, recorded_purges,
                                                                             django_capture_on_commit_callbacks):
    with time_machine.travel(NINE, tick=False):
        story = services.publish(make_story(headline="Embargoed"), at=NINE + timedelta(seconds=40), actor=services.COMMAND)
        for url in (story.get_absolute_url(), f"/story/{story.slug}.json"):
            early = client.get(url)
            assert early.status_code == 404, url
            assert f"slug:{story.slug}" in early["Surrogate-Key"].split()
            assert f"slug:{story.slug}" in early["Cache-Tag"].split(",")
            assert "public" in early["Cache-Control"] and edge_seconds(early) <= 40, early["Cache-Control"]
            assert not cache.has_key(pagecache.page_key(url, []))  # not stored here
        # The desk publishes it now: the CDN is told, hard, to drop the 404.
        with django_capture_on_commit_callbacks(execute=True):
            services.publish(story, actor=services.COMMAND)
        assert purges_of(recorded_purges, f"slug:{story.slug}") == [True]
        assert client.get(story.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_an_unpublished_storys_404_and_an_old_slugs_301_are_keyed(client, recorded_purges,
                                                                   django_capture_on_commit_callbacks):
    story = services.publish(make_story(headline="First name"), actor=services.COMMAND)
    old_slug = story.slug
    with django_capture_on_commit_callbacks(execute=True):
        save(story, slug="second-name")
    assert set(purges_of(recorded_purges, f"slug:{old_slug}")) == {False}  # the rename: its old URL now 301s
    assert purges_of(recorded_purges, "slug:second-name")
    moved = client.get(f"/story/{old_slug}/")
    assert moved.status_code == 301 and moved["Location"] == "/story/second-name/"
    assert {f"slug:{old_slug}", f"story:{story.pk}"} <= set(moved["Surrogate-Key"].split())
    assert edge_seconds(moved) > 0
    recorded_purges.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(story, actor=services.COMMAND)
    # The unpublish reaches both URLs' answers at the edge, hard.
    assert purges_of(recorded_purges, f"slug:{old_slug}") == [True]
    assert purges_of(recorded_purges, "slug:second-name") == [True]
    for url in (f"/story/{old_slug}/", "/story/second-name/"):
        gone = client.get(url)
        assert gone.status_code == 404 and f"slug:{url.split('/')[2]}" in gone["Surrogate-Key"].split()


@pytest.mark.django_db
def test_an_error_no_key_can_name_is_no_store(client, recorded_purges):
    for url in ("/section/no-such-section/", "/no/such/path/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "no-store" in response["Cache-Control"] and "Surrogate-Key" not in response, url


# --- hard when visibility changes ---------------------------------------------------------------------------


@pytest.fixture
def listing(db, settings, recorded_purges, django_capture_on_commit_callbacks):
    """Five live Business stories, two a page: the oldest on page 3, the newest on page 1."""
    settings.ARTICLES_PER_PAGE = 2
    with django_capture_on_commit_callbacks(execute=True):
        stories = [services.publish(make_story(headline=f"Business {n}", section_slug="business"), actor=services.COMMAND)
                   for n in range(5)]
    recorded_purges.clear()
    return stories


LISTING_PAGES = ["/", "/?page=2", "/?page=3", "/section/business/", "/section/business/?page=2",
                 "/section/business/?page=3"]


def cache_pages(client, urls):
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.get(url)["X-Page-Cache"] == "hit", url


@pytest.mark.django_db
def test_expiry_set_to_now_is_a_hard_purge_of_every_page_of_its_listings(client, listing, recorded_purges,
                                                                           django_capture_on_commit_callbacks):
    newest = listing[-1]
    cache_pages(client, LISTING_PAGES)
    with django_capture_on_commit_callbacks(execute=True):
        save(newest, expires_at=services.timezone.now())  # the editor's "Unpublish at: now"
    keys, hard = purge_of(recorded_purges, newest)
    assert hard and {"listing:home", f"section:{newest.section_id}:stories", f"slug:{newest.slug}"} <= keys
    for url in LISTING_PAGES:  # every page moved up by one story: none may be served as before, not even stale
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
    assert "Business 2" in client.get("/").content.decode()  # was first on page 2, now on page 1
    assert "Business 4" not in client.get("/").content.decode()
    assert "Business 0" in client.get("/?page=2").content.decode()  # was alone on page 3, which is gone
    assert client.get("/?page=3").status_code == 404


@pytest.mark.django_db
def test_a_content_edit_of_a_live_story_stays_soft(client, listing, recorded_purges, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save(listing[-1], headline="Business 4, corrected")
    keys, hard = purge_of(recorded_purges, listing[-1])
    assert not hard and "listing:home" not in keys


@pytest.mark.parametrize("move", ["unpublish", "trash", "return_to_draft"])
@pytest.mark.django_db
def test_every_move_out_of_live_is_hard(client, listing, recorded_purges, django_capture_on_commit_callbacks, move):
    story = listing[0]
    cache_pages(client, ["/section/business/?page=3"])
    with django_capture_on_commit_callbacks(execute=True):
        getattr(services, move)(story, actor=services.COMMAND)
    keys, hard = purge_of(recorded_purges, story)
    assert hard and "listing:home" in keys
    assert client.get("/section/business/?page=3").status_code == 404  # five stories became four: two pages


@pytest.mark.django_db
def test_moving_a_scheduled_time_to_now_is_hard_and_moving_it_later_is_soft(client, listing, recorded_purges,
                                                                             django_capture_on_commit_callbacks):
    now = services.timezone.now()
    later = services.publish(make_story(headline="Later", section_slug="business"), at=now + timedelta(hours=2),
                             actor=services.COMMAND)
    recorded_purges.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(later, at=now + timedelta(hours=3), actor=services.COMMAND)  # still not live
    keys, hard = purge_of(recorded_purges, later)
    assert not hard and "listing:home" in keys and f"slug:{later.slug}" in keys  # deadlines were the old instant
    recorded_purges.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(later, actor=services.COMMAND)  # now
    assert purge_of(recorded_purges, later)[1] is True


# --- `page` cannot fill the cache ---------------------------------------------------------------------------


JUNK = ["0", "-1", "abc", "2abc", "1e3", "9999", "501", "4", "٣", "2.0", "%00", "9" * 5000]


@pytest.mark.django_db
def test_junk_page_values_leave_no_stored_entries(client, listing):
    pages = {"/": 3, "/section/business/": 3}
    for path, last in pages.items():
        assert client.get(f"{path}?page={last}").status_code == 200
        assert client.get(f"{path}?page={last}")["X-Page-Cache"] == "hit"  # a real page is kept
        for value in JUNK:
            response = client.get(path, {"page": value})
            assert response.status_code == 404, (path, value)
            assert not cache.has_key(pagecache.page_key(path, [("page", value)])), (path, value)
        for spelling, canonical in (("1", path), ("02", f"{path}?page=2"), ("003", f"{path}?page=3"), (" 2", f"{path}?page=2"), ("", path)):
            response = client.get(path, {"page": spelling})
            assert response.status_code == 301 and response["Location"] == canonical, (path, spelling)
            assert not cache.has_key(pagecache.page_key(path, [("page", spelling)]))
        two = client.get(f"{path}?page=2&page=3")
        assert two.status_code == 301 and two["Location"] == f"{path}?page=3"


@pytest.mark.django_db
def test_a_page_past_the_last_is_a_keyed_404_purged_when_it_exists(client, listing, recorded_purges,
                                                                     django_capture_on_commit_callbacks):
    past = client.get("/?page=4")
    assert past.status_code == 404 and "listing:home" in past["Surrogate-Key"].split()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            services.publish(make_story(headline=f"More {n}", section_slug="business"), actor=services.COMMAND)
    assert any("listing:home" in keys for keys, _ in recorded_purges)
    assert client.get("/?page=4").status_code == 200


@pytest.mark.django_db
def test_a_page_that_reads_no_page_parameter_is_not_kept_under_one(client, listing):
    story = listing[0]
    for value in ("2", "abc", "7"):
        response = client.get(story.get_absolute_url(), {"page": value})
        assert response.status_code == 301 and response["Location"] == story.get_absolute_url()
        assert not cache.has_key(pagecache.page_key(story.get_absolute_url(), [("page", value)]))
    for value in ("1", "abc", "999999"):
        response = client.get("/sitemap-articles.xml", {"p": value})
        assert response.status_code in (301, 404), value
        assert not cache.has_key(pagecache.page_key("/sitemap-articles.xml", [("p", value)]))


@pytest.mark.django_db
def test_a_hit_answered_before_django_tells_the_cdn_only_what_is_left_too(client, recorded_purges,
                                                                           django_capture_on_commit_callbacks):
    """FastHits (newsroom/wsgi.py) serves stored headers itself: the same bound as a hit through the middleware."""
    with time_machine.travel(NINE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            story = services.publish(make_story(headline="Goes at 09:01:30"), actor=services.COMMAND)
            save(story, expires_at=NINE + timedelta(seconds=90))
    with time_machine.travel(NINE + timedelta(seconds=1), tick=False):
        assert client.get(story.get_absolute_url())["X-Page-Cache"] == "miss"
    with time_machine.travel(NINE + timedelta(seconds=71), tick=False):
        status, headers, _ = pagecache.fast_hit(RequestFactory().get(story.get_absolute_url()).environ)
        cache_control = dict(headers)["Cache-Control"]
        assert status == "200 OK" and dict(headers)["X-Page-Cache"] == "hit"
        assert "s-maxage=19" in cache_control and "stale-while-revalidate=0" in cache_control, cache_control
