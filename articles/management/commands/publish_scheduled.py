import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from articles.scheduler import apply_due_updates


class Command(BaseCommand):
    help = (
        "Apply every scheduled update of a live story that is due, then print `applied N`. "
        "Scheduled publishing and expiry need no worker; only queued updates do."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep applying due updates until stopped")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between passes with --loop (default 5)")

    def handle(self, *args, loop, interval, **options):
        while True:
            applied = apply_due_updates()
            # A loop reports only passes that did something (or every pass with -v 2), so logs stay readable.
            if not loop or applied or options["verbosity"] >= 2:
                self.stdout.write(f"applied {applied}")
                self.stdout.flush()
            if not loop:
                return
            close_old_connections()
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return
