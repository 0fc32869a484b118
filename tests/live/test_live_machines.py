"""What machines get of a live blog: LiveBlogPosting JSON-LD, entry feeds, ninjs associations, sitemap lastmod."""
from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.utils import timezone

from core.timefmt import machine_datetime
from live import services
from tests.factories import make_reporter
from tests.integration.test_ninjs_conformance import _errors, ninjs_31_validator
from tests.live.support import json_ld, live_story, post

pytestmark = pytest.mark.django_db


def test_live_blog_posting_json_ld(client):
    start = timezone.now() - timedelta(hours=3)
    article, blog, editor = live_story(start=start)
    first = post(blog, editor, "Polls open", headline="Polling begins", reporters=[make_reporter("Asha Rao")])
    second = post(blog, editor, "Turnout <b>high</b>")
    data = json_ld(client.get(article.get_absolute_url()).content.decode(), "LiveBlogPosting")
    assert data["coverageStartTime"] == machine_datetime(start) and data["coverageStartTime"].endswith("+05:30")
    assert "coverageEndTime" not in data
    updates = data["liveBlogUpdate"]
    assert [u["@type"] for u in updates] == ["BlogPosting", "BlogPosting"]
    assert updates[0]["articleBody"] == "Turnout high" and updates[1]["headline"] == "Polling begins"
    assert updates[1]["datePublished"] == machine_datetime(first.posted_at)
    assert updates[1]["author"][0]["name"] == "Asha Rao"
    assert updates[0]["@id"].endswith(f"#entry-{second.pk}")

    services.end_coverage(blog, actor=editor)
    blog.refresh_from_db()
    ended = json_ld(client.get(article.get_absolute_url()).content.decode(), "LiveBlogPosting")
    assert ended["coverageEndTime"] == machine_datetime(blog.coverage_end)


def test_rss_and_atom_feeds_of_the_entries(client):
    article, blog, editor = live_story()
    entry = post(blog, editor, "First result declared", headline="Result", reporters=[make_reporter("Asha Rao")])
    post(blog, editor, "Later", post_at=timezone.now() + timedelta(hours=1))  # scheduled: not in the feeds
    rss = client.get(f"{article.get_absolute_url()}live/rss/")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    assert "+0530</pubDate>" in rss.content.decode()
    parsed = feedparser.parse(rss.content)
    assert [e.title for e in parsed.entries] == ["Result"]
    assert parsed.entries[0].id.endswith(f":live-entry:{entry.pk}")
    assert parsed.entries[0].link.endswith(f"/live/entry/{entry.pk}/")
    atom = client.get(f"{article.get_absolute_url()}live/atom/").content.decode()
    assert f"<published>{machine_datetime(entry.posted_at)}</published>" in atom
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{article.get_absolute_url()}live/rss/"' in html
    head = html.split("</head>")[0]
    assert f'title="Live updates (RSS)" href="{article.get_absolute_url()}live/rss/"' in head
    assert f'title="Live updates (Atom)" href="{article.get_absolute_url()}live/atom/"' in head


def test_entries_travel_in_the_ninjs_export_and_validate(client):
    article, blog, editor = live_story()
    first = post(blog, editor, "One", headline="First")
    post(blog, editor, "Two")
    document = client.get(f"/story/{article.slug}.json").json()
    parts = [a for a in document["associations"] if a["name"].startswith("liveentry")]
    assert [p["name"] for p in parts] == ["liveentry1", "liveentry2"]
    assert parts[0]["headlines"][0]["value"] == "First" and parts[0]["bodies"][0]["value"] == "<p>One</p>"
    assert parts[0]["firstCreated"] == machine_datetime(first.posted_at)
    assert not _errors(ninjs_31_validator(), document)


def test_sitemaps_lastmod_follows_the_latest_entry_even_a_scheduled_one(client):
    article, blog, editor = live_story()
    entry = post(blog, editor, "Now")
    sitemap = client.get("/sitemap-articles.xml").content.decode()
    assert f"<lastmod>{machine_datetime(entry.posted_at)}</lastmod>" in sitemap
    news = client.get("/sitemap-news.xml").content.decode()
    assert f"<lastmod>{machine_datetime(entry.posted_at)}</lastmod>" in news
    at = timezone.now() + timedelta(minutes=5)
    post(blog, editor, "Later", post_at=at)
    assert machine_datetime(at) not in client.get("/sitemap-articles.xml").content.decode()
    assert machine_datetime(at) not in client.get("/sitemap.xml").content.decode()
    with time_machine.travel(at + timedelta(seconds=2)):
        assert f"<lastmod>{machine_datetime(at)}</lastmod>" in client.get("/sitemap-articles.xml").content.decode()
        index = client.get("/sitemap.xml").content.decode()  # the index's lastmod for the stories follows it too
        assert f"<loc>http://testserver/sitemap-articles.xml</loc><lastmod>{machine_datetime(at)}</lastmod>" in index
