"""Compute the kept related stories of existing stories (after the migration that added them, or after stories were
made without the services, as `generate_newsroom` does). Safe to run again: a list that did not change is not
written."""
from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from articles import related, services
from articles.models import Article


class Command(BaseCommand):
    help = "Compute the related stories kept for each story (all stories, or only those with none computed yet)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Every story, not only those never computed.")
        parser.add_argument("--batch", type=int, default=200)

    def handle(self, *args, all, batch, **options):
        stories = Article.objects.order_by("-published_at", "-id")
        if not all:
            stories = stories.filter(related_list__isnull=True)
        ids = list(stories.values_list("pk", flat=True))
        with tqdm(total=len(ids), desc="related", unit="story", disable=options["verbosity"] == 0) as progress:
            for start in range(0, len(ids), batch):
                chunk = ids[start:start + batch]
                with transaction.atomic():
                    related.refresh(chunk, actor=services.COMMAND)
                progress.update(len(chunk))
        self.stdout.write(f"computed the related stories of {len(ids)} stories")
