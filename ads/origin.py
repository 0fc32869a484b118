"""HTML and third-party tag creatives from an origin of their own (settings.ADS_CREATIVE_ORIGIN).

On the site's own origin a tag is isolated by the iframe's sandbox and by its document's CSP `sandbox` directive
(ads.views.frame_policy), which also holds when someone opens the frame URL directly. A separate origin adds the
browser's same-origin policy under both: the creative's document shares no cookies, storage or origin with the
site whatever a browser makes of the sandbox. The origin's host is not in ALLOWED_HOSTS (settings refuse it there):
this middleware, placed before any middleware that asks for the Host (CommonMiddleware, CSRF), answers the frame
path on it and 404s every other /ads/ path; any other path is refused by Django's Host check (400), so the site's
pages, admin and login are never served from it.
"""
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseNotFound

FRAME_PATH = re.compile(r"/ads/creative/(?P<pk>[0-9]{1,18})/frame/")


def configured() -> str:
    return getattr(settings, "ADS_CREATIVE_ORIGIN", "") or ""


def parse(origin: str) -> str:
    """`https://host[:port]` exactly, lower-cased; ImproperlyConfigured for anything else (settings call this)."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise ImproperlyConfigured(f"ADS_CREATIVE_ORIGIN must be an origin like https://ads.example-frames.com, not {origin!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def site_origin() -> str:
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def absolute(path: str) -> str:
    origin = configured()
    return origin + path if origin else path


def is_creative_request(request) -> bool:
    origin = configured()
    return bool(origin) and request.META.get("HTTP_HOST", "").lower() == urlsplit(origin).netloc


class CreativeOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_creative_request(request):
            return self.get_response(request)
        match = FRAME_PATH.fullmatch(request.path_info)
        if match is None:
            return HttpResponseNotFound("Only advertisement frames are served here.", content_type="text/plain")
        from .views import creative_frame

        response = creative_frame(request, int(match["pk"]))
        # Framed by the site's pages, another origin: the frame's CSP frame-ancestors names them (no
        # X-Frame-Options, which cannot allow another origin).
        del response["X-Frame-Options"]
        return response
