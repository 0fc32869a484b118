"""Parse one ninjs (IPTC News in JSON) item into a normalized, immutable WireItem.

Pure Python (no Django imports) so the importer, tests and conformance run need no DB.
* 3.x: camelCase keys (versionCreated, embargoedUntil, contentType, copyrightHolder);
  headlines/descriptions/bodies and renditions/associations (with "name") are arrays.
* 2.x: the same shapes with all-lowercase keys (versioncreated, embargoed, contenttype).
* 1.x: flat keys (headline, headline_<role>, body_<role>, description_<role>, byline,
  subject); renditions/associations are objects keyed by name.
Keys are folded to lower case so one lookup serves 2.x, 3.x and feeds mixing both; both
association/rendition shapes are accepted whatever the version, as feeds drift.
parse_item() raises only WireItemRejected: a bad item is reported, never crashes an
import. The HTML returned is NOT sanitized; the caller does that.
"""

from __future__ import annotations

import dataclasses
import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

__all__ = [
    "WireItem", "WireItemRejected", "WirePicture", "WireSubject", "is_newer", "parse_item", "split_bylines",
    "uri_forms",
]

# Only stories become articles (text, or a composite: a story delivered with its pictures).
ACCEPTED_TYPES = frozenset({"text", "composite"})
PICTURE_TYPES = frozenset({"picture", "image"})
# Types that are never a still picture, even when they carry an image/* thumbnail.
NON_PICTURE_TYPES = frozenset({"text", "audio", "video", "composite", "component", "event", "planning"})
# "featureimage" is the usual key; Superdesk-based feeds call it "featuremedia".
FEATURE_NAMES = frozenset({"featureimage", "featuremedia"})
HTML_ROLES = frozenset({"richtext", "html", "xhtml"})
PLAIN_ROLES = frozenset({"text", "plain"})
STANDFIRST_ROLES = ("summary", "sub", "subheadline")
ALT_ROLES = ("alt", "alttext", "alt_text", "alternative")
CAPTION_ROLES = ("caption", "summary")
CREDIT_ROLES = ("creditline", "credit")

# ninjs pubStatus (3.x) / pubstatus (1.x, 2.x), the same three values in every version; NewsML-G2's "stat:" qcodes
# are accepted too. "withheld" and "canceled" are kills: the agency takes the item back.
PUB_STATUSES = frozenset({"usable", "withheld", "canceled"})
KILL_STATUSES = frozenset({"withheld", "canceled"})
# The window a wire date must fall in. Nothing we carry was written before 1990; a versionCreated or firstCreated
# more than a day ahead is a wrong clock or a hostile feed ("Updated 1 Jan 2099" on every page, later real versions
# refused as older). An embargo may lie further ahead, but not beyond a year.
EARLIEST_WIRE_DATE = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
EMBARGO_HORIZON = timedelta(days=366)

_LOOKS_LIKE_HTML = re.compile(r"\s*<[a-zA-Z!/]")
_TAG = re.compile(r"<[^>]*>")
_BLANK_LINE = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_BYLINE_SEPARATORS = re.compile(r",|;|&|\s+and\s+", re.IGNORECASE)
_LEADING_BY = re.compile(r"^by\s+", re.IGNORECASE)

Obj = dict[str, object]


