from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from core.views import favicon, healthz

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Desk"
# No app list down the left of every admin page: it took 300 px from the story lists and forms at a laptop's width.
# The desk home lists everything, and the breadcrumbs lead back to it.
admin.site.enable_nav_sidebar = False

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("search/", include("search.urls")),
    path("", include("ads.urls")),
    path("", include("distribution.urls")),
    path("", include("articles.export_urls")),
    path("", include("live.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))
