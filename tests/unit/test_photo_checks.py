"""photos.checks: what an upload must be, decided from its bytes before anything is written.

The bad-file corpus here is reused by the admin and ingest tests.
"""
import io
import random
import struct
import zlib

import pytest
from PIL import ExifTags, Image

from photos.checks import BadImage, open_checked, prepare_upload
from photos.renditions import crop_box, expected, widths_for

# --- the corpus -----------------------------------------------------------------------------------------------

def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)


def png_bomb(width=30000, height=30000) -> bytes:
    """A tiny PNG whose header declares width × height pixels (RGB); its few compressed rows would inflate forever."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width * 3 + 1) * 4, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def noisy_jpeg(width=640, height=480) -> bytes:
    rng = random.Random(4)
    image = Image.frombytes("RGB", (width, height), bytes(rng.getrandbits(8) for _ in range(width * height * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    data = noisy_jpeg()
    return data[: len(data) // 2]


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script>alert(document.cookie)</script><rect width="100" height="100" fill="red"/></svg>'
)

# name, bytes, a fragment of the message the editor sees
BAD_FILES = [
    ("notes.jpg", b"These are my notes, not a picture.\n" * 20, "not a JPEG, PNG, WebP or GIF"),
    ("cut-off.jpg", truncated_jpeg(), "damaged or incomplete"),
    ("bomb.png", png_bomb(), "too large"),
    ("empty.jpg", b"", "empty"),
    ("logo.svg", SVG_WITH_SCRIPT, "SVG"),
]


def two_colour(width=400, height=200, left=(255, 0, 0), right=(0, 0, 255), fmt="JPEG", **save) -> bytes:
    image = Image.new("RGB", (width, height), left)
    image.paste(right, (width // 2, 0, width, height))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def phone_photo(width=400, height=200) -> bytes:
    """A JPEG as a phone writes it: pixels stored sideways (Orientation 6), camera details and a GPS position.

    Stored: red left half, blue right half. Upright (rotated 90° clockwise): red on top, blue below.
    """
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Model X"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (12.0, 58.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (77.0, 35.0, 0.0)
    return two_colour(width, height, exif=exif, quality=95)


def assert_no_metadata(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    assert ExifTags.IFD.GPSInfo not in exif and not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Orientation not in exif and ExifTags.Base.Make not in exif
    assert b"Exif\x00\x00" not in data and b"PhoneMaker" not in data
    assert "xmp" not in image.info and "exif" not in image.info


def close(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour))


# --- the checks ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,data,message", BAD_FILES, ids=[row[0] for row in BAD_FILES])
def test_bad_files_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(BadImage) as caught:
        prepare_upload(data, name)
    assert message.lower() in str(caught.value).lower()


def test_bomb_is_refused_from_the_header_below_pillows_own_limit(settings):
    # 8000 × 6000 = 48 MP: under Pillow's global bomb guard (89 MP), over ours (40 MP). Nothing is decoded.
    with pytest.raises(BadImage, match="too large \\(8000×6000\\)"):
        open_checked(png_bomb(8000, 6000))
    settings.PHOTO_MAX_PIXELS = 1000
    with pytest.raises(BadImage, match="too large"):
        prepare_upload(two_colour(100, 100), "small.jpg")


def test_size_limit_is_a_setting(settings):
    data = two_colour()
    settings.PHOTO_MAX_BYTES = len(data) - 1
    with pytest.raises(BadImage, match="at most"):
        prepare_upload(data, "x.jpg")
    settings.PHOTO_MAX_BYTES = len(data)
    assert prepare_upload(data, "x.jpg").width == 400


def test_other_formats_pillow_reads_are_still_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "BMP")
    with pytest.raises(BadImage, match="not a JPEG, PNG, WebP or GIF"):
        prepare_upload(buffer.getvalue(), "picture.jpg")


@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "png")])
def test_accepted_formats_are_judged_by_content_not_name(fmt, ext):
    prepared = prepare_upload(two_colour(fmt=fmt), "Holiday Snap.jpeg")
    assert prepared.source_format == fmt
    assert prepared.file.name == f"holiday-snap.{ext}"
    assert (prepared.width, prepared.height) == (400, 200)


def test_phone_photo_is_turned_upright_and_stripped():
    data = phone_photo()
    prepared = prepare_upload(data, "IMG_0042.JPG")
    stored = prepared.file.read()
    assert_no_metadata(stored)
    image = Image.open(io.BytesIO(stored))
    assert image.size == (200, 400) == (prepared.width, prepared.height)
    assert close(image.getpixel((100, 20)), (255, 0, 0)) and close(image.getpixel((100, 380)), (0, 0, 255))
    assert prepared.checksum != "" and len(prepared.checksum) == 64  # of the bytes as uploaded


def test_icc_profile_is_kept():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    prepared = prepare_upload(two_colour(icc_profile=profile), "icc.jpg")
    assert Image.open(io.BytesIO(prepared.file.read())).info.get("icc_profile") == profile


def test_transparent_png_keeps_alpha():
    image = Image.new("RGBA", (40, 20), (255, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    stored = Image.open(io.BytesIO(prepare_upload(buffer.getvalue(), "t.png").file.read()))
    assert stored.mode == "RGBA" and stored.getpixel((1, 1))[3] == 0


# --- geometry --------------------------------------------------------------------------------------------------

def test_crop_box_keeps_the_ratio_and_follows_the_focal_point():
    assert crop_box((1600, 900), "16:9") == (0, 0, 1600, 900)
    assert crop_box((1600, 900), "1:1") == (350, 0, 1250, 900)
    assert crop_box((1600, 900), "1:1", (0.0, 0.5)) == (0, 0, 900, 900)
    assert crop_box((1600, 900), "1:1", (1.0, 0.5)) == (700, 0, 1600, 900)
    assert crop_box((1200, 1200), "16:9", (0.5, 0.1)) == (0, 0, 1200, 675)
    assert crop_box((1200, 1200), "4:3", (0.5, 0.9)) == (0, 300, 1200, 1200)
    assert crop_box((1200, 900), "original", (0.1, 0.1)) == (0, 0, 1200, 900)


def test_widths_never_upscale():
    assert widths_for(1600) == [320, 640, 960, 1200, 1600]
    assert widths_for(4000) == [320, 640, 960, 1200, 1600]
    assert widths_for(900) == [320, 640, 900]
    assert widths_for(180) == [180]
    spec = expected(1600, 900)
    assert ("16:9", 1600, "webp") in spec and ("16:9", 1600, "jpeg") in spec
    assert ("1:1", 900, "jpeg") in spec and ("1:1", 960, "jpeg") not in spec
    assert ("4:3", 1200, "jpeg") in spec and ("4:3", 1600, "jpeg") not in spec


# --- bombs: each refusal names the limit that was passed (issue 20 item 7) ------------------------------------

def gif_with_screen(width, height) -> bytes:
    """A 1×1 GIF whose logical screen claims width × height."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "GIF")
    data = bytearray(buffer.getvalue())
    data[6:10] = struct.pack("<HH", width, height)
    return bytes(data)


