"""Ad operations books a dated, section-targeted campaign in the admin; it appears only where and when it should,
is counted, and its clicks and impressions are read off a chart. HTML tags stay theirs alone; ads.txt is checked."""
import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from ads import delivery, services
from ads.adstxt import ads_txt_errors
from ads.models import AdSlot, AdsTxt, Advertiser, Campaign, Creative, DailyStat
from articles import services as article_services
from core.timefmt import IST
from tests.factories import image_bytes, make_story, section
from tests.functional.test_roles import login, member
from tests.integration.test_ad_rotation import make_campaign, serve

START = datetime(2026, 3, 10, 10, 0, 0, tzinfo=IST)
END = datetime(2026, 3, 12, 18, 0, 0, tzinfo=IST)


def errors_in(response) -> list[str]:
    return re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)


def campaign_form(advertiser, *, creatives=(), **overrides):
    data = {
        "advertiser": str(advertiser.pk), "name": "Monsoon sale", "active": "on",
        "starts_at_0": "2026-03-10", "starts_at_1": "10:00:00",
        "ends_at_0": "2026-03-12", "ends_at_1": "18:00:00",
        "priority": "1", "weight": "1",
        "slots": [str(AdSlot.objects.get(key="sidebar").pk), str(AdSlot.objects.get(key="inline").pk)],
        "sections": ["india"],
        "creatives-TOTAL_FORMS": str(len(creatives)), "creatives-INITIAL_FORMS": "0",
        "creatives-MIN_NUM_FORMS": "0", "creatives-MAX_NUM_FORMS": "1000",
    }
    for n, creative in enumerate(creatives):
        for field, value in {"id": "", "campaign": "", "active": "on", **creative}.items():
            data[f"creatives-{n}-{field}"] = value
    data.update(overrides)
    return data


def image_creative(name="Umbrella banner"):
    return {
        "name": name, "kind": "image", "alt_text": "Umbrellas half price", "click_url": "https://acme.example/sale",
        "image": SimpleUploadedFile("banner.png", image_bytes(fmt="PNG"), content_type="image/png"), "html": "",
    }


def html_creative(name="Network tag"):
    return {
        "name": name, "kind": "html", "alt_text": "", "click_url": "https://acme.example/tag",
        "html": '<a href="%%CLICK_URL%%">Acme</a><script src="https://ads.example.net/tag.js"></script>',
    }


@pytest.fixture
def adops(client, db):
    return login(client, member("Ad operations", "adops"))


@pytest.fixture
def advertiser(db):
    return Advertiser.objects.create(name="Acme Umbrellas")


# --- the whole story ----------------------------------------------------------------------------------------------


