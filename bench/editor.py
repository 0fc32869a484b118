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
from story_form import story_form  # noqa: E402  (bench/story_form.py, beside this script)

from articles.models import Article  # noqa: E402


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
