import logging
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

logger = logging.getLogger("newsroom")


@never_cache
def healthz(request):
    """Liveness for load balancers: the database answers and the cache round-trips."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "ok", 10)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "error: no round trip"
    except Exception as exc:  # noqa: BLE001 (any cache backend failure means unhealthy)
        checks["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)


def server_error(request):
    """500, or a calm 503 when the database is down. Never shows internals."""
    # Rendered without the request's context processors: they may need the database that just failed.
    context = {"SITE_NAME": settings.SITE_NAME}
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError):
        logger.error("database unavailable: %s", error.__class__.__name__)
        response = HttpResponse(render_to_string("503.html", context), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html", context), status=500)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page's <link rel="icon"> says: send them to the static file."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("img/favicon.ico"), permanent=True)
