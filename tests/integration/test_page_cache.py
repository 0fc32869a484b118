"""Whole-page caching: hits for anonymous readers, instant purge on change, never past a go-live."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from articles import services
from tests.factories import make_story

IST = ZoneInfo("Asia/Kolkata")
NINE = datetime(2026, 12, 1, 9, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.mark.django_db
def test_anonymous_pages_are_cached_and_staff_always_fresh(client, admin_client):
    story = services.publish(make_story(headline="Cached story"), actor=services.COMMAND)
    first = client.get(story.get_absolute_url())
    second = client.get(story.get_absolute_url())
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "s-maxage=5" in second["Cache-Control"] and "public" in second["Cache-Control"]
    staff = admin_client.get(story.get_absolute_url())
    assert "X-Page-Cache" not in staff
    assert "private" in staff["Cache-Control"]


@pytest.mark.django_db
def test_conditional_request_gets_304(client):
    story = services.publish(make_story(headline="Validators"), actor=services.COMMAND)
    response = client.get(story.get_absolute_url())
    etag = response["ETag"]
    assert client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.django_db
def test_a_change_purges_every_cached_page(client, django_capture_on_commit_callbacks):
    story = services.publish(make_story(headline="Original headline"), actor=services.COMMAND)
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        story.headline = "Corrected headline"
        services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Corrected headline" in response.content.decode()


@pytest.mark.django_db
def test_a_scheduled_story_appears_on_cached_pages_at_its_instant_with_no_worker(client, settings):
    settings.PAGE_CACHE_SECONDS = 4 * 3600  # longer than the wait: only the go-live instant may end it
    with time_machine.travel(NINE, tick=False):
        services.publish(make_story(headline="Ten o'clock story"), at=NINE + timedelta(hours=1), actor=services.COMMAND)
        assert "Ten o&#x27;clock story" not in client.get("/").content.decode()
        assert client.get("/")["X-Page-Cache"] == "hit"
    with time_machine.travel(NINE + timedelta(minutes=59, seconds=59), tick=False):
        response = client.get("/")
        assert response["X-Page-Cache"] == "hit"
        assert "Ten o&#x27;clock story" not in response.content.decode()
    with time_machine.travel(NINE + timedelta(hours=1), tick=False):
        response = client.get("/")
        assert response["X-Page-Cache"] == "miss"
        assert "Ten o&#x27;clock story" in response.content.decode()


@pytest.mark.django_db
def test_admin_and_dynamic_paths_are_never_cached(client, admin_client):
    assert "X-Page-Cache" not in client.get("/healthz")
    assert "X-Page-Cache" not in admin_client.get("/admin/")
