"""Sitemap index, sitemaps, the Google News sitemap and robots.txt."""
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from articles import services
from articles.models import Article, Byline, Section
from core.timefmt import machine_datetime
from distribution import sitemaps
from distribution.sitemaps import TagSitemap
from tests.factories import change_story, make_reporter, make_story, publish_story

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}
NOW = datetime(2026, 6, 10, 6, 30, tzinfo=dt_timezone.utc)  # 12:00 IST
SECTION_NAMES = ["articles", "news", "sections", "reporters", "tags"]


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def urlset(client, url) -> dict[str, etree._Element]:
    return {node.findtext("s:loc", namespaces=NS): node for node in xml(client, url).findall("s:url", NS)}


def lastmod(node):
    return node.findtext("s:lastmod", namespaces=NS)


@pytest.fixture
def newsroom(db):
    """Live stories in two sections, plus stories readers cannot see (whose dates must not leak)."""
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        arora, mehta, ghost = make_reporter("Akanksha Arora"), make_reporter("Rahul Mehta"), make_reporter("Only Drafts")
        old = publish_story(at=NOW - timedelta(days=3), headline="Old world story", reporters=[arora], tags=["Diplomacy"])
        sport = publish_story(at=NOW - timedelta(days=3, hours=-1), headline="Cricket final", section_slug="sports",
                              reporters=[mehta, arora], tags=["Cricket"])
    with time_machine.travel(NOW - timedelta(hours=5), tick=False):
        old.headline = "Old world story, updated"
        services.save_story(old, services.Related([arora], ["Diplomacy"], []), actor=services.COMMAND)
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        fresh = publish_story(headline="Fresh world story", reporters=[mehta], tags=["Diplomacy", "Turkey"])
        make_story(headline="A draft", reporters=[ghost], tags=["Secret"])
        publish_story(at=NOW + timedelta(hours=2), headline="Scheduled", reporters=[arora, ghost], tags=["Embargo", "Diplomacy"])
    return {
        "old": Article.objects.get(pk=old.pk), "sport": Article.objects.get(pk=sport.pk),
        "fresh": Article.objects.get(pk=fresh.pk),
    }


