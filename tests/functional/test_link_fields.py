"""Every link staff can type accepts web addresses only (issue 12, point 5): the XSS corpus
(tests/fixtures/hostile/xss_links.txt) goes through each admin form that has a link field, and nothing is saved."""
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from ads.models import AdSlot, Advertiser, Campaign, HouseCreative
from core.validators import SafeLinkValidator
from tests.factories import image_bytes
from tests.functional.test_ads import campaign_form, errors_in
from tests.hostile import corpus

XSS_LINKS = corpus("xss_links.txt") + ["java\x00script:alert(1)", "javascript\x0b:alert(1)", "\u2028javascript:alert(1)",
                                       "https://ok.example/\x00"]
LINKY_NAMES = ("url", "link", "href", "website")


def test_every_link_field_in_the_project_is_validated():
    unguarded = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models() if model._meta.app_label in {"articles", "ads", "photos", "reporters", "core",
                                                                    "distribution", "search"}
        for field in model._meta.get_fields()
        if (isinstance(field, models.URLField)
            or (isinstance(field, models.CharField) and field.name.lower().endswith(LINKY_NAMES)))
        and not any(isinstance(v, SafeLinkValidator) for v in field.validators)
    ]
    assert unguarded == []


@pytest.mark.parametrize("value", XSS_LINKS)
def test_the_validator_refuses_the_corpus(value):
    for validator in (SafeLinkValidator(), SafeLinkValidator(site_paths=True), SafeLinkValidator(mailto=True)):
        if validator.mailto and value == "mailto:x@example.com?body=<script>":
            continue  # a mailto: with a body is a mailto: address; it runs nothing
        with pytest.raises(ValidationError):
            validator(value)


@pytest.mark.parametrize("value", ["https://acme.example/sale?utm=1", "http://acme.example", "/section/india/"])
def test_ordinary_links_pass(value):
    SafeLinkValidator(site_paths=True)(value)


def test_mailto_where_it_fits():
    SafeLinkValidator(mailto=True)("mailto:desk@newsroom.example")
    with pytest.raises(ValidationError):
        SafeLinkValidator()("mailto:desk@newsroom.example")


@pytest.fixture
def admin(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-for-tests-only"))
    return client


def post_house_creative(client, click_url):
    slot = AdSlot.objects.get(key="sidebar")
    return client.post(f"/admin/ads/adslot/{slot.pk}/change/", {
        "name": slot.name, "key": slot.key, "placement": slot.placement, "label": slot.label,
        "width": slot.width, "height": slot.height, "min_paragraphs": slot.min_paragraphs,
        "house_creatives-TOTAL_FORMS": "1", "house_creatives-INITIAL_FORMS": "0",
        "house_creatives-MIN_NUM_FORMS": "0", "house_creatives-MAX_NUM_FORMS": "1000",
        "house_creatives-0-title": "Subscribe", "house_creatives-0-text": "", "house_creatives-0-active": "on",
        "house_creatives-0-click_url": click_url,
    })


def post_creative(client, click_url):
    advertiser = Advertiser.objects.get_or_create(name="Acme")[0]
    return client.post("/admin/ads/campaign/add/", campaign_form(advertiser, creatives=[{
        "name": "Banner", "kind": "image", "alt_text": "Sale", "click_url": click_url, "html": "",
        "image": SimpleUploadedFile("b.png", image_bytes(fmt="PNG")),
    }]))


def test_the_corpus_through_each_admin_form(admin):
    for value in XSS_LINKS:
        response = post_house_creative(admin, value)
        assert response.status_code == 200 and errors_in(response), value
        response = post_creative(admin, value)
        if value == "//evil.example/":  # the creative form reads a bare host as https:// (a plain web link)
            assert Campaign.objects.get().creatives.get().click_url == "https://evil.example/"
            Campaign.objects.all().delete()
            continue
        assert response.status_code == 200 and errors_in(response), value
    assert HouseCreative.objects.filter(title="Subscribe").count() == 0
    assert Campaign.objects.count() == 0


def test_good_links_save_through_the_same_forms(admin, client):
    assert post_house_creative(admin, "/section/india/").status_code == 302
    assert post_creative(admin, "https://acme.example/sale").status_code == 302
    assert HouseCreative.objects.get(title="Subscribe").click_url == "/section/india/"
    assert Campaign.objects.get().creatives.get().click_url == "https://acme.example/sale"


@pytest.mark.django_db
def test_the_migration_pauses_creatives_whose_stored_link_is_unsafe():
    """Rows saved before the validator existed: a javascript: house creative stops running."""
    import importlib

    from django.apps import apps as global_apps

    migration = importlib.import_module("ads.migrations.0006_link_fields_accept_web_addresses_only")
    slot = AdSlot.objects.get(key="sidebar")
    bad = HouseCreative.objects.create(slot=slot, title="Bad", click_url="javascript:alert(1)")
    good = HouseCreative.objects.create(slot=slot, title="Good", click_url="/section/india/")
    migration.pause_unsafe_links(global_apps, None)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert (bad.active, good.active) == (False, True)
