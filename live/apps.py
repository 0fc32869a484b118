from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live blogs"

    def ready(self) -> None:
        from articles import export, scheduler
        from core import pagecache

        from . import cache_keys, index, ninjs, services

        # Pages showing a live story (its page, export, feed items) carry its stream key: entries purge them.
        cache_keys.register()
        # Listings gain or lose the LIVE badge when coverage starts or ends: pages expire then (core's hook).
        pagecache.register_next_instant(index.next_coverage_change)
        # The update endpoint's cursor is part of its cache key (other parameters are redirected away).
        pagecache.register_page_parameter("after")
        # A live blog's entries travel in its story's ninjs export (articles' hook; articles never imports live).
        export.register_associations(ninjs.entry_associations)
        # A scheduled entry moves its story's stored Updated at its instant: every scheduler pass follows due entries.
        scheduler.register_pass_hook(services.follow_due_entries)
