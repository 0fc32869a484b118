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


# --- Keys: only parameters a page reads ----------------------------------------------------------


@pytest.mark.django_db
def test_marketing_parameters_share_the_clean_pages_entry(client):
    services.publish(make_story(headline="Keyed story"), actor=services.COMMAND)
    assert client.get("/")["X-Page-Cache"] == "miss"
    for query in ("utm_source=x1&utm_medium=social", "fbclid=abc", "gclid=1&utm_campaign=monsoon", "utm_content=%7B%7D"):
        response = client.get(f"/?{query}")
        assert response.status_code == 200 and response["X-Page-Cache"] == "hit", query


@pytest.mark.django_db
def test_page_parameters_make_their_own_entry(client, settings):
    settings.ARTICLES_PER_PAGE = 1
    for n in range(3):
        services.publish(make_story(headline=f"Listing story {n}"), actor=services.COMMAND)
    first, second = client.get("/section/world/"), client.get("/section/world/?page=2")
    assert first["X-Page-Cache"] == second["X-Page-Cache"] == "miss"
    assert first.content != second.content
    assert client.get("/section/world/?page=2&utm_source=x")["X-Page-Cache"] == "hit"
    assert client.get("/section/world/?utm_source=x&page=2")["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_any_other_parameter_is_redirected_to_the_clean_url_and_stores_nothing(client):
    from django.core.cache import cache

    from core.pagecache import PAGE_KEY

    services.publish(make_story(headline="Clean URLs"), actor=services.COMMAND)
    response = client.get("/?nocache=8c1f&utm_source=news&page=1")
    assert response.status_code == 302
    assert response["Location"] == "/?page=1&utm_source=news"
    for n in range(20):  # random junk never makes an entry
        assert client.get(f"/?x{n}={n}").status_code == 302
    assert not any(cache.has_key(PAGE_KEY.format(path=f"/?x{n}={n}")) for n in range(20))
    assert client.get("/?junk=1", follow=True).redirect_chain == [("/", 302)]


@pytest.mark.django_db
def test_staff_query_strings_are_left_alone(admin_client):
    assert admin_client.get("/?preview=1").status_code == 200
