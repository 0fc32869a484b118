import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections

from articles.scheduler import apply_due_updates, record_heartbeat
from core.pagecache import drain_outbox
from core.timefmt import machine_datetime


class Command(BaseCommand):
    help = (
        "Apply every scheduled update of a live story that is due, then print `applied N`. "
        "Scheduled publishing and expiry need no worker; only queued updates do. A failing update is recorded "
        "on the update (shown in the admin) and retried with back-off; the others still go out."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep applying due updates until stopped")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between passes with --loop (default 5)")

    def handle(self, *args, loop, interval, **options):
        while True:
            failed = []
            try:
                drain_outbox()  # every pass: one query, and what the cache missed goes out
                applied = apply_due_updates(on_failure=failed.append)
                record_heartbeat(applied, len(failed))
            except Exception as error:  # noqa: BLE001 (a loop survives anything one pass meets)
                if not loop:
                    raise
                # Most often the database went away: drop every connection so the next pass opens a fresh one.
                self.stderr.write(f"pass failed ({error.__class__.__name__}); retrying in {interval:g}s")
                connections.close_all()
            else:
                for update in failed:
                    self.stderr.write(
                        f"failed update {update.pk} of story {update.article_id} (attempt {update.failed_attempts}, "
                        f"next try {machine_datetime(update.retry_at)}): {update.last_error}"
                    )
                # A loop reports only passes that did something (or every pass with -v 2), so logs stay readable.
                if not loop or applied or failed or options["verbosity"] >= 2:
                    self.stdout.write(f"applied {applied}")
                    self.stdout.flush()
            if not loop:
                return
            close_old_connections()
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return
