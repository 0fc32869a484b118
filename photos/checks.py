"""What an uploaded picture must be before anything is written: one function for the admin form and wire ingest.

`prepare_upload(data, name)` checks the bytes (size, real format, pixel count from the header *before* decoding, a
full decode) and returns the original re-encoded from its pixels: EXIF orientation applied, EXIF/XMP/GPS and comments
dropped, the ICC colour profile kept. Anything else raises `BadImage` with a sentence an editor can act on.
"""
import hashlib
import io
import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.utils.text import slugify
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow reads only these; it never tries its other parsers (EPS, PSD, TIFF…) on an upload.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# What the stored original is re-encoded as. A GIF keeps its first frame only, as a PNG.
STORED_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
STORED_EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Camera JPEGs run to ~45 megapixels and decode fast. A PNG, WebP or GIF that size is a screenshot or graphic gone
# wrong, and costs seconds and hundreds of MB to decode and re-encode (a 40-megapixel PNG: 4.9 s, 430 MB): those
# are refused from the header at 16 megapixels.
DEFAULT_MAX_PIXELS = 50_000_000
DEFAULT_MAX_PIXELS_OTHER = 16_000_000


class BadImage(ValueError):
    """The bytes are not a picture we accept; the message is shown to the editor / on the ingest line."""


