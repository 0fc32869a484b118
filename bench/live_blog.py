"""The live-blog part of `make bench`, run with the bench's environment (like count_queries.py).

    python bench/live_blog.py setup SLUG ENTRIES     make story SLUG a live blog with ENTRIES entries; print its cursor
    python bench/live_blog.py post SLUG EVERY DURATION   post an entry every EVERY seconds for DURATION seconds
    python bench/live_blog.py queries SLUG          SQL queries of the blog's first page and of the update endpoint

Entries are written through live.services (the command actor), as the desk would.
"""
import json
import os
import sys
import time
from datetime import timedelta

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article  # noqa: E402
from live import services  # noqa: E402
from live.models import LiveBlog  # noqa: E402
from live.stream import cursor_of, latest_stamp  # noqa: E402
from reporters.models import Reporter  # noqa: E402


def setup(slug: str, entries: int) -> None:
    article = Article.objects.get(slug=slug)
    blog = LiveBlog.objects.filter(article=article).first()
    start = timezone.now() - timedelta(seconds=30 * entries + 600)
    if blog is None:
        blog = services.open_blog(article, actor=services.COMMAND, coverage_start=start, poll_seconds=15)
    reporters = list(Reporter.objects.order_by("id")[:3])
    for n in range(blog.entries.count(), entries):
        services.post_entry(blog, actor=services.COMMAND, reporters=[reporters[n % len(reporters)]],
                            headline=f"Update {n}" if n % 4 == 0 else "", key_event=n % 100 == 0,
                            body=f"<p>Counting update {n}: the lead changes hands in ward {n % 48 + 1}.</p>",
                            post_at=start + timedelta(seconds=30 * n))
    print(json.dumps({"cursor": str(cursor_of(latest_stamp(blog, timezone.now()))), "entries": blog.entries.count()}))


def post(slug: str, every: float, duration: float) -> None:
    blog = LiveBlog.objects.get(article__slug=slug)
    reporter = Reporter.objects.order_by("id").first()
    deadline, posted = time.monotonic() + duration, 0
    while time.monotonic() < deadline:
        services.post_entry(blog, actor=services.COMMAND, reporters=[reporter], body=f"<p>Breaking update {posted}.</p>")
        posted += 1
        time.sleep(every)
    print(json.dumps({"posted": posted}))


def queries(slug: str) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    blog = LiveBlog.objects.get(article__slug=slug)
    cursor = cursor_of(latest_stamp(blog, timezone.now()))
    result = {}
    for name, path in (("page", f"/story/{slug}/"), ("endpoint", f"/story/{slug}/live/?after={cursor}")):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, HTTP_COOKIE="sessionid=bench-uncached")
        result[name] = {"queries": len(captured), "bytes": len(response.content), "status": response.status_code}
    print(json.dumps(result))


if __name__ == "__main__":
    command, slug, *rest = sys.argv[1:]
    {"setup": lambda: setup(slug, int(rest[0])), "post": lambda: post(slug, float(rest[0]), float(rest[1])),
     "queries": lambda: queries(slug)}[command]()
