"""After a purge, one request re-renders a page while the others get the previous copy (soft purge) or wait for
the fresh one (hard purge): concurrent readers against real app server processes, renders counted by the
X-Page-Cache header ("miss" is a render)."""
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache

from articles import services
from core import pagecache
from core.filecache import FileCache
from tests.factories import make_story
from tests.processes import app_server

READERS = 24


def fetch(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=15) as response:
        return response.headers.get("X-Page-Cache", ""), response.read().decode()


def at_once(url: str, n: int = READERS) -> list[tuple[str, str]]:
    barrier = threading.Barrier(n)

    def one(_):
        barrier.wait()
        return fetch(url)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_soft_purge_one_request_renders_and_the_others_get_the_previous_copy():
    story = services.publish(make_story(headline="Flood waters rise"), actor=services.COMMAND)
    url = story.get_absolute_url()
    with app_server(workers=4) as base:
        fetch(base + url)
        assert fetch(base + url)[0] == "hit"
        for _ in range(3):
            pagecache.purge_keys([f"story:{story.pk}"])
            results = at_once(base + url)
            states = Counter(state for state, _ in results)
            assert states["miss"] <= 1, states
            assert set(states) <= {"miss", "stale", "hit"}, states
            assert fetch(base + url)[0] == "hit"  # the re-rendered copy is stored


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_hard_purge_no_one_gets_the_old_copy_and_one_renders():
    story = services.publish(make_story(headline="Minister resigns"), actor=services.COMMAND)
    url = story.get_absolute_url()
    with app_server(workers=4) as base:
        fetch(base + url)
        for n in range(3):
            story.headline = f"Minister resigns, update {n}"
            services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)
            pagecache.purge_keys([f"story:{story.pk}"], hard=True)  # as a go-live or an unpublish purges
            results = at_once(base + url)
            states = Counter(state for state, _ in results)
            assert states["miss"] <= 1 and "stale" not in states, states
            assert all(f"update {n}" in html for _, html in results)


@pytest.mark.django_db
def test_a_lock_held_too_long_stops_holding_readers(settings, client):
    """A renderer that died holding the lock: readers render themselves once the lock has expired."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_LOCK_SECONDS = 1
    story = services.publish(make_story(headline="Stuck render"), actor=services.COMMAND)
    url = story.get_absolute_url()
    client.get(url)
    pagecache.purge_keys([f"story:{story.pk}"], hard=True)
    cache.add(pagecache.LOCK_KEY.format(page=pagecache.page_key(url, [])), 1, timeout=1)
    started = time.monotonic()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss" and time.monotonic() - started < 3


def test_the_file_cache_add_is_a_lock_across_racing_threads(tmp_path):
    caches = [FileCache(str(tmp_path), {}) for _ in range(16)]  # one per "process"
    barrier = threading.Barrier(len(caches))

    def take(backend):
        barrier.wait()
        return backend.add("lock", 1, timeout=5)

    for round_ in range(5):
        caches[0].delete("lock")
        with ThreadPoolExecutor(len(caches)) as pool:
            assert sum(pool.map(take, caches)) == 1, round_


def test_the_file_cache_keeps_values_uncompressed_and_replaces_an_expired_entry_on_add(tmp_path):
    backend = FileCache(str(tmp_path), {})
    backend.set("page", {"html": "x" * 1000}, timeout=60)
    assert backend.get("page") == {"html": "x" * 1000}
    assert all(path.suffix == ".djc" for path in tmp_path.iterdir())
    assert backend.touch("page", timeout=120) and not backend.touch("missing")
    assert backend.add("lock", 1, timeout=60) and not backend.add("lock", 2, timeout=60)
    backend.set("lock", 1, timeout=-1)  # expired
    assert backend.add("lock", 3, timeout=60) and backend.get("lock") == 3
