"""The editor's side of the bench: what the admin's Save costs on the bench's newsroom. Run with the bench's env.

python bench/editor.py [--runs 7]
Prints one JSON line: for "create + publish" (a new story, two bylines and two tags, Save with Status "Published") and
"headline edit" (a live story's headline changed, nothing else), the median SQL queries and CPU milliseconds of the
request (the admin's POST, its transaction and the after-commit work: purges, search index) over `runs` saves.
The newsroom is not left as it was: the stories made are published and the edited ones keep their new headlines.
"""
import argparse
import json
import os
import re
import statistics
import sys
import time
import uuid

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from core.timefmt import to_ist  # noqa: E402
from reporters.models import Reporter  # noqa: E402


def story_form(story: Article | None = None, **overrides) -> dict:
    """The story form as the admin posts it: a new story, or `story` as stored (to change some of it)."""
    if story is None:
        data = {
            "headline": "", "slug": "", "standfirst": "Filed for the bench.", "body": "<p>First.</p><p>Second.</p>",
            "section": str(Section.objects.order_by("pk").values_list("pk", flat=True).first()),
            "byline_reporters": [str(pk) for pk in Reporter.objects.order_by("pk").values_list("pk", flat=True)[:2]],
            "tags": ["topic-001", "topic-002"], "workflow": "published",
            "publish_at_0": "", "publish_at_1": "",
        }
    else:
        published = to_ist(story.published_at)
        data = {
            "headline": story.headline, "slug": story.slug, "standfirst": story.standfirst, "body": story.body,
            "section": str(story.section_id),
            "byline_reporters": [str(pk) for pk in story.bylines.order_by("position").values_list("reporter_id", flat=True)],
            "tags": list(story.tags.names()), "workflow": story.status,
            "publish_at_0": published.strftime("%Y-%m-%d"), "publish_at_1": published.strftime("%H:%M:%S"),
            "edit_version_seen": str(story.edit_version),
        }
    data.update({"expires_at_0": "", "expires_at_1": "", "correction_note": "", "language": "en"})
    data.update(overrides)
    return data


def measure(client: Client, path: str, data: dict) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as queries:
        started = time.process_time()
        response = client.post(path, data)
        cpu = time.process_time() - started
    if response.status_code != 302:
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
        raise SystemExit(f"{path}: {response.status_code}, the form was refused: {errors}")
    return len(queries), cpu * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="bench"))
    results = {"create + publish": [], "headline edit": []}
    live = list(Article.objects.live().order_by("-published_at", "-id")[: args.runs])
    for run in range(args.runs):
        headline = f"Bench desk files story {uuid.uuid4().hex[:8]}"
        results["create + publish"].append(measure(client, "/admin/articles/article/add/", story_form(
            headline=headline, slug=headline.lower().replace(" ", "-"))))
        story = live[run]
        results["headline edit"].append(measure(
            client, f"/admin/articles/article/{story.pk}/change/", story_form(story, headline=story.headline + " (updated)")))
    print(json.dumps({
        name: {"queries": statistics.median(q for q, _ in runs), "cpu_ms": round(statistics.median(c for _, c in runs), 1)}
        for name, runs in results.items()
    }))


if __name__ == "__main__":
    main()
