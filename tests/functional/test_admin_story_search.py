"""The admin's story list: searched with the search index (articles.admin_search, search.admin_matcher) and
counted with a bound (core.admin_paginator.CappedCountPaginator), whoever is looking and whatever they type."""
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import services
from core import admin_paginator
from core.admin_paginator import CappedCountPaginator
from tests.factories import make_reporter, make_story, publish_story
from tests.functional.test_roles import login, member

LIST = "/admin/articles/article/"


def listed(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return sorted(re.findall(r'<th class="field-headline"><a href="[^"]+">(.*?)</a></th>', response.content.decode()))


@pytest.fixture
def desk(db, django_capture_on_commit_callbacks):
    """Stories in every state, indexed the way production indexes them: after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        ritu = make_reporter("Ritu Sharma", user=member("Reporter", "ritu"))
        stories = {
            "draft": make_story(headline="Monsoon draft for the desk", reporters=[ritu]),
            "scheduled": publish_story(headline="Scheduled cyclone special", at=timezone.now() + timedelta(days=1)),
            "live": publish_story(headline="Budget session opens", standfirst="The monsoon session begins.",
                                  tags=["Parliament"], reporters=[make_reporter("Zoravar Kapoor")]),
            "body": publish_story(headline="Farmers prepare", body="<p>Only the body says monsoon.</p>"),
            "trashed": services.trash(make_story(headline="Trashed monsoon note"), actor=services.COMMAND),
        }
    return stories


@pytest.fixture
def editor_client(client, db):
    return login(client, member("Editor", "neha"))


def test_editors_find_stories_in_any_state_by_their_words(editor_client, desk):
    assert listed(editor_client, q="monsoon") == ["Budget session opens", "Monsoon draft for the desk"]
    assert listed(editor_client, q="monso") == listed(editor_client, q="monsoon")  # a word's beginning
    assert listed(editor_client, q="cyclone") == ["Scheduled cyclone special"]
    assert listed(editor_client, q="kapoor parliament") == ["Budget session opens"]  # byline and tag, both needed
    assert listed(editor_client, q="kapoor cyclone") == []
    assert listed(editor_client, q="monsoon", status="trashed") == ["Trashed monsoon note"]
    # By its number and by its slug, as well as by its words.
    story = desk["body"]
    assert listed(editor_client, q=str(story.pk)) == ["Farmers prepare"]
    assert listed(editor_client, q=story.slug) == ["Farmers prepare"]


def test_whole_words_and_beginnings_and_the_admins_own_search_without_the_index(editor_client, desk, monkeypatch):
    from articles import admin_search

    assert listed(editor_client, q="nsoo") == []  # inside a word: not a word or a word's beginning
    assert listed(editor_client, q="says") == []  # the body is not searched here (as before)
    monkeypatch.setattr(admin_search, "_matcher", None)  # no search app: Django's icontains over search_fields
    assert listed(editor_client, q="nsoo") == ["Budget session opens", "Monsoon draft for the desk"]


def test_reporters_search_only_their_own_stories(client, desk):
    login(client, desk["draft"].bylines.get().reporter.user)
    assert listed(client, q="monsoon") == ["Monsoon draft for the desk"]
    assert listed(client, q=str(desk["body"].pk)) == []


def test_no_joins_distinct_or_date_bar_while_searching(editor_client, desk):
    with CaptureQueriesContext(connection) as queries:
        html = editor_client.get(LIST, {"q": "monsoon"}).content.decode()
    stories = [q["sql"] for q in queries if 'FROM "articles_article"' in q["sql"]]
    assert stories and not [sql for sql in stories if "DISTINCT" in sql or "reporters_reporter" in sql or "MIN(" in sql]
    assert 'class="toplinks"' not in html  # the date bar (it reads every match)
    assert 'class="toplinks"' in editor_client.get(LIST).content.decode()


NASTY = ['"', "'", "AND", "NEAR(a b)", "*", "monsoon*", "a:b", "{headline}: x", "'; DROP TABLE x; --", "\x00",
         "\\", "()", "&|!", "monsoon:*A", "99999999999999999999999", "🙂", "हिन्दी", "x" * 5000, "-", "a-", "-a"]


def test_anything_typed_gives_a_list(editor_client, desk):
    for q in NASTY:
        assert editor_client.get(LIST, {"q": q}).status_code == 200, repr(q[:40])


def test_a_large_result_says_more_than_and_counts_no_further(editor_client, desk, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "COUNT_UP_TO", 1)
    html = editor_client.get(LIST, {"q": "monsoon"}).content.decode()
    assert "More than 1 articles" in html and "Select all the matching articles (more than 1)" in html
    html = editor_client.get(LIST, {"q": "cyclone"}).content.decode()
    assert "1 article" in html and "More than" not in html


def test_the_default_view_is_estimated_only_where_postgresql_estimates_the_table(client, editor_client, desk, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no planner estimate, so the list counts")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    monkeypatch.setattr(admin_paginator, "ESTIMATE_ABOVE", 0)
    # 5 stories in the table, 1 in the trash (counted exactly): about 4.
    assert "About 4 articles" in editor_client.get(LIST).content.decode()
    assert "About" not in editor_client.get(LIST, {"status": "draft"}).content.decode()  # filtered: counted
    login(client, desk["draft"].bylines.get().reporter.user)
    assert "1 article" in client.get(LIST).content.decode()  # a reporter's own stories: counted


def test_capped_paginator_counts_at_most_one_past_its_bound(desk, monkeypatch):
    from articles.models import Article

    monkeypatch.setattr(CappedCountPaginator, "COUNT_UP_TO", 2)
    whole = CappedCountPaginator(Article.objects.all(), 1)  # no WHERE, a small table: counted exactly
    assert (whole.count, whole.num_pages, whole.capped, whole.estimated) == (5, 5, False, False)
    capped = CappedCountPaginator(Article.objects.exclude(status="trashed"), 1)
    assert (capped.count, capped.capped, capped.num_pages) == (2, True, 2)
    exact = CappedCountPaginator(Article.objects.filter(status="draft"), 1)
    assert (exact.count, exact.capped) == (1, False)
    estimated = CappedCountPaginator(Article.objects.exclude(status="trashed"), 1, estimate=lambda: 40_000)
    assert (estimated.count, estimated.estimated, estimated.capped) == (40_000, True, False)
