from django.apps import AppConfig


class DistributionConfig(AppConfig):
    """Feeds, sitemaps, robots.txt and structured data: how readers' tools and machines find stories."""

    name = "distribution"
