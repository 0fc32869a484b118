"""Several gunicorn workers and the scheduler are separate processes; every one of them serves a change at once.

On the embedded default (SQLite, no REDIS_URL) the shared cache is the file cache; in CI's second pass it is
Redis. Either way: a page cached in every worker, a change made in another process, and the very next request
to each worker gets the new page.
"""
import json
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import make_story
from tests.integration.test_ad_rotation import make_campaign
from tests.processes import ROOT, app_server, project_env

WORKERS = 3


def fetch(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode(), response.headers.get("X-Page-Cache", "")


def read_through_every_worker(url: str, log: Path, *, until) -> dict[str, list[tuple[str, str]]]:
    """Request `url` until each worker (by pid, from the access log) has answered and `until(answers)` holds."""
    answers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for _ in range(300):
        before = len(log.read_text().splitlines())
        answer = fetch(url)
        # The access log line is written after the response: wait for it, or a slow line is taken for the next
        # request's and an answer is put down to the wrong worker (seen on a loaded machine).
        deadline = time.monotonic() + 5
        while len(lines := log.read_text().splitlines()) <= before and time.monotonic() < deadline:
            time.sleep(0.01)
        if len(lines) > before:
            answers[lines[-1].split()[0]].append(answer)
        if len(answers) == WORKERS and until(answers):
            return answers
    raise AssertionError(f"not every worker answered: {sorted(answers)}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_corrections_updates_and_campaigns_reach_every_worker_on_the_next_request(tmp_path):
    story = services.publish(make_story(headline="Reservoir level steady", body="<p>The level is 120 m.</p>"), actor=services.COMMAND)
    log = tmp_path / "access.log"
    with app_server(workers=WORKERS, access_log=str(log)) as base:
        url = base + story.get_absolute_url()
        home = base + "/"
        # Every worker holds the page in the cache (a hit in each).
        read_through_every_worker(url, log, until=lambda a: all(state == "hit" for rows in a.values() for _, state in rows[1:]) and all(len(r) >= 2 for r in a.values()))

        # 1. A correction made in this process (as the admin would: through the services, committed).
        story.body = "<p>The level is 112 m.</p>"
        services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)
        after = read_through_every_worker(url, log, until=lambda a: all(len(r) >= 2 for r in a.values()))
        served = [html for rows in after.values() for html, _ in rows]
        assert all("112 m" in html and "120 m" not in html for html in served), "a worker served the old page"

        # 2. A scheduled update applied by the scheduler, another process.
        fetch(home)
        snap = dict(services.snapshot(Article.objects.get(pk=story.pk)), headline="Reservoir level falls")
        update = services.queue_update(story, snap, go_live_at=timezone.now() + timedelta(seconds=1), actor=services.COMMAND)
        time.sleep(1.2)
        read_through_every_worker(home, log, until=lambda a: all(len(r) >= 2 for r in a.values()))
        worker = subprocess.run([sys.executable, "manage.py", "publish_scheduled"], cwd=ROOT, env=project_env(),
                                capture_output=True, text=True, timeout=60)
        assert worker.stdout.strip() == "applied 1", worker.stderr
        update.refresh_from_db()
        assert update.applied_at is not None
        after = read_through_every_worker(home, log, until=lambda a: all(len(r) >= 2 for r in a.values()))
        assert all("Reservoir level falls" in html for rows in after.values() for html, _ in rows)

        # 3. A new campaign: /ads/serve/ in every worker serves it at once (each had cached the campaign table).
        serve = base + "/ads/serve/sidebar/"
        read_through_every_worker(serve, log, until=lambda a: all(json.loads(h)["kind"] == "house" for r in a.values() for h, _ in r))
        make_campaign(name="Monsoon sale", slots=("sidebar",), starts=timezone.now() - timedelta(hours=1),
                      ends=timezone.now() + timedelta(days=1))
        after = read_through_every_worker(serve, log, until=lambda a: all(len(r) >= 2 for r in a.values()))
        assert all(json.loads(html)["kind"] == "image" for rows in after.values() for html, _ in rows)
