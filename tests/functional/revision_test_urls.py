"""The site's URLs with the revision views mounted, independent of ArticleAdmin.get_urls wiring.

The views sit inside the admin's namespace (so `admin:articles_article_revisions` reverses as it
will in production) and before the admin's own URLs, whose `<path:object_id>/` catch-all would
otherwise swallow them.
"""
from django.contrib import admin
from django.urls import include, path

from articles.admin_revisions import revision_urls
from articles.models import Article

revision_paths = [path("articles/article/", include(revision_urls(admin.site._registry[Article])))]

urlpatterns = [
    path("admin/", include((revision_paths + admin.site.get_urls(), "admin"), namespace=admin.site.name)),
    path("", include("articles.urls")),
]
