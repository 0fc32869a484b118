"""The desk during a bench scenario: saves stories through the services on a timer. Run with the bench's env.

python bench/desk.py --duration 20 --every 2 [--live-slug bench-story-1 --live-every 10] [--only-live] [--paths-file F]
With --paths-file (the readers' list of paths), the stories saved are those the readers read; else any live story.
Prints one JSON line: how many saves of each kind were committed.
"""
import argparse
import json
import os
import random
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()

from articles import services  # noqa: E402
from articles.models import Article  # noqa: E402


def save(story: Article, n: int) -> None:
    story = Article.objects.get(pk=story.pk)
    story.standfirst = f"Updated {n} times during the bench."
    related = services.Related(story.ordered_reporters(), list(story.tags.names()),
                               [use.photo for use in story.inline_photos.all()])
    services.save_story(story, related, actor=services.COMMAND, minor=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--every", type=float, default=2.0)
    parser.add_argument("--live-slug", default="")
    parser.add_argument("--live-every", type=float, default=10.0)
    parser.add_argument("--only-live", action="store_true")
    parser.add_argument("--paths-file", default="")
    args = parser.parse_args()
    rng = random.Random(16)
    stories = Article.objects.live()
    if args.paths_file:
        read = [line.strip() for line in open(args.paths_file) if line.startswith("/story/")]
        stories = stories.filter(slug__in=[path.split("/")[2] for path in read])
    ids = list(stories.values_list("pk", flat=True))
    live = Article.objects.get(slug=args.live_slug) if args.live_slug else None
    start = time.monotonic()
    next_save, next_live = start + args.every, start + args.live_every
    counts = {"saves": 0, "live_saves": 0}
    while time.monotonic() - start < args.duration:
        now = time.monotonic()
        if not args.only_live and now >= next_save:
            save(Article(pk=rng.choice(ids)), counts["saves"])
            counts["saves"] += 1
            next_save += args.every
        if live is not None and now >= next_live:
            save(live, counts["live_saves"])
            counts["live_saves"] += 1
            next_live += args.live_every
        time.sleep(0.05)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
