"""The dynamic half of advertising: per-view choice, counting, the sandboxed tag frame, and /ads.txt.

Public pages are cached whole; they carry only the slot (label, reserved box, house creative). static/ads/slots.js
asks /ads/serve/<slot>/ for each slot as it nears the viewport, and reports an impression to the beacon once the
creative has been half visible for a second. Everything here is uncached (no-store) except /ads.txt.
"""
import random
import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.pagecache import add_keys

from . import counting, delivery
from . import origin as creative_origin
from .adstxt import CACHE_KEY as ADS_TXT_CACHE_KEY
from .models import AdsTxt, Creative
from .services import slot_map
from .targeting import clean_section

IMPRESSION_WINDOW = 60 * 60  # a beacon counts within an hour of the serve that issued it
CLICK_WINDOW = 24 * 60 * 60  # a click counts within a day; the redirect works for as long as the creative exists
CLICK_MACRO = "%%CLICK_URL%%"
_rng = random.SystemRandom()


def _json(data, status=200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_GET
def serve(request, key):
    """JSON for one view of one slot: a campaign creative with its beacon (and click) URLs, or "house"."""
    slot = slot_map().get(key)
    if slot is None:
        return _json({"error": "unknown slot"}, status=404)
    section = clean_section(request.GET.get("section"))
    choice = delivery.pick(delivery.campaign_table(), key, section, time.time(), _rng)
    if choice is None:
        return _json({"kind": "house"})
    campaign, creative = choice
    ticket = delivery.Ticket.issue(campaign["id"], creative["id"])
    click = reverse("ads:click", args=[ticket.sign(delivery.CLICK_SALT)]) if creative["click"] else ""
    data = {
        "kind": creative["kind"],
        "width": slot["width"],
        "height": slot["height"],
        "beacon": reverse("ads:impression", args=[ticket.sign(delivery.IMPRESSION_SALT)]),
    }
    if creative["kind"] == Creative.Kind.HTML:
        frame = creative_origin.absolute(reverse("ads:frame", args=[creative["id"]]))
        data["frame"] = f"{frame}?click={ticket.sign(delivery.CLICK_SALT)}" if click else frame
    else:
        data.update(image=creative["image_url"], alt=creative["alt"], click=click)
    return _json(data)


@csrf_exempt  # sendBeacon cannot carry a CSRF token; the signed one-time ticket is the authority here
@never_cache
@require_POST
def impression(request, token):
    ticket = delivery.Ticket.read(token, delivery.IMPRESSION_SALT)
    if ticket is None:
        return HttpResponseBadRequest("Bad impression token.", content_type="text/plain")
    if ticket.first_use("impression", IMPRESSION_WINDOW):
        counting.record(ticket.campaign, ticket.creative, impressions=1)
    return HttpResponse(status=204)


@never_cache
@require_GET
def click(request, token):
    """Count the click and send the reader on. Only a token we signed leads anywhere, and only to the creative's
    stored address, so this is never an open redirect."""
    ticket = delivery.Ticket.read(token, delivery.CLICK_SALT)
    if ticket is None:
        raise Http404("Unknown advertisement link.")
    destination = (
        Creative.objects.filter(pk=ticket.creative, campaign_id=ticket.campaign)
        .exclude(click_url="").values_list("click_url", flat=True).first()
    )
    if not destination:
        raise Http404("This advertisement has ended.")
    if ticket.first_use("click", CLICK_WINDOW):
        counting.record(ticket.campaign, ticket.creative, clicks=1)
    response = HttpResponseRedirect(destination)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "origin"
    return response


def frame_policy(ancestor: str = "'self'") -> str:
    """The frame's own Content-Security-Policy: the tag's inline code and the configured ad hosts, nothing else of
    ours. The sandbox directive holds even when the frame URL is opened on its own; `ancestor` is who may frame it
    (our own pages: 'self', or the site's origin when frames come from ADS_CREATIVE_ORIGIN)."""
    hosts = [
        host for host in (str(h).strip() for h in getattr(settings, "AD_HOSTS", None) or [])
        if host and all(c.isalnum() or c in ".-*:/_" for c in host)  # nothing that could end a directive
    ]

    def sources(*own: str) -> str:
        return " ".join([*own, *hosts]) or "'none'"

    return "; ".join([
        "default-src 'none'",
        "script-src " + sources("'unsafe-inline'"),
        "style-src " + sources("'unsafe-inline'"),
        f"img-src {sources('data:')}",
        f"media-src {sources()}",
        f"font-src {sources()}",
        f"connect-src {sources()}",
        f"frame-src {sources()}",
        "base-uri 'none'",
        "form-action 'none'",
        f"frame-ancestors {ancestor}",
        "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox",
    ])


@xframe_options_sameorigin
@never_cache
@require_GET
def creative_frame(request, pk):
    """An HTML / third-party tag creative, alone in a document our pages embed in a sandboxed iframe.

    With ADS_CREATIVE_ORIGIN set it is answered on that origin only (ads.origin.CreativeOriginMiddleware calls
    this view there) and is a 404 on the site's own hosts."""
    separate = creative_origin.configured()
    if separate and not creative_origin.is_creative_request(request):
        raise Http404
    row = Creative.objects.filter(pk=pk, kind=Creative.Kind.HTML, active=True).values("html", "campaign_id").first()
    if row is None:
        raise Http404
    html = row["html"]
    if CLICK_MACRO in html:
        ticket = delivery.Ticket.read(request.GET.get("click", ""), delivery.CLICK_SALT)
        valid = ticket is not None and ticket.creative == pk and ticket.campaign == row["campaign_id"]
        # The token is ours (signature checked), so its URL holds only URL-safe characters. On the creative
        # origin the click goes to the site's own host, where clicks are counted.
        click = reverse("ads:click", args=[request.GET["click"]])
        html = html.replace(CLICK_MACRO, (settings.SITE_URL + click if separate else click) if valid else "#")
    # Without the request's context processors: the tag needs nothing of the site, and none of them run here.
    response = HttpResponse(render_to_string("ads/frame.html", {"tag": html}))
    response["Content-Security-Policy"] = frame_policy(creative_origin.site_origin() if separate else "'self'")
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def ads_txt(request):
    add_keys("ads.txt")
    content = cache.get(ADS_TXT_CACHE_KEY)
    if content is None:
        content = AdsTxt.objects.filter(pk=1).values_list("content", flat=True).first() or ""
        cache.set(ADS_TXT_CACHE_KEY, content, 3600)
    if not content.strip():
        raise Http404("No ads.txt yet.")
    response = HttpResponse(content + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=300)
    return response
