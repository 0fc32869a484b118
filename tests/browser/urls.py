"""The site's URLs plus /media/, for the live server the browser tests talk to.

Outside DEBUG the project does not serve uploads (production puts them behind the web server), and pytest-django's
live server serves only static files; the pages under test show uploaded photos and ad creatives, so the browser
tests add the media view here (tests/browser/conftest.py points ROOT_URLCONF at this module).
"""
from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from newsroom.urls import handler404, handler500  # noqa: F401 (error handlers)
from newsroom.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *site_urlpatterns,
]
