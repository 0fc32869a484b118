from django.core.cache import cache

from core.pagecache import add_keys

from .models import Section

NAV_CACHE_KEY = "articles:nav-sections:v1"


def navigation(request):
    add_keys("nav")  # a section saved purges the pages showing the navigation (articles.cache_keys)
    sections = cache.get(NAV_CACHE_KEY)
    if sections is None:
        sections = list(Section.objects.filter(in_navigation=True).order_by("order", "name"))
        cache.set(NAV_CACHE_KEY, sections, 600)
    return {"NAV_SECTIONS": sections}
