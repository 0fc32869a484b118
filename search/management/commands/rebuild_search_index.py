import sys

from django.core.management.base import BaseCommand
from django.db import connection
from tqdm import tqdm

from articles.models import Article
from search import schema
from search.indexing import index_articles


class Command(BaseCommand):
    help = "Rebuild the full-text search index from every story (any state; search shows only live ones)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200, help="stories per upsert (default 200)")

    def handle(self, *args, batch_size, verbosity, **options):
        schema.install(connection)  # idempotent: repairs lost SQLite triggers or a dropped PostgreSQL column
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        stream = getattr(self.stderr, "_out", sys.stderr)  # tqdm redraws with \r: give it the raw stream
        done = 0
        with tqdm(total=len(ids), unit="story", desc="Indexing", file=stream, disable=verbosity < 1) as bar:
            for start in range(0, len(ids), max(batch_size, 1)):
                count = index_articles(ids[start:start + batch_size])
                done += count
                bar.update(count)
        schema.rebuild_native_index(connection)
        self.stdout.write(f"Indexed {done} stories.")
