import logging
import secrets
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, DataError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from .logfilters import DATABASE_DOWN
from .storage import is_disk_full

outage_log = logging.getLogger("newsroom.outage")


@never_cache
def healthz(request):
    """Liveness for load balancers: the database answers and the cache round-trips.

    Each check says "ok" or "down", nothing more: the reason (exception, address) is for the logs, not for
    whoever can reach this URL. A down cache is reported but does not fail the check (pages are served
    uncached); a down database does (503).
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "down"
    token = secrets.token_hex(4)
    try:  # backends are configured to swallow connection errors; a lost round trip is what "down" looks like
        cache.set("healthz", token, 10)
        checks["cache"] = "ok" if cache.get("healthz") == token else "down"
    except Exception:  # noqa: BLE001 (a backend that raises anyway is down too)
        checks["cache"] = "down"
    if checks["cache"] == "down":
        outage_log.warning("cache unavailable", extra={"outage": "cache"})
    healthy = checks["database"] == "ok"
    status = "ok" if healthy and checks["cache"] == "ok" else ("degraded" if healthy else "unavailable")
    return JsonResponse({"status": status, **checks}, status=200 if healthy else 503)


def server_error(request):
    """500; a calm 503 when the database is down; 400 for a value the database refused. Never shows internals.

    Django's request logger records the error with its traceback (a 400 or 500 is a gap in our validation);
    core.logfilters.OutageFilter turns an outage's records into one line a minute.
    """
    # Rendered without the request's context processors: they may need the database that just failed.
    context = {"SITE_NAME": settings.SITE_NAME}
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        response = HttpResponse(render_to_string("503.html", context), status=503)
        response["Retry-After"] = "30"
        return response
    if isinstance(error, DataError):  # out of range, too long, NUL...: the request's value, answered as such
        return HttpResponse(render_to_string("400.html", context), status=400)
    if is_disk_full(error):  # an upload outside the photo desk's own handling (portraits, ad images)
        return HttpResponse(render_to_string("507.html", context), status=507)
    return HttpResponse(render_to_string("500.html", context), status=500)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page's <link rel="icon"> says: send them to the static file."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("img/favicon.ico"), permanent=True)
