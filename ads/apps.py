from django.apps import AppConfig


class AdsConfig(AppConfig):
    name = "ads"
    verbose_name = "Advertising"

    def ready(self) -> None:
        from . import signals  # noqa: F401
