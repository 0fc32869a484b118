from django.apps import AppConfig


class ReportersConfig(AppConfig):
    name = "reporters"

    def ready(self) -> None:
        from core import pagecache

        from . import accounts  # noqa: F401 - connects the link-by-name signal
        from .models import Reporter

        # Bylines, the reporter's page and feed name the reporter as reporter:<id> (articles.cache_keys).
        pagecache.register_model_keys(Reporter, lambda r: {f"reporter:{r.pk}", "sitemap"})
