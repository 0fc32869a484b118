from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from articles.admin_search import register_story_matcher
        from articles.signals import story_changed

        from . import renames
        from .admin_matcher import story_matcher
        from .indexing import on_story_changed

        # Sent after commit by articles.services: the index follows every story change.
        story_changed.connect(on_story_changed, dispatch_uid="search.index_on_story_changed")
        # The admin's story list searches with the index (articles' hook; articles never imports search).
        register_story_matcher(story_matcher)
        # A reporter's new name reaches the documents of the stories carrying their byline (search/renames.py).
        renames.connect()
