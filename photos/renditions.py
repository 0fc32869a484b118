"""How pages, feeds and exports ask for a picture at a size and shape, and how those sizes are made.

`rendition_url(photo, ratio, width)` is the contract every caller uses. Renditions are made when the photo is saved
(`build_renditions`), never on a reader's request: the crops 16:9, 4:3, 1:1 and the original aspect, each centred on
the photo's focal point, at 320, 640, 960, 1200 and 1600 pixels wide (never wider than the crop itself; a crop
narrower than 1600 also gets its own full width), in WebP and JPEG, re-encoded from pixels so no EXIF reaches readers.

Pages: cards show the 16:9 crop; a story's hero its own aspect when landscape, the 4:3 crop when portrait or square
(`hero_ratio`). Reading never queries when the photo's renditions were prefetched (`prefetch_related("renditions")`, or
`hero_photo__renditions` through `Article.objects.for_listing()`); otherwise it costs one query per photo.
"""
import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from . import files
from .checks import clean_pixels, encode

ORIGINAL = "original"
RATIOS = {"16:9": (16, 9), "4:3": (4, 3), "1:1": (1, 1), ORIGINAL: None}
WIDTHS = (320, 640, 960, 1200, 1600)
WEBP, JPEG = "webp", "jpeg"
FORMATS = (WEBP, JPEG)
PIL_FORMAT = {WEBP: "WEBP", JPEG: "JPEG"}
EXTENSION = {WEBP: "webp", JPEG: "jpg"}
QUALITY = {WEBP: 78, JPEG: 82}
# What a page's <img src> falls back to when srcset is not understood: about a column's width.
DEFAULT_SRC_WIDTH = 960


def _check_ratio(ratio: str) -> str:
    if ratio not in RATIOS:
        raise ValueError(f"unknown ratio {ratio!r}: use one of {', '.join(RATIOS)}")
    return ratio


# ---------------------------------------------------------------------------------------------------------------
# Reading: the contract
# ---------------------------------------------------------------------------------------------------------------

def _renditions(photo) -> list:
    """The photo's renditions, from the prefetch cache when there is one."""
    return list(photo.renditions.all()) if photo.pk else []


def best_rendition(photo, ratio: str = ORIGINAL, width: int = 1200, fmt: str = JPEG, renditions=None):
    """The smallest rendition at least `width` wide, else the largest; None when there are none."""
    _check_ratio(ratio)
    candidates = sorted(
        (r for r in (_renditions(photo) if renditions is None else renditions) if r.ratio == ratio and r.format == fmt),
        key=lambda r: r.width,
    )
    if not candidates:
        return None
    return next((r for r in candidates if r.width >= width), candidates[-1])


def rendition_url(photo, ratio: str = ORIGINAL, width: int = 1200) -> str:
    """URL of `photo` cropped to `ratio` ("16:9", "4:3", "1:1" or "original") at about `width` pixels, as a JPEG.

    The smallest rendition at least `width` wide, else the largest there is; the original upload (already stripped
    of EXIF) when the photo has no renditions yet. A relative /media/ URL, like FieldFile.url: prefix SITE_URL for
    feeds and exports. Prefetch `renditions` to avoid a query per photo.
    """
    rendition = best_rendition(photo, ratio, width, JPEG)
    return rendition.file.url if rendition else photo.image.url


def hero_ratio(photo) -> str:
    """The story hero: the photographer's framing when it is landscape; a portrait or square picture (a phone held
    upright) would push the story below the fold, so it shows as the 4:3 crop around the editor's focal point."""
    if photo.width and photo.height and photo.width <= photo.height:
        return "4:3"
    return ORIGINAL


@dataclass
class Picture:
    """What `<picture>` needs: WebP and JPEG srcsets, a fallback src and its intrinsic size."""

    src: str
    width: int | None
    height: int | None
    webp_srcset: str = ""
    jpeg_srcset: str = ""


def picture(photo, ratio: str = ORIGINAL) -> Picture:
    _check_ratio(ratio)
    renditions = _renditions(photo)
    by_format = {
        fmt: sorted((r for r in renditions if r.ratio == ratio and r.format == fmt), key=lambda r: r.width)
        for fmt in FORMATS
    }
    if not by_format[JPEG]:
        return Picture(src=photo.image.url, width=photo.width, height=photo.height)
    fallback = best_rendition(photo, ratio, DEFAULT_SRC_WIDTH, JPEG, renditions=renditions)
    return Picture(
        src=fallback.file.url,
        width=fallback.width,
        height=fallback.height,
        webp_srcset=", ".join(f"{r.file.url} {r.width}w" for r in by_format[WEBP]),
        jpeg_srcset=", ".join(f"{r.file.url} {r.width}w" for r in by_format[JPEG]),
    )


# ---------------------------------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------------------------------

