"""Reading revisions: what changed between two snapshots, in words an editor understands."""
import difflib

from core.sanitize import plain_text
from core.timefmt import reader_clock, reader_date

from .models import Revision

FIELD_LABELS = {
    "headline": "headline",
    "standfirst": "standfirst",
    "body": "body",
    "section": "section",
    "reporters": "bylines",
    "tags": "tags",
    "hero_photo": "hero photo",
    "photos": "photos",
    "correction_note": "correction note",
    "slug": "URL slug",
}


def changed_fields(before: dict, after: dict) -> list[str]:
    """The labels of what differs, in FIELD_LABELS' order (PostgreSQL's jsonb does not keep a snapshot's key order)."""
    keys = [*FIELD_LABELS, *sorted(set(after) - set(FIELD_LABELS))]
    return [FIELD_LABELS.get(key, key) for key in keys if key in after and before.get(key) != after.get(key)]


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level diff of two texts as (op, words) pairs: op is 'same', 'removed' or 'added'."""
    a, b = plain_text(before).split(), plain_text(after).split()
    result = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            result.append(("same", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            result.append(("removed", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            result.append(("added", " ".join(b[j1:j2])))
    return result


def describe_conflict(article_id: int, seen_version: int) -> str:
    """The message shown to an editor whose form is older than the story."""
    newer = list(
        Revision.objects.filter(article_id=article_id, edit_version__gt=seen_version)
        .select_related("created_by")
        .order_by("created_at", "id")
    )
    opened = (
        Revision.objects.filter(article_id=article_id, edit_version__lte=seen_version)
        .order_by("-edit_version", "-id")
        .first()
    )
    if not newer:
        return "This story was changed after you opened it. Reload it to see the current version."
    latest = newer[-1]
    who = sorted({r.created_by.get_username() if r.created_by else "the system" for r in newer})
    when = f"{reader_clock(latest.created_at, seconds=True)} on {reader_date(latest.created_at)}"
    changes = changed_fields(opened.snapshot if opened else {}, latest.snapshot)
    parts = [f"Not saved: {', '.join(who)} changed this story at {when}, after you opened it."]
    if changes:
        parts.append(f"They changed: {', '.join(changes)}.")
    if opened and opened.snapshot.get("headline") != latest.snapshot.get("headline"):
        parts.append(f"Headline is now “{latest.snapshot.get('headline')}”.")
    parts.append(
        "Your text is still in the form below. Copy what you need, open the story again to see their "
        "version, and apply your changes there."
    )
    return " ".join(parts)
