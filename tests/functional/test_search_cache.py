"""Search that holds a crowd: results of a normalised query kept under the page cache's keys, purged by the story
changes that can change them, and bounded work per query (search.results_cache, search.budget).

The page cache is on here (tests/settings.py turns it off elsewhere); the cache is the test cache, cleared per test.
"""
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import services
from search import budget
from search.query import MAX_QUERY_CHARS, MAX_TERMS
from tests.factories import change_story, make_story, publish_story


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.SEARCH_CACHE_SECONDS = 60


def search(client, q, **params):
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == 200
    return response


def found(response) -> list[str]:
    heads = re.findall(r'<h2 class="card__headline"><a href="[^"]+">(.*?)</a></h2>', response.content.decode(), re.S)
    return [re.sub(r"</?mark>", "", head) for head in heads]


def test_a_repeated_query_is_answered_from_the_cache_without_a_database_query(client, db, indexed, page_cache_on):
    with indexed():
        publish_story(headline="Monsoon reaches Kerala early", at=timezone.now() - timedelta(hours=2))
        publish_story(headline="Kerala braces for the monsoon", at=timezone.now() - timedelta(hours=1))
    first = search(client, "Monsoon  Kerala")
    assert first["X-Search-Cache"] == "miss"
    # The same words in another case, order, spacing and Unicode form (full-width letters, NFKC): the same entry.
    with CaptureQueriesContext(connection) as queries:
        again = search(client, "  ｋｅｒａｌａ\tMONSOON ")
    assert again["X-Search-Cache"] == "hit"
    assert len(queries) == 0, [q["sql"][:80] for q in queries]
    assert found(again) == found(first)
    assert sorted(found(first)) == ["Kerala braces for the monsoon", "Monsoon reaches Kerala early"]
    # The page echoes what this reader typed, not the first reader's words.
    html = again.content.decode()
    assert "for “ｋｅｒａｌａ MONSOON”" in html, re.findall(r"search-results__summary.*?</p>", html, re.S)


def test_page_numbers_are_part_of_the_key_and_fold_as_the_paginator_reads_them(client, db, indexed, page_cache_on,
                                                                                 settings):
    settings.SEARCH_RESULTS_PER_PAGE = 2
    settings.SEARCH_MAX_RANKED = 6
    with indexed():
        for i in range(5):
            publish_story(headline=f"Cyclone update {i}", at=timezone.now() - timedelta(minutes=i + 1))
    assert found(search(client, "cyclone")) == ["Cyclone update 0", "Cyclone update 1"]
    second = search(client, "cyclone", page=2)
    assert (second["X-Search-Cache"], found(second)) == ("miss", ["Cyclone update 2", "Cyclone update 3"])
    assert search(client, "cyclone", page="x")["X-Search-Cache"] == "hit"  # not a number: page 1's entry
    last = search(client, "cyclone", page=999)  # past the last possible page (6 / 2): the last page's entry
    assert found(last) == ["Cyclone update 4"]
    for page in (3, 0, -5, 10**30):
        response = search(client, "cyclone", page=page)
        assert (response["X-Search-Cache"], found(response)) == ("hit", ["Cyclone update 4"]), page


def test_a_story_change_that_can_match_purges_the_kept_results(client, db, indexed, page_cache_on):
    with indexed():
        old = publish_story(headline="Cyclone nears the Odisha coast", at=timezone.now() - timedelta(hours=3))
        other = publish_story(headline="Markets close higher", at=timezone.now() - timedelta(hours=2))
    assert found(search(client, "cyclone")) == ["Cyclone nears the Odisha coast"]
    assert search(client, "cyclone")["X-Search-Cache"] == "hit"

    # A new story going live: found at once.
    with indexed():
        publish_story(headline="Cyclone makes landfall", at=timezone.now() - timedelta(minutes=5))
    response = search(client, "cyclone")
    assert response["X-Search-Cache"] == "miss"
    assert found(response) == ["Cyclone makes landfall", "Cyclone nears the Odisha coast"]

    # A live story edited so that it now matches: found at once (one key for every query: see results_cache).
    with indexed():
        change_story(other, headline="Markets shrug off the cyclone")
    assert "Markets shrug off the cyclone" in found(search(client, "cyclone"))

    # Taken down: gone at once.
    with indexed():
        services.unpublish(old, actor=services.COMMAND)
    assert "Cyclone nears the Odisha coast" not in found(search(client, "cyclone"))


def test_a_draft_being_written_does_not_purge_what_readers_find(client, db, indexed, page_cache_on):
    with indexed():
        publish_story(headline="Flood waters recede in Assam", at=timezone.now() - timedelta(hours=1))
        draft = make_story(headline="Draft: flood relief figures")
    assert search(client, "flood")["X-Search-Cache"] == "miss"
    with indexed():
        change_story(draft, headline="Draft: flood relief figures, updated")
    response = search(client, "flood")
    assert (response["X-Search-Cache"], found(response)) == ("hit", ["Flood waters recede in Assam"])


def test_rebuilding_the_index_purges_the_kept_results(client, db, indexed, page_cache_on):
    with indexed():
        publish_story(headline="Tea gardens in Assam", at=timezone.now() - timedelta(hours=1))
    assert search(client, "assam")["X-Search-Cache"] == "miss"
    call_command("rebuild_search_index", stdout=None)
    assert search(client, "assam")["X-Search-Cache"] == "miss"