def test_ad_operations_runs_a_dated_section_targeted_campaign_and_reads_its_chart(adops, advertiser):
    response = adops.get("/admin/ads/campaign/add/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Starts (IST)" in page and "Ends (IST)" in page and 'value="india"' in page

    response = adops.post("/admin/ads/campaign/add/", campaign_form(advertiser, creatives=[image_creative()]))
    assert response.status_code == 302, errors_in(response)
    campaign = Campaign.objects.get()
    assert campaign.starts_at == datetime(2026, 3, 10, 4, 30, tzinfo=dt_timezone.utc)  # entered in IST, stored UTC
    assert campaign.ends_at == datetime(2026, 3, 12, 12, 30, tzinfo=dt_timezone.utc)
    assert campaign.sections == ["india"] and campaign.creatives.count() == 1

    india = article_services.publish(make_story(headline="Rain in Mumbai", section_slug="india"), at=START - timedelta(days=1), actor=article_services.COMMAND)
    world = article_services.publish(make_story(headline="Storm at sea", section_slug="world"), at=START - timedelta(days=1), actor=article_services.COMMAND)

    # Where: the page carries the slot and its section; the choice is made per view.
    reader = Client()
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        html = reader.get(india.get_absolute_url()).content.decode()
        assert 'data-serve="/ads/serve/sidebar/?section=india"' in html
        assert "Umbrellas half price" not in html  # not baked into the (cacheable) page
        assert serve(reader, "sidebar", "india")["kind"] == "image"
        assert serve(reader, "sidebar", "world") == {"kind": "house"}
        assert 'data-serve="/ads/serve/sidebar/?section=world"' in reader.get(world.get_absolute_url()).content.decode()
        assert serve(reader, "sidebar") == {"kind": "house"}  # home page: no section
        assert serve(reader, "header", "india") == {"kind": "house"}  # not booked there

    # When: to the second, in IST.
    for instant, kind in [(START - timedelta(seconds=1), "house"), (START, "image"),
                          (END - timedelta(seconds=1), "image"), (END, "house")]:
        with time_machine.travel(instant, tick=False):
            assert serve(reader, "sidebar", "india")["kind"] == kind, instant

    # Counting: two views and a click on the 10th, one view on the 11th (IST days).
    for instant, views, clicks in [(START + timedelta(hours=2), 2, 1), (START + timedelta(days=1), 1, 0)]:
        with time_machine.travel(instant, tick=False):
            for n in range(views):
                data = serve(reader, "inline", "india")
                assert reader.post(data["beacon"]).status_code == 204
                if n < clicks:
                    response = reader.get(data["click"])
                    assert response.status_code == 302 and response["Location"] == "https://acme.example/sale"

    # Reporting: the campaign page charts it, one point per IST day, with totals.
    with time_machine.travel(END + timedelta(days=3), tick=False):
        page = adops.get(f"/admin/ads/campaign/{campaign.pk}/change/").content.decode()
        listing = adops.get("/admin/ads/campaign/").content.decode()
    assert "<strong>3</strong> impressions" in page and "<strong>1</strong> clicks" in page
    assert "33.33 %" in page
    start = page.index('<svg class="campaign-chart"')
    svg = page[start:page.index("</svg>", start)]
    assert "Day (IST)" in svg and "10 Mar 2026" in svg and "12 Mar" in svg
    impressions_panel = svg[:svg.index("Clicks per day")]
    assert impressions_panel.count("<circle") == 3  # 10, 11 and 12 March
    assert "10 March 2026 (IST): 2 impressions" in svg and "11 March 2026 (IST): 1 impressions" in svg
    assert "12 March 2026 (IST): 0 impressions" in svg
    assert "Ended" in listing and ">3<" in listing


def test_campaign_form_refuses_an_end_before_the_start_and_unknown_sections(adops, advertiser):
    response = adops.post("/admin/ads/campaign/add/", campaign_form(
        advertiser, creatives=[image_creative()], ends_at_0="2026-03-10", ends_at_1="09:59:59", sections=["atlantis"]))
    assert response.status_code == 200
    errors = " ".join(errors_in(response))
    assert "must end after it starts" in errors and "atlantis" in errors
    assert not Campaign.objects.exists()


# --- HTML / third-party tags: Ad operations only -------------------------------------------------------------------


def test_only_ad_operations_may_enter_html_creatives(client, advertiser):
    editor = member("Editor", "neha")
    login(client, editor)
    assert client.get("/admin/ads/campaign/add/").status_code == 403  # editors do not run ads at all

    # Even an editor who was given the campaign permissions cannot enter a tag: not offered, refused, not saved.
    editor.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="ads", codename__in=["add_campaign", "change_campaign", "view_campaign",
                                                     "add_creative", "change_creative", "view_creative"]))
    form = client.get("/admin/ads/campaign/add/").content.decode()
    assert 'value="html"' not in form
    response = client.post("/admin/ads/campaign/add/", campaign_form(advertiser, creatives=[html_creative()]))
    assert response.status_code == 200
    assert "Only Ad operations may enter HTML" in response.content.decode()
    assert not Creative.objects.exists()

    # The service refuses it whatever the caller.
    campaign = make_campaign(creatives=0)
    tag = Creative(campaign=campaign, name="Tag", kind=Creative.Kind.HTML, html="<script>x()</script>")
    with pytest.raises(PermissionDenied):
        services.save_creative(tag, user=editor)
    image = Creative.objects.create(campaign=campaign, name="Banner", kind="image", click_url="https://a.example/",
                                    image=SimpleUploadedFile("b.png", image_bytes(fmt="PNG")))
    image.kind, image.html, image.image = Creative.Kind.HTML, "<script>x()</script>", ""
    with pytest.raises(PermissionDenied):
        services.save_creative(image, user=editor)  # turning an image into a tag is entering one
    assert Creative.objects.get(pk=image.pk).kind == "image"

    # An existing tag opens read-only for them; a forged change is ignored.
    adops = member("Ad operations", "adops")
    services.save_creative(Creative(campaign=campaign, name="Tag", kind="html", html="<b>ours</b>"), user=adops)
    existing = Creative.objects.get(kind="html")
    data = campaign_form(advertiser, name=campaign.name, **{
        "creatives-TOTAL_FORMS": "2", "creatives-INITIAL_FORMS": "2",
        "creatives-0-id": str(image.pk), "creatives-0-campaign": str(campaign.pk), "creatives-0-name": "Banner",
        "creatives-0-kind": "image", "creatives-0-click_url": "https://a.example/", "creatives-0-active": "on",
        "creatives-1-id": str(existing.pk), "creatives-1-campaign": str(campaign.pk), "creatives-1-name": "Tag",
        "creatives-1-kind": "html", "creatives-1-html": "<script>evil()</script>", "creatives-1-active": "on",
    })
    client.post(f"/admin/ads/campaign/{campaign.pk}/change/", data)
    assert Creative.objects.get(pk=existing.pk).html == "<b>ours</b>"


