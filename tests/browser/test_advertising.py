"""Ad operations books a campaign in the admin; a reader sees it, labelled, in the slot it was booked for."""
import re
from datetime import timedelta

import pytest

from ads.models import Campaign, DailyStat
from articles import services
from tests.browser.support import banner_png, expect, ist_now, log_in, split_datetime, staff
from tests.factories import make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CLICK_URL = "https://umbrellas.example/monsoon-sale"
ALT = "Umbrellas for the monsoon, 20% off"


def test_ad_operations_books_a_campaign_and_a_reader_sees_it_after_the_byline(new_context, live_server, tmp_path):
    staff("kavya", role="Ad operations")
    story = services.publish(make_story(headline="Rains lash Mumbai", body="<p>One.</p><p>Two.</p><p>Three.</p>"), actor=services.COMMAND)
    creative_file = tmp_path / "umbrellas.png"
    creative_file.write_bytes(banner_png(300, 250, colour=(200, 60, 30)))

    desk = new_context().new_page()
    log_in(desk, "kavya")
    desk.goto("/admin/ads/advertiser/add/")
    desk.get_by_label("Name").fill("Monsoon Umbrellas Co")
    desk.locator("input[name=_save]").click()
    expect(desk.locator(".messagelist .success")).to_contain_text("was added successfully")

    desk.goto("/admin/ads/campaign/add/")
    desk.locator("#id_advertiser").select_option(label="Monsoon Umbrellas Co")
    desk.locator("#id_name").fill("Monsoon sale")
    now = ist_now()
    split_datetime(desk, "starts_at", now - timedelta(hours=1), seconds=True)
    split_datetime(desk, "ends_at", now + timedelta(days=7), seconds=True)
    desk.get_by_label("After the byline (300×250)").check()
    desk.locator("#id_creatives-0-name").fill("Umbrella banner")
    desk.locator("#id_creatives-0-kind").select_option("image")
    desk.locator("#id_creatives-0-image").set_input_files(str(creative_file))
    desk.locator("#id_creatives-0-alt_text").fill(ALT)
    desk.locator("#id_creatives-0-click_url").fill(CLICK_URL)
    desk.locator("input[name=_save]").click()
    expect(desk.locator(".messagelist .success")).to_contain_text("was added successfully")
    campaign = Campaign.objects.get()
    assert campaign.state(campaign.starts_at + timedelta(minutes=61)) == "live"
    assert list(campaign.slots.values_list("key", flat=True)) == ["after-byline"]

    reader_context = new_context()
    reader = reader_context.new_page()
    reader.goto(story.get_absolute_url())
    slot = reader.locator('.ad-slot[data-slot="after-byline"]')
    expect(slot.locator(".ad-slot__label")).to_have_text("Advertisement")
    expect(slot).to_have_class(re.compile(r"\bad-slot--filled\b"))  # slots.js has filled it
    creative = slot.locator(".ad-slot__box a img")
    expect(creative).to_have_attribute("alt", ALT)
    expect(creative).to_have_attribute("src", str(campaign.creatives.get().image.url))
    assert creative.evaluate("img => img.decode().then(() => img.naturalWidth)") == 300
    link = slot.locator(".ad-slot__box a")
    expect(link).to_have_attribute("rel", "sponsored noopener")
    assert link.get_attribute("href").startswith("/ads/click/")

    # The click opens a new tab through our counting redirect to the advertiser (not reachable from here: the test
    # watches the browser ask for it).
    with reader_context.expect_event("request", lambda request: request.url == CLICK_URL) as followed:
        link.click()
    hop = followed.value.redirected_from
    assert hop is not None and hop.url.startswith(f"{live_server.url}/ads/click/")
    assert DailyStat.objects.get(campaign=campaign).clicks == 1
