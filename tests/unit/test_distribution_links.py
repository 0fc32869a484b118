"""Absolute URLs and the Google News language code."""
import pytest

from distribution import links
from distribution.templatetags.distribution import news_language


def test_absolute_builds_on_site_url(settings):
    settings.SITE_URL = "https://news.example.in"
    assert links.absolute("/story/a/") == "https://news.example.in/story/a/"
    assert links.absolute("media/a.jpg") == "https://news.example.in/media/a.jpg"
    assert links.absolute("https://cdn.example.net/a.jpg") == "https://cdn.example.net/a.jpg"
    assert links.absolute("//cdn.example.net/a.jpg") == "https://cdn.example.net/a.jpg"


def test_feed_urls(settings):
    settings.SITE_URL = "https://news.example.in"
    assert links.feed_url("rss") == "https://news.example.in/feeds/rss/"
    assert links.feed_url("atom", "section", "world") == "https://news.example.in/section/world/atom/"
    assert links.feed_url("rss", "reporter", "bina-das") == "https://news.example.in/reporter/bina-das/rss/"
    assert links.feed_url("atom", "tag", "turkey") == "https://news.example.in/tag/turkey/atom/"


@pytest.mark.parametrize(
    "code, expected",
    [("en", "en"), ("EN-gb", "en"), ("hi_IN", "hi"), ("", "en"), (None, "en"), ("zh-TW", "zh-tw"), ("zh-Hans", "zh-cn")],
)
def test_news_language(code, expected):
    assert news_language(code) == expected
