"""What to read next under a story: related stories, computed when stories change, and the "Most recent" rail.

Related: stories sharing the most tags with this one (ties: newest first), then the newest of the same section;
never the story itself. They are ranked among the CANDIDATES newest published, unexpired stories sharing a tag or
the section (scheduled ones included: kept in the list, shown from their instant), and the first STORED are kept
as RelatedStory rows. A page reads them in one query (with the cards' prefetches), keeps those readers may see at
that moment and shows the first RELATED_LIMIT: a story unpublished, expired or not yet live is never shown.

When lists are computed (docs/decisions.md, "Related stories computed when stories change"): every service call
that announces a change (audit.announce) queues the story, and once the change commits `settle` asks
`story_changed_here`, in a transaction of its own (not the editor's, nor under its locks). If the story's own
inputs (status, publication and expiry instants, section, tags; `inputs_of`) are what its list was computed from,
nothing is done. Otherwise its list is computed again, and so are the lists of the stories it may enter or leave:
those whose list holds it (at most HOLDERS, newest first) and, while it is itself a candidate, the stories of its
own candidate window. Older stories of the same section or tags keep their lists: the work per change is bounded.
A story that expires leaves the lists holding it at the next scheduler pass (`drop_expired`); until then pages
skip it. `fill_related` (management command) computes every list, for stories made without the services.

Most recent: the 5 newest live stories other than this one (read when the rail is rendered; articles.rails keeps
it once for the whole site).
"""
import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from core import pagecache

from . import actors, cache_keys
from .models import Article, RelatedList, RelatedStory, TaggedArticle
from .service_mark import story_service

logger = logging.getLogger(__name__)

RELATED_LIMIT = 4
MOST_RECENT_LIMIT = 5
# How many of the newest candidates are ranked: the query walks the published_at index and stops there, so its
# cost stays flat as the archive grows. An old story sharing more tags can lose to recent ones: right for news.
CANDIDATES = 60
STORED = 8  # kept per story: room for a few that readers may not see (scheduled, expired since) in front of four
HOLDERS = 60  # at most this many stories holding a changed story have their lists computed again


# ------------------------------------------------------------------------------------------------- reading

def rails(article: Article, *, now=None) -> tuple[list[Article], list[Article]]:
    """(related_stories, most_recent) in one query for both, plus the cards' two prefetches."""
    related, newest = rail_rows(article, now=now)
    return related, most_recent_of(newest, article.pk)


def rail_rows(article: Article, *, now=None, recent: bool = True) -> tuple[list[Article], list[Article]]:
    """(related_stories, newest): the visible kept related stories and, with `recent`, the MOST_RECENT_LIMIT + 1
    newest live stories (this one may be among them: the "Most recent" rail is one for the whole site, and each page
    leaves itself out, most_recent_of), in one query plus the cards' two prefetches.

    The rows are the visible kept related stories and the newest live stories; the newest of those rows are the
    newest live stories (no other row is newer), so both rails come out of the same rows.
    """
    now = now or timezone.now()
    live = Article.objects.live(now)
    kept = RelatedStory.objects.filter(story_id=article.pk)
    position = kept.filter(related_id=OuterRef("pk")).values("position")[:1]
    wanted = Q(pk__in=kept.values("related_id"))
    if recent:
        wanted |= Q(pk__in=live.order_by("-published_at", "-id").values("pk")[:MOST_RECENT_LIMIT + 1])
    rows = list(live.filter(wanted).annotate(related_position=Subquery(position)).for_listing())  # newest first
    related = sorted(
        (row for row in rows if row.related_position is not None and row.pk != article.pk),
        key=lambda row: row.related_position,
    )
    return related[:RELATED_LIMIT], rows[:MOST_RECENT_LIMIT + 1] if recent else []


def newest_live(*, now=None) -> list[Article]:
    """The MOST_RECENT_LIMIT + 1 newest live stories, for the site's "Most recent" rail (one query)."""
    live = Article.objects.live(now or timezone.now())
    return list(live.select_related("section").order_by("-published_at", "-id")[:MOST_RECENT_LIMIT + 1])


def most_recent_of(newest: list, story_id: int | None) -> list:
    """The "Most recent" rail under one story: the newest live stories but this one (items with a `pk`)."""
    return [item for item in newest if item.pk != story_id][:MOST_RECENT_LIMIT]


# ----------------------------------------------------------------------------------------------- computing

