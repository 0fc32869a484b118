from django import template
from django.template.loader import render_to_string

from ads.services import slot_map

register = template.Library()


@register.simple_tag
def ad_slot(key: str):
    """Render a slot's label and reserved box (with its house creative, if any)."""
    slot = slot_map().get(key)
    if slot is None:
        return ""
    return render_to_string("ads/slot.html", {"slot": slot})
