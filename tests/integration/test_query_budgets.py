"""Each public page costs a fixed number of SQL queries, whatever a story carries (uncached renders)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from tests.factories import make_photo, make_reporter, make_story

ARTICLE_BUDGET = 12  # 10, plus the body's photos (with credits) and their renditions


def count(client, path) -> int:
    client.get(path)  # warm what is cached across requests (navigation, ad slots)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def newsroom(size: int, prefix: str):
    """`size` stories, each with `size` bylines, tags and photos (one the hero, the rest inline), and a body placing
    `size` photos one by one, a gallery of them all and an embed."""
    reporters = [make_reporter(f"{prefix} Reporter {i}") for i in range(size)]
    photos = [make_photo(credit=["AP", "PTI", "Reuters"][i % 3], name=f"{prefix}{i}.jpg") for i in range(size)]
    body_photos = [make_photo(credit=["AP", "PTI", "self"][i % 3], name=f"{prefix}-body{i}.jpg") for i in range(size)]
    body = "".join(f'<p>Paragraph {i}.</p><figure data-photo="{p.pk}"></figure>' for i, p in enumerate(body_photos))
    body += f'<figure data-gallery="{",".join(str(p.pk) for p in body_photos)}"></figure>'
    body += '<figure data-embed="youtube" data-url="https://youtu.be/dQw4w9WgXcQ"></figure><p>End.</p>'
    stories = []
    for i in range(size):
        story = make_story(
            headline=f"{prefix} story {i}", reporters=reporters, tags=[f"{prefix}-tag-{t}" for t in range(size)],
            photos=photos[1:], hero=photos[0], section_slug="india", body=body,
        )
        stories.append(services.publish(story, actor=services.COMMAND))
    return stories, reporters


def pages(stories, reporters, prefix):
    return {
        "home": "/",
        "section": "/section/india/",
        "article": stories[0].get_absolute_url(),
        "reporter": reporters[0].get_absolute_url(),
        "tag": f"/tag/{prefix.lower()}-tag-0/",
        "rss": "/feeds/rss/",
        "sitemap": "/sitemap-articles.xml",
    }


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_bylines_tags_photos_or_stories(client):
    # Two stories at least, so related-story rails are not empty (an empty prefetch costs nothing).
    small_stories, small_reporters = newsroom(2, "Small")
    small = {name: count(client, path) for name, path in pages(small_stories, small_reporters, "Small").items()}
    big_stories, big_reporters = newsroom(6, "Big")
    big = {name: count(client, path) for name, path in pages(big_stories, big_reporters, "Big").items()}
    assert big == small, f"query counts grew: small={small} big={big}"
    assert small["article"] <= ARTICLE_BUDGET, small


@pytest.mark.django_db
def test_article_page_budget(client, django_assert_max_num_queries):
    stories, _ = newsroom(3, "Budget")
    client.get(stories[0].get_absolute_url())  # navigation and ad slots are cached across requests
    with django_assert_max_num_queries(ARTICLE_BUDGET):
        assert client.get(stories[0].get_absolute_url()).status_code == 200