class WireItemRejected(Exception):
    """The item cannot become an article; `reason` is short and meant for humans."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WireSubject:
    name: str
    code: str


@dataclass(frozen=True)
class WirePicture:
    name: str
    href: str
    alt_text: str
    caption: str
    credit: str
    width: int | None
    height: int | None
    is_feature: bool
    # Every rendition href the item gives (a body <img> may show any of them; see articles/wire_body.py).
    rendition_hrefs: tuple[str, ...] = dataclasses.field(default=(), compare=False)


@dataclass(frozen=True)
class WireItem:
    uri: str
    version: str | None
    version_created: datetime | None
    first_created: datetime | None
    embargoed_until: datetime | None
    headline: str
    standfirst: str
    body_html: str
    bylines: tuple[str, ...]
    language: str
    subjects: tuple[WireSubject, ...]
    pictures: tuple[WirePicture, ...]
    item_type: str
    pub_status: str = "usable"  # usable | withheld | canceled

    @property
    def is_kill(self) -> bool:
        return self.pub_status in KILL_STATUSES


class _Text(NamedTuple):
    """One headline/description/body, whichever version it came from."""

    role: str
    content_type: str
    value: str

    @property
    def is_html(self) -> bool:
        if "html" in self.content_type or self.role in HTML_ROLES:
            return True
        # Untyped bodies that start with a tag are markup in practice (many feeds omit contentType).
        untyped = not self.content_type and self.role not in PLAIN_ROLES
        return untyped and bool(_LOOKS_LIKE_HTML.match(self.value))


# --- generic JSON helpers: tolerate wrong types by treating them as absent -------------

def _fold(value: object) -> Obj | None:
    """A JSON object with lower-cased keys (first spelling wins); None if not an object."""
    if not isinstance(value, dict):
        return None
    folded: Obj = {}
    for key, item in value.items():
        if isinstance(key, str):
            folded.setdefault(key.lower(), item)
    return folded


def _str(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _objects(value: object) -> list[Obj]:
    """The objects of a JSON array; anything that is not an array gives []."""
    if not isinstance(value, list):
        return []
    return [obj for obj in map(_fold, value) if obj is not None]


def _named_objects(value: object) -> list[tuple[str, Obj]]:
    """(name, object) pairs from a 1.x keyed object or a 2.x/3.x array with "name"."""
    if isinstance(value, dict):
        pairs = [(key, _fold(item)) for key, item in value.items() if isinstance(key, str)]
        return [(name, obj) for name, obj in pairs if obj is not None]
    return [(_str(obj.get("name")), obj) for obj in _objects(value)]


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:  # also raised for absurdly long digit strings
            return None
    return value if isinstance(value, int) and value > 0 else None


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _shown(raw: object) -> str:
    """A short repr for rejection reasons: feeds can put anything in any field."""
    try:
        text = repr(raw)
    except ValueError:  # an int beyond Python's digit limit
        text = f"<huge {type(raw).__name__}>"
    return text if len(text) <= 40 else text[:37] + "..."


# --- dates -------------------------------------------------------------------------

def _as_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive value (only ever a stored one: wire dates must carry a zone) is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _date(obj: Obj, *fields: str, now: datetime, ahead: timedelta = FUTURE_SLACK) -> datetime | None:
    """The first present field parsed as ISO 8601; absent/null/"" means no date.

    A date before EARLIEST_WIRE_DATE or more than `ahead` after `now` is rejected, naming the field.
    """
    for field in fields:
        raw = obj.get(field.lower())
        if raw is None or raw == "":
            continue
        try:
            if not isinstance(raw, str):
                raise ValueError
            moment = datetime.fromisoformat(raw.strip())
        except (ValueError, OverflowError):  # OverflowError: year 1 shifted out of range by an offset
            raise WireItemRejected(f"unparseable date in {field}: {_shown(raw)}") from None
        if moment.tzinfo is None:
            # A "10:00" embargo read in the wrong zone is published hours early or late: refuse to guess.
            raise WireItemRejected(f"date without a time zone in {field}: {_shown(raw)}")
        try:
            moment = _as_utc(moment)
        except (ValueError, OverflowError):  # OverflowError: year 1 shifted out of range by an offset
            raise WireItemRejected(f"unparseable date in {field}: {_shown(raw)}") from None
        if moment < EARLIEST_WIRE_DATE:
            raise WireItemRejected(f"date before 1990 in {field}: {_shown(raw)}")
        if moment > now + ahead:
            limit = "a year" if ahead > FUTURE_SLACK else "a day"
            raise WireItemRejected(f"date more than {limit} ahead in {field}: {_shown(raw)}")
        return moment
    return None


# --- texts -------------------------------------------------------------------------

def _texts(obj: Obj, plural: str, prefix: str) -> list[_Text]:
    """Non-empty texts from the 2.x/3.x array (e.g. "bodies") and the 1.x flat keys
    ("body_html", "headline", "headline_main"...), in document order."""
    texts = [
        _Text(_str(o.get("role")).lower(), _str(o.get("contenttype")).lower(), _str(o.get("value")))
        for o in _objects(obj.get(plural))
    ]
    for key, value in obj.items():
        if key == prefix or key.startswith(prefix + "_"):
            texts.append(_Text(key[len(prefix) + 1:], "", _str(value)))
    return [text for text in texts if text.value]


def _plain(text: _Text) -> str:
    if text.is_html:
        return _collapse(html.unescape(_TAG.sub(" ", text.value)))
    return _collapse(text.value)


def _choose(texts: list[_Text], roles: tuple[str, ...] | None = None) -> str:
    """Plain text of the first text with one of `roles` (any role if None), plain before markup."""
    candidates = [text for text in texts if roles is None or text.role in roles]
    candidates.sort(key=lambda text: text.is_html)  # stable: keeps document order
    return _plain(candidates[0]) if candidates else ""


def _headline(obj: Obj) -> str:
    headlines = _texts(obj, "headlines", "headline")
    # role "main" first, then the unlabelled 1.x "headline", then whatever comes first.
    return _choose(headlines, ("main",)) or _choose(headlines, ("",)) or _choose(headlines)


def _standfirst(obj: Obj) -> str:
    descriptions = _texts(obj, "descriptions", "description")
    return (
        _choose(_texts(obj, "headlines", "headline"), STANDFIRST_ROLES)
        or _choose(descriptions, STANDFIRST_ROLES)
        or _choose(descriptions, ("text",))  # 1.x description_text (and its 2.x/3.x twin)
    )


def _paragraphs(text: str) -> str:
    """Plain text to escaped <p>s: split on blank lines, else on single newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    paragraphs = [_collapse(chunk) for chunk in chunks]
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


