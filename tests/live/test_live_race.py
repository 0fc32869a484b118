"""Two reporters' processes post 60 entries each to one blog at the same time: none is lost, and the stamps (the
poll cursor) follow commit order, so an open page polling `?after=` never skips one.

Runs on whichever database the suite uses: PostgreSQL (the blog's row lock) in CI's second pass, SQLite (BEGIN
IMMEDIATE) in the first.
"""
import subprocess
import sys

import pytest

from live.models import LiveEntry
from tests.live.support import live_story, member
from tests.processes import ROOT, project_env

PER_PROCESS = 60
POSTER = """
import sys, django
django.setup()
from django.contrib.auth import get_user_model
from live import services
from live.models import LiveBlog
blog = LiveBlog.objects.get(pk=int(sys.argv[1]))
user = get_user_model().objects.get(username=sys.argv[2])
for n in range(int(sys.argv[3])):
    services.post_entry(blog, actor=user, body=f"{sys.argv[2]} entry {n}")
print("posted", sys.argv[3])
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reporters_posting_at_once_lose_nothing():
    ritu = member("Reporter", "ritu", "Ritu Sharma")
    sam = member("Reporter", "sam", "Sam Menon")
    _, blog, _ = live_story(reporters=[ritu, sam])
    env = project_env()
    posters = [
        subprocess.Popen([sys.executable, "-c", POSTER, str(blog.pk), name, str(PER_PROCESS)], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("ritu", "sam")
    ]
    for poster in posters:
        out, err = poster.communicate(timeout=180)
        assert poster.returncode == 0, err[-3000:]
        assert out.strip() == f"posted {PER_PROCESS}"

    entries = list(LiveEntry.objects.filter(blog=blog).order_by("id"))
    assert len(entries) == 2 * PER_PROCESS
    for name in ("ritu", "sam"):
        assert {e.body for e in entries if e.body.startswith(f"<p>{name} ")} == {
            f"<p>{name} entry {n}</p>" for n in range(PER_PROCESS)}
    stamps = [e.stamp for e in entries]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)  # inserted in stamp order, no ties
