from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import AdSlot, HouseCreative
from .services import forget_slots


@receiver([post_save, post_delete], sender=AdSlot)
@receiver([post_save, post_delete], sender=HouseCreative)
def slots_changed(**kwargs) -> None:
    forget_slots()
