"""NewsArticle JSON-LD, OpenGraph and the Twitter card agree with what the page shows."""
import json
import re
from datetime import datetime
from datetime import timezone as dt_timezone
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from lxml import html as lxml_html
from PIL import Image

from articles import services
from articles.models import Article
from distribution.structured_data import ld_json_text, news_article, sharing_meta
from photos.renditions import rendition_url
from tests.factories import make_photo, make_reporter, make_story

PUBLISHED = datetime(2021, 3, 25, 2, 37, tzinfo=dt_timezone.utc)  # 08:07 IST
UPDATED = datetime(2021, 3, 26, 13, 5, 9, tzinfo=dt_timezone.utc)  # 18:35:09 IST
REPORTERS = ["Akanksha Arora", "Rahul Mehta", "Bina Das"]


@pytest.fixture
def story(db):
    hero = make_photo(credit="self", alt="Diplomats meeting", caption="Delegations at the talks", name="hero.jpg")
    article = make_story(
        headline="US and Turkey at odds over air defence purchase",
        standfirst="Top diplomats failed to close their differences on Wednesday.",
        reporters=[make_reporter(name) for name in REPORTERS],
        tags=["Diplomacy", "Turkey"],
        hero=hero,
    )
    return services.publish(article, at=PUBLISHED, updated_at=UPDATED, actor=services.COMMAND)


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def json_ld(source: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', source, flags=re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def meta(source: str) -> list[tuple[str, str]]:
    tree = lxml_html.fromstring(source)
    return [
        (node.get("property") or node.get("name"), node.get("content"))
        for node in tree.xpath("//head/meta[@property or @name]")
    ]


def visible_times(source: str) -> dict[str, str]:
    """{'Updated': datetime attribute, 'Published': ...} from the page's <time> elements."""
    return {
        label: instant
        for instant, label in re.findall(r'<time datetime="([^"]+)">(Updated|Published) [^<]+</time>', source)
    }


def absolute(url):
    return "http://testserver" + url


def test_json_ld_dates_are_the_pages_time_values(client, story):
    source = page(client, story)
    data = json_ld(source)
    times = visible_times(source)
    assert data["datePublished"] == times["Published"] == "2021-03-25T08:07:00+05:30"
    assert data["dateModified"] == times["Updated"] == "2021-03-26T18:35:09+05:30"
    assert dict(meta(source))["article:published_time"] == times["Published"]
    assert dict(meta(source))["article:modified_time"] == times["Updated"]


def test_json_ld_news_article(client, story):
    source = page(client, story)
    data = json_ld(source)
    canonical = lxml_html.fromstring(source).xpath("//link[@rel='canonical']/@href")[0]
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "US and Turkey at odds over air defence purchase"
    assert data["description"] == "Top diplomats failed to close their differences on Wednesday."
    assert data["mainEntityOfPage"] == canonical == absolute(story.get_absolute_url())
    assert data["image"] == [absolute(rendition_url(story.hero_photo, ratio, 1200)) for ratio in ("16:9", "4:3", "1:1")]
    assert data["author"] == [
        {"@type": "Person", "name": name, "url": absolute(f"/reporter/{name.lower().replace(' ', '-')}/")}
        for name in REPORTERS
    ]
    assert data["articleSection"] == "World"
    assert data["keywords"] == ["Diplomacy", "Turkey"]
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == settings.SITE_NAME
    assert publisher["logo"]["url"] == absolute(settings.STATIC_URL + "img/logo.png")


def test_publisher_logo_ships_as_a_600_by_60_png():
    path = finders.find("img/logo.png")
    assert path, "static/img/logo.png is missing"
    with Image.open(Path(path)) as logo:
        assert logo.format == "PNG" and logo.size == (600, 60)


def test_open_graph_and_twitter_card(client, story):
    tags = meta(page(client, story))
    first = dict(tags)
    image = absolute(rendition_url(story.hero_photo, "16:9", 1200))
    assert first["og:type"] == "article"
    assert first["og:title"] == story.headline
    assert first["og:description"] == story.standfirst
    assert first["og:url"] == absolute(story.get_absolute_url())
    assert first["og:image"] == image
    assert first["og:image:alt"] == "Diplomats meeting"
    assert first["og:site_name"] == "Newsroom"
    assert first["article:section"] == "World"
    assert [c for n, c in tags if n == "article:tag"] == ["Diplomacy", "Turkey"]
    assert [c for n, c in tags if n == "article:author"] == [
        absolute(f"/reporter/{name.lower().replace(' ', '-')}/") for name in REPORTERS
    ]
    assert first["twitter:card"] == "summary_large_image"
    assert first["twitter:title"] == story.headline
    assert first["twitter:image"] == image


def test_story_without_picture_or_standfirst(client, db):
    article = services.publish(make_story(headline="Short item", reporters=[make_reporter("Bina Das")]), actor=services.COMMAND)
    source = page(client, article)
    data = json_ld(source)
    assert "image" not in data and "description" not in data and "keywords" not in data
    names = [name for name, _ in meta(source)]
    assert "og:image" not in names and "og:description" not in names
    assert "twitter:card" in names


def test_json_ld_cannot_break_out_of_its_script(client, db):
    headline = 'Breaking </script><script>alert("x")</script> & <b>more</b>'
    article = services.publish(make_story(headline=headline, standfirst="A <!-- b --> & c"), actor=services.COMMAND)
    source = page(client, article)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', source, flags=re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert "\\u003C/script\\u003E" in block
    data = json_ld(source)
    assert data["headline"] == headline and data["description"] == "A <!-- b --> & c"
    assert ld_json_text({"a": "<&>"}) == '{"a": "\\u003C\\u0026\\u003E"}'


def test_built_from_the_loaded_page_with_no_queries(story, django_assert_num_queries):
    article = Article.objects.live().for_page().get(pk=story.pk)
    bylines = article.ordered_reporters()
    with django_assert_num_queries(0):
        data = news_article(article, bylines)
        tags = sharing_meta(article, bylines)
    assert [a["name"] for a in data["author"]] == REPORTERS
    assert ("property", "article:tag", "Turkey") in tags


def test_preview_of_a_draft_renders_without_dates(admin_client, db):
    draft = make_story(headline="Not yet", reporters=[make_reporter("Bina Das")])
    response = admin_client.get(f"/preview/{draft.pk}/")
    assert response.status_code == 200
    data = json_ld(response.content.decode())
    assert data["headline"] == "Not yet"
    assert "datePublished" not in data and "dateModified" not in data