def crop_box(size: tuple[int, int], ratio: str, focal: tuple[float, float] = (0.5, 0.5)) -> tuple[int, int, int, int]:
    """The largest box of `ratio` inside `size`, centred on the focal point as far as the edges allow."""
    width, height = size
    shape = RATIOS[_check_ratio(ratio)]
    if shape is None:
        return (0, 0, width, height)
    rw, rh = shape
    fx = min(max(float(focal[0]), 0.0), 1.0)
    fy = min(max(float(focal[1]), 0.0), 1.0)
    if width * rh > height * rw:  # wider than the ratio: keep the height, choose the columns
        crop_w, crop_h = max(1, round(height * rw / rh)), height
    else:
        crop_w, crop_h = width, max(1, round(width * rh / rw))
    left = min(max(round(fx * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(fy * height - crop_h / 2), 0), height - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def widths_for(crop_width: int) -> list[int]:
    """Standard widths up to the crop's own (no upscaling), plus its own width when it is below the largest."""
    widths = [w for w in WIDTHS if w <= crop_width]
    if crop_width < WIDTHS[-1] and crop_width not in widths:
        widths.append(crop_width)
    return widths


def expected(width: int | None, height: int | None, focal=(0.5, 0.5)) -> set[tuple[str, int, str]]:
    """(ratio, width, format) of every rendition a photo of this size should have."""
    if not width or not height:
        return set()
    result = set()
    for ratio in RATIOS:
        left, top, right, bottom = crop_box((width, height), ratio, focal)
        for w in widths_for(right - left):
            result.update((ratio, w, fmt) for fmt in FORMATS)
    return result


def is_complete(photo) -> bool:
    have = {(r.ratio, r.width, r.format) for r in _renditions(photo)}
    return bool(have) and have == expected(photo.width, photo.height, (photo.focal_x, photo.focal_y))


# ---------------------------------------------------------------------------------------------------------------
# Making them (on save, or by `manage.py rebuild_renditions`)
# ---------------------------------------------------------------------------------------------------------------

def source_token(photo) -> str:
    """Changes with the image and the focal point, so a new crop gets new URLs and caches never serve the old one."""
    key = f"{photo.image.name}|{photo.focal_x:.4f}|{photo.focal_y:.4f}"
    return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:8]


def _ratio_slug(ratio: str) -> str:
    return ratio.replace(":", "x")


def build_renditions(photo) -> list:
    """Make every rendition of `photo` and replace the old ones, in one transaction.

    New files are deleted if the transaction rolls back; the old files once it commits.
    """
    from .models import Rendition

    with photo.image.open("rb") as handle:
        data = handle.read()
    with Image.open(io.BytesIO(data)) as source:
        source.load()
        pixels, icc = clean_pixels(source)  # the stored original is already upright and clean; this is belt and braces
    storage = Rendition._meta.get_field("file").storage
    token = source_token(photo)
    focal = (photo.focal_x, photo.focal_y)
    made: list[Rendition] = []
    written: list[str] = []
    boxes = {ratio: crop_box(pixels.size, ratio, focal) for ratio in RATIOS}
    # One downscale of the whole picture to what the narrowest crop needs (a phone's 12 MP to about 2 MP), then
    # every crop is cut from that: the same result, several times faster than resizing four full-size crops.
    scale = min(1.0, max(max(widths_for(box[2] - box[0])) / (box[2] - box[0]) for box in boxes.values()))
    working = pixels
    if scale < 1.0:
        working = pixels.resize(
            (max(1, round(pixels.width * scale)), max(1, round(pixels.height * scale))),
            Image.Resampling.LANCZOS, reducing_gap=2.0,
        )
        scale = (working.width / pixels.width, working.height / pixels.height)
    else:
        scale = (1.0, 1.0)
    try:
        with transaction.atomic():
            for ratio, box in boxes.items():
                crop_w, crop_h = box[2] - box[0], box[3] - box[1]
                region = (box[0] * scale[0], box[1] * scale[1], box[2] * scale[0], box[3] * scale[1])
                previous = None
                for width in sorted(widths_for(crop_w), reverse=True):
                    height = max(1, round(width * crop_h / crop_w))
                    if previous is None:
                        scaled = working.resize((width, height), Image.Resampling.LANCZOS, box=region)
                    else:  # each smaller width from the next larger one: fast, and visually the same
                        scaled = previous.resize((width, height), Image.Resampling.LANCZOS)
                    previous = scaled
                    for fmt in FORMATS:
                        name = f"renditions/{photo.pk}/{_ratio_slug(ratio)}-{width}-{token}.{EXTENSION[fmt]}"
                        saved = storage.save(name, ContentFile(encode(scaled, PIL_FORMAT[fmt], icc=icc, quality=QUALITY[fmt])))
                        written.append(saved)
                        made.append(Rendition(photo=photo, ratio=ratio, width=width, height=height, format=fmt, file=saved))
            # The old rows go, and their files after the commit (the post_delete receiver in models.py).
            Rendition.objects.filter(photo=photo).delete()
            Rendition.objects.bulk_create(made)
            files.delete_on_rollback(storage, written)
    except BaseException:
        files.delete_files(storage, written)
        raise
    # The photo's prefetch cache (if any) no longer describes what is stored.
    getattr(photo, "_prefetched_objects_cache", {}).pop("renditions", None)
    return made