@dataclass(frozen=True)
class Inputs:
    """What a story's related list is computed from, and what decides whether it is a candidate for others."""

    status: str
    published_at: datetime | None
    expires_at: datetime | None
    section_id: int
    tag_ids: tuple[int, ...]

    def text(self) -> str:
        instants = (i.isoformat() if i else "" for i in (self.published_at, self.expires_at))
        return "|".join([self.status, *instants, str(self.section_id), ",".join(map(str, self.tag_ids))])

    def is_candidate(self, now: datetime) -> bool:
        return self.status == Article.Status.PUBLISHED and not (self.expires_at and self.expires_at <= now)


def inputs_of(ids) -> dict[int, Inputs]:
    """The inputs of these stories (two queries however many)."""
    ids = list(ids)
    tags: dict[int, list[int]] = {}
    for object_id, tag_id in TaggedArticle.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag_id"
    ):
        tags.setdefault(object_id, []).append(tag_id)
    rows = Article.objects.filter(pk__in=ids).values_list("pk", "status", "published_at", "expires_at", "section_id")
    return {
        pk: Inputs(status, published_at, expires_at, section_id, tuple(sorted(tags.get(pk, ()))))
        for pk, status, published_at, expires_at, section_id in rows
    }


def candidates(story_id: int, inputs: Inputs, now: datetime) -> list[tuple[int, int]]:
    """(id, tags shared) of the newest CANDIDATES published, unexpired stories sharing a tag or the section, newest
    first: one query, a tag count per row by index."""
    return candidates_of({story_id: inputs}, now)[story_id]


CANDIDATES_PER_QUERY = 40  # stories whose candidates one query reads (one UNION ALL member each)


def _candidate_sql(story_id: int, inputs: Inputs, now: datetime) -> tuple[str, list]:
    """One story's candidate query. Written as SQL: a change runs it for up to about 120 neighbours, and building
    the same query through the ORM cost about 1.2 ms more CPU each time."""
    article, tagged = Article._meta.db_table, TaggedArticle._meta.db_table
    params: list = [story_id]
    if inputs.tag_ids:
        marks = ", ".join(["%s"] * len(inputs.tag_ids))
        match = f"t.content_object_id = a.id AND t.tag_id IN ({marks})"
        shared = f"(SELECT COUNT(*) FROM {tagged} t WHERE {match})"
        params += list(inputs.tag_ids)
        sharing = f"OR EXISTS (SELECT 1 FROM {tagged} t WHERE {match})"
    else:
        shared, sharing = "0", ""
    sql = (
        f"SELECT %s AS owner, a.id, {shared} AS shared,"
        f" ROW_NUMBER() OVER (ORDER BY a.published_at DESC, a.id DESC) AS place FROM {article} a"
        f" WHERE a.status = %s AND (a.expires_at IS NULL OR a.expires_at > %s) AND a.id <> %s"
        f" AND (a.section_id = %s {sharing})"
        f" ORDER BY a.published_at DESC, a.id DESC LIMIT %s"
    )
    params += [Article.Status.PUBLISHED, connection.ops.adapt_datetimefield_value(now), story_id, inputs.section_id]
    if inputs.tag_ids:
        params += list(inputs.tag_ids)
    params.append(CANDIDATES)
    return sql, params


def candidates_of(stories: dict[int, Inputs], now: datetime) -> dict[int, list[tuple[int, int]]]:
    """candidates() of many stories, CANDIDATES_PER_QUERY stories a query (UNION ALL of the same per-story query,
    each member keeping its own ORDER BY and LIMIT; the order comes back as a row number)."""
    found: dict[int, list[tuple[int, int, int]]] = {pk: [] for pk in stories}
    items = list(stories.items())
    for start in range(0, len(items), CANDIDATES_PER_QUERY):
        parts, params = [], []
        for n, (story_id, inputs) in enumerate(items[start:start + CANDIDATES_PER_QUERY]):
            sql, more = _candidate_sql(story_id, inputs, now)
            parts.append(f"SELECT * FROM ({sql}) c{n}")
            params += more
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for owner, pk, count, place in cursor.fetchall():
                found[owner].append((place, pk, count))
    return {owner: [(pk, count) for _, pk, count in sorted(rows)] for owner, rows in found.items()}


def rank(rows: list[tuple[int, int]]) -> list[int]:
    """Most tags shared first; the rows come newest first, and a stable sort keeps that order among equals."""
    return [pk for pk, _ in sorted(rows, key=lambda row: -row[1])][:STORED]


# The PostgreSQL advisory lock every change of kept lists takes until its transaction ends ("RELA").
LOCK_ID = 0x52454C41