@time_machine.travel(NOW, tick=False)
def test_index_lists_every_sitemap_with_ist_lastmod(client, newsroom):
    root = xml(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    entries = {n.findtext("s:loc", namespaces=NS): lastmod(n) for n in root.findall("s:sitemap", NS)}
    assert list(entries) == [f"http://testserver/sitemap-{name}.xml" for name in SECTION_NAMES]
    newest = machine_datetime(newsroom["fresh"].updated_at)
    assert newest.endswith("+05:30")
    assert entries == {url: newest for url in entries}  # every sitemap's newest change is the fresh story


@time_machine.travel(NOW, tick=False)
def test_articles_sitemap_has_live_stories_with_updated_as_lastmod(client, newsroom):
    urls = urlset(client, "/sitemap-articles.xml")
    assert set(urls) == {a.public_url for a in newsroom.values()}
    for article in newsroom.values():
        assert lastmod(urls[article.public_url]) == machine_datetime(article.updated_at)
    old = newsroom["old"]
    assert old.updated_at == NOW - timedelta(hours=5)
    assert lastmod(urls[old.public_url]) == "2026-06-10T07:00:00+05:30"
    assert all(lastmod(node).endswith("+05:30") for node in urls.values())


@time_machine.travel(NOW, tick=False)
def test_listing_sitemaps_use_their_newest_live_story(client, newsroom):
    fresh, old, sport = newsroom["fresh"], newsroom["old"], newsroom["sport"]
    sections = urlset(client, "/sitemap-sections.xml")
    assert {url: lastmod(n) for url, n in sections.items()} == {
        "http://testserver/section/world/": machine_datetime(fresh.updated_at),
        "http://testserver/section/sports/": machine_datetime(sport.updated_at),
    }  # sections without live stories are left out
    reporters = urlset(client, "/sitemap-reporters.xml")
    assert {url: lastmod(n) for url, n in reporters.items()} == {
        "http://testserver/reporter/akanksha-arora/": machine_datetime(old.updated_at),  # not the scheduled one
        "http://testserver/reporter/rahul-mehta/": machine_datetime(fresh.updated_at),
    }  # "Only Drafts" has no live story
    tags = urlset(client, "/sitemap-tags.xml")
    assert {url: lastmod(n) for url, n in tags.items()} == {
        "http://testserver/tag/diplomacy/": machine_datetime(fresh.updated_at),
        "http://testserver/tag/turkey/": machine_datetime(fresh.updated_at),
        "http://testserver/tag/cricket/": machine_datetime(sport.updated_at),
    }  # "Secret" and "Embargo" are only on hidden stories


@time_machine.travel(NOW, tick=False)
def test_hidden_stories_never_appear(client, newsroom):
    change_story(newsroom["sport"], expires_at=NOW - timedelta(minutes=1))
    services.unpublish(newsroom["old"], actor=services.COMMAND)
    everything = b"".join(client.get(u).content for u in ["/sitemap-articles.xml", "/sitemap-news.xml"])
    assert b"scheduled" not in everything and b"a-draft" not in everything
    assert b"old-world-story" not in everything and b"cricket-final" not in everything
    assert set(urlset(client, "/sitemap-articles.xml")) == {newsroom["fresh"].public_url}
    assert set(urlset(client, "/sitemap-sections.xml")) == {"http://testserver/section/world/"}


def test_news_sitemap_window_is_two_days_of_first_publication(client, db):
    reporter = make_reporter("Akanksha Arora")
    with time_machine.travel(NOW - timedelta(hours=49), tick=False):
        out = publish_story(headline="Forty-nine hours ago", reporters=[reporter])
    with time_machine.travel(NOW - timedelta(hours=47), tick=False):
        kept = publish_story(headline="Forty-seven hours ago", reporters=[reporter])
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        out.headline = "Forty-nine hours ago, updated an hour ago"  # an update does not bring it back
        services.save_story(out, services.Related([reporter], [], []), actor=services.COMMAND)
    with time_machine.travel(NOW, tick=False):
        urls = urlset(client, "/sitemap-news.xml")
    assert list(urls) == [kept.public_url]
    news = urls[kept.public_url].find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsroom"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Forty-seven hours ago"
    assert news.findtext("news:publication_date", namespaces=NS) == "2026-06-08T13:00:00+05:30"
    assert news.findtext("news:publication_date", namespaces=NS) == machine_datetime(kept.published_at)
    # Two hours later the kept story has left the window too.
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        assert urlset(client, "/sitemap-news.xml") == {}


def test_news_language_is_the_story_language(client, db):
    story = publish_story(headline="हिंदी समाचार")
    change_story(story, language="hi-IN")
    news = list(urlset(client, "/sitemap-news.xml").values())[0].find("news:news", NS)
    assert news.findtext("news:publication/news:language", namespaces=NS) == "hi"
    assert news.findtext("news:title", namespaces=NS) == "हिंदी समाचार"


def _bulk_live_stories(count, published_at, reporter):
    world = Section.objects.get(slug="world")
    services.create_generated_stories(
        [Article(headline=f"Bulk {i}", slug=f"bulk-{i}", section=world, status=Article.Status.PUBLISHED,
                 published_at=published_at - timedelta(seconds=i), updated_at=published_at - timedelta(seconds=i))
         for i in range(count)],
        lambda articles: (Byline(article=a, reporter=reporter, position=0) for a in articles),
        actor=services.COMMAND,
    )


@time_machine.travel(NOW, tick=False)
def test_news_sitemap_pages_hold_at_most_1000_and_the_index_lists_each(client, db):
    _bulk_live_stories(1001, NOW - timedelta(hours=1), make_reporter("Akanksha Arora"))
    index = [n.findtext("s:loc", namespaces=NS) for n in xml(client, "/sitemap.xml").findall("s:sitemap", NS)]
    assert "http://testserver/sitemap-news.xml" in index
    assert "http://testserver/sitemap-news.xml?p=2" in index
    assert "http://testserver/sitemap-news.xml?p=3" not in index
    first, second = urlset(client, "/sitemap-news.xml"), urlset(client, "/sitemap-news.xml?p=2")
    assert len(first) == 1000 and len(second) == 1
    assert list(second) == ["http://testserver/story/bulk-1000/"]  # newest first, the oldest spills over
    assert client.get("/sitemap-news.xml?p=3").status_code == 404
    assert client.get("/sitemap-news.xml?p=x").status_code == 404


def test_unknown_sitemap_is_404(client, db):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/sitemap.xml"] + [f"/sitemap-{name}.xml" for name in SECTION_NAMES])
def test_query_count_does_not_grow_with_stories(client, db, url, django_assert_max_num_queries):
    """Neither more stories nor more sections, reporters and tags to list add a query (the index: 12 for five
    sitemaps; each sitemap: at most 4). A subquery per object is one query too, so
    `test_listing_sitemaps_read_the_newest_stories_then_the_rest` checks the SQL."""
    reporters = [make_reporter("Akanksha Arora"), make_reporter("Rahul Mehta")]
    publish_story(headline="Story 0", reporters=reporters, tags=["Diplomacy"])
    with django_assert_max_num_queries(12):
        one = _queries(client, url)
    for i in range(1, 10):
        publish_story(headline=f"Story {i}", reporters=[make_reporter(f"Reporter {i}"), reporters[i % 2]],
                      tags=[f"Tag {i}", f"Other {i}", "Diplomacy"], section_slug=["world", "india", "sports"][i % 3])
    _bulk_live_stories(50, timezone.now() - timedelta(hours=1), reporters[0])
    with django_assert_max_num_queries(12):
        ten = _queries(client, url)
    assert one == ten


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("name", ["sections", "reporters", "tags"])
def test_listing_sitemaps_read_the_newest_stories_then_the_rest(client, newsroom, name, monkeypatch):
    """The WALK newest live stories give the objects they link to their lastmod; the others come from a GROUP BY
    over their own stories (or of all, when many were missed). Whatever WALK is, the sitemap is the same, in at most four queries with no subquery
    (a subquery per object read and sorted each object's stories: 2.2 s for 300 tags at 100,000 stories)."""
    client.cookies["sessionid"] = "not-cached"  # any session cookie makes the page cache step aside
    url = f"/sitemap-{name}.xml"
    whole = client.get(url).content
    assert b"<url>" in whole
    for walk, listed in [(1, 500), (2, 500), (3, 500), (1, 0)]:  # the last: the missed objects not looked up by id
        monkeypatch.setattr(sitemaps, "WALK", walk)
        monkeypatch.setattr(sitemaps, "UNREACHED_LISTED", listed)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).content == whole
        sqls = [q["sql"] for q in captured.captured_queries]
        assert 3 <= len(sqls) <= 4 and all(sql.count("SELECT") == 1 for sql in sqls)
        assert any(sql.endswith(f"LIMIT {walk}") for sql in sqls)  # the walk
        assert sum("GROUP BY" in sql for sql in sqls) == 1  # the objects it did not reach
    with CaptureQueriesContext(connection) as index:
        assert client.get("/sitemap.xml").status_code == 200
    assert index.captured_queries
    assert not any("GROUP BY" in q["sql"] or "MAX(" in q["sql"] for q in index.captured_queries)


