from django.apps import AppConfig


class ReportersConfig(AppConfig):
    name = "reporters"

    def ready(self):
        from . import accounts  # noqa: F401 - connects the link-by-name signal
