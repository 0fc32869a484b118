"""No purge is lost: a purge the cache cannot take waits in the purge outbox (a table), and whichever process next
can writes it out, so readers get the new page once the cache is back, on every server.

Real processes and a real outage: a private redis-server (on a free port) paused with SIGSTOP while a separate
process (`manage.py shell`, `manage.py ingest_ninjs`) changes a story, two gunicorn app servers that never owed
anything, and the cache resumed with the old pages still in it.
"""
import json
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import pytest

from articles import services
from core import pagecache
from tests.factories import make_story
from tests.processes import ROOT, app_server, private_redis, project_env

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server to stop and resume")

CHECK_SECONDS = 1.0  # the servers' PAGE_CACHE_OUTBOX_SECONDS

EDIT = """
import os
from articles import services
from articles.models import Article

story = Article.objects.get(pk=int(os.environ["STORY"]))
story.headline = os.environ["HEADLINE"]
services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)
"""


@contextmanager
def paused(redis: subprocess.Popen):
    """The cache away (SIGSTOP: connections hang until their timeout, as with a hung server) for at least
    CHECK_SECONDS, so every server's next look at the outbox is due when it comes back."""
    redis.send_signal(signal.SIGSTOP)
    stopped = time.monotonic()
    try:
        yield
        time.sleep(max(0.0, CHECK_SECONDS * 1.5 - (time.monotonic() - stopped)))
    finally:
        redis.send_signal(signal.SIGCONT)


def fetch(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode(), response.headers.get("X-Page-Cache", "")


def cached_everywhere(url_path: str, servers, text: str) -> None:
    for base in servers:
        fetch(base + url_path)
        html, state = fetch(base + url_path)
        assert state == "hit" and text in html, (base, state)


def manage(*args, env: dict, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=project_env(**env, **extra),
                          capture_output=True, text=True, timeout=180)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_made_while_the_cache_is_away_reaches_every_server_when_it_returns(tmp_path):
    story = services.publish(make_story(headline="River level steady"), actor=services.COMMAND)
    path = story.get_absolute_url()
    with private_redis() as (url, redis):
        env = {"REDIS_URL": url, "CACHE_KEY_PREFIX": "outbox", "PAGE_CACHE_OUTBOX_SECONDS": str(CHECK_SECONDS)}
        with app_server(**env) as first, app_server(**env) as second:
            cached_everywhere(path, (first, second), "River level steady")

            with paused(redis):
                edit = manage("shell", "-c", EDIT, env=env, STORY=str(story.pk), HEADLINE="River level falls")
                assert edit.returncode == 0, edit.stderr[-3000:]
                # The shell has exited: its purge is not in its memory but in the outbox.
                assert pagecache.owed().get(f"story:{story.pk}") is False  # an edit: soft

            # The cache is back with the old page in it. The first request to a server that owed nothing gets
            # the new page; so does the other server; and the outbox is empty.
            html, _ = fetch(second + path)
            assert "River level falls" in html and "River level steady" not in html
            html, _ = fetch(first + path)
            assert "River level falls" in html and "River level steady" not in html
            assert pagecache.owed() == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ingest_while_the_cache_is_away_leaves_its_purge_for_a_web_worker(tmp_path):
    wire = tmp_path / "wire"
    wire.mkdir()
    item = {
        "uri": "urn:outbox:1", "type": "text", "version": "1", "language": "en",
        "firstCreated": "2026-01-05T04:00:00Z", "versionCreated": "2026-01-05T04:00:00Z",
        "headlines": [{"role": "main", "value": "Ferry service resumes"}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": "<p>Boats run again.</p>"}],
    }
    (wire / "item.json").write_text(json.dumps(item))
    with private_redis() as (url, redis):
        env = {"REDIS_URL": url, "CACHE_KEY_PREFIX": "outbox", "PAGE_CACHE_OUTBOX_SECONDS": str(CHECK_SECONDS)}
        first = manage("ingest_ninjs", "--publish", str(wire), env=env)
        assert first.stdout.startswith("created"), first.stdout + first.stderr[-2000:]
        with app_server(**env) as server:
            cached_everywhere("/", (server,), "Ferry service resumes")

            item.update(version="2", headlines=[{"role": "main", "value": "Ferry service halted again"}])
            (wire / "item.json").write_text(json.dumps(item))
            with paused(redis):
                second = manage("ingest_ninjs", "--publish", str(wire), env=env)
                assert second.stdout.startswith("updated"), second.stdout + second.stderr[-2000:]
                owed = pagecache.owed()
                # A new version of a live story is a content edit: soft (hard only when visibility changes).
                assert any(key.startswith("story:") for key in owed) and not any(owed.values()), owed

            html, _ = fetch(server + "/")
            assert "Ferry service halted again" in html and "Ferry service resumes" not in html
            assert pagecache.owed() == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_command_writes_out_the_outbox_as_it_exits_once_the_cache_is_back(tmp_path):
    story = services.publish(make_story(headline="Toll unchanged"), actor=services.COMMAND)
    resumed = tmp_path / "resumed"
    script = EDIT + f"""
import pathlib, time
from core import pagecache
assert pagecache.owed(), "the purge should be waiting in the outbox"
print("waiting", flush=True)
while not pathlib.Path({str(resumed)!r}).exists():
    time.sleep(0.05)
"""
    with private_redis() as (url, redis):
        env = {"REDIS_URL": url, "CACHE_KEY_PREFIX": "outbox"}
        redis.send_signal(signal.SIGSTOP)
        try:
            command = subprocess.Popen(
                [sys.executable, "manage.py", "shell", "-v", "0", "-c", script], cwd=ROOT, text=True,
                env=project_env(**env, STORY=str(story.pk), HEADLINE="Toll doubled"),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )
            while (line := command.stdout.readline()) and line.strip() != "waiting":
                pass  # the shell's own lines (its automatic imports)
            if not line:  # it ended without waiting
                raise AssertionError(command.communicate(timeout=60)[1][-3000:])
        finally:
            redis.send_signal(signal.SIGCONT)
        resumed.touch()
        out, err = command.communicate(timeout=120)
        assert command.returncode == 0, err[-3000:]
        # Nobody else ran: the command wrote its purge to the cache as it exited.
        assert pagecache.owed() == {}, err[-3000:]
        # Its purges (the edit's, and the search results' after reindexing) written out by the command itself.
        assert re.search(r"purges written out from the purge outbox: [12]\b", err), err[-3000:]