@time_machine.travel(NOW, tick=False)
def test_index_pages_listing_sitemaps_by_the_objects_with_live_stories(client, newsroom, monkeypatch):
    """While there are no more tags than fit a page the index lists one page without counting; past that it counts
    only the tags with live stories (5 tags exist, 3 have live stories: two pages of 2, not three)."""
    monkeypatch.setattr(TagSitemap, "limit", 2)
    index = [n.findtext("s:loc", namespaces=NS) for n in xml(client, "/sitemap.xml").findall("s:sitemap", NS)]
    assert [url for url in index if "tags" in url] == [
        "http://testserver/sitemap-tags.xml", "http://testserver/sitemap-tags.xml?p=2"
    ]
    assert len(urlset(client, "/sitemap-tags.xml")) == 2 and len(urlset(client, "/sitemap-tags.xml?p=2")) == 1
    monkeypatch.setattr(TagSitemap, "limit", 5)
    index = [n.findtext("s:loc", namespaces=NS) for n in xml(client, "/sitemap.xml").findall("s:sitemap", NS)]
    assert [url for url in index if "tags" in url] == ["http://testserver/sitemap-tags.xml"]


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /preview/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    for line in lines:
        if line.startswith("Sitemap:"):
            assert client.get(line.split(" ", 1)[1].replace("http://testserver", "")).status_code == 200
