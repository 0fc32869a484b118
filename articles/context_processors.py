from django.core.cache import cache

from .models import Section

NAV_CACHE_KEY = "articles:nav-sections:v1"


def navigation(request):
    sections = cache.get(NAV_CACHE_KEY)
    if sections is None:
        sections = list(Section.objects.filter(in_navigation=True).order_by("order", "name"))
        cache.set(NAV_CACHE_KEY, sections, 600)
    return {"NAV_SECTIONS": sections}
