"""HTML ad creatives: sandboxed on the site's origin by default, and from an origin of their own when
ADS_CREATIVE_ORIGIN is set (issue 26): the site then 404s the frame, the creative origin serves nothing else."""
import re

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from ads.models import Creative
from ads.origin import parse
from tests.integration.test_ad_rotation import START, make_campaign, serve

CREATIVE_ORIGIN = "https://adframes.example.net"
SANDBOX = "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox"


@pytest.fixture
def tag(db):
    campaign = make_campaign(creatives=0)
    return Creative.objects.create(
        campaign=campaign, name="Network tag", kind=Creative.Kind.HTML, click_url="https://acme.example/tag",
        html='<a href="%%CLICK_URL%%">Acme</a><script src="https://ads.example.net/tag.js"></script>',
    )


def served_frame() -> str:
    with time_machine.travel(START, tick=False):
        data = serve(Client(), "sidebar")
    assert data["kind"] == "html"
    return data["frame"]


def test_on_the_sites_origin_the_frame_is_sandboxed_and_same_origin_only(tag):
    frame = served_frame()
    assert frame.startswith(f"/ads/creative/{tag.pk}/frame/?click=")
    response = Client().get(frame)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert SANDBOX in policy and "frame-ancestors 'self'" in policy and "default-src 'none'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN" and response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@override_settings(ADS_CREATIVE_ORIGIN=CREATIVE_ORIGIN)
def test_with_a_creative_origin_the_frame_is_served_there_only(tag, settings):
    frame = served_frame()
    assert frame.startswith(f"{CREATIVE_ORIGIN}/ads/creative/{tag.pk}/frame/?click=")
    path = frame[len(CREATIVE_ORIGIN):]
    assert Client().get(path).status_code == 404  # not on the site's own host any more

    response = Client().get(path, HTTP_HOST="adframes.example.net", secure=True)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert SANDBOX in policy and f"frame-ancestors {settings.SITE_URL}" in policy and "default-src 'none'" in policy
    assert not response.has_header("X-Frame-Options")  # it cannot allow another origin; frame-ancestors does
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    assert not response.cookies
    # The click goes to the site's own host, where it is counted.
    click = re.search(r'<a href="([^"]+)">Acme</a>', response.content.decode()).group(1)
    assert click.startswith(f"{settings.SITE_URL}/ads/click/")
    assert Client().get(click[len(settings.SITE_URL):])["Location"] == "https://acme.example/tag"


@override_settings(ADS_CREATIVE_ORIGIN=CREATIVE_ORIGIN)
def test_the_creative_origin_serves_nothing_else(tag):
    creative_host = Client(HTTP_HOST="adframes.example.net")
    for path in ("/", "/admin/", "/admin/login/", "/story/anything/", "/healthz"):
        assert creative_host.get(path).status_code in (400, 404), path
    for path in ("/ads/serve/sidebar/", f"/ads/creative/{tag.pk}/frame/extra/", "/ads.txt"):
        assert creative_host.get(path).status_code == 404, path
    assert creative_host.post(f"/ads/creative/{tag.pk}/frame/").status_code == 405


def test_the_setting_must_be_an_origin():
    assert parse("https://AdFrames.example.net/") == "https://adframes.example.net"
    assert parse("http://127.0.0.1:9000") == "http://127.0.0.1:9000"
    for bad in ("adframes.example.net", "javascript:alert(1)", "https://a.example/path", "https://u:p@a.example",
                "ftp://a.example", "https://a.example/?q=1"):
        with pytest.raises(ImproperlyConfigured):
            parse(bad)
