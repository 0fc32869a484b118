from django.apps import AppConfig


class AdsConfig(AppConfig):
    name = "ads"
    verbose_name = "Advertising"

    def ready(self) -> None:
        from core import pagecache

        from . import signals  # noqa: F401
        from .models import AdSlot, AdsTxt, Advertiser, Campaign, Creative, DailyStat, HouseCreative

        # A cached page holds the slot map (label, box, house creative): "ads". Campaigns and their creatives are
        # chosen per view by /ads/serve/ (never cached), so they purge no page; neither does counting.
        for model in (AdSlot, HouseCreative):
            pagecache.register_model_keys(model, lambda row: {"ads"})
        for model in (Advertiser, Campaign, Creative, DailyStat):
            pagecache.register_model_keys(model, lambda row: None)
        pagecache.register_model_keys(AdsTxt, lambda row: {"ads.txt"})
