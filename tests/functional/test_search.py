"""/search/: full-text search over live stories, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Stories are made through the services inside `django_capture_on_commit_callbacks(execute=True)`,
so the index is written the way it is in production: by the `story_changed` receiver, after commit.
"""
import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from articles import services
from search.models import SearchDocument
from tests.factories import change_story, make_reporter, make_story, publish_story

NOW = datetime(2026, 6, 1, 6, 30, tzinfo=dt_timezone.utc)


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the search receiver among them) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def search(client, q, **params):
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == 200
    return response


def found(response) -> list[str]:
    """Headlines of the hits, in rank order, without the <mark> tags."""
    html = response.content.decode()
    heads = re.findall(r'<h2 class="card__headline"><a href="[^"]+">(.*?)</a></h2>', html, re.S)
    return [re.sub(r"</?mark>", "", head) for head in heads]


@pytest.fixture
def newsroom(db, indexed):
    with time_machine.travel(NOW, tick=False), indexed():
        stories = {
            "headline": publish_story(
                headline="Monsoon reaches Kerala early", at=NOW - timedelta(days=3),
                body="<p>Rain over the coast.</p>", tags=["Weather"],
            ),
            "body": publish_story(
                headline="Farmers prepare for sowing", at=NOW - timedelta(hours=1),
                body="<p>The monsoon decides the season. The monsoon is late; the monsoon matters.</p>",
            ),
            "standfirst": publish_story(
                headline="Reservoirs are low", standfirst="Cities wait for the monsoon rains.",
                at=NOW - timedelta(days=1),
            ),
            "byline": publish_story(
                headline="Budget session opens", reporters=[make_reporter("Zoravar Kapoor")], at=NOW - timedelta(days=2),
            ),
            "tag": publish_story(headline="Markets close higher", tags=["Sensex"], at=NOW - timedelta(days=2)),
            "draft": make_story(headline="Draft about the monsoon"),
            "scheduled": publish_story(headline="Scheduled monsoon special", at=NOW + timedelta(hours=2)),
            "unpublished": services.unpublish(publish_story(headline="Pulled monsoon story", at=NOW - timedelta(days=5)), actor=services.COMMAND),
            "expired": publish_story(headline="Expired monsoon notice", at=NOW - timedelta(days=5)),
        }
        change_story(stories["expired"], expires_at=NOW - timedelta(hours=1))
    return stories


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_headline_standfirst_body_byline_and_tags_are_searched(client, newsroom, at_now):
    assert found(search(client, "kapoor")) == ["Budget session opens"]
    assert found(search(client, "sensex")) == ["Markets close higher"]
    assert found(search(client, "reservoirs")) == ["Reservoirs are low"]
    assert found(search(client, "coast")) == ["Monsoon reaches Kerala early"]


def test_ranked_headline_first_and_only_live_stories(client, newsroom, at_now):
    # Stemmed (rains → rain); a headline match outranks a body that says it three times.
    assert found(search(client, "Monsoon")) == [
        "Monsoon reaches Kerala early", "Reservoirs are low", "Farmers prepare for sowing",
    ]
    for hidden in ("draft", "scheduled", "pulled", "expired"):
        assert found(search(client, f"monsoon {hidden}")) == [], hidden


def test_scheduled_story_is_found_from_its_instant_without_reindexing(client, newsroom):
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        assert found(search(client, "scheduled special")) == ["Scheduled monsoon special"]


def test_matches_are_highlighted_and_everything_else_escaped(client, db, indexed, at_now):
    with indexed():
        publish_story(headline="Use <b>bold</b> & monsoon", standfirst='A "quoted" <i>monsoon</i>',
                      body="<p>Text with &lt;script&gt;alert(1)&lt;/script&gt; and monsoon clouds.</p>")
    html = search(client, "monsoon").content.decode()
    assert "Use &lt;b&gt;bold&lt;/b&gt; &amp; <mark>monsoon</mark>" in html
    assert "<mark>monsoon</mark>" in html.split('class="card__standfirst"')[1]
    assert "<mark>monsoon</mark> clouds" in html.split('class="search-hit__excerpt"')[1]
    # (PostgreSQL's excerpt drops tag-like words; SQLite keeps them escaped. Neither lets them through.)
    assert "<script>alert" not in html


