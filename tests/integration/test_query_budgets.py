"""Each public page costs a fixed number of SQL queries, whatever a story carries.

Cold: the page cache off, nothing kept (ARTICLE_BUDGET). Warm: a server whose page cache missed because something
on the page changed, re-rendering only that (WARM_ARTICLE_BUDGET): the story's own six queries (the story and its
five prefetches) and the next scheduled instant, when the story itself changed; the rails' three queries and that
instant when another story went live; none when nothing changed (a staff reader, say)."""
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from tests.factories import make_photo, make_reporter, make_story
from tests.processes import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from story_form import story_form  # noqa: E402  (bench/story_form.py: the form bench/editor.py posts too)

# The story and its five prefetches (bylines, the body's photos, tags, inline photos, the renditions of the hero and
# the body's photos), then both rails in one query with the cards' two prefetches (bylines, heroes' renditions):
# the related stories are kept when stories change (articles.related), not ranked here.
ARTICLE_BUDGET = 9


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


# --- A warm server: the page cache missed because something on the page changed ------------------------------

WARM_ARTICLE_BUDGET = 7


def count_uncached(client, path) -> int:
    """Queries of one render of `path`, the page cache missing (its own entry dropped), fragments as they are."""
    from django.core.cache import cache

    from core import pagecache

    cache.delete(pagecache.page_key(path, []))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200 and response["X-Page-Cache"] == "miss", path
    return len(queries)


def warm_counts(client, stories, prefix, django_capture_on_commit_callbacks) -> dict:
    path = stories[0].get_absolute_url()
    client.get(path)
    counts = {"nothing changed": count_uncached(client, path)}
    with django_capture_on_commit_callbacks(execute=True):  # another story goes live: the rails change
        services.publish(make_story(headline=f"{prefix} breaking", section_slug="india"), actor=services.COMMAND)
    counts["another story published"] = count_uncached(client, path)
    story = stories[0]
    with django_capture_on_commit_callbacks(execute=True):  # the story itself is corrected
        story.headline = f"{prefix} story 0, corrected"
        services.save_story(story, services.Related(story.ordered_reporters(), list(story.tags.names()), [
            use.photo for use in story.inline_photos.all()]), actor=services.COMMAND)
    counts["the story edited"] = count_uncached(client, path)
    return counts


@pytest.mark.django_db
def test_warm_article_page_budget_is_constant_in_bylines_tags_and_photos(client, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 300
    small_stories, _ = newsroom(2, "Small")
    small = warm_counts(client, small_stories, "Small", django_capture_on_commit_callbacks)
    big_stories, _ = newsroom(6, "Big")
    big = warm_counts(client, big_stories, "Big", django_capture_on_commit_callbacks)
    assert big == small, f"query counts grew: small={small} big={big}"
    assert max(small.values()) <= WARM_ARTICLE_BUDGET, small
    assert small["nothing changed"] == 0, small


# --- The editor's Save (issue 20): what creating and publishing a story, or correcting a headline, costs -------------
#
# A generated newsroom like the bench's (generate_newsroom: 60 reporters, 300 tags, related lists filled), smaller:
# NEWSROOM_STORIES rather than 1,000, so the suite builds it in seconds. What the save costs is bounded by the
# related-list windows (related.CANDIDATES and HOLDERS, 60 each), which this size already fills, not by the archive.
# The counts include the work done once the change commits (purges, search index, related lists), which still runs
# in the editor's request; `make bench` measures the same on the 1,000-story newsroom (bench/editor.py).
NEWSROOM_STORIES = 400
CREATE_AND_PUBLISH_BUDGET = 75  # measured 73 on SQLite, 75 on PostgreSQL (the target of issue 20 is 45: not met yet); bench newsroom before issue 20: 156, about 88 of them related lists in the transaction
HEADLINE_EDIT_BUDGET = 47  # measured 47 (the target of issue 20 is 20: not met yet); bench newsroom before issue 20: 79, every byline and tag deleted and inserted again


@pytest.fixture
def generated_newsroom(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("generate_newsroom", stories=NEWSROOM_STORIES, reporters=60, tags=300, stdout=StringIO(), stderr=StringIO())


def saved(admin_client, path, data, django_capture_on_commit_callbacks) -> list[str]:
    """The SQL of one admin Save, with what runs once it commits."""
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
def test_create_and_publish_through_the_admin_stays_within_its_budget(admin_client, generated_newsroom,
                                                                     django_capture_on_commit_callbacks):
    from articles.models import Article, RelatedList, RelatedStory

    queries = saved(admin_client, "/admin/articles/article/add/", story_form(section_slug="india", headline="Budget story", slug="budget-story"),
                    django_capture_on_commit_callbacks)
    story = Article.objects.get(slug="budget-story")
    assert story.state() == "published" and sorted(story.tags.names()) == ["topic-001", "topic-002"]
    assert RelatedStory.objects.filter(story=story).count() == 8  # its list, and its neighbours', were computed
    assert RelatedStory.objects.filter(related=story).exists()
    assert RelatedList.objects.filter(story=story).count() == 1
    assert len(queries) <= CREATE_AND_PUBLISH_BUDGET, "\n".join(queries)


@pytest.mark.django_db
def test_related_lists_are_computed_after_the_editors_transaction_commits(admin_client, generated_newsroom,
                                                                         django_capture_on_commit_callbacks):
    from articles.models import Article, RelatedList

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post("/admin/articles/article/add/", story_form(section_slug="india", headline="Later lists", slug="later-lists"))
    assert response.status_code == 302
    story = Article.objects.get(slug="later-lists")
    assert not RelatedList.objects.filter(story=story).exists()  # nothing computed inside the editor's transaction
    for callback in callbacks:
        callback()
    assert RelatedList.objects.filter(story=story).exists()


@pytest.mark.django_db
def test_a_headline_edit_of_a_live_story_rewrites_no_byline_or_tag(admin_client, generated_newsroom,
                                                                  django_capture_on_commit_callbacks):
    from articles.models import Article

    story = Article.objects.live().filter(tagged_items__isnull=False).order_by("-published_at").first()
    bylines = list(story.bylines.values_list("pk", "reporter_id", "position"))
    tagged = sorted(story.tagged_items.values_list("pk", "tag_id"))
    queries = saved(admin_client, f"/admin/articles/article/{story.pk}/change/",
                    story_form(story, headline=story.headline + ", corrected"), django_capture_on_commit_callbacks)
    story.refresh_from_db()
    assert story.headline.endswith(", corrected") and story.updated_at is not None
    assert list(story.bylines.values_list("pk", "reporter_id", "position")) == bylines  # the same rows
    assert sorted(story.tagged_items.values_list("pk", "tag_id")) == tagged
    writes = [sql for sql in queries if sql.startswith(("INSERT", "DELETE", "UPDATE"))]
    assert not [sql for sql in writes if "articles_byline" in sql or "articles_taggedarticle" in sql or "relatedstory" in sql]
    assert len(queries) <= HEADLINE_EDIT_BUDGET, "\n".join(queries)
