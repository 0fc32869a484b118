"""No clock decides freshness: app servers and the scheduler on machines whose clocks disagree share one cache, and
no page showing what a purge removed is served as current after it.

Real processes: two gunicorn app servers on the shared cache (the file cache, or Redis when REDIS_URL is set), one
of them with its clock shifted (tests/clockshift/sitecustomize.py, a test-only hook), and the change made by a
`manage.py shell` under that shifted clock, like a scheduler on another machine. Both directions: the purging
clock behind the rendering one (the old wall-clock protocol kept a render spanning the purge, with the new token,
and served its old headline as a fresh hit; it also served a hard-purged copy as "stale") and ahead of it (the old
protocol then kept nothing rendered for the whole skew after a purge).
"""
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import make_story
from tests.processes import ROOT, app_server, project_env

HOOKS = str(ROOT / "tests" / "clockshift")
SKEW = 10.0  # seconds: far more than any step below takes on a loaded machine, far less than PAGE_CACHE_SECONDS

# Run in the shifted `manage.py shell`: each step waits for its go file, makes its change through the services
# (committed, so the purge runs) and writes its done file.
CHANGER = """
import os, time
from datetime import timedelta
from pathlib import Path
from articles import services
from articles.models import Article, ScheduledUpdate

folder = Path(os.environ["CHANGES"])

def wait(name):
    deadline = time.monotonic() + 120
    while not (folder / name).exists():
        assert time.monotonic() < deadline, name
        time.sleep(0.02)

def soft(pk):
    story = Article.objects.get(pk=pk)
    story.headline = story.headline.replace("Old", "New")
    services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)

def hard(pk):
    update = ScheduledUpdate.objects.get(article_id=pk, applied_at=None)
    assert services.apply_update(update, actor=services.SCHEDULER, now=update.go_live_at + timedelta(seconds=1))

for step in os.environ["STEPS"].split():
    kind, pk = step.split(":")
    wait(f"go-{pk}")
    {"soft": soft, "hard": hard}[kind](int(pk))
    (folder / f"done-{pk}").touch()
"""


def fetch(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode(), response.headers.get("X-Page-Cache", "")


def wait_for(path: Path, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


class Background:
    """A request answered in another thread (it will be held at the render gate)."""

    def __init__(self, url: str):
        self.answer = None
        self.thread = threading.Thread(target=self._run, args=(url,))
        self.thread.start()

    def _run(self, url):
        self.answer = fetch(url)

    def result(self) -> tuple[str, str]:
        self.thread.join(90)
        assert self.answer is not None, "the request held at the gate never answered"
        return self.answer


def story_with_update(headline: str) -> Article:
    """A live story with a scheduled update queued (applying it is a hard purge) that changes Old to New."""
    story = services.publish(make_story(headline=headline), actor=services.COMMAND)
    snap = dict(services.snapshot(Article.objects.get(pk=story.pk)), headline=headline.replace("Old", "New"))
    services.queue_update(story, snap, go_live_at=timezone.now() + timedelta(minutes=5), actor=services.COMMAND)
    return story


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("skew", [-SKEW, SKEW], ids=["purging-clock-behind", "purging-clock-ahead"])
def test_purges_from_a_machine_with_another_clock_leave_no_old_page_current(tmp_path, skew):
    spanned_soft = services.publish(make_story(headline="Old bridge toll"), actor=services.COMMAND)
    spanned_hard = story_with_update("Old ferry times")
    kept_copy = story_with_update("Old metro fares")
    gate, changes = tmp_path / "gate", tmp_path / "changes"
    gate.mkdir(), changes.mkdir()
    shifted = {"PYTHONPATH": HOOKS, "CLOCK_SHIFT_SECONDS": str(skew)}
    steps = f"soft:{spanned_soft.pk} hard:{spanned_hard.pk} hard:{kept_copy.pk}"
    with app_server(PYTHONPATH=HOOKS, RENDER_GATE=str(gate)) as renderer, app_server(**shifted) as other:
        changer = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", CHANGER], cwd=ROOT, text=True,
            env=project_env(**shifted, CHANGES=str(changes), STEPS=steps),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        try:
            # 1 and 2. A render that read the story before the change and reaches the cache after its purge (soft:
            # an edit; hard: a scheduled update applied) must not be kept: every later answer, on either server,
            # has the new headline, and the new page is kept (a hit follows).
            for story in (spanned_soft, spanned_hard):
                path, old, new = story.get_absolute_url(), story.headline, story.headline.replace("Old", "New")
                (gate / "hold").touch()
                held = Background(renderer + path)
                wait_for(gate / "held", "the render to reach the gate")
                (changes / f"go-{story.pk}").touch()
                wait_for(changes / f"done-{story.pk}", "the change", 120)
                (gate / "hold").unlink()
                (gate / "held").unlink()
                html, state = held.result()
                assert old in html and state == "miss"  # rendered before the change: right when it was asked
                answers = [fetch(base + path) for base in (renderer, other, renderer, other, renderer)]
                assert all(new in html and old not in html for html, _ in answers), [s for _, s in answers]
                assert answers[-1][1] == "hit", [s for _, s in answers]

            # 3. A copy stored before a hard purge is dead, not stale: while one request re-renders the page, a
            # reader on the other server waits for the new page instead of getting the old one.
            path, old = kept_copy.get_absolute_url(), kept_copy.headline
            fetch(renderer + path)
            assert fetch(renderer + path)[1] == "hit"
            (changes / f"go-{kept_copy.pk}").touch()
            wait_for(changes / f"done-{kept_copy.pk}", "the change", 120)
            (gate / "hold").touch()
            rerender = Background(renderer + path)
            wait_for(gate / "held", "the re-render to reach the gate")
            waiting = Background(other + path)
            time.sleep(1)  # the other reader is waiting on the re-render (or renders itself): not answered yet
            (gate / "hold").unlink()
            for html, state in (rerender.result(), waiting.result()):
                assert old not in html, state
            assert fetch(other + path)[1] == "hit"
        finally:
            (gate / "hold").unlink(missing_ok=True)
            for story in (spanned_soft, spanned_hard, kept_copy):
                (changes / f"go-{story.pk}").touch()
            out, err = changer.communicate(timeout=120)
        assert changer.returncode == 0, err[-3000:]