def test_results_are_paginated_and_links_keep_the_query(client, db, indexed, settings):
    settings.SEARCH_RESULTS_PER_PAGE = 4
    with time_machine.travel(NOW, tick=False):
        with indexed():
            for i in range(10):
                publish_story(headline=f"Cyclone update {i}", at=NOW - timedelta(minutes=i))
        first = search(client, "cyclone")
        assert found(first) == [f"Cyclone update {i}" for i in range(4)]  # equal rank: newest first
        assert "10 stories" in first.content.decode()
        assert 'href="?q=cyclone&amp;page=2"' in first.content.decode()
        last = search(client, "cyclone", page=3)
        assert found(last) == ["Cyclone update 8", "Cyclone update 9"]
        assert found(search(client, "cyclone", page="999")) == found(last)
        assert found(search(client, "cyclone", page="x")) == found(first)


def test_only_the_newest_matches_are_ranked_and_the_page_says_there_are_more(client, db, indexed, settings):
    settings.SEARCH_RESULTS_PER_PAGE = 2
    settings.SEARCH_MAX_RANKED = 4
    with time_machine.travel(NOW, tick=False):
        with indexed():
            # The best match (its headline) is the oldest: beyond the 4 newest, so it is not ranked.
            publish_story(headline="Drought relief announced", at=NOW - timedelta(days=30))
            for i in range(5):
                publish_story(headline=f"Story {i}", body="<p>Talk of drought.</p>", at=NOW - timedelta(hours=i))
            publish_story(headline="Drought in the north", at=NOW - timedelta(minutes=30))
        first = search(client, "drought")
        html = first.content.decode()
        assert "4+ stories for “drought”: the newest 4, best match first, page 1 of 2" in html
        # The 4 newest matches, the headline match first, then the rest newest first.
        assert found(first) == ["Drought in the north", "Story 0"]
        assert found(search(client, "drought", page=2)) == ["Story 1", "Story 2"]
        assert found(search(client, "drought", page=3)) == ["Story 1", "Story 2"]  # the last page
        # Exactly at the cap there is nothing more to say: an exact count.
        settings.SEARCH_MAX_RANKED = 7
        assert "7 stories for “drought”, page 1 of 4" in search(client, "drought").content.decode()
        assert found(search(client, "drought relief")) == ["Drought relief announced"]


def test_counting_stops_one_past_the_cap(db, indexed):
    from search.query import SearchResults

    with indexed():
        for i in range(6):
            publish_story(headline=f"Flood warning {i}")
    results = SearchResults(["flood"], max_ranked=3)
    with CaptureQueriesContext(connection) as queries:
        assert (results.count(), results.capped, len(results[0:10])) == (3, True, 3)
    assert len(queries) == 2
    assert (SearchResults(["flood"], max_ranked=6).count(), SearchResults(["flood"], max_ranked=6).capped) == (6, False)


def test_fixed_number_of_queries_per_results_page(client, db, indexed, settings):
    settings.SEARCH_RESULTS_PER_PAGE = 10
    with indexed():
        publish_story(headline="Harvest one", tags=["Farm"])
    search(client, "warm")  # navigation and ad slots are cached after the first page
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            search(client, "harvest")
        counts.append(len(queries))
        with indexed():
            for i in range(12):
                publish_story(headline=f"Harvest more {i}", tags=["Farm", f"T{i}"],
                              reporters=[make_reporter(f"R{i}"), make_reporter(f"S{i}")])
    assert counts[0] == counts[1], counts
    with CaptureQueriesContext(connection) as queries:
        search(client, "")
    assert len(queries) < counts[0]  # no query, no search


def test_index_follows_story_changes(client, db, indexed, at_now):
    with indexed():
        story = publish_story(headline="Bridge opens in Patna")
    assert found(search(client, "patna")) == ["Bridge opens in Patna"]
    with indexed():
        story.headline = "Bridge opens in Bhagalpur"
        services.save_story(story, services.Related(story.ordered_reporters(), ["Infrastructure"], []), actor=services.COMMAND)
    assert found(search(client, "patna")) == []
    assert found(search(client, "bhagalpur infrastructure")) == ["Bridge opens in Bhagalpur"]
    with indexed():
        services.unpublish(story, actor=services.COMMAND)
    assert found(search(client, "bhagalpur")) == []
    services.trash(story, actor=services.COMMAND)
    services.purge(story, actor=services.COMMAND)
    assert not SearchDocument.objects.exists()