def gif_with_frame(width, height) -> bytes:
    """A GIF with a 1×1 screen whose first frame's extent claims width × height (Pillow grows the canvas)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "GIF")
    data = bytearray(buffer.getvalue())
    descriptor = data.rindex(b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00")  # ",", at 0,0, 1×1
    data[descriptor + 5:descriptor + 9] = struct.pack("<HH", width, height)
    return bytes(data)


def webp_with_canvas(width, height) -> bytes:
    """A WebP whose extended header (VP8X) claims a width × height canvas."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "WEBP", icc_profile=b"\0" * 16)  # a profile forces the VP8X header
    data = bytearray(buffer.getvalue())
    assert data[12:16] == b"VP8X"
    data[24:27] = (width - 1).to_bytes(3, "little")
    data[27:30] = (height - 1).to_bytes(3, "little")
    return bytes(data)


def png_text_bomb(inflated=8 * 1024 * 1024) -> bytes:
    """A 1×1 PNG with a zTXt comment of a few KB that inflates to `inflated` bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, "PNG")
    data = buffer.getvalue()
    ztxt = _png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"a" * inflated, 9))
    return data[:33] + ztxt + data[33:]  # after the signature and IHDR, before IDAT


@pytest.mark.parametrize(("data", "message"), [
    # Over Pillow's own guard at open (it used to answer with the JPEG limit, 50 MP, and no size).
    (png_bomb(30000, 30000), "The picture is too large (30000×30000): at most 16 megapixels are accepted for a PNG."),
    (gif_with_screen(20000, 20000),
     "The picture is too large (20000×20000): at most 16 megapixels are accepted for a GIF."),
    (gif_with_frame(20000, 20000), "A frame of this GIF is too large (400 megapixels): at most 16 megapixels are "
                                   "accepted for a GIF."),
    (webp_with_canvas(16384, 16384),
     "The picture is too large (268 megapixels): at most 16 megapixels are accepted for a WEBP."),
    # Under Pillow's guard, over ours.
    (gif_with_frame(5000, 5000), "The picture is too large (5000×5000): at most 16 megapixels are accepted for a GIF."),
    # Not pixels at all: the PNG's compressed text.
    (png_text_bomb(), "The PNG's text metadata inflates to more than Pillow accepts (a compressed-metadata bomb)"),
], ids=["png-header", "gif-screen", "gif-frame", "webp-canvas", "gif-frame-under-pillow", "png-text"])
def test_each_bomb_names_the_limit_it_passed(data, message):
    assert len(data) < 100_000  # tiny files, huge claims
    with pytest.raises(BadImage) as caught:
        open_checked(data)
    assert message in str(caught.value)
    assert "50 megapixels" not in str(caught.value)  # the JPEG limit is never named for another format


def test_a_jpeg_over_its_own_limit_names_the_jpeg_limit(settings):
    settings.PHOTO_MAX_PIXELS = 10_000
    with pytest.raises(BadImage) as caught:
        open_checked(two_colour(200, 100))
    assert str(caught.value) == "The picture is too large (200×100): at most 0.01 megapixels are accepted."


def test_a_big_file_names_the_byte_limit(settings):
    data = two_colour()
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    with pytest.raises(BadImage) as caught:
        open_checked(data + b"\0" * (3 * 1024 * 1024 - len(data)))
    assert str(caught.value) == "The file is 3 MB; pictures may be at most 1 MB."
