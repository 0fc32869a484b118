"""ninjs wire ingest: files in, stories out, one line per item.

Each item is atomic: pictures are read first, then every row is written in one transaction
through articles.services, so a rejected item changes nothing and the others still import.
"""
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from photos.services import BadImage, photo_from_bytes
from reporters.models import Reporter

from . import services, wire_body
from .models import Article, Revision, Section
from .ninjs_parse import WireItem, WireItemRejected, WirePicture, is_newer, parse_item

FALLBACK_BYLINE = "Newsroom Staff"


@dataclass
class IngestResult:
    action: str  # created | updated | scheduled | unchanged | rejected
    uri: str
    detail: str  # the public URL, or the reason for a rejection
    notes: list[str] = field(default_factory=list)

    @property
    def line(self) -> str:
        text = f"{self.action} {self.uri} {self.detail}"
        return text + (f" ({'; '.join(self.notes)})" if self.notes else "")


@dataclass
class PictureData:
    picture: WirePicture
    data: bytes


def json_files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        else:
            found.append(path)
    return found


def ingest_paths(paths: list[str], *, publish: bool = False):
    for path in json_files(paths):
        yield ingest_file(path, publish=publish)


def ingest_file(path: Path, *, publish: bool = False) -> IngestResult:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return IngestResult("rejected", str(path), "file not found")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return IngestResult("rejected", str(path), f"not valid JSON: {exc}")
    uri = data.get("uri") if isinstance(data, dict) and isinstance(data.get("uri"), str) and data.get("uri") else str(path)
    try:
        item = parse_item(data)
        return ingest_item(item, base_dir=path.parent, publish=publish)
    except WireItemRejected as exc:
        return IngestResult("rejected", uri, str(exc.reason if hasattr(exc, "reason") else exc))


def ingest_item(item: WireItem, *, base_dir: Path, publish: bool = False) -> IngestResult:
    uri_limit = Article._meta.get_field("wire_uri").max_length
    if len(item.uri) > uri_limit:  # PostgreSQL would refuse the row mid-import
        raise WireItemRejected(f"uri longer than {uri_limit} characters")
    existing = Article.objects.filter(wire_uri=item.uri).first()
    if existing and not is_newer(item, existing.wire_version or None, existing.wire_version_created):
        return IngestResult("unchanged", item.uri, existing.public_url)
    notes: list[str] = []
    pictures = _read_pictures(item, base_dir, notes)
    with transaction.atomic():
        article, action = _write(item, existing, pictures, publish, notes)
    return IngestResult(action, item.uri, article.public_url, notes)


def _read_pictures(item: WireItem, base_dir: Path, notes: list[str]) -> list[PictureData]:
    result = []
    for picture in item.pictures:
        if not picture.href:
            notes.append(f"picture {picture.name or '?'} has no rendition href")
            continue
        scheme = urlparse(picture.href).scheme.lower()
        if scheme in ("http", "https"):
            try:
                result.append(PictureData(picture, _fetch(picture.href)))
            except (OSError, ValueError) as exc:
                notes.append(f"picture {picture.href} not fetched: {exc}")
            continue
        local = Path(unquote(urlparse(picture.href).path)) if scheme == "file" else Path(picture.href)
        local = local if local.is_absolute() else base_dir / local
        if not local.is_file():
            raise WireItemRejected(f"picture file missing: {picture.href}")
        result.append(PictureData(picture, local.read_bytes()))
    return result


def _fetch(url: str) -> bytes:
    limit = settings.INGEST_FETCH_MAX_BYTES
    request = urllib.request.Request(url, headers={"User-Agent": "Newsroom ingest"})
    with urllib.request.urlopen(request, timeout=settings.INGEST_FETCH_TIMEOUT) as response:  # noqa: S310 (http(s) only)
        data = response.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit} bytes")
    return data


# A subject whose URI is a Newsroom section page (".../section/<slug>/", as our ninjs export writes it).
_SECTION_URI = re.compile(r"/section/([-a-z0-9_]+)/?$")


