"""RSS and Atom feeds: the page's instants with +05:30, every byline, only live stories, fixed queries."""
import calendar
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree
from lxml import html as lxml_html

from articles import services
from core.timefmt import machine_datetime
from photos.renditions import rendition_url
from tests.factories import change_story, make_photo, make_reporter, make_story, publish_story

PUBLISHED = datetime(2021, 3, 25, 2, 37, tzinfo=dt_timezone.utc)  # 08:07 IST
UPDATED = datetime(2021, 3, 25, 5, 50, 30, tzinfo=dt_timezone.utc)  # 11:20:30 IST
MEDIA_NS = "http://search.yahoo.com/mrss/"

FEED_URLS = [
    "/feeds/rss/", "/feeds/atom/",
    "/section/world/rss/", "/section/world/atom/",
    "/reporter/akanksha-arora/rss/", "/reporter/akanksha-arora/atom/",
    "/tag/diplomacy/rss/", "/tag/diplomacy/atom/",
]


@pytest.fixture
def story(db):
    hero = make_photo(credit="PTI", alt="Diplomats meeting", caption="Delegations at the talks", name="hero.jpg")
    article = make_story(
        headline="US & Turkey at odds over air defence purchase",
        standfirst="Top diplomats failed to close their differences.",
        reporters=[make_reporter("Akanksha Arora"), make_reporter("Rahul Mehta"), make_reporter("Bina Das")],
        tags=["Diplomacy", "Turkey"],
        hero=hero,
    )
    return services.publish(article, at=PUBLISHED, updated_at=UPDATED, actor=services.COMMAND)


@pytest.fixture
def hidden_stories(db):
    """A draft, a story in review, a scheduled one, an unpublished one and an expired one: never in a feed."""
    reporters = [make_reporter("Akanksha Arora")]
    made = [make_story(headline="Hidden draft", reporters=reporters, tags=["Diplomacy"])]
    review = make_story(headline="Hidden in review", reporters=reporters, tags=["Diplomacy"])
    made.append(services.submit_for_review(review, actor=services.COMMAND))
    made.append(publish_story(at=timezone.now() + timedelta(hours=3), headline="Hidden scheduled",
                              reporters=reporters, tags=["Diplomacy"]))
    made.append(services.unpublish(publish_story(headline="Hidden unpublished", reporters=reporters, tags=["Diplomacy"]), actor=services.COMMAND))
    expired = publish_story(at=timezone.now() - timedelta(days=2), headline="Hidden expired", reporters=reporters, tags=["Diplomacy"])
    change_story(expired, expires_at=timezone.now() - timedelta(hours=1))
    return made + [expired]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return response, parsed