def _body_html(obj: Obj) -> str:
    bodies = _texts(obj, "bodies", "body")
    for body in bodies:
        if body.is_html:
            return body.value
    return _paragraphs(bodies[0].value) if bodies else ""


def _by(obj: Obj) -> str:
    raw = obj.get("by") if "by" in obj else obj.get("byline")  # 1.x says "byline"
    if isinstance(raw, list):
        return ", ".join(part.strip() for part in raw if isinstance(part, str) and part.strip())
    return _str(raw)


def split_bylines(by: str) -> list[str]:
    """'By A, B and C' -> ['A', 'B', 'C']; splits on commas, semicolons, '&' and ' and '."""
    if not isinstance(by, str):
        return []
    names = (_LEADING_BY.sub("", part.strip()).strip() for part in _BYLINE_SEPARATORS.split(by))
    return [name for name in names if name]


def _subjects(obj: Obj) -> tuple[WireSubject, ...]:
    subjects: list[WireSubject] = []
    for raw in _objects(obj.get("subjects") or obj.get("subject")):  # 1.x says "subject"
        code = _str(raw.get("uri")) or _str(raw.get("qcode")) or _str(raw.get("code")) or _str(raw.get("literal"))
        subject = WireSubject(_str(raw.get("name")), code)
        if (subject.name or subject.code) and subject not in subjects:
            subjects.append(subject)
    return tuple(subjects)


# --- pictures ----------------------------------------------------------------------

def _media_type(obj: Obj) -> str:
    return (_str(obj.get("contenttype")) or _str(obj.get("mimetype"))).lower()  # 1.x: mimetype


def _is_picture(association: Obj) -> bool:
    kind = _str(association.get("type")).lower()
    if kind in PICTURE_TYPES or kind in NON_PICTURE_TYPES:
        return kind in PICTURE_TYPES
    renditions = [r for _, r in _named_objects(association.get("renditions"))]
    return any(_media_type(obj).startswith("image/") for obj in [association, *renditions])


def _may_be_image(obj: Obj) -> bool:
    media = _media_type(obj)
    return not media or media.startswith("image/")  # skips e.g. AP's text/xml "caption_nitf"


def _best_rendition(association: Obj) -> Obj | None:
    """The widest rendition that has an href and is (or may be) an image; first wins ties."""
    candidates = [
        rendition for _, rendition in _named_objects(association.get("renditions"))
        if _str(rendition.get("href")) and _may_be_image(rendition)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda rendition: _positive_int(rendition.get("width")) or 0)


def _picture(name: str, association: Obj) -> WirePicture:
    rendition = _best_rendition(association)
    descriptions = _texts(association, "descriptions", "description")
    headline = _headline(association)
    ordinary = [d for d in descriptions if d.role not in ALT_ROLES + CREDIT_ROLES]
    return WirePicture(
        name=name,
        href=_str(rendition.get("href")) if rendition else _str(association.get("href")),
        alt_text=_choose(descriptions, ALT_ROLES) or headline,
        caption=_choose(descriptions, CAPTION_ROLES) or _choose(ordinary) or headline,
        credit=_str(association.get("copyrightholder")) or _by(association) or _choose(descriptions, CREDIT_ROLES),
        width=_positive_int(rendition.get("width")) if rendition else None,
        height=_positive_int(rendition.get("height")) if rendition else None,
        is_feature=name.lower() in FEATURE_NAMES,
        rendition_hrefs=tuple(
            href for _, rendition in _named_objects(association.get("renditions"))
            if (href := _str(rendition.get("href"))) and _may_be_image(rendition)
        ),
    )


def _pictures(obj: Obj) -> tuple[WirePicture, ...]:
    return tuple(
        _picture(name, association)
        for name, association in _named_objects(obj.get("associations"))
        if _is_picture(association)
    )