def test_ad_operations_enters_a_tag_that_runs_sandboxed_under_its_own_policy(adops, advertiser):
    response = adops.post("/admin/ads/campaign/add/", campaign_form(advertiser, creatives=[html_creative()], sections=[]))
    assert response.status_code == 302, errors_in(response)
    creative = Creative.objects.get()
    assert creative.kind == "html"

    with time_machine.travel(START, tick=False):
        data = serve(Client(), "sidebar")
    assert data["kind"] == "html" and data["frame"].startswith(f"/ads/creative/{creative.pk}/frame/?click=")
    assert "<script" not in str(data)

    with override_settings(AD_HOSTS=["https://ads.example.net", "https://*.adnetwork.example", "evil; script-src *"]):
        response = Client().get(data["frame"])
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'unsafe-inline' https://ads.example.net https://*.adnetwork.example;" in policy
    assert "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox" in policy
    assert "evil" not in policy and "frame-ancestors 'self'" in policy and "default-src 'none'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert 'src="https://ads.example.net/tag.js"' in body
    click = re.search(r'<a href="(/ads/click/[^"]+/)">Acme</a>', body).group(1)
    assert Client().get(click)["Location"] == "https://acme.example/tag"
    # Without a valid click token the macro leads nowhere.
    assert '<a href="#">' in Client().get(f"/ads/creative/{creative.pk}/frame/?click=forged").content.decode()


# --- clicks ---------------------------------------------------------------------------------------------------------


