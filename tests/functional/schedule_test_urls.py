"""The admin URLs plus the Schedule page, for tests that must not depend on ArticleAdmin's wiring.

Only names the real admin does not (yet) provide are added: the schedule page itself, and
stand-ins for the scheduled-update change and cancel endpoints the page links to. Once the
real ones exist, these add nothing and the tests run against the real admin.
"""
from django.contrib import admin
from django.http import HttpResponse
from django.urls import URLResolver, include, path

from articles.models import Article
from articles.schedule import schedule_urls


def _names(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _names(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name


def _stand_in(request, pk):
    return HttpResponse(f"stand-in for scheduled update {pk}")


admin_patterns = admin.site.get_urls()
known = set(_names(admin_patterns))
extra = []
# Before the admin's own patterns: its "<path:object_id>/" would swallow "schedule/".
if "articles_article_schedule" not in known:
    extra.append(path("articles/article/", include(schedule_urls(admin.site._registry[Article]))))
if "articles_scheduledupdate_change" not in known:
    extra.append(path("articles/scheduledupdate/<int:pk>/change/", _stand_in, name="articles_scheduledupdate_change"))
if "articles_scheduledupdate_cancel" not in known:
    extra.append(path("articles/scheduledupdate/<int:pk>/cancel/", _stand_in, name="articles_scheduledupdate_cancel"))

urlpatterns = [path("admin/", (extra + admin_patterns, "admin", admin.site.name))]
