"""Pictures placed in a story body reach JSON-LD `image`, RSS `media:content`, sharing tags and search thumbnails."""
import re

import pytest
from lxml import etree

from photos.renditions import picture, rendition_url
from tests.factories import make_photo, publish_story
from tests.functional.test_search import search
from tests.functional.test_structured_data import absolute, json_ld, meta, page

MEDIA_NS = "http://search.yahoo.com/mrss/"


@pytest.fixture
def pictures(db):
    return {
        "hero": make_photo(credit="PTI", caption="The hero", name="hero.jpg"),
        "placed": make_photo(credit="AP", caption="Placed alone", alt="Boats", name="placed.jpg"),
        "gallery": make_photo(credit="Reuters", caption="In the gallery", name="gallery.jpg"),
    }


def body(pictures):
    return (f'<p>Monsoon floods.</p><figure data-photo="{pictures["placed"].pk}"></figure>'
            f'<figure data-gallery="{pictures["gallery"].pk},{pictures["placed"].pk}"></figure>')


def test_json_ld_lists_the_hero_then_the_body_pictures(client, pictures):
    story = publish_story(headline="Floods", hero=pictures["hero"], body=body(pictures))
    data = json_ld(page(client, story))
    hero = [absolute(rendition_url(pictures["hero"], ratio, 1200)) for ratio in ("16:9", "4:3", "1:1")]
    assert data["image"] == hero + [
        absolute(rendition_url(pictures["placed"], "original", 1200)),
        absolute(rendition_url(pictures["gallery"], "original", 1200)),
    ]


def test_without_a_hero_the_first_body_picture_stands_for_the_story(client, pictures):
    story = publish_story(headline="Floods without a hero", body=body(pictures))
    source = page(client, story)
    assert json_ld(source)["image"][0] == absolute(rendition_url(pictures["placed"], "original", 1200))
    tags = dict(meta(source))
    assert tags["og:image"] == absolute(rendition_url(pictures["placed"], "16:9", 1200))
    assert tags["og:image:alt"] == "Boats"


def test_rss_has_a_media_content_per_picture_with_its_credit(client, pictures):
    publish_story(headline="Floods", hero=pictures["hero"], body=body(pictures))
    root = etree.fromstring(client.get("/feeds/rss/").content)
    media = root.find("channel/item").findall(f"{{{MEDIA_NS}}}content")
    assert [(m.get("url"), m.find(f"{{{MEDIA_NS}}}credit").text) for m in media] == [
        (absolute(rendition_url(pictures["hero"], "16:9", 1200)), "PTI"),
        (absolute(rendition_url(pictures["placed"], "original", 1200)), "AP"),
        (absolute(rendition_url(pictures["gallery"], "original", 1200)), "Reuters"),
    ]


def test_search_results_show_the_hero_else_the_first_body_picture(client, pictures, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish_story(headline="Cyclone with a hero", hero=pictures["hero"], body=body(pictures))
        publish_story(headline="Cyclone in pictures", body=body(pictures))
        publish_story(headline="Cyclone in words", body="<p>No pictures.</p>")
    html = search(client, "cyclone").content.decode()
    hits = dict(
        (re.sub(r"</?mark>", "", headline), card)
        for card in re.findall(r'<li class="card search-hit">(.*?)</li>', html, re.S)
        for headline in re.findall(r'<h2 class="card__headline"><a [^>]+>(.*?)</a>', card)
    )
    def thumbnail(card):
        return re.search(r'<img src="([^"]+)"', card).group(1)

    assert thumbnail(hits["Cyclone with a hero"]) == picture(pictures["hero"], "16:9").src
    assert thumbnail(hits["Cyclone in pictures"]) == picture(pictures["placed"], "16:9").src
    assert "<img" not in hits["Cyclone in words"]
