"""A hung Redis (paused with SIGSTOP: connections are accepted, nothing answers) costs a process one timeout, not
one per cache call: the breaker (core/breaker.py) treats the cache as down for a few seconds, then probes.

Real processes: our own redis-server on a free port, paused and resumed; a gunicorn app server using it.
"""
import json
import shutil
import signal
import time
import urllib.request

import pytest
from django.core.cache import caches

from articles import services
from tests.factories import make_story
from tests.processes import app_server, private_redis

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server not installed")

SOCKET_TIMEOUT = 0.5
BREAKER_SECONDS = 3.0


@pytest.fixture
def own_redis():
    with private_redis() as (url, process):
        yield int(url.rsplit(":", 1)[1].split("/")[0]), process


def breaker_cache(port: int) -> dict:
    return {"default": {
        "BACKEND": "core.breaker.BreakerRedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "KEY_PREFIX": f"hang-{port}",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": SOCKET_TIMEOUT,
                    "BREAKER_SECONDS": BREAKER_SECONDS},
    }}


def test_a_paused_redis_costs_one_timeout_then_misses_at_once_and_writes_are_not_taken(own_redis, settings):
    port, redis = own_redis
    settings.CACHES = breaker_cache(port)
    cache = caches["default"]
    cache.set("before", "kept", 60)
    assert cache.get("before") == "kept"

    redis.send_signal(signal.SIGSTOP)
    started = time.monotonic()
    answers = [cache.get("before") for _ in range(60)]
    cache.set("during", "written while paused", 60)
    hang = time.monotonic() - started
    assert answers == [None] * 60
    # Without the breaker: 60 x 0.5 s = 30 s. With it: the first call's timeout and nothing more.
    assert hang < SOCKET_TIMEOUT + 2.5, hang

    redis.send_signal(signal.SIGCONT)
    resumed = time.monotonic()
    while cache.get("before") != "kept":
        assert time.monotonic() - resumed < BREAKER_SECONDS + 10, "the cache was not used again after the breaker's wait"
        time.sleep(0.1)
    assert cache.get("during") is None  # the write made while the breaker was open was not sent: visibly not taken


def get(url: str) -> tuple[int, str, float]:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        return response.status, response.headers.get("X-Page-Cache", ""), time.monotonic() - started


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_answer_within_a_second_of_the_timeout_while_redis_hangs_and_hits_return_after(own_redis, tmp_path):
    port, redis = own_redis
    story = services.publish(make_story(headline="Barrage holds", section_slug="world"), actor=services.COMMAND)
    env = {"REDIS_URL": f"redis://127.0.0.1:{port}/0", "CACHE_KEY_PREFIX": f"hang-{port}",
           "REDIS_TIMEOUT": str(SOCKET_TIMEOUT), "REDIS_BREAKER_SECONDS": str(BREAKER_SECONDS)}
    with app_server(workers=2, error_log=str(tmp_path / "server.log"), **env) as base:
        pages = [base + "/", base + story.get_absolute_url(), base + "/section/world/"]
        for url in pages:  # rendered and stored, then a hit
            get(url)
            assert get(url)[1] == "hit", url

        redis.send_signal(signal.SIGSTOP)
        during = [get(url) for url in pages * 3]
        with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
            health = json.loads(response.read())
        assert health["status"] == "degraded" and health["cache"] == "down"
        assert all(status == 200 for status, _, _ in during), during
        # Generous for a loaded 2-core machine, and far from the ~60 s a request took with ~120 calls x 0.5 s.
        assert all(seconds < 5 for _, _, seconds in during), during
        assert sum(seconds for _, _, seconds in during) < 20, during
        assert all(how != "hit" for _, how, _ in during)  # nothing came from the cache

        redis.send_signal(signal.SIGCONT)
        resumed = time.monotonic()
        for url in pages:
            while get(url)[1] != "hit":
                assert time.monotonic() - resumed < BREAKER_SECONDS + 15, f"no cache hit again for {url}"
                time.sleep(0.2)
