from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from articles.signals import story_changed

        from .indexing import on_story_changed

        # Sent after commit by articles.services: the index follows every story change.
        story_changed.connect(on_story_changed, dispatch_uid="search.index_on_story_changed")