def test_results_are_not_kept_when_the_cache_is_off(client, db, indexed, settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.SEARCH_CACHE_SECONDS = 0
    with indexed():
        publish_story(headline="Heatwave in Delhi", at=timezone.now() - timedelta(hours=1))
    for _ in range(2):
        response = search(client, "heatwave")
        assert (response["X-Search-Cache"], found(response)) == ("off", ["Heatwave in Delhi"])


def test_long_and_wordy_queries_are_cut_and_the_page_says_so(client, db, indexed, page_cache_on):
    with indexed():
        publish_story(headline="Monsoon reaches Kerala early", at=timezone.now() - timedelta(hours=1))
    words = "monsoon kerala " + " ".join(f"w{i}" for i in range(40))
    html = search(client, words).content.decode()
    assert f"Only the first {MAX_TERMS} words were searched for." in html
    huge = "monsoon " + "x" * 20_000
    response = search(client, huge)
    html = response.content.decode()
    assert f"Only the first {MAX_QUERY_CHARS} characters of your search were read." in html
    assert found(response) == []  # "monsoon" and a 60-character cut of the x's: no story has both
    assert "Only the first" not in search(client, "monsoon kerala").content.decode()


def test_a_search_past_the_time_limit_is_stopped_with_a_message_not_an_error(client, db, settings, page_cache_on):
    # Enough matching stories that ranking them takes longer than a 1 ms limit on any machine.
    call_command("generate_newsroom", "--stories", "1500", "--reporters", "3", "--tags", "10", stdout=None, stderr=None)
    call_command("rebuild_search_index", stdout=None)
    words = "monsoon court"  # generated bodies draw ~400 words from 28: nearly every story has both
    settings.SEARCH_TIME_LIMIT_MS = 1
    response = search(client, words)
    assert response["X-Search-Cache"] == "too-slow"
    html = response.content.decode()
    assert "This search took too long and was stopped." in html and '<form class="search-form"' in html
    # Not kept: with time enough, the same search runs and is answered.
    settings.SEARCH_TIME_LIMIT_MS = 30_000
    response = search(client, words)
    assert response["X-Search-Cache"] == "miss" and found(response)
    # And the limit ended with the search: the connection's other queries are not limited.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "0"
    assert budget.time_limit_ms() == 30_000


def test_a_search_with_no_place_free_is_told_to_come_back_and_kept_results_are_still_answered(
        client, db, indexed, page_cache_on, settings):
    settings.SEARCH_CONCURRENCY = 1
    settings.SEARCH_QUEUE_SECONDS = 0.2
    with indexed():
        publish_story(headline="Heatwave grips Delhi", at=timezone.now() - timedelta(hours=1))
        publish_story(headline="Floods in Assam", at=timezone.now() - timedelta(hours=1))
    assert search(client, "heatwave")["X-Search-Cache"] == "miss"
    with budget.a_place():  # the one place of this process is taken by another search still running
        busy = client.get("/search/", {"q": "floods"})
        kept = search(client, "heatwave")  # kept results need no place
    assert busy.status_code == 503 and busy["Retry-After"] == "5" and busy["X-Search-Cache"] == "busy"
    html = busy.content.decode()
    assert "Search is busy right now. Please try again in a moment." in html and '<form class="search-form"' in html
    assert (kept["X-Search-Cache"], found(kept)) == ("hit", ["Heatwave grips Delhi"])
    # The busy page was not kept: with the place free, the search runs.
    response = search(client, "floods")
    assert (response["X-Search-Cache"], found(response)) == ("miss", ["Floods in Assam"])


def test_a_reader_with_a_session_is_never_given_a_kept_page(client, db, indexed, page_cache_on):
    with indexed():
        publish_story(headline="Heatwave grips Delhi", at=timezone.now() - timedelta(hours=1))
    search(client, "heatwave")
    kept = search(client, "heatwave")
    assert kept["X-Search-Cache"] == "hit" and not [t.name for t in kept.templates]  # the kept page: no rendering
    client.cookies["sessionid"] = "staff-session"
    response = search(client, "heatwave")
    assert response["X-Search-Cache"] == "hit"  # the results are kept (they are the same for everyone) ...
    assert "search/results.html" in [t.name for t in response.templates]  # ... the page is rendered for this reader


def test_while_every_place_is_taken_earlier_results_are_shown_after_an_edit_but_never_after_a_takedown(
        client, db, indexed, page_cache_on, settings):
    settings.SEARCH_CONCURRENCY = 1
    settings.SEARCH_QUEUE_SECONDS = 0.2
    with indexed():
        story = publish_story(headline="Cyclone nears Odisha", at=timezone.now() - timedelta(hours=2))
        other = publish_story(headline="Markets close higher", at=timezone.now() - timedelta(hours=1))
    assert search(client, "cyclone")["X-Search-Cache"] == "miss"
    with indexed():
        change_story(other, standfirst="A quiet day.")  # a live story edited: a soft purge
    with budget.a_place():
        response = search(client, "cyclone")
    assert (response["X-Search-Cache"], found(response)) == ("stale", ["Cyclone nears Odisha"])
    with indexed():
        services.unpublish(story, actor=services.COMMAND)  # gone from what readers see: a hard purge
    with budget.a_place():
        response = client.get("/search/", {"q": "cyclone"})
    assert (response.status_code, response["X-Search-Cache"]) == (503, "busy")
    assert "Cyclone nears Odisha" not in response.content.decode()
    response = search(client, "cyclone")
    assert (response["X-Search-Cache"], found(response)) == ("miss", [])
