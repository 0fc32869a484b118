"""Turning bytes into a Photo: checked, de-duplicated by content, credited."""
import hashlib
import io

from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

from .models import Credit, Photo

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


class BadImage(ValueError):
    pass


def image_format(data: bytes) -> str:
    """The real format of the bytes (not the file name's), or BadImage."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            fmt = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise BadImage(f"not a readable image ({exc.__class__.__name__})") from exc
    if fmt not in ALLOWED_FORMATS:
        raise BadImage(f"{fmt} images are not accepted (JPEG, PNG, WebP or GIF)")
    return fmt


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def photo_from_bytes(data: bytes, *, name: str, alt_text: str, caption: str, credit_name: str, user=None) -> Photo:
    """The existing photo with the same bytes, or a new one. Raises BadImage."""
    fmt = image_format(data)
    digest = checksum(data)
    existing = Photo.objects.filter(checksum=digest).select_related("credit").first()
    if existing:
        return existing
    stem = (name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "photo")[:80]
    photo = Photo(
        alt_text=(alt_text or caption or stem)[:250],
        caption=caption[:500],
        credit=Credit.for_wire_name(credit_name or "Unknown"),
        checksum=digest,
        uploaded_by=user,
    )
    photo.image.save(f"{stem}.{ALLOWED_FORMATS[fmt]}", ContentFile(data), save=False)
    photo.save()
    return photo
