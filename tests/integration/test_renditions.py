"""Renditions: made on save, cropped on the focal point, stripped, chosen by rendition_url and <picture>; wire ingest
goes through the same checks; pages cost the same number of queries however many renditions there are."""
import io
import json
import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from PIL import Image

from articles import services
from photos.models import Credit, Photo, Rendition
from photos.renditions import RATIOS, expected, rendition_url
from photos.services import BadImage, photo_from_bytes
from tests.factories import make_photo, make_reporter, make_story
from tests.unit.test_photo_checks import BAD_FILES, assert_no_metadata, close, phone_photo, two_colour

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    """A MEDIA_ROOT of the test's own, so "no file left behind" can be checked."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def new_photo(data: bytes, name="picture.jpg", **fields) -> Photo:
    return photo_from_bytes(data, name=name, alt_text=fields.pop("alt", "Alt"), caption="", credit_name="AP", **fields)


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def rendition(photo, ratio, width, fmt="jpeg") -> Rendition:
    return photo.renditions.get(ratio=ratio, width=width, format=fmt)


# --- made on save ----------------------------------------------------------------------------------------------

def test_saving_a_photo_makes_every_rendition_at_the_right_size(media):
    photo = new_photo(two_colour(1600, 900))
    made = {(r.ratio, r.width, r.format): (r.height, r) for r in photo.renditions.all()}
    assert set(made) == expected(1600, 900)
    sizes = {
        "16:9": {320: 180, 640: 360, 960: 540, 1200: 675, 1600: 900},
        "original": {320: 180, 640: 360, 960: 540, 1200: 675, 1600: 900},
        "4:3": {320: 240, 640: 480, 960: 720, 1200: 900},  # the 4:3 crop is 1200 wide: never upscaled
        "1:1": {320: 320, 640: 640, 900: 900},  # the crop's own width is the largest
    }
    for ratio, widths in sizes.items():
        for width, height in widths.items():
            for fmt, pil_format in (("webp", "WEBP"), ("jpeg", "JPEG")):
                stored_height, row = made[(ratio, width, fmt)]
                assert stored_height == height
                image = Image.open(io.BytesIO(read(row.file)))
                assert (image.format, image.size) == (pil_format, (width, height)), (ratio, width, fmt)
    assert Rendition.objects.filter(photo=photo).count() == len(made)


def test_phone_photo_renditions_and_served_original_are_upright_without_gps(media):
    photo = new_photo(phone_photo(400, 200), name="IMG_0042.JPG")
    assert (photo.width, photo.height) == (200, 400)  # stored upright
    original = read(photo.image)
    assert_no_metadata(original)
    upright = Image.open(io.BytesIO(original))
    assert close(upright.getpixel((100, 10)), (255, 0, 0)) and close(upright.getpixel((100, 390)), (0, 0, 255))
    assert photo.renditions.count() > 0
    for row in photo.renditions.all():
        data = read(row.file)
        assert_no_metadata(data)
        image = Image.open(io.BytesIO(data))
        assert image.height >= image.width or row.ratio != "original"
    portrait = Image.open(io.BytesIO(read(rendition(photo, "original", 200).file)))
    assert portrait.size == (200, 400)
    assert close(portrait.getpixel((100, 5)), (255, 0, 0)) and close(portrait.getpixel((100, 395)), (0, 0, 255))


def test_focal_point_moves_the_crop_and_replaces_the_renditions(media, django_capture_on_commit_callbacks):
    # Red left half, blue right half; the square crop shows one colour or the other.
    photo = new_photo(two_colour(1280, 320), name="two.png")
    centre = lambda p: Image.open(io.BytesIO(read(rendition(p, "1:1", 320).file))).getpixel((160, 160))  # noqa: E731
    photo.focal_x = 0.1
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
    assert close(centre(photo), (255, 0, 0))
    before = {r.file.name for r in photo.renditions.all()}

    photo.focal_x = 0.9
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
    assert close(centre(photo), (0, 0, 255))
    after = {r.file.name for r in photo.renditions.all()}
    assert not before & after  # new URLs: caches never serve the old crop
    assert not any((media / name).exists() for name in before)  # old files deleted once the change committed
    assert all((media / name).exists() for name in after)
    assert len(after) == len(expected(1280, 320))


def test_a_caption_change_does_not_rebuild(media):
    photo = new_photo(two_colour(640, 360))
    names = set(photo.renditions.values_list("file", flat=True))
    photo.caption = "New caption"
    photo.save()
    assert set(photo.renditions.values_list("file", flat=True)) == names


def test_a_failed_save_leaves_no_files(media):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            new_photo(two_colour(640, 360))
            assert files_under(media)
            raise RuntimeError("something later in the same transaction failed")
    assert Photo.objects.count() == 0
    assert files_under(media) == []


# --- reading ---------------------------------------------------------------------------------------------------

def test_rendition_url_picks_the_smallest_wide_enough_jpeg(media):
    photo = new_photo(two_colour(1200, 675))
    assert rendition_url(photo, "16:9", 600) == rendition(photo, "16:9", 640).file.url
    assert rendition_url(photo, "16:9", 640) == rendition(photo, "16:9", 640).file.url
    assert rendition_url(photo, "1:1", 1200) == rendition(photo, "1:1", 675).file.url  # the largest there is
    assert rendition_url(photo, "original", 100).endswith(".jpg")
    with pytest.raises(ValueError):
        rendition_url(photo, "3:2", 640)


def test_rendition_url_falls_back_to_the_original(media):
    photo = new_photo(two_colour(640, 360))
    photo.renditions.all().delete()
    assert rendition_url(photo, "16:9", 640) == photo.image.url


def test_prefetched_renditions_cost_no_query(media, django_assert_num_queries):
    new_photo(two_colour(640, 360))
    photo = Photo.objects.prefetch_related("renditions").get()
    with django_assert_num_queries(0):
        rendition_url(photo, "16:9", 320)
        photo.picture("16:9")


# --- pages -----------------------------------------------------------------------------------------------------

def publish_with_hero(headline, data, *, alt="Flooded street in Kochi"):
    hero = photo_from_bytes(data, name=f"{headline}.jpg", alt_text=alt, caption="Rain", credit_name="PTI")
    return services.publish(make_story(headline=headline, hero=hero, reporters=[make_reporter("Ritu Sharma")]), actor=services.COMMAND)


def test_story_page_uses_picture_with_srcset_and_an_eager_hero(client, media):
    story = publish_with_hero("Rain in Kochi", two_colour(1200, 675))
    html = client.get(story.get_absolute_url()).content.decode()
    hero = html[html.index('class="story__hero"'):]
    picture = hero[hero.index("<picture>"):hero.index("</picture>")]
    assert re.search(r'<source type="image/webp" srcset="[^"]+\.webp 320w, [^"]+ 1200w" sizes="\(min-width', picture)
    img = re.search(r"<img [^>]+>", picture).group(0)
    assert 'srcset="' in img and ".jpg 320w" in img and 'sizes="' in img
    assert 'width="960" height="540"' in img  # the fallback's intrinsic size: nothing shifts while loading
    assert 'loading="eager"' in img and 'fetchpriority="high"' in img
    assert 'alt="Flooded street in Kochi"' in img
    assert "/renditions/" in img and "/original-" in img  # the story hero keeps the picture's own aspect
    assert "Photo: PTI" in html


def test_a_portrait_hero_shows_as_the_4_3_crop(client, media):
    story = publish_with_hero("Upright phone picture", phone_photo(640, 480))  # upright: 480 × 640
    html = client.get(story.get_absolute_url()).content.decode()
    img = re.search(r"<img [^>]+>", html[html.index('class="story__hero"'):]).group(0)
    assert "/4x3-" in img and 'width="480" height="360"' in img


def test_cards_use_the_16_9_crop_lazily(client, media):
    publish_with_hero("First story", two_colour(960, 960))
    publish_with_hero("Second story", two_colour(960, 720))
    html = client.get("/").content.decode()
    images = re.findall(r"<img [^>]+>", html)
    cards = [img for img in images if "/renditions/" in img]
    assert len(cards) == 2
    assert all("/16x9-" in img and 'alt=""' in img for img in cards)
    assert sum('loading="lazy"' in img for img in cards) == 1  # the lead card is eager, the rest lazy


def test_query_count_does_not_grow_with_renditions(client, media):
    small = publish_with_hero("Small picture", two_colour(320, 180))  # a few renditions
    large = publish_with_hero("Large picture", two_colour(1200, 675))  # dozens
    assert small.hero_photo.renditions.count() < large.hero_photo.renditions.count()

    def queries(url):
        client.get(url)  # warm per-process caches (navigation, ad slots)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(small.get_absolute_url()) == queries(large.get_absolute_url())
    home_with_two = queries("/")
    for n in range(3):
        publish_with_hero(f"More {n}", two_colour(640, 360 + n))
    assert queries("/") == home_with_two


# --- wire ingest -----------------------------------------------------------------------------------------------

def wire_item(uri, pictures):
    return {
        "uri": uri, "type": "text", "version": "1",
        "versionCreated": "2021-03-25T02:37:00Z", "firstCreated": "2021-03-25T02:37:00Z",
        "headlines": [{"role": "main", "value": f"Story {uri}"}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": "<p>Body.</p>"}],
        "by": "Wire Desk",
        "associations": [
            {"name": f"pic{i}", "type": "picture", "copyrightHolder": "PTI",
             "renditions": [{"name": "original", "href": f"images/{href}"}]}
            for i, href in enumerate(pictures)
        ],
    }


def ingest(folder):
    out = StringIO()
    try:
        call_command("ingest_ninjs", "--publish", str(folder), stdout=out)
    except CommandError:
        pass
    return out.getvalue().splitlines()


def test_ingest_rejects_each_bad_file_and_leaves_nothing_behind(tmp_path, media):
    wire = tmp_path / "wire"
    (wire / "images").mkdir(parents=True)
    for i, (name, data, _) in enumerate(BAD_FILES):
        (wire / "images" / name).write_bytes(data)
        # A good picture first: it is written, then rolled back with the item when the bad one is refused.
        (wire / "images" / f"good{i}.jpg").write_bytes(two_colour(640, 360 + i))
        (wire / f"{i:02}.json").write_text(json.dumps(wire_item(f"urn:bad:{i}", [f"good{i}.jpg", name])))
    lines = ingest(wire)
    assert len(lines) == len(BAD_FILES)
    for line, (name, _, message) in zip(lines, BAD_FILES):
        assert line.startswith("rejected "), line
        assert name in line and message.lower() in line.lower(), line
    assert Photo.objects.count() == 0 and Rendition.objects.count() == 0
    assert files_under(media) == []


def test_ingest_makes_renditions_and_reuses_the_same_bytes(tmp_path, media):
    wire = tmp_path / "wire"
    (wire / "images").mkdir(parents=True)
    (wire / "images" / "phone.jpg").write_bytes(phone_photo(800, 400))
    (wire / "a.json").write_text(json.dumps(wire_item("urn:good", ["phone.jpg"])))
    assert ingest(wire)[0].startswith("created urn:good ")
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (400, 800)
    assert photo.credit.label == "Photo: PTI"
    assert photo.renditions.filter(format="webp").exists() and photo.renditions.filter(format="jpeg").exists()
    (wire / "b.json").write_text(json.dumps(wire_item("urn:good2", ["phone.jpg"])))
    ingest(wire)
    assert Photo.objects.count() == 1


def test_photo_from_bytes_raises_bad_image_and_writes_nothing(media):
    for name, data, message in BAD_FILES:
        with pytest.raises(BadImage, match=f"(?i){re.escape(message)}"):
            new_photo(data, name=name)
    assert Photo.objects.count() == 0 and files_under(media) == []


# --- rebuild command, default credits --------------------------------------------------------------------------

def test_rebuild_renditions_command(media):
    complete = new_photo(two_colour(640, 360))
    incomplete = new_photo(two_colour(960, 540))
    incomplete.renditions.filter(ratio="1:1").delete()
    bare = make_photo(name="bare.jpg")
    bare.renditions.all().delete()
    untouched = set(complete.renditions.values_list("file", flat=True))

    out, err = StringIO(), StringIO()
    call_command("rebuild_renditions", "--missing-only", stdout=out, stderr=err)
    assert "2 rebuilt, 1 already complete, 0 failed, of 3 photos" in out.getvalue()
    assert "Renditions" in err.getvalue()  # the progress bar
    assert set(complete.renditions.values_list("file", flat=True)) == untouched
    for photo in (incomplete, bare):
        photo.refresh_from_db()
        assert {(r.ratio, r.width, r.format) for r in photo.renditions.all()} == expected(photo.width, photo.height)

    os.remove(complete.image.path)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rebuild_renditions", "--no-progress", stdout=out, stderr=StringIO())
    assert "2 rebuilt, 0 already complete, 1 failed, of 3 photos" in out.getvalue()


def test_rebuild_can_strip_originals_uploaded_before_the_checks(media, django_capture_on_commit_callbacks):
    # A legacy row: the phone's file stored as it came (sideways, with GPS), as before uploads were stripped.
    legacy = Photo.objects.create(
        image=ContentFile(phone_photo(400, 200), name="legacy.jpg"), alt_text="Old", credit=Credit.objects.get_or_create(name="AP")[0],
    )
    clean = new_photo(two_colour(640, 360))
    old_name = legacy.image.name
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_renditions", "--strip-originals", "--missing-only", "--no-progress", stdout=out, stderr=StringIO())
    assert "1 original(s) stripped" in out.getvalue() and "1 already complete" in out.getvalue()
    legacy.refresh_from_db()
    assert legacy.image.name != old_name and not (media / old_name).exists()
    assert (legacy.width, legacy.height) == (200, 400)
    assert_no_metadata(read(legacy.image))
    portrait = Image.open(io.BytesIO(read(legacy.renditions.get(ratio="original", width=200, format="jpeg").file)))
    assert close(portrait.getpixel((100, 5)), (255, 0, 0))
    assert clean.image.name == Photo.objects.get(pk=clean.pk).image.name  # nothing to strip: untouched


def test_default_credits_exist_with_customary_prefixes_and_the_migration_is_idempotent():
    import importlib

    from django.apps import apps as global_apps

    labels = {c.name: c.label for c in Credit.objects.filter(name__in=["AP", "PTI", "Reuters", "self"])}
    assert labels == {"AP": "Image: AP", "PTI": "Photo: PTI", "Reuters": "Image: Reuters", "self": "Image: self"}
    Credit.objects.filter(name="Reuters").update(prefix="Picture")  # an editor's choice survives a re-run
    migration = importlib.import_module("photos.migrations.0003_default_credits")
    migration.create_default_credits(global_apps, connection.schema_editor())
    assert Credit.objects.filter(name__in=["AP", "PTI", "Reuters", "self"]).count() == 4
    assert Credit.objects.get(name="Reuters").label == "Picture: Reuters"


def test_wire_credit_gets_its_customary_prefix():
    Credit.objects.filter(name="PTI").delete()
    assert Credit.for_wire_name("pti").label == "Photo: pti"
    assert Credit.for_wire_name("AFP").label == "Image: AFP"


def test_photo_delete_removes_files_after_commit(media, django_capture_on_commit_callbacks):
    photo = new_photo(two_colour(640, 360))
    assert files_under(media)
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert files_under(media) == []


def test_photo_saved_directly_with_a_file_gets_renditions(media):
    credit, _ = Credit.objects.get_or_create(name="AP")
    photo = Photo.objects.create(image=ContentFile(two_colour(640, 360), name="direct.jpg"), alt_text="x", credit=credit)
    assert {r.ratio for r in photo.renditions.all()} == set(RATIOS)