def _section_from_uri(subject, by_slug: dict) -> Section | None:
    match = _SECTION_URI.search(urlparse(subject.code.strip().lower()).path) if subject.code else None
    return by_slug.get(match.group(1)) if match else None


def _section_and_tags(item: WireItem) -> tuple[Section, list[str]]:
    by_slug = {s.slug: s for s in Section.objects.all()}
    sections = {s.name.lower(): s for s in by_slug.values()}
    sections.update(by_slug)
    # A section named by its URI wins (whatever its name is here); otherwise the first subject naming one.
    named = next(
        ((subject, section) for subject in item.subjects if (section := _section_from_uri(subject, by_slug))), None
    )
    chosen, tags = (named[1] if named else None), []
    for subject in item.subjects:
        if named and subject is named[0]:
            continue
        last_segment = subject.code.strip().lower().rstrip("/").rsplit("/", 1)[-1]
        keys = {subject.name.strip().lower(), slugify(subject.name), last_segment}
        match = next((sections[k] for k in keys if k and k in sections), None)
        if match and chosen is None:
            chosen = match
        elif subject.name.strip():
            tags.append(subject.name.strip()[:100])
    return chosen or Section.objects.get(slug=settings.DEFAULT_SECTION_SLUG), tags


def _write(item, existing, pictures, publish, notes):
    photos = []
    for picture_data in pictures:
        picture = picture_data.picture
        try:
            photo = photo_from_bytes(
                picture_data.data, name=picture.href, alt_text=picture.alt_text,
                caption=picture.caption, credit_name=picture.credit,
            )
        except BadImage as exc:
            raise WireItemRejected(f"picture {picture.href}: {exc}") from exc
        photos.append((picture, photo))
    # Pictures the body references go where the wire put them; the others stay with the story as before.
    body_html, placed = wire_body.place_pictures(item.body_html, [
        wire_body.WirePhoto(pic.name, (pic.href, *pic.rendition_hrefs), photo) for pic, photo in photos
    ])
    unplaced = [p for _, p in photos if p.pk not in placed]
    hero = next((p for pic, p in photos if pic.is_feature), unplaced[0] if unplaced else None)
    others = [p for p in unplaced if p != hero]

    section, tags = _section_and_tags(item)
    names = list(item.bylines) or [FALLBACK_BYLINE]
    reporters = [Reporter.objects.get_or_create_by_name(name[:120]) for name in names]

    now = timezone.now()
    embargoed = bool(item.embargoed_until and item.embargoed_until > now)
    if publish and embargoed and existing and existing.status == Article.Status.PUBLISHED:
        # A newer version of a live story under embargo: readers keep the current one until then.
        snap = services.new_version_of(
            existing, services.Related(reporters=reporters, tags=tags, photos=others),
            headline=item.headline[:250], standfirst=item.standfirst[:600], body=body_html,
            section=section, hero_photo=hero,
        )
        services.queue_update(existing, snap, go_live_at=item.embargoed_until, note=f"Wire version {item.version or ''}".strip())
        existing.wire_version = (item.version or "")[:40]
        existing.wire_version_created = item.version_created
        existing.save(update_fields=["wire_version", "wire_version_created"])
        return existing, "scheduled"

    article = existing or Article()
    article.headline = item.headline[:250]
    article.standfirst = item.standfirst[:600]
    article.body = body_html
    article.section = section
    article.hero_photo = hero
    article.language = (item.language or "en")[:12]
    article.wire_uri = item.uri
    article.wire_version = (item.version or "")[:40]
    article.wire_version_created = item.version_created
    related = services.Related(reporters=reporters, tags=tags, photos=others)
    services.save_story(article, related, kind=Revision.Kind.INGESTED, updated_at=item.version_created)
    action = "updated" if existing else "created"
    if publish and article.state() in ("draft", "review", "unpublished"):
        first = item.embargoed_until if embargoed else (item.first_created or item.version_created or now)
        article = services.publish(article, at=first, updated_at=item.version_created)
        if article.state() == "scheduled":
            action = "scheduled"
    return article, action