# --- entry points ------------------------------------------------------------------

def _item_type(obj: Obj) -> str:
    raw = obj.get("type")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "text"
    kind = _str(raw).lower()
    if kind not in ACCEPTED_TYPES:
        shown = raw.strip()[:40] if isinstance(raw, str) else _shown(raw)
        raise WireItemRejected(f"type {shown} is not a text story")
    return kind


_ASCII_DIGITS = re.compile(r"[0-9]+")


def _is_number_in_disguise(text: str) -> bool:
    """A version int() reads as a number although it is not plain ASCII digits: "١١" (Arabic-Indic digits, which
    str.isdigit() accepts too), "1_000", "+5", "-1", "٣_٠". Compared as numbers they would jump ahead of real
    versions (or behind), so they are refused rather than read."""
    if _ASCII_DIGITS.fullmatch(text):
        return False
    try:
        int(text)
    except ValueError:  # also raised for absurdly long digit strings
        return False
    return True


def _version(obj: Obj) -> str | None:
    raw = obj.get("version")
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < 10**18:  # str() fails on huge ints
        raw = str(raw)
    version = _str(raw) or None
    if version is not None and _is_number_in_disguise(version):
        raise WireItemRejected(f"version {_shown(version)} is not written in ASCII digits 0-9")
    return version


def _pub_status(obj: Obj) -> str:
    raw = obj.get("pubstatus")  # 3.x pubStatus and 1.x/2.x pubstatus, folded to one key
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "usable"
    status = _str(raw).lower().removeprefix("stat:")
    if status not in PUB_STATUSES:
        raise WireItemRejected(f"pubStatus {_shown(raw)} is not usable, withheld or canceled")
    return status


def uri_forms(uri: str) -> tuple[str, ...]:
    """The spellings one identity may have been stored under: as given, NFC (what we store now) and NFD."""
    return tuple(dict.fromkeys((uri, unicodedata.normalize("NFC", uri), unicodedata.normalize("NFD", uri))))


def parse_item(data: object, *, now: datetime | None = None) -> WireItem:
    """Normalize one decoded ninjs JSON value, or raise WireItemRejected. `now` bounds the dates (default: now)."""
    obj = _fold(data)
    if obj is None:
        raise WireItemRejected("not a JSON object")
    # One identity, one story: "é" sent precomposed (NFC) or as e + combining accent (NFD) is the same uri.
    uri = unicodedata.normalize("NFC", _str(obj.get("uri")))
    if not uri:
        raise WireItemRejected("no uri")
    item_type = _item_type(obj)
    pub_status = _pub_status(obj)
    headline = _headline(obj)
    if not headline and pub_status == "usable":  # a kill names the item; it need not repeat the headline
        raise WireItemRejected("no headline")
    now = now or datetime.now(UTC)
    return WireItem(
        uri=uri,
        version=_version(obj),
        version_created=_date(obj, "versionCreated", now=now),
        first_created=_date(obj, "firstCreated", now=now),
        embargoed_until=_date(obj, "embargoedUntil", "embargoed", now=now, ahead=EMBARGO_HORIZON),
        headline=headline,
        standfirst=_standfirst(obj),
        body_html=_body_html(obj),
        bylines=tuple(split_bylines(_by(obj))),
        language=_str(obj.get("language")),
        subjects=_subjects(obj),
        pictures=_pictures(obj),
        item_type=item_type,
        pub_status=pub_status,
    )


def _version_number(version: str | None) -> int | None:
    """The version as a number when it is ASCII digits only (a stored "1_000" or "١١" compares as text)."""
    if not isinstance(version, str) or not _ASCII_DIGITS.fullmatch(version.strip()):
        return None
    try:
        return int(version.strip())
    except ValueError:  # beyond Python's digit limit
        return None


def is_newer(new: WireItem, old_version: str | None, old_version_created: datetime | None) -> bool:
    """Should `new` replace what we stored? Integer versions win; else versionCreated.

    Equal or lower is never newer (re-deliveries are common). When nothing can be
    compared it is not newer either, unless the stored copy has no version info at all.
    """
    old_version = old_version.strip() if isinstance(old_version, str) and old_version.strip() else None
    if old_version is None and old_version_created is None:
        return True
    new_number, old_number = _version_number(new.version), _version_number(old_version)
    if new_number is not None and old_number is not None:
        return new_number > old_number
    if new.version_created is not None and old_version_created is not None:
        return new.version_created > _as_utc(old_version_created)
    return False