def max_bytes() -> int:
    return int(getattr(settings, "PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_pixels(fmt: str = "JPEG") -> int:
    """The pixel-count limit for a format: PHOTO_MAX_PIXELS for JPEG, PHOTO_MAX_PIXELS_OTHER (never more) for the rest."""
    jpeg = int(getattr(settings, "PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    if fmt == "JPEG":
        return jpeg
    return min(jpeg, int(getattr(settings, "PHOTO_MAX_PIXELS_OTHER", DEFAULT_MAX_PIXELS_OTHER)))


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


@dataclass
class PreparedUpload:
    file: ContentFile  # the stripped original, named "<stem>.<ext of the stored format>"
    checksum: str  # sha256 of the bytes as uploaded (wire de-duplication compares these)
    source_format: str  # JPEG, PNG, WEBP or GIF: what the upload really was
    width: int
    height: int


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _looks_like_markup(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") or b"<svg" in head


def open_checked(data: bytes) -> Image.Image:
    """The decoded picture, or BadImage. Dimensions are checked from the header before any pixel is decoded.

    Each refusal names the limit that was passed: the file's bytes (PHOTO_MAX_BYTES), the picture's pixels for its
    format (PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS_OTHER), a GIF frame reaching beyond them, or a PNG's compressed text
    metadata inflating past Pillow's cap.
    """
    if not data:
        raise BadImage("The file is empty.")
    if len(data) > max_bytes():
        raise BadImage(f"The file is {_megabytes(len(data))}; pictures may be at most {_megabytes(max_bytes())}.")
    try:
        # Reads the header only. Pillow's own bomb guard (2 × MAX_IMAGE_PIXELS) may fire here for absurd sizes;
        # ours below is the one that counts and does not depend on that global.
        image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
    except Image.DecompressionBombError as exc:
        raise BadImage(_bomb_message(data, exc)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        if _is_text_chunk_bomb(exc):
            raise BadImage(_TEXT_CHUNK_MESSAGE) from exc
        if _looks_like_markup(data):
            raise BadImage("SVG and other text files are not accepted: upload a JPEG, PNG, WebP or GIF picture.") from exc
        raise BadImage("This is not a JPEG, PNG, WebP or GIF picture (whatever its name says).") from exc
    width, height = image.size
    if width < 1 or height < 1:
        raise BadImage("The picture has no pixels.")
    if width * height > max_pixels(image.format):
        raise BadImage(_too_many_pixels_message(width, height, image.format))
    try:
        image.load()  # a truncated or corrupt file fails here, not later on a reader's request
    except Image.DecompressionBombError as exc:
        raise BadImage(_frame_message(image.format, exc) if image.format == "GIF"
                       else _too_many_pixels_message(width, height, image.format)) from exc
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        if _is_text_chunk_bomb(exc):
            raise BadImage(_TEXT_CHUNK_MESSAGE) from exc
        raise BadImage(f"The {image.format} file is damaged or incomplete; export it again and re-upload.") from exc
    return image


def _too_many_pixels_message(width: int, height: int, fmt: str) -> str:
    kind = "" if fmt == "JPEG" else f" for a {fmt}"
    return (f"The picture is too large ({width}×{height}): at most {max_pixels(fmt) / 1_000_000:g} megapixels "
            f"are accepted{kind}.")


_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


def _frame_message(fmt: str, exc: Exception) -> str:
    """A GIF whose frame (or the area a frame clears) reaches beyond the picture, to more pixels than we accept."""
    found = _BOMB_PIXELS.search(str(exc))
    size = f" ({int(found.group(1)) / 1_000_000:,.0f} megapixels)" if found else ""
    return (f"A frame of this {fmt} is too large{size}: at most {max_pixels(fmt) / 1_000_000:g} megapixels are "
            f"accepted for a {fmt}.")


def _bomb_message(data: bytes, exc: Exception) -> str:
    """Pillow's guard fired while opening: read the header again with the format's own reader (which skips the
    guard Image.open adds), so the message names the format's limit and the picture's size, not another format's."""
    Image.init()
    for fmt in ALLOWED_FORMATS:
        factory, accept = Image.OPEN[fmt]
        if accept is not None and not accept(data[:16]):
            continue
        try:
            with factory(io.BytesIO(data), None) as header:
                width, height = header.size
        except Image.DecompressionBombError as inner:  # the reader's own check: a GIF frame, a WebP canvas
            if fmt == "GIF":
                return _frame_message(fmt, inner)
            found = _BOMB_PIXELS.search(str(inner))
            pixels = f" ({int(found.group(1)) / 1_000_000:,.0f} megapixels)" if found else ""
            return (f"The picture is too large{pixels}: at most {max_pixels(fmt) / 1_000_000:g} megapixels are "
                    f"accepted for a {fmt}.")
        except Exception:  # noqa: BLE001 - not this format after all; try the next
            continue
        return _too_many_pixels_message(width, height, fmt)
    found = _BOMB_PIXELS.search(str(exc))
    pixels = f" ({int(found.group(1)) / 1_000_000:,.0f} megapixels)" if found else ""
    return f"The picture is too large{pixels}: at most {max_pixels('PNG') / 1_000_000:g} megapixels are accepted."


# Pillow caps what a PNG's compressed text chunks (zTXt, iTXt, iCCP) may inflate to (PngImagePlugin.MAX_TEXT_CHUNK,
# MAX_TEXT_MEMORY) and raises ValueError past it: a metadata bomb, not a damaged or unknown file.
_TEXT_CHUNK_MESSAGE = (
    "The PNG's text metadata inflates to more than Pillow accepts (a compressed-metadata bomb); "
    "export the picture again without metadata."
)


def _is_text_chunk_bomb(exc: Exception) -> bool:
    text = str(exc)
    return isinstance(exc, ValueError) and ("MAX_TEXT_CHUNK" in text or "MAX_TEXT_MEMORY" in text)


def clean_pixels(image: Image.Image) -> tuple[Image.Image, bytes | None]:
    """Orientation applied, in RGB or RGBA, with no metadata attached; and the ICC profile worth keeping."""
    icc = image.info.get("icc_profile") if image.mode in ("RGB", "RGBA") else None
    upright = ImageOps.exif_transpose(image) or image
    has_alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in upright.info
    if upright.mode not in ("RGB", "RGBA") or (upright.mode == "RGB" and has_alpha):
        upright = upright.convert("RGBA" if has_alpha else "RGB")
    upright.info = {}  # EXIF (GPS, camera), XMP, comments: none of it is written back
    return upright, icc or None


def encode(image: Image.Image, fmt: str, *, icc: bytes | None = None, quality: int = 82) -> bytes:
    """Bytes of `image` in JPEG, PNG or WEBP, with no EXIF/XMP; only the ICC profile if given."""
    buffer = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        if image.mode != "RGB":
            image = flatten(image)
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True, **extra)
    elif fmt == "WEBP":
        image.save(buffer, "WEBP", quality=quality, method=4, **extra)
    elif fmt == "PNG":
        image.save(buffer, "PNG", optimize=False, **extra)
    else:  # pragma: no cover - callers pass one of the three
        raise ValueError(fmt)
    return buffer.getvalue()


def flatten(image: Image.Image) -> Image.Image:
    """RGB on white: transparent pictures as JPEG."""
    if image.mode == "RGB":
        return image
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def safe_stem(name: str) -> str:
    stem = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", stem)
    return slugify(stem)[:60].strip("-_") or "photo"


def prepare_upload(data: bytes, name: str = "") -> PreparedUpload:
    """Check an upload and re-encode it as the original readers may be served. Raises BadImage; writes nothing."""
    image = open_checked(data)
    source_format = image.format
    with image:
        pixels, icc = clean_pixels(image)
    stored = STORED_FORMAT[source_format]
    quality = 92 if stored == "JPEG" else 90
    try:
        encoded = encode(pixels, stored, icc=icc, quality=quality)
    except (OSError, ValueError) as exc:
        raise BadImage(f"The picture could not be re-encoded ({exc.__class__.__name__}).") from exc
    return PreparedUpload(
        file=ContentFile(encoded, name=f"{safe_stem(name)}.{STORED_EXTENSION[stored]}"),
        checksum=checksum(data),
        source_format=source_format,
        width=pixels.width,
        height=pixels.height,
    )


def read_upload(uploaded) -> bytes:
    """The bytes of an uploaded file, refusing one over the limit before reading it."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes():
        raise BadImage(f"The file is {_megabytes(size)}; pictures may be at most {_megabytes(max_bytes())}.")
    uploaded.seek(0)
    data = uploaded.read(max_bytes() + 1)
    uploaded.seek(0)
    return data


class CheckedImageFormField(forms.FileField):
    """The form field of every picture upload: prepare_upload's checks, and the stripped re-encoded file as the value.

    The value's `checksum` is the sha256 of the bytes as uploaded.
    """

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            prepared = prepare_upload(read_upload(upload), upload.name)
        except BadImage as exc:
            raise forms.ValidationError(str(exc), code="bad_image") from exc
        prepared.file.checksum = prepared.checksum
        return prepared.file


class CheckedImageField(models.ImageField):
    """An ImageField whose forms run every upload through prepare_upload (real format, pixel limit, metadata and
    trailing bytes dropped by re-encoding). Deconstructs as a plain ImageField: the column is the same, so no
    migration. tests/functional/test_uploads.py checks that every ImageField in the project is one of these."""

    def formfield(self, **kwargs):
        # A form may name its own class (PhotoAdminForm's plain FileField calls prepare_upload in clean_image).
        kwargs.setdefault("form_class", CheckedImageFormField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
