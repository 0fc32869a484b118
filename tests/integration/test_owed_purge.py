"""A purge the cache did not take waits in the purge outbox, and is written before this process serves another
cached page (other processes, real outages: tests/integration/test_purge_outbox.py)."""
import pytest
from django.core.cache import cache

from articles import services
from core import pagecache
from tests.factories import make_story
from tests.processes import free_port

DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25},
    }
}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    yield
    pagecache._outbox["owed"] = False


@pytest.mark.django_db
def test_a_purge_the_cache_missed_is_paid_before_the_next_cached_page(client, settings):
    story = services.publish(make_story(headline="Before the outage"), actor=services.COMMAND)
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    live_caches = settings.CACHES

    # The cache goes away while the desk corrects the story: the purge cannot be written.
    DEAD_REDIS["default"]["LOCATION"] = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = DEAD_REDIS
    story.headline = "After the outage"
    services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)
    pagecache.purge_all()  # what the commit hook runs
    assert pagecache.owed() == {pagecache.ALL: True}

    # The cache comes back with the old page still in it; this process pays what it owes before serving it.
    settings.CACHES = live_caches
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss" and "After the outage" in response.content.decode()
    assert not pagecache.owed()


def test_a_written_purge_owes_nothing(db):
    key = pagecache.TOKEN_KEY.format(name=pagecache.ALL)
    cache.set(key, "old", None)
    pagecache.purge_all()
    assert not pagecache.owed() and cache.get(key) not in (None, "old")


@pytest.mark.django_db
def test_owed_targeted_purges_keep_their_keys_and_hardness(settings):
    live_caches = settings.CACHES
    DEAD_REDIS["default"]["LOCATION"] = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = DEAD_REDIS
    pagecache.purge_keys(["story:1", "section:2"])
    pagecache.purge_keys(["story:1"], hard=True)
    assert pagecache.owed() == {"story:1": True, "section:2": False}
    settings.CACHES = live_caches
    before = pagecache.current_tokens(["story:1", "section:2"])
    pagecache.pay_owed_purge()
    after = pagecache.current_tokens(["story:1", "section:2"])
    assert not pagecache.owed() and all(after[key] != before[key] for key in before)
    assert cache.get(pagecache.HARD_KEY.format(name="story:1")) and not cache.get(pagecache.HARD_KEY.format(name="section:2"))


@pytest.mark.django_db
def test_the_schedulers_pass_writes_out_a_purge_another_process_left_in_the_outbox():
    from io import StringIO

    from django.core.management import call_command

    from core.models import PurgeOutbox

    PurgeOutbox.objects.create(keys="nav story:7", hard=True, process="another-host:4242")
    before = pagecache.current_tokens(["story:7", "nav"])
    call_command("publish_scheduled", stdout=StringIO())
    after = pagecache.current_tokens(["story:7", "nav"])
    assert not pagecache.owed() and all(after[key] != before[key] for key in before)
    assert cache.get(pagecache.HARD_KEY.format(name="story:7"))
