"""System checks for what the code assumes but settings could contradict."""
import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from core.timefmt import SITE_TIME_ZONE


@register(Tags.compatibility)
def time_zone_is_the_sites(app_configs=None, **kwargs) -> list[Error]:
    """The site shows one zone, IST. Admin inputs and date filters follow TIME_ZONE while every text, feed and
    export is IST (core.timefmt), and ad statistics are kept per IST day, so another value would make the admin
    and the pages disagree: refuse it instead (docs/decisions.md, "One time zone")."""
    errors = []
    if settings.TIME_ZONE != SITE_TIME_ZONE:
        errors.append(Error(
            f"TIME_ZONE is {settings.TIME_ZONE!r}; Newsroom shows and takes every time in {SITE_TIME_ZONE} (IST).",
            hint=f"Set TIME_ZONE = {SITE_TIME_ZONE!r} (storage is UTC whatever the zone).",
            id="core.E001",
        ))
    from_environment = os.environ.get("TIME_ZONE", "")
    if from_environment and from_environment != SITE_TIME_ZONE:
        errors.append(Error(
            f"The environment sets TIME_ZONE={from_environment!r}, which Newsroom does not read: the site's zone is "
            f"fixed at {SITE_TIME_ZONE} (IST).",
            hint="Remove TIME_ZONE from the environment.",
            id="core.E002",
        ))
    return errors


@register(Tags.caches)
def page_cache_hits_before_django(app_configs=None, **kwargs) -> list[Warning]:
    """Fresh page-cache hits are answered before Django only when what runs before the page cache is what
    core.pagecache.FastHits does itself; with other settings it steps aside, and this says why."""
    from core.pagecache import fast_hits_blockers

    if not settings.PAGE_CACHE_SECONDS:
        return []
    return [
        Warning(
            f"Page-cache hits go through Django's whole request handling: {reason}.",
            hint="See core/pagecache.py, 'hits answered before Django'.",
            id="core.W001",
        )
        for reason in fast_hits_blockers()
    ]