def test_rebuild_command_recreates_the_index(client, db, indexed, at_now):
    with indexed():
        publish_story(headline="Tea gardens in Assam")
    SearchDocument.objects.all().delete()
    assert found(search(client, "assam")) == []
    publish_story(headline="Assam floods recede")  # not indexed: its callbacks never run here
    out, err = StringIO(), StringIO()
    call_command("rebuild_search_index", "--batch-size", "1", stdout=out, stderr=err)
    assert "Indexed 2 stories." in out.getvalue()
    assert sorted(found(search(client, "assam"))) == ["Assam floods recede", "Tea gardens in Assam"]


NASTY = [
    "", " ", '"', '""', "'", "AND", "OR", "NOT", "NEAR", "NEAR(monsoon kerala, 2)", "monsoon AND", "OR monsoon",
    "*", "monsoon*", "^monsoon", "headline:monsoon", "-monsoon", "+monsoon", "(", ")", "((monsoon", "monsoon))",
    "{headline body}: monsoon", "'; DROP TABLE articles_article; --", "1' OR '1'='1", "%", "%%", "_", "\\", "\\x00",
    "\x00", "mon\x00soon", "x" * 10_000, "monsoon " * 2_000, "🙂", "🌧️ monsoon 🌧️", "\ue000monsoon\ue001",
    "हिन्दी", "<script>alert(1)</script>", "&amp;", "monsoon\r\nkerala", "\t", "NEAR/3", "a:b:c", "!@#$%^&*()",
]


def test_any_query_returns_a_results_page(client, newsroom, at_now):
    for q in NASTY:
        response = client.get("/search/", {"q": q})
        assert response.status_code == 200, repr(q[:40])
        html = response.content.decode()
        assert '<form class="search-form"' in html, repr(q[:40])
        assert "<script>alert" not in html, repr(q[:40])
    assert found(search(client, "NEAR(monsoon kerala, 2)")) == []  # "near" is a plain word here, found nowhere
    assert found(search(client, '"Monsoon" (Kerala*')) == ["Monsoon reaches Kerala early"]


def test_the_page_echoes_the_query_safely(client, db):
    html = search(client, '"><script>x</script>').content.decode()
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


@pytest.mark.django_db
@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=300) | st.text(alphabet='"*^()-+:ANDORNEARnot monsoon\x00', max_size=60))
def test_fuzzed_queries_never_fail(client, q):
    """Any text through the real view (and URL encoding) gives a page."""
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200


@pytest.mark.django_db
def test_fuzz_against_a_populated_index(client, indexed):
    """The same fuzzing with stories in the index, straight at the backend query (fast)."""
    from search.query import SearchResults, search_terms

    with indexed():
        publish_story(headline="Monsoon near Kerala and not late", body="<p>NEAR OR AND NOT monsoon</p>")

    @hsettings(max_examples=300, deadline=None)
    @given(st.text(max_size=200) | st.text(alphabet='"*^()-+: ANDORNEARnotmonsoon\x00', max_size=60))
    def run(q):
        results = SearchResults(search_terms(q))
        total = results.count()
        assert len(results[0:10]) == min(total, 10)

    run()
    assert SearchResults(search_terms("NEAR AND monsoon")).count() == 1


def test_search_form_template_renders_on_its_own(rf):
    from django.template.loader import render_to_string

    html = render_to_string("search/_form.html", {"search_query": 'a "b"'})
    assert 'action="/search/"' in html and 'name="q"' in html and 'value="a &quot;b&quot;"' in html
    assert 'id="site-search"' in html and 'role="search"' in html


@pytest.mark.django_db
def test_the_database_index_exists():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'search_%' ORDER BY name")
            names = {row[0] for row in cursor.fetchall()}
            assert {"search_fts", "search_document_ai", "search_document_ad", "search_document_au"} <= names
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_document_vector_gin'")
            assert "gin" in cursor.fetchone()[0].lower()


@pytest.mark.django_db
def test_postgresql_uses_the_gin_index(indexed):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (SQLite uses its FTS5 table)")
    with indexed():
        publish_story(headline="Snow in Shimla")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT article_id FROM search_searchdocument "
            "WHERE search_vector @@ plainto_tsquery('english', 'shimla')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_document_vector_gin" in plan, plan