def test_rss_dates_authors_and_picture(client, story):
    response, parsed = parse(client, "/feeds/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert parsed.version == "rss20"
    entry = parsed.entries[0]
    assert entry.title == "US & Turkey at odds over air defence purchase"
    assert entry.link == "http://testserver" + story.get_absolute_url()
    assert entry.id == f"urn:newsroom:testserver:article:{story.pk}"  # the key, not the slug (test_identifiers)
    # RFC 822 with the IST offset, the same instant as published_at.
    assert entry.published == "Thu, 25 Mar 2021 08:07:00 +0530"
    assert calendar.timegm(entry.published_parsed) == PUBLISHED.timestamp()
    assert [a["name"] for a in entry.authors] == ["Akanksha Arora", "Rahul Mehta", "Bina Das"]
    assert [t["term"] for t in entry.tags] == ["World", "Diplomacy", "Turkey"]
    assert entry.summary == "Top diplomats failed to close their differences."

    root = etree.fromstring(response.content)
    item = root.find("channel/item")
    assert [c.text for c in item.findall("{http://purl.org/dc/elements/1.1/}creator")] == [
        "Akanksha Arora", "Rahul Mehta", "Bina Das"
    ]
    assert item.find("author") is None  # no e-mail addresses: bylines are dc:creator
    media = item.find(f"{{{MEDIA_NS}}}content")
    assert media.get("url") == "http://testserver" + rendition_url(story.hero_photo, "16:9", 1200)
    assert media.get("medium") == "image"
    assert media.find(f"{{{MEDIA_NS}}}credit").text == "PTI"
    assert root.find("channel/lastBuildDate").text == "Thu, 25 Mar 2021 11:20:30 +0530"


def test_atom_dates_are_machine_datetimes_and_every_byline_is_an_author(client, story):
    response, parsed = parse(client, "/feeds/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert parsed.version == "atom10"
    entry = parsed.entries[0]
    assert entry.published == machine_datetime(story.published_at) == "2021-03-25T08:07:00+05:30"
    assert entry.updated == machine_datetime(story.updated_at) == "2021-03-25T11:20:30+05:30"
    assert calendar.timegm(entry.published_parsed) == PUBLISHED.timestamp()
    assert calendar.timegm(entry.updated_parsed) == UPDATED.timestamp()
    assert [(a["name"], a["href"]) for a in entry.authors] == [
        ("Akanksha Arora", "http://testserver/reporter/akanksha-arora/"),
        ("Rahul Mehta", "http://testserver/reporter/rahul-mehta/"),
        ("Bina Das", "http://testserver/reporter/bina-das/"),
    ]
    assert parsed.feed.updated == "2021-03-25T11:20:30+05:30"
    assert entry.media_content[0]["url"] == "http://testserver" + rendition_url(story.hero_photo, "16:9", 1200)
    assert [link["href"] for link in parsed.feed.links if link["rel"] == "self"] == ["http://testserver/feeds/atom/"]


def test_microseconds_are_dropped_like_on_the_page(client, db):
    instant = datetime(2024, 1, 2, 3, 4, 5, 678900, tzinfo=dt_timezone.utc)
    publish_story(at=instant, headline="Precise")
    _, atom = parse(client, "/feeds/atom/")
    assert atom.entries[0].published == "2024-01-02T08:34:05+05:30"
    _, rss = parse(client, "/feeds/rss/")
    assert rss.entries[0].published == "Tue, 02 Jan 2024 08:34:05 +0530"


@pytest.mark.parametrize("url", FEED_URLS)
def test_every_feed_lists_the_story_and_nothing_hidden(client, story, hidden_stories, url):
    _, parsed = parse(client, url)
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["US & Turkey at odds over air defence purchase"]


def test_scoped_feeds_hold_only_their_stories(client, story):
    other = publish_story(headline="Cricket final", section_slug="sports", reporters=[make_reporter("Rahul Mehta")],
                          tags=["Cricket"])
    assert [e.title for e in parse(client, "/section/sports/rss/")[1].entries] == ["Cricket final"]
    assert [e.title for e in parse(client, "/section/world/atom/")[1].entries] == [story.headline]
    assert [e.title for e in parse(client, "/reporter/rahul-mehta/rss/")[1].entries] == [other.headline, story.headline]
    assert [e.title for e in parse(client, "/reporter/bina-das/atom/")[1].entries] == [story.headline]
    assert [e.title for e in parse(client, "/tag/cricket/atom/")[1].entries] == ["Cricket final"]
    _, section_feed = parse(client, "/section/sports/atom/")
    assert section_feed.feed.title == "Sports — Newsroom"
    assert section_feed.feed.link == "http://testserver/section/sports/"


def test_unknown_scopes_are_404(client, db):
    for url in ("/section/nope/rss/", "/reporter/nobody/atom/", "/tag/nothing/rss/"):
        assert client.get(url).status_code == 404


def test_a_scheduled_story_enters_the_feed_at_its_instant(client, db):
    import time_machine

    at = datetime(2026, 12, 1, 4, 30, tzinfo=dt_timezone.utc)
    with time_machine.travel(at - timedelta(hours=1), tick=False):
        publish_story(at=at, headline="Budget session opens")
    with time_machine.travel(at - timedelta(seconds=1), tick=False):
        assert parse(client, "/feeds/rss/")[1].entries == []
    with time_machine.travel(at, tick=False):
        assert [e.title for e in parse(client, "/feeds/rss/")[1].entries] == ["Budget session opens"]


def test_feed_holds_the_30_newest(client, db):
    reporter = make_reporter("Akanksha Arora")
    base = timezone.now() - timedelta(days=1)
    for i in range(32):
        publish_story(at=base + timedelta(minutes=i), headline=f"Story {i}", reporters=[reporter])
    entries = parse(client, "/feeds/atom/")[1].entries
    assert len(entries) == 30
    assert entries[0].title == "Story 31" and entries[-1].title == "Story 2"


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", FEED_URLS)
def test_query_count_does_not_grow_with_stories(client, db, url, django_assert_max_num_queries):
    reporters = [make_reporter("Akanksha Arora"), make_reporter("Rahul Mehta")]
    hero = make_photo(name="hero.jpg")
    in_body = make_photo(name="body.jpg", credit="PTI")
    body = f'<p>One.</p><figure data-photo="{in_body.pk}"></figure>'
    publish_story(headline="Story 0", reporters=reporters, tags=["Diplomacy", "Turkey"], hero=hero, body=body)
    # 5, plus the pictures placed in the bodies (with credits) and their renditions.
    with django_assert_max_num_queries(7):
        one = _queries(client, url)
    for i in range(1, 10):
        photo = make_photo(name=f"body{i}.jpg", credit="AP")
        publish_story(headline=f"Story {i}", reporters=reporters, tags=["Diplomacy", f"T{i}"], hero=hero,
                      body=f'<p>One.</p><figure data-gallery="{in_body.pk},{photo.pk}"></figure>')
    with django_assert_max_num_queries(7):
        ten = _queries(client, url)
    assert one == ten
    assert len(parse(client, url)[1].entries) == 10


def alternates(source: str) -> list[tuple[str, str]]:
    tree = lxml_html.fromstring(source)
    return [
        (node.get("type"), node.get("href"))
        for node in tree.xpath("//head/link[@rel='alternate']")
        if node.get("type") in ("application/rss+xml", "application/atom+xml")
    ]


SITE_FEEDS = [
    ("application/rss+xml", "http://testserver/feeds/rss/"),
    ("application/atom+xml", "http://testserver/feeds/atom/"),
]


def scoped(prefix):
    return [
        ("application/rss+xml", f"http://testserver{prefix}rss/"),
        ("application/atom+xml", f"http://testserver{prefix}atom/"),
    ]


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/", SITE_FEEDS),
        ("/section/world/", scoped("/section/world/") + SITE_FEEDS),
        ("/reporter/rahul-mehta/", scoped("/reporter/rahul-mehta/") + SITE_FEEDS),
        ("/tag/turkey/", scoped("/tag/turkey/") + SITE_FEEDS),
        ("/story/us-turkey-at-odds-over-air-defence-purchase/", scoped("/section/world/") + SITE_FEEDS),
    ],
)
def test_autodiscovery_links_match_the_page(client, story, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    links = alternates(response.content.decode())
    assert links == expected
    for _, href in links:  # every advertised feed exists and parses
        parse(client, href.replace("http://testserver", ""))
