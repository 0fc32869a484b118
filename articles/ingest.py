"""ninjs wire ingest: files in, stories out, one line per item.

Each item is atomic: pictures are read first, then every row is written in one transaction
through articles.services, so a rejected item changes nothing and the others still import.

The desk decides (docs/decisions.md, "The wire never overrules the desk"): a story the desk took off the site
(unpublished, trashed, returned to draft or review) is never put back up by the wire. A newer version of it is
`held`: its content becomes the story's (a revision the desk can compare and restore) but the status stays; a
trashed story is not touched at all. A kill (pubStatus canceled or withheld) takes a story off the site.
"""
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from core.safe_fetch import FetchRefused, fetch
from core.sanitize import drop_remote_images
from core.text import clean_text
from core.timefmt import machine_datetime, reader_datetime
from photos import checks as photo_checks
from photos.services import BadImage, photo_from_bytes
from reporters.models import Reporter

from . import services, wire_body
from .models import Article, AuditEntry, Revision, Section
from .ninjs_parse import WireItem, WireItemRejected, WirePicture, is_newer, parse_item, uri_forms

FALLBACK_BYLINE = "Newsroom Staff"

logger = logging.getLogger(__name__)


@dataclass
class IngestResult:
    action: str  # created | updated | scheduled | unchanged | held | killed | ignored | rejected
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
            try:
                found.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
            except OSError:  # an unreadable sub-folder: reported as a rejected path, the rest still run
                found.append(path)
        else:
            found.append(path)
    return found


def ingest_paths(paths: list[str], *, publish: bool = False):
    for path in json_files(paths):
        yield ingest_file(path, publish=publish)


def ingest_file(path: Path, *, publish: bool = False) -> IngestResult:
    """One file, judged alone: whatever goes wrong becomes `rejected <uri or file> <reason>` and changes nothing."""
    uri = str(path)
    try:
        data = read_wire_json(path)
        if isinstance(data, dict) and isinstance(data.get("uri"), str) and data["uri"].strip():
            uri = data["uri"].strip()
        return ingest_item(parse_item(data), base_dir=path.parent, publish=publish)
    except WireItemRejected as exc:
        return IngestResult("rejected", uri, exc.reason)
    except Exception as exc:  # one broken item must never stop the others (the trace goes to the log)
        logger.exception("ingest of %s failed", path)
        return IngestResult("rejected", uri, f"could not be imported ({exc.__class__.__name__})")


def read_wire_json(path: Path):
    """The decoded JSON of one wire file, within our limits and with every string cleaned; or WireItemRejected.

    Limits: INGEST_MAX_FILE_BYTES, INGEST_MAX_JSON_DEPTH (checked by a scan before decoding, so deep nesting cannot
    reach the decoder's recursion) and INGEST_MAX_STRING_CHARS. A UTF-8 byte order mark is accepted. Control
    characters, lone surrogates and non-characters are removed from every string (core.text.clean_text).
    """
    limit = settings.INGEST_MAX_FILE_BYTES
    try:
        if path.stat().st_size > limit:
            raise WireItemRejected(f"file larger than {limit} bytes")
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise WireItemRejected("file not found") from None
    except OSError:
        raise WireItemRejected("file could not be read") from None
    if len(raw) > limit:
        raise WireItemRejected(f"file larger than {limit} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WireItemRejected(f"not UTF-8 (byte {exc.start})") from None
    check_depth(text, settings.INGEST_MAX_JSON_DEPTH)
    try:
        data = json.loads(text, strict=False)  # raw control characters in strings are removed below, not refused
    except json.JSONDecodeError as exc:
        raise WireItemRejected(f"not valid JSON: {exc}") from None
    except RecursionError:  # check_depth stops this first; kept so a deep file can never give a traceback
        raise WireItemRejected("JSON nested too deeply") from None
    return clean_strings(data, settings.INGEST_MAX_STRING_CHARS)


_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[{\]}]')