def test_click_redirect_counts_and_refuses_forged_tokens(client, db):
    campaign = make_campaign(click_url="https://acme.example/sale?utm_source=newsroom")
    with time_machine.travel(START, tick=False):
        click = serve(client)["click"]
        response = client.get(click)
        assert response.status_code == 302 and response["Location"] == "https://acme.example/sale?utm_source=newsroom"
        assert "no-store" in response["Cache-Control"]
        client.get(click)  # the same view clicked twice counts once, but still goes there
        token = click.split("/")[-2]
        creative = campaign.creatives.get()
        forged = delivery.Ticket(creative.pk, campaign.pk, 0, "x").sign("not-our-salt")
        for bad in [token[:-2] + "xx", "https:evil.example", forged, token.replace(":", ".")]:
            assert client.get(f"/ads/click/{bad}/").status_code == 404
    row = DailyStat.objects.get()
    assert (row.clicks, row.impressions) == (1, 0)
    # A click on an impression token (different salt) is refused too: the two are not interchangeable.
    with time_machine.travel(START, tick=False):
        beacon_token = serve(client)["beacon"].split("/")[-2]
    assert client.get(f"/ads/click/{beacon_token}/").status_code == 404


# --- pages -----------------------------------------------------------------------------------------------------------


def test_pages_carry_labelled_reserved_slots_with_house_fallback_and_the_script(client, db):
    story = article_services.publish(make_story(
        headline="Long read", section_slug="india", body="".join(f"<p>Paragraph {n}.</p>" for n in range(1, 11))), actor=article_services.COMMAND)
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<script defer src="/static/ads/slots.js"></script>' in html
    slots = re.findall(r'<aside class="ad-slot[^>]*data-slot="([^"]+)"[^>]*data-serve="([^"]+)"', html)
    assert [key for key, _ in slots] == ["header", "after-byline", "inline", "inline", "end-of-article", "sidebar"]
    assert all(serve_url.endswith("?section=india") for _, serve_url in slots)
    assert html.count(">Advertisement</p>") == len(slots)
    assert html.count('style="--ad-w:') == len(slots)
    assert "Markets, companies and the economy." in html  # the inline slot's house creative, for readers without JS
    home = client.get("/").content.decode()
    assert 'data-serve="/ads/serve/home/"' in home and 'data-serve="/ads/serve/sidebar/"' in home
    listing = client.get(section("world").get_absolute_url()).content.decode()
    assert 'data-serve="/ads/serve/sidebar/?section=world"' in listing


# --- ads.txt ---------------------------------------------------------------------------------------------------------

GOOD_ADS_TXT = """# Newsroom ads.txt
google.com, pub-0000000000000000, DIRECT, f08c47fec0942fa0
appnexus.com, 12345, RESELLER   # no certification authority
Rubiconproject.com, 1000-2000, direct, 0bfd66d529a55807 ; extension data
CONTACT=ads@newsroom.example
SUBDOMAIN=epaper.newsroom.example
OWNERDOMAIN=newsroom.example
MANAGERDOMAIN=manager.example, IN
"""


@pytest.mark.parametrize("line, problem", [
    ("google.com, pub-1, DIRCT", "must be DIRECT or RESELLER, not “DIRCT”"),
    ("google.com, pub-1", "at least three comma-separated fields"),
    ("google, pub-1, DIRECT", "the first field must be the advertising system's domain"),
    ("google.com, , DIRECT", "publisher account ID) is empty"),
    ("google.com, pub 1, DIRECT", "publisher account ID, not “pub 1”"),
    ("google.com, pub-1, DIRECT, f08c-47", "certification authority ID"),
    ("google.com, pub-1, DIRECT, abc, extra", "at most four fields"),
    ("CONTACTS=someone", "not an ads.txt variable"),
    ("SUBDOMAIN=not a domain", "SUBDOMAIN must be a domain name"),
    ("CONTACT=", "needs a value"),
])
def test_ads_txt_errors_name_the_bad_line(line, problem):
    errors = ads_txt_errors(GOOD_ADS_TXT + line + "\n")
    assert len(errors) == 1
    assert errors[0].startswith(f"Line 9 (“{line}”): ") and problem in errors[0], errors


def test_good_ads_txt_passes():
    assert ads_txt_errors(GOOD_ADS_TXT) == []
    assert ads_txt_errors("") == []


