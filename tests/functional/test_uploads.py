"""One upload path for every picture field (issue 12, point 4): photos, reporter portraits, ad creatives and house
creatives all go through photos.checks.prepare_upload, proved through each admin form with the hostile images in
tests/fixtures/hostile/images/."""
import io
import re
import time

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from PIL import Image

from ads.models import AdSlot, Advertiser, Campaign, HouseCreative
from photos.checks import CheckedImageField
from photos.models import Credit, Photo
from reporters.models import Reporter
from tests.hostile import FIXTURES

IMAGES = FIXTURES / "images"


def hostile(name):
    return (IMAGES / name).read_bytes()


def errors(response) -> str:
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S))


@pytest.fixture
def admin(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


# Each target posts one upload through the real admin form and returns (response, the stored field or None).

def photo_target(client, data, name):
    credit = Credit.objects.get_or_create(name="PTI")[0]
    response = client.post("/admin/photos/photo/add/", {
        "image": SimpleUploadedFile(name, data), "alt_text": "Alt", "caption": "", "credit": credit.pk,
    })
    photo = Photo.objects.order_by("-pk").first()
    return response, photo.image if photo else None


def portrait_target(client, data, name):
    response = client.post("/admin/reporters/reporter/add/", {
        "name": "Asha Rao", "slug": "asha-rao", "designation": "", "bio": "",
        "portrait": SimpleUploadedFile(name, data),
    })
    reporter = Reporter.objects.filter(slug="asha-rao").first()
    return response, reporter.portrait if reporter else None


def house_creative_target(client, data, name):
    slot = AdSlot.objects.get(key="sidebar")
    response = client.post(f"/admin/ads/adslot/{slot.pk}/change/", {
        "name": slot.name, "key": slot.key, "placement": slot.placement, "label": slot.label,
        "width": slot.width, "height": slot.height, "min_paragraphs": slot.min_paragraphs,
        "house_creatives-TOTAL_FORMS": "1", "house_creatives-INITIAL_FORMS": "0",
        "house_creatives-MIN_NUM_FORMS": "0", "house_creatives-MAX_NUM_FORMS": "1000",
        "house_creatives-0-title": "Subscribe", "house_creatives-0-text": "", "house_creatives-0-active": "on",
        "house_creatives-0-click_url": "/section/india/", "house_creatives-0-image": SimpleUploadedFile(name, data),
    })
    creative = HouseCreative.objects.filter(title="Subscribe").first()
    return response, creative.image if creative else None


def ad_creative_target(client, data, name):
    from tests.functional.test_ads import campaign_form

    advertiser = Advertiser.objects.get_or_create(name="Acme")[0]
    response = client.post("/admin/ads/campaign/add/", campaign_form(advertiser, creatives=[{
        "name": "Banner", "kind": "image", "alt_text": "Sale", "click_url": "https://acme.example/sale",
        "image": SimpleUploadedFile(name, data), "html": "",
    }]))
    campaign = Campaign.objects.filter(name="Monsoon sale").order_by("-pk").first()
    creative = campaign.creatives.first() if campaign else None
    return response, creative.image if creative else None


TARGETS = [photo_target, portrait_target, house_creative_target, ad_creative_target]


def test_every_image_field_in_the_project_is_a_checked_one():
    image_fields = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models() for field in model._meta.get_fields()
        if isinstance(field, models.ImageField) and not isinstance(field, CheckedImageField)
    ]
    assert image_fields == []
    checked = {f"{model.__name__}.{field.name}" for model in apps.get_models() for field in model._meta.get_fields()
               if isinstance(field, CheckedImageField)}
    assert checked == {"Photo.image", "Reporter.portrait", "HouseCreative.image", "Creative.image"}


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.__name__)
def test_gps_exif_xmp_and_a_trailing_polyglot_are_stripped(admin, target):
    for name in ["gps-exif.jpg", "polyglot.jpg"]:
        response, stored = target(admin, hostile(name), name)
        assert response.status_code == 302, errors(response)
        with stored.open("rb") as handle:
            data = handle.read()
        assert b"<script" not in data and b"<html" not in data and b"SpyCam" not in data and b"Bengaluru" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert not image.getexif() and "xmp" not in image.info and "comment" not in image.info
        # Whatever was stored is exactly one JPEG: nothing after its end marker.
        assert data.endswith(b"\xff\xd9")
        type(stored.instance).objects.filter(pk=stored.instance.pk).delete()


BAD = [
    ("bomb-header.png", "The picture is too large (200000×200000): at most 16 megapixels are accepted for a PNG."),
    ("bomb-144mp.png", "The picture is too large (12000×12000): at most 16 megapixels are accepted for a PNG."),
    ("bomb-gif-frame.gif", "A frame of this GIF is too large (400 megapixels): at most 16 megapixels are accepted"),
    ("bomb-webp-canvas.webp", "The picture is too large (268 megapixels): at most 16 megapixels are accepted for a WEBP."),
    ("bomb-png-text.png", "The PNG&#x27;s text metadata inflates to more than Pillow accepts"),
    ("photo-40mp.png", "The picture is too large (8000×5000): at most 16 megapixels are accepted for a PNG."),
    ("script.svg.jpg", "SVG and other text files are not accepted"),
    ("page.png", "SVG and other text files are not accepted"),
    ("truncated.jpg", "This is not a JPEG, PNG, WebP or GIF picture"),
]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.__name__)
@pytest.mark.parametrize(("name", "message"), BAD)
def test_bombs_and_disguised_files_are_refused_fast_with_a_clear_message(admin, target, name, message):
    started = time.monotonic()
    response, stored = target(admin, hostile(name), name)
    assert time.monotonic() - started < 2
    assert response.status_code == 200 and message in errors(response)
    assert stored is None
