"""No query parameter or path number a reader (or a crawler, or an attacker) sends makes a public page answer 500
(issue 26): every `request.GET` read by a public view, and the numbers in public paths, with hostile values."""
import pytest
from django.test import Client

from ads.models import AdSlot
from tests.factories import publish_story
from tests.live.support import live_story, post

JUNK = [
    "", "0", "-1", "abc", "1e9", "1.5", "0x10", " 12", "١٢", "²", "9" * 19, "9" * 25, "1" * 5000, "%00", "\x00",
    "a\x00b", "'; DROP TABLE articles_article; --", "<script>alert(1)</script>", "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
    "253402300800000000", str(2 ** 63), str(-(2 ** 63) - 1),
]


@pytest.fixture
def public_urls(db):
    story = publish_story(headline="Rains lash Mumbai")
    article, blog, editor = live_story()
    entry = post(blog, editor, "First")
    slot = AdSlot.objects.first()
    return {
        "/": ["page"],
        f"/section/{story.section.slug}/": ["page"],
        f"/tag/{'elections'}/": ["page"],
        story.get_absolute_url(): ["page"],
        article.get_absolute_url(): ["page"],
        f"{article.get_absolute_url()}live/": ["after"],
        f"{article.get_absolute_url()}live/entry/{entry.pk}/": [],
        "/search/": ["q", "page"],
        "/sitemap-articles.xml": ["p"],
        "/sitemap.xml": ["p"],
        "/feeds/rss/": [],
        f"/ads/serve/{slot.key if slot else 'sidebar'}/": ["section"],
        "/ads/creative/1/frame/": ["click"],
    }


def test_hostile_query_parameters_never_answer_500(public_urls):
    client = Client(raise_request_exception=False)
    failures = []
    for url, names in public_urls.items():
        for name in names:
            for value in JUNK:
                response = client.get(url, {name: value})
                if response.status_code >= 500:
                    failures.append((url, name, value[:40], response.status_code))
    assert failures == []


@pytest.mark.parametrize("number", ["0", "9" * 19, "9" * 25, str(2 ** 63)])
def test_hostile_numbers_in_public_paths_never_answer_500(public_urls, number):
    client = Client(raise_request_exception=False)
    article_url = next(url for url in public_urls if url.endswith("/live/")).removesuffix("live/")
    for url in (f"{article_url}live/entry/{number}/", f"/ads/creative/{number}/frame/", f"/preview/{number}/",
                f"/ads/click/{number}/", f"/ads/impression/{number}/"):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
