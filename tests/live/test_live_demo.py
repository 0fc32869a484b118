"""`make demo` includes an ended live blog with 40+ entries; the command is idempotent."""
from io import StringIO

import pytest
from django.core.management import call_command

from live.models import LiveBlog
from tests.processes import ROOT

pytestmark = pytest.mark.django_db


def test_the_demo_live_blog_is_made_once_and_reads_as_ended(client):
    out = StringIO()
    call_command("make_demo_liveblog", stdout=out)
    assert out.getvalue().startswith("created sundernagar-civic-polls-counting-day-live (47 entries")
    blog = LiveBlog.objects.get()
    assert blog.has_ended() and blog.entries.count() >= 40
    assert blog.entries.filter(key_event=True).count() >= 3 and blog.entries.filter(pinned=True).count() == 1
    call_command("make_demo_liveblog", stdout=(again := StringIO()))
    assert again.getvalue().startswith("unchanged") and LiveBlog.objects.get().entries.count() == 47
    html = client.get(blog.article.get_absolute_url()).content.decode()
    assert "Live coverage ended" in html and 'data-ended="true"' in html and "Older updates" in html


def test_make_demo_runs_the_command_after_the_ingest():
    demo = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert demo.index("ingest_ninjs") < demo.index("make_demo_liveblog")
