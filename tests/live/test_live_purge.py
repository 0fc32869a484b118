"""Targeted purges for live blogs: each kind of live change purges exactly the cached pages that show it.

The newsroom (as in tests/integration/test_targeted_purge.py): an India story by Asha, tagged "elections", made a
live blog with a page and a bit of entries (two pages); a Sports story by Bala tagged "cricket", then five newer Sports
briefs by Chitra, so neither story's "Most recent" rail shows the other. Every page below is cached first; after each
change, a page answered from the cache ("hit") was kept, any other answer means it was purged.
"""
import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles import services as story_services
from core import pagecache
from core.timefmt import machine_datetime
from live import services
from live.models import LiveEntry
from live.stream import ENTRIES_PER_PAGE, cursor_of
from photos import services as photo_services
from tests.factories import make_photo, make_reporter, make_story
from tests.live.support import json_ld, member

# What shows the blog's stream or its story's Updated: its pages, update endpoint, entry feeds, ninjs export, and
# the feeds listing the story (they show its Updated). Home, listings and other stories are not among them.
STREAM = {"blog", "blog_p2", "updates", "updates_latest", "live_rss", "live_atom", "export", "site_rss", "india_rss"}
SITEMAPS = {"sitemap", "news_sitemap"}
# Everything showing the blog story's card (its LIVE badge) or its page.
BLOG_SHOWN_ON = {"home", "india", "blog", "blog_p2", "reporter_a", "elections", "site_rss", "india_rss"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def newsroom(db, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        asha, bala, chitra = make_reporter("Asha Rao"), make_reporter("Bala Iyer"), make_reporter("Chitra Sen")
        editor = member("Editor", "editor")
        story = story_services.publish(
            make_story("Counting day live", section_slug="india", reporters=[asha], tags=["elections"]),
            at=now - timedelta(hours=3), actor=story_services.COMMAND,
        )
        sports = story_services.publish(
            make_story("Cup final tonight", section_slug="sports", reporters=[bala], tags=["cricket"]),
            actor=story_services.COMMAND,
        )
        for n in range(5):
            story_services.publish(make_story(f"Sports brief {n}", section_slug="sports", reporters=[chitra]),
                                   actor=story_services.COMMAND)
        blog = services.open_blog(story, actor=editor, coverage_start=now - timedelta(hours=2))
        for n in range(ENTRIES_PER_PAGE + 1):  # backdated by the system actor: a second page, Updated in the past
            services.post_entry(blog, actor=services.COMMAND, body=f"<p>Count {n}</p>", reporters=[asha],
                                post_at=now - timedelta(minutes=60 - n))
    blog.refresh_from_db()
    url = story.get_absolute_url()
    pages = {
        "home": "/",
        "india": "/section/india/",
        "sports": "/section/sports/",
        "blog": url,
        "blog_p2": f"{url}?page=2",
        "updates": f"{url}live/?after=0",
        "updates_latest": f"{url}live/?after={cursor_of(blog.last_stamp)}",  # what up-to-date open pages poll
        "live_rss": f"{url}live/rss/",
        "live_atom": f"{url}live/atom/",
        "export": f"/story/{story.slug}.json",
        "sports_story": sports.get_absolute_url(),
        "reporter_a": asha.get_absolute_url(),
        "reporter_b": bala.get_absolute_url(),
        "elections": "/tag/elections/",
        "cricket": "/tag/cricket/",
        "site_rss": "/feeds/rss/",
        "india_rss": "/section/india/rss/",
        "sports_rss": "/section/sports/rss/",
        "sitemap": "/sitemap-articles.xml",
        "news_sitemap": "/sitemap-news.xml",
        "robots": "/robots.txt",
    }
    return {"story": story, "blog": blog, "sports": sports, "editor": editor, "asha": asha, "pages": pages}


def hard_purged_at(key: str):
    """The purge number of `key`'s last hard purge (None: not since the pages could have been stored); purges are
    numbered in order by the page cache's counter, not stamped with a clock."""
    return cache.get(pagecache.HARD_KEY.format(name=key))


def latest_stamp_of(newsroom):
    return LiveEntry.objects.filter(blog=newsroom["blog"]).latest("stamp").stamp


def newest(newsroom) -> LiveEntry:
    return LiveEntry.objects.filter(blog=newsroom["blog"]).order_by("-posted_at").first()


def test_a_new_entry_purges_the_blogs_own_pages_and_the_feeds_listing_it_softly(change, newsroom):
    blog, editor, key = newsroom["blog"], newsroom["editor"], f"live:{newsroom['story'].pk}"
    opened = hard_purged_at(key)  # by open_blog
    assert change(lambda: services.post_entry(blog, actor=editor, body="Leads in", reporters=[newsroom["asha"]])) == (
        STREAM | SITEMAPS  # its Updated moved: the sitemaps' lastmod
    )
    assert hard_purged_at(key) == opened


def test_a_correction_purges_like_a_new_entry(change, newsroom):
    entry, editor = newest(newsroom), newsroom["editor"]
    assert change(lambda: services.edit_entry(entry, actor=editor, expected_version=entry.version,
                                              body="Count 20, corrected", reporters=[newsroom["asha"]])) == STREAM | SITEMAPS


def test_pins_and_key_events_purge_the_stream_only(change, newsroom):
    entry, editor = newest(newsroom), newsroom["editor"]
    assert change(lambda: services.set_pinned(entry, True, actor=editor)) == STREAM
    # The pin moved the entry's stamp: an up-to-date page now polls that (the old cursor is redirected to it).
    newsroom["pages"]["updates_latest"] = f"{newsroom['pages']['blog']}live/?after={cursor_of(latest_stamp_of(newsroom))}"
    assert change(lambda: services.set_key_event(entry, True, actor=editor)) == STREAM


def test_a_removed_entry_purges_the_stream_hard(change, newsroom, client):
    entry, story = newest(newsroom), newsroom["story"]
    before = pagecache.purge_sequence()  # the number of the latest purge before the removal
    assert change(lambda: services.remove_entry(entry, actor=newsroom["editor"])) == STREAM
    assert hard_purged_at(f"live:{story.pk}") > before
    assert "Count 20" not in client.get(story.get_absolute_url()).content.decode()


def test_a_scheduled_entry_purges_nothing_until_its_instant_then_the_scheduler_pass_purges(change, newsroom):
    blog, editor = newsroom["blog"], newsroom["editor"]
    at = timezone.now() + timedelta(minutes=5)
    assert change(lambda: services.post_entry(blog, actor=editor, body="Later", reporters=[newsroom["asha"]],
                                              post_at=at)) == set()
    # The pass that moves the story's Updated at the entry's instant purges what shows it (no time travel here:
    # the cached pages would expire by themselves; the pass is run as if the instant had come).
    assert change(lambda: services.follow_due_entries(at + timedelta(seconds=1))) == STREAM | SITEMAPS


def test_opening_a_blog_purges_where_its_story_is_shown_hard_and_nothing_else(change, newsroom):
    sports = newsroom["sports"]
    assert change(lambda: services.open_blog(sports, actor=newsroom["editor"])) == {
        "home", "sports", "sports_story", "reporter_b", "cricket", "site_rss", "sports_rss",
    }
    assert hard_purged_at(f"story:{sports.pk}") and hard_purged_at(f"live:{sports.pk}")


def test_opening_and_closing_a_blog_with_reporters_purges_its_story_only(change, newsroom):
    """The blog's staff users are a many-to-many relation of live's, which no cached page shows: setting them purges
    nothing (it once purged every page of the site), so opening and ending coverage purge where the story is shown."""
    sports, editor = newsroom["sports"], newsroom["editor"]
    reporter = member("Reporter", "reporter")
    shown = {"home", "sports", "sports_story", "reporter_b", "cricket", "site_rss", "sports_rss"}
    blog = None

    def open_it():
        nonlocal blog
        blog = services.open_blog(sports, actor=editor, reporters=[reporter, editor])

    assert change(open_it) == shown
    assert change(lambda: services.end_coverage(blog, actor=editor)) == shown
    assert change(lambda: blog.reporters.remove(reporter)) == set()


def test_ending_coverage_purges_the_badge_and_the_blogs_pages_hard(change, newsroom, client):
    story = newsroom["story"]
    ended = pagecache.purge_sequence()  # the number of the latest purge before coverage ends
    assert change(lambda: services.end_coverage(newsroom["blog"], actor=newsroom["editor"])) == BLOG_SHOWN_ON | STREAM
    assert hard_purged_at(f"story:{story.pk}") > ended and hard_purged_at(f"live:{story.pk}") > ended
    assert "Live coverage ended" in client.get(story.get_absolute_url()).content.decode()
    assert json.loads(client.get(newsroom["pages"]["updates_latest"]).content)["ended"] is True


# --- The head follows the latest entry ---------------------------------------------------------------------------

def test_the_pages_head_sitemaps_and_export_follow_a_new_entry_at_once(change, newsroom, client):
    """Cached with the head of the previous entry (backdated an hour): after a post, the next request shows the new
    instant in the NewsArticle and LiveBlogPosting JSON-LD, the Updated line, the sitemaps and the ninjs export."""
    story, pages = newsroom["story"], newsroom["pages"]
    entries = []
    change(lambda: entries.append(services.post_entry(newsroom["blog"], actor=newsroom["editor"], body="Leads in",
                                                      reporters=[newsroom["asha"]])))
    instant = machine_datetime(entries[0].posted_at)
    html = client.get(pages["blog"]).content.decode()
    assert json_ld(html, "NewsArticle")["dateModified"] == instant
    assert json_ld(html, "LiveBlogPosting")["dateModified"] == instant
    assert json_ld(html, "LiveBlogPosting")["liveBlogUpdate"][0]["datePublished"] == instant
    assert re.search(rf'class="story__updated"><time datetime="{re.escape(instant)}"', html)
    assert f'<meta property="article:modified_time" content="{instant}">' in html
    for sitemap in ("sitemap", "news_sitemap"):
        assert f"<lastmod>{instant}</lastmod>" in client.get(pages[sitemap]).content.decode(), sitemap
    assert client.get(pages["export"]).json()["versionCreated"] == instant
    assert story.pk  # the same story throughout


# --- Photos in entries ----------------------------------------------------------------------------------------------

def test_a_credit_change_reaches_the_blogs_pages_showing_its_photos(change, newsroom, client, admin_user):
    blog, editor, pages = newsroom["blog"], newsroom["editor"], newsroom["pages"]
    own = make_photo(credit="PTI", name="own.jpg", alt="Queues outside a booth")
    placed = make_photo(credit="AP", name="placed.jpg", alt="Counting hall")
    with_photos = []

    def post_with_photos():
        with_photos.append(services.post_entry(blog, actor=editor, reporters=[newsroom["asha"]], photo=own,
                                               body=f'<p>Scenes</p><figure data-photo="{placed.pk}"></figure>'))

    before = cursor_of(latest_stamp_of(newsroom))  # what an up-to-date open page polls
    change(post_with_photos)
    # (A cursor naming no stamp, like the new entry's stamp minus 1 µs, is redirected to this one: live.stream.stamps.)
    pages = {**pages, "updates_latest": f"{pages['blog']}live/?after={before}"}
    newsroom["pages"] = pages
    for credit, photo in (("AP", placed), ("PTI", own)):
        credit_row = photo.credit
        credit_row.name = f"{credit} Images"
        showing = {"blog", "updates", "updates_latest", "export"} | ({"live_rss", "live_atom"} if photo is placed else set())
        assert change(lambda credit_row=credit_row: photo_services.save_credit(credit_row, user=admin_user)) == showing
        page = client.get(pages["blog"]).content.decode()
        assert f"{credit} Images" in page
        answer = json.loads(client.get(pages["updates_latest"]).content)
        assert f"{credit} Images" in answer["entries"][0]["html"]
    assert "AP Images" in client.get(pages["live_rss"]).content.decode()


# --- ninjs -----------------------------------------------------------------------------------------------------------

def test_ninjs_entries_carry_the_exported_body_and_their_pictures(client, newsroom):
    from tests.integration.test_ninjs_conformance import _errors, ninjs_31_validator

    blog, editor, story = newsroom["blog"], newsroom["editor"], newsroom["story"]
    own = make_photo(credit="PTI", name="own.jpg", alt="Queues outside a booth", caption="Voters queue")
    placed = [make_photo(credit="AP", name=f"placed-{n}.jpg", alt=f"Hall {n}") for n in range(3)]
    entry = services.post_entry(
        blog, actor=editor, reporters=[newsroom["asha"]], photo=own,
        body=f'<p>Scenes</p><figure data-photo="{placed[0].pk}" data-size="inline"><figcaption>The hall</figcaption></figure>'
             f'<figure data-gallery="{placed[1].pk},{placed[2].pk}"><figcaption>Across the state</figcaption></figure>',
    )
    document = client.get(f"/story/{story.slug}.json").json()
    assert not _errors(ninjs_31_validator(), document)
    part = next(a for a in document["associations"] if a["uri"].endswith(f":live-entry:{entry.pk}"))
    body = part["bodies"][0]["value"]
    assert "data-photo" not in body and "data-gallery" not in body  # no stored references: standard HTML
    assert '<!-- EMBED START Image {id: "editor_0"} -->' in body and '<!-- EMBED START Gallery {id: "editor_1"} -->' in body
    pictures = {a["name"]: a for a in part["associations"]}
    assert list(pictures) == ["featureimage", "editor_0", "editor_1_1", "editor_1_2"]
    assert pictures["featureimage"]["copyrightHolder"] == "PTI"
    assert pictures["editor_0"]["uri"].endswith(f":photo:{placed[0].pk}")
    assert f'<img src="{pictures["editor_0"]["renditions"][0]["href"]}"' in body
    assert "<figcaption>The hall</figcaption>" in body
