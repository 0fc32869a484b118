"""Delete stories in the trash for good, with their revisions and queued updates; each purge is audited."""
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles import services
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Purge stories from the trash (for an administrator): deletes them with their history, and prints and "
        "audits each one. Without --all or --id nothing is purged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--id", type=int, action="append", dest="ids", default=[], help="purge this story (repeatable)")
        parser.add_argument("--all", action="store_true", help="purge every story in the trash")
        parser.add_argument("--older-than", type=int, metavar="DAYS", help="only stories trashed at least DAYS ago")
        parser.add_argument("--dry-run", action="store_true", help="list what would be purged")

    def handle(self, *args, ids, all, older_than, dry_run, **options):
        if not ids and not all:
            raise CommandError("Say what to purge: --id N (repeatable) or --all (optionally --older-than DAYS).")
        stories = Article.objects.filter(status=Article.Status.TRASHED).order_by("pk")
        if ids:
            stories = stories.filter(pk__in=ids)
            missing = set(ids) - set(stories.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"Not in the trash: {', '.join(map(str, sorted(missing)))}. Nothing was purged.")
        if older_than is not None:
            stories = stories.filter(trashed_at__lte=timezone.now() - timedelta(days=older_than))
        count = 0
        for article in stories:
            if dry_run:
                self.stdout.write(f"would purge {article.pk} {article.headline}")
                continue
            services.purge(article, actor=services.COMMAND)
            self.stdout.write(f"purged {article.pk} {article.headline}")
            count += 1
        self.stdout.write(f"{'would purge' if dry_run else 'purged'} {count if not dry_run else stories.count()}")
