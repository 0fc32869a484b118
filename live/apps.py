from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live blogs"

    def ready(self) -> None:
        from articles import export
        from core import pagecache

        from . import index, ninjs

        # Listings gain or lose the LIVE badge when coverage starts or ends: pages expire then (core's hook).
        pagecache.register_next_instant(index.next_coverage_change)
        # The update endpoint's cursor is part of its cache key (other parameters are redirected away).
        pagecache.register_page_parameter("after")
        # A live blog's entries travel in its story's ninjs export (articles' hook; articles never imports live).
        export.register_associations(ninjs.entry_associations)
