from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .adstxt import CACHE_KEY as ADS_TXT_CACHE_KEY
from .delivery import forget_campaigns
from .models import AdSlot, AdsTxt, Campaign, Creative, HouseCreative
from .services import forget_slots


@receiver([post_save, post_delete], sender=AdSlot)
@receiver([post_save, post_delete], sender=HouseCreative)
def slots_changed(**kwargs) -> None:
    forget_slots()


@receiver([post_save, post_delete], sender=AdSlot)
@receiver([post_save, post_delete], sender=Campaign)
@receiver([post_save, post_delete], sender=Creative)
@receiver(m2m_changed, sender=Campaign.slots.through)
def campaigns_changed(**kwargs) -> None:
    forget_campaigns()


@receiver([post_save, post_delete], sender=AdsTxt)
def ads_txt_changed(**kwargs) -> None:
    cache.delete(ADS_TXT_CACHE_KEY)