def check_depth(text: str, max_depth: int) -> None:
    """WireItemRejected if brackets outside strings nest deeper than `max_depth` (a loop, no recursion)."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > max_depth:
                raise WireItemRejected(f"JSON nested deeper than {max_depth} levels")
        elif token in ("]", "}"):
            depth -= 1


def clean_strings(data, max_chars: int):
    """`data` with clean_text applied to every string and key; WireItemRejected for a string over `max_chars`."""

    def clean(value: str) -> str:
        if len(value) > max_chars:
            raise WireItemRejected(f"a text is longer than {max_chars} characters")
        return clean_text(value)

    root = [data]
    stack = [(root, 0)]
    while stack:  # iterative: the depth is already bounded, but a loop costs nothing
        container, key = stack.pop()
        value = container[key]
        if isinstance(value, str):
            container[key] = clean(value)
        elif isinstance(value, list):
            stack.extend((value, i) for i in range(len(value)))
        elif isinstance(value, dict):
            cleaned = {clean(k): v for k, v in value.items()}
            container[key] = cleaned
            stack.extend((cleaned, k) for k in cleaned)
    return root[0]


def ingest_item(item: WireItem, *, base_dir: Path, publish: bool = False) -> IngestResult:
    uri_limit = Article._meta.get_field("wire_uri").max_length
    if len(item.uri) > uri_limit:  # PostgreSQL would refuse the row mid-import
        raise WireItemRejected(f"uri longer than {uri_limit} characters")
    existing = find_wire_story(item.uri)
    if item.is_kill:
        return _kill(item, existing)
    if existing and not is_newer(item, existing.wire_version or None, existing.wire_version_created):
        return IngestResult("unchanged", item.uri, existing.public_url)
    notes: list[str] = []
    trashed = existing is not None and existing.status == Article.Status.TRASHED
    pictures = [] if trashed else _read_pictures(item, base_dir, notes)  # a trashed story takes nothing
    with transaction.atomic():
        held = None
        if existing is not None:
            # Judged on the locked row: the desk may have moved the story while the pictures were fetched.
            existing = Article.objects.select_for_update().get(pk=existing.pk)
            if not is_newer(item, existing.wire_version or None, existing.wire_version_created):
                return IngestResult("unchanged", item.uri, existing.public_url)
            held = desk_hold(existing)
            if existing.status == Article.Status.TRASHED:
                # Not touched, not even its wire version: restoring it brings back what the desk threw away.
                _note_trashed_hold(existing, item, held)
                return IngestResult("held", item.uri, existing.public_url, [held])
        version_change = _version_change(existing, item) if held else {}  # before _write sets the new version
        article, action = _write(item, existing, pictures, publish and not held, notes)
        if held:
            services.record_wire_decision(
                article, services.WIRE_HELD, actor=services.INGEST, changes=version_change,
                note=f"{_version_label(item)} is the story's content now, but the story stays off the site "
                     f"({held}). Publish it again to show it.",
            )
            action, notes = "held", [held, *notes]
    return IngestResult(action, item.uri, article.public_url, notes)


def find_wire_story(uri: str) -> Article | None:
    """The story a wire uri names, whichever Unicode form it was stored in (stored before the ingest normalised
    identities to NFC); the exact form wins if, from before, both exist."""
    candidates = list(Article.objects.filter(wire_uri__in=uri_forms(uri)))
    return next((a for a in candidates if a.wire_uri == uri), candidates[0] if candidates else None)


def _status_decisions(article: Article):
    """The story's audit entries that decided whether readers see it: status moves and the agency's kills."""
    return article.audit_entries.filter(Q(changes__has_key="status") | Q(action=services.WIRE_KILL)).order_by("-id")


def desk_hold(article: Article) -> str | None:
    """Why the wire may not put this story (back) up, as the ingest line says it; None when it may.

    Held: a trashed or unpublished story, and a draft or story in review that someone at the desk moved there (a
    story the ingest itself made a draft, without --publish, is published by a later --publish run as before).
    """
    status = article.status
    if status == Article.Status.TRASHED:
        return "trashed by the desk"
    if status == Article.Status.PUBLISHED:
        return None
    last = _status_decisions(article).first()
    by_agency = last is not None and last.source == AuditEntry.Source.INGEST
    if status == Article.Status.UNPUBLISHED:
        return "unpublished after a kill by the agency" if by_agency else "unpublished by the desk"
    if last is not None and last.action == services.WIRE_KILL:
        return last.changes.get("pubStatus", [None, "canceled"])[1] + " by the agency"
    if last is None or by_agency:
        return None
    return "returned to draft by the desk" if status == Article.Status.DRAFT else "in review at the desk"


def wire_note(article: Article) -> str | None:
    """The story form's note while a wire story is off the site: the latest update the wire sent that was held, or
    the agency's kill, with its time (the same entries are on the History page)."""
    if not article.pk or not article.wire_uri or article.status == Article.Status.PUBLISHED:
        return None
    entry = article.audit_entries.filter(services.WIRE_DECISIONS).order_by("-id").first()
    if entry is None:
        return None
    return f"{entry.note or entry.action.capitalize()} ({reader_datetime(entry.created_at)})"


def _version_label(item: WireItem) -> str:
    return f"Wire version {item.version}" if item.version else "A newer wire version"


def _version_change(article: Article, item: WireItem) -> dict:
    return {"wire_version": (article.wire_version or None, item.version),
            "wire_version_created": (article.wire_version_created, item.version_created)}


def _note_trashed_hold(article: Article, item: WireItem, held: str) -> None:
    """One audit entry per version the agency sends for a trashed story (a re-delivery writes nothing)."""
    changes = _version_change(article, item)
    last = article.audit_entries.filter(action=services.WIRE_HELD).order_by("-id").first()
    sent = [item.version, machine_datetime(item.version_created) if item.version_created else None]
    if last is not None and [last.changes.get(key, [None, None])[1] for key in changes] == sent:
        return
    services.record_wire_decision(
        article, services.WIRE_HELD, actor=services.INGEST, changes=changes,
        note=f"{_version_label(item)} was not applied: the story is in the trash ({held}).",
    )


