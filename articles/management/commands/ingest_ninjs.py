from django.core.management.base import BaseCommand, CommandError

from articles.ingest import ingest_paths


class Command(BaseCommand):
    help = "Import ninjs (IPTC News in JSON) stories from .json files or folders of them."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help=".json files or folders of them")
        parser.add_argument("--publish", action="store_true", help="publish (or schedule, if embargoed) what is imported")

    def handle(self, *args, paths, publish, **options):
        rejected = total = 0
        for result in ingest_paths(paths, publish=publish):
            total += 1
            rejected += result.action == "rejected"
            self.stdout.write(result.line)
        if total == 0:
            raise CommandError("no .json files found in " + " ".join(paths))
        if rejected:
            raise CommandError(f"{rejected} of {total} items rejected")