def _serialize() -> None:
    """One change of kept lists at a time: a change reads which stories are its neighbours, then their lists, only
    once the changes before it have committed, so two desks publishing at once cannot each miss the other's story.
    SQLite serializes every writing transaction already (BEGIN IMMEDIATE, settings)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def _refresh(ids, now: datetime, known: dict[int, list[tuple[int, int]]] | None = None) -> None:
    """Compute and keep the lists of these stories (`known`: candidates the caller read already); purge (after
    commit) the rails of those whose list changed."""
    ids = sorted(set(ids))
    if not ids:
        return
    _serialize()
    inputs = inputs_of(ids)
    known = known or {}
    read = candidates_of({pk: story_inputs for pk, story_inputs in inputs.items() if pk not in known}, now)
    lists = {pk: rank(known[pk] if pk in known else read[pk]) for pk in inputs}
    kept: dict[int, list[int]] = {}
    for story_id, related_id in RelatedStory.objects.filter(story_id__in=list(inputs)).order_by(
        "story_id", "position"
    ).values_list("story_id", "related_id"):
        kept.setdefault(story_id, []).append(related_id)
    changed = [pk for pk in inputs if kept.get(pk, []) != lists[pk]]
    if changed:
        RelatedStory.objects.filter(story_id__in=changed).delete()
        RelatedStory.objects.bulk_create(
            RelatedStory(story_id=pk, related_id=related_id, position=position)
            for pk in changed
            for position, related_id in enumerate(lists[pk])
        )
        pagecache.purge_after_commit([cache_keys.related(pk) for pk in changed])
    RelatedList.objects.bulk_create(
        [RelatedList(story_id=pk, inputs=story_inputs.text(), computed_at=now) for pk, story_inputs in inputs.items()],
        update_conflicts=True, unique_fields=["story"], update_fields=["inputs", "computed_at"],
    )


_pending = threading.local()  # ids of stories changed in this thread's transaction, looked at once it commits


def waiting(callback) -> bool:
    """Whether `callback` is among the callbacks this transaction runs once it commits."""
    return any(func is callback for _, func, _ in transaction.get_connection().run_on_commit)


def queue(article_id: int) -> None:
    """A service changed this story (called inside its transaction, by audit.announce): once the change commits,
    settle() looks at its related list, outside the editor's transaction and its locks. Several changes of one
    story in one transaction (create, then publish) are looked at once, as the story stands after all of them."""
    if not hasattr(_pending, "ids") or not waiting(settle):
        _pending.ids = set()  # what a rolled-back transaction queued is not looked at with this one
    _pending.ids.add(article_id)
    transaction.on_commit(settle, robust=True)  # a callback per change: a rolled-back one takes its own away


def settle() -> None:
    """The related lists of the stories changed since the last settle (queue), each in a transaction of its own:
    the advisory lock (PostgreSQL) is held for one story's lists, not for an editor's whole save. One that fails is
    logged and the others go on; its lists are computed again by its next change or `fill_related --all`."""
    ids, _pending.ids = sorted(getattr(_pending, "ids", ())), set()
    for article_id in ids:
        try:
            with transaction.atomic():
                story_changed_here(article_id)
        except Exception:  # noqa: BLE001 (logged; one story's lists never stop the others')
            logger.exception("related stories: the lists around story %s were not computed", article_id)


@story_service
def story_changed_here(article_id: int) -> None:
    """A committed change of this story (settle): if what its related list is computed from moved, compute it
    again, and the lists of the stories it may enter or leave."""
    now = timezone.now()
    inputs = inputs_of([article_id]).get(article_id)
    if inputs is None:
        return
    if RelatedList.objects.filter(story_id=article_id, inputs=inputs.text()).exists():
        return
    _serialize()  # before its neighbours are read
    rows = candidates(article_id, inputs, now)
    holders = (
        RelatedStory.objects.filter(related_id=article_id).exclude(story__status=Article.Status.TRASHED)
        .order_by(F("story__published_at").desc(nulls_last=True), "-story_id").values_list("story_id", flat=True)[:HOLDERS]
    )
    others = set(holders) | ({pk for pk, _ in rows} if inputs.is_candidate(now) else set())
    others.discard(article_id)
    _refresh([article_id, *others], now, known={article_id: rows})


@story_service
def refresh(ids, *, actor, now: datetime | None = None) -> None:
    """Compute the related lists of these stories again (fill_related, the scheduler's pass)."""
    actors.require_actor(actor)
    _refresh(list(ids), now or timezone.now())


EXPIRED_PER_PASS = 200


def drop_expired(now: datetime) -> None:
    """Scheduler pass hook: stories whose list holds an expired story get a list without it (a bounded batch per
    pass; pages skip expired stories meanwhile)."""
    holders = (
        RelatedStory.objects.filter(related__expires_at__lte=now).order_by("story_id").values_list("story_id", flat=True)
        .distinct()[:EXPIRED_PER_PASS]
    )
    ids = list(holders)
    if ids:
        refresh(ids, actor=actors.SCHEDULER, now=now)