def _kill(item: WireItem, existing: Article | None) -> IngestResult:
    """The agency takes the item back: a story on the site (live, scheduled or expired) is unpublished through the
    lifecycle (a hard purge everywhere it showed); one that is not is marked, so a later version is held."""
    why = f"{item.pub_status} by the agency"
    if existing is None:
        return IngestResult("ignored", item.uri, f"({why}, but no story has this uri here: nothing created)")
    note = f"{why.capitalize()}" + (f" (wire version {item.version})" if item.version else "")
    if existing.status == Article.Status.PUBLISHED:
        with transaction.atomic():
            article = services.transition(existing, Article.Status.UNPUBLISHED, actor=services.INGEST, note=note)
            article = services.record_wire_version(
                article, version=item.version or existing.wire_version, actor=services.INGEST,
                version_created=item.version_created or existing.wire_version_created,
            )
        return IngestResult("killed", item.uri, article.public_url, [why])
    last = _status_decisions(existing).first()
    if last is not None and (last.action == services.WIRE_KILL or (
            existing.status == Article.Status.UNPUBLISHED and last.source == AuditEntry.Source.INGEST)):
        return IngestResult("killed", item.uri, existing.public_url, [f"{why}: already off the site"])
    services.record_wire_decision(
        existing, services.WIRE_KILL, actor=services.INGEST, changes={"pubStatus": ("usable", item.pub_status)},
        note=f"{note}; the story was not on the site. A later wire version will not publish it.",
    )
    return IngestResult("killed", item.uri, existing.public_url, [f"{why}: it was not on the site"])


def _read_pictures(item: WireItem, base_dir: Path, notes: list[str]) -> list[PictureData]:
    result = []
    for picture in item.pictures:
        if not picture.href:
            notes.append(f"picture {picture.name or '?'} has no rendition href")
            continue
        scheme = urlparse(picture.href).scheme.lower()
        if scheme in ("http", "https"):
            try:
                result.append(PictureData(picture, fetch(picture.href)))
            except FetchRefused as exc:  # the reason is safe to print (core/safe_fetch.py)
                notes.append(f"picture {picture.href} not fetched: {exc}")
            continue
        result.append(PictureData(picture, _read_local(picture.href, scheme, base_dir)))
    return result


def _local_path(href: str, scheme: str, base_dir: Path) -> Path:
    """The file a local picture names, resolved (symlinks too), if it may be read; else WireItemRejected.

    A relative name must stay inside the item's folder. An absolute path or file:// URL is read only from inside
    INGEST_LOCAL_ROOT, when the operator set one. The reason never says whether the path exists.
    """
    refused = WireItemRejected(f"picture {href}: not inside the item's folder")
    if scheme == "file":
        named = Path(unquote(urlparse(href).path))
    elif scheme or "\0" in href:  # ftp:, data:, javascript:... name no file of ours
        raise refused
    else:
        named = Path(href)
    if named.is_absolute():
        root = settings.INGEST_LOCAL_ROOT
        if not root:
            raise refused
        folder, target = Path(root).resolve(), named.resolve()
    else:
        folder = base_dir.resolve()
        target = (folder / named).resolve()
    if not target.is_relative_to(folder):
        raise refused
    return target


def _read_local(href: str, scheme: str, base_dir: Path) -> bytes:
    path = _local_path(href, scheme, base_dir)
    limit = photo_checks.max_bytes()
    try:
        if not path.is_file():
            raise WireItemRejected(f"picture file missing: {href}")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        raise WireItemRejected(f"picture file missing: {href}") from None
    if len(data) > limit:
        raise WireItemRejected(f"picture {href}: larger than {limit} bytes")
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
    # Placed pictures are references now; any <img> left points at another host and loads nothing of ours.
    body_html, remote = drop_remote_images(body_html)
    notes.extend(f"body picture {src[:100]} dropped: not from the photo desk" for src in remote)
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
        services.queue_update(
            existing, snap, go_live_at=item.embargoed_until, note=f"Wire version {item.version or ''}".strip(),
            actor=services.INGEST,
        )
        existing = services.record_wire_version(
            existing, version=item.version or "", version_created=item.version_created, actor=services.INGEST
        )
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
    services.save_story(
        article, related, kind=Revision.Kind.INGESTED, updated_at=item.version_created, actor=services.INGEST
    )
    action = "updated" if existing else "created"
    if publish and article.state() in ("draft", "review", "unpublished"):
        first = item.embargoed_until if embargoed else (item.first_created or item.version_created or now)
        article = services.publish(article, at=first, updated_at=item.version_created, actor=services.INGEST)
        if article.state() == "scheduled":
            action = "scheduled"
    return article, action