def test_ads_txt_is_kept_in_the_admin_and_served_as_plain_text(adops, client):
    assert client.get("/ads.txt").status_code == 404
    assert adops.get("/admin/ads/adstxt/")["Location"] == "/admin/ads/adstxt/add/"
    response = adops.post("/admin/ads/adstxt/add/", {"content": "google.com, pub-1, DIRECT\r\nbad line here\r\n"})
    assert response.status_code == 200
    assert "Line 2 (“bad line here”)" in response.content.decode() and not AdsTxt.objects.exists()

    response = adops.post("/admin/ads/adstxt/add/", {"content": GOOD_ADS_TXT.replace("\n", "\r\n")})
    assert response.status_code == 302, errors_in(response)
    assert adops.get("/admin/ads/adstxt/")["Location"] == "/admin/ads/adstxt/1/change/"
    served = client.get("/ads.txt")
    assert served.status_code == 200 and served["Content-Type"] == "text/plain; charset=utf-8"
    assert served.content.decode() == GOOD_ADS_TXT

    adops.post("/admin/ads/adstxt/1/change/", {"content": "google.com, pub-2, RESELLER"})
    assert client.get("/ads.txt").content.decode() == "google.com, pub-2, RESELLER\n"


def test_ad_operations_group_has_the_campaign_permissions(db):
    user = member("Ad operations", "adops2")
    for perm in ["ads.add_campaign", "ads.change_creative", "ads.add_html_creative", "ads.change_adstxt",
                 "ads.add_advertiser", "ads.view_dailystat", "ads.change_adslot"]:
        assert user.has_perm(perm), perm
    assert not member("Editor", "ed2").has_perm("ads.add_html_creative")


def test_advertising_admin_pages_open_for_ad_operations(adops, advertiser):
    campaign = make_campaign()
    slot = AdSlot.objects.get(key="inline")
    for url in ["/admin/", "/admin/ads/", "/admin/ads/campaign/", "/admin/ads/campaign/?active__exact=1",
                f"/admin/ads/campaign/?slots__id__exact={slot.pk}", "/admin/ads/campaign/add/",
                f"/admin/ads/campaign/{campaign.pk}/change/", "/admin/ads/advertiser/", "/admin/ads/advertiser/add/",
                "/admin/ads/adslot/", f"/admin/ads/adslot/{slot.pk}/change/", "/admin/ads/adstxt/add/"]:
        response = adops.get(url)
        assert response.status_code == 200, url
    page = adops.get(f"/admin/ads/campaign/{campaign.pk}/change/").content.decode()
    assert "No days to chart yet" in page or "campaign-chart" in page
    # An inline slot's rules are validated: at least paragraph 1, repeats at least every 2 paragraphs.
    response = adops.post(f"/admin/ads/adslot/{slot.pk}/change/", {
        "name": slot.name, "key": slot.key, "placement": "inline", "label": "Advertisement", "width": "300",
        "height": "250", "after_paragraph": "0", "repeat_every": "1", "min_paragraphs": "4",
        "house_creatives-TOTAL_FORMS": "0", "house_creatives-INITIAL_FORMS": "0",
        "house_creatives-MIN_NUM_FORMS": "0", "house_creatives-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200 and len(errors_in(response)) >= 2


def test_a_huge_story_page_carries_at_most_max_inline_ads(client, db):
    from ads.placement import MAX_INLINE_ADS

    # 2,000 paragraphs: 500 inline slots under the standard rules (after 2, every 4) without the cap.
    story = article_services.publish(make_story(
        headline="Endless wire copy", section_slug="india",
        body="".join(f"<p>Paragraph {n}.</p>" for n in range(1, 2001))), actor=article_services.COMMAND)
    html = client.get(story.get_absolute_url()).content.decode()
    slots = re.findall(r'<aside class="ad-slot[^>]*data-slot="([^"]+)"', html)
    assert slots.count("inline") == MAX_INLINE_ADS
    assert "Paragraph 2000." in html
