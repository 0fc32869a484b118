"""Which page-cache keys a page shows and which a change purges (core.pagecache; docs/production.md lists them).

Keys: story:<id> (the story, and every card or rail line showing it), section:<id>, reporter:<id>, tag:<id> (the
thing itself: its name on cards, bylines, its page), section:<id>:stories, reporter:<id>:stories,
tag:<id>:stories (which stories its listing and its feed show), related:<id> (which stories the story's kept
related list holds: purged by articles.related when it computes a different list), photo:<id>,
listing:home (the home page's and the site feed's stories), listing:recent (the "Most recent" rail on every story
page), nav, sitemap. Apps above articles add keys of their own to a story's page, export and feed items
(`register_story_keys`: live adds live:<id> to a live blog's story), so articles imports none of them.

A story change purges story:<id>, slug:<slug> for its current and old slugs (what its URLs answer when they are
not its page: a 404 before it goes live, a 301 from an old slug) and the sitemaps, softly (readers may get the
previous copy for the seconds one request takes to re-render). A change that moves the story into or out of
`live()` -- publish, unpublish, back to draft, trash, restore, expiry set to the past, a publish time moved past
now -- and a scheduled update applied purge every listing the story was in or is now in (every page of it: page N
carries the same listing key as page 1), plus home and the rail, hard (no copy rendered before is served again).
Whether it moved is decided by comparing the story's visibility before the change (`visibility()`, which the
services pass along with story_changed) with after it, not by the kind of change. A change of a published story's
publish or expiry instant that does not move it purges the same pages softly, since their deadlines (and the
CDN's s-maxage) were computed from the old instant. An edit that moves a story to another section, byline or tag
purges the listings it left and joined. "Before" is the union of the story's last two revisions (a revision is kept
on every content save), so a move is seen whether or not it made a revision of its own.
"""
from taggit.models import Tag

from core import pagecache

from .models import Article, ArticleSlug, Byline, Revision, Section, TaggedArticle

HOME = "listing:home"
RECENT = "listing:recent"
NAV = "nav"
SITEMAP = "sitemap"
# Kinds of story_changed after which the story is in other listings, or its page must not be served as before:
# the rule only for a sender that does not say what the story's visibility was before (story_changed's `before`).
HARD_KINDS = frozenset({
    "published", "unpublished", "returned", "update", "ingested", "move to the trash", "restore from the trash",
})
# A scheduled update applied at its instant is purged hard although the story stays live: readers were promised
# the new version from that instant on.
UPDATE_KIND = "update"


def story(pk) -> str:
    return f"story:{pk}"


def section(pk) -> str:
    return f"section:{pk}"


def reporter(pk) -> str:
    return f"reporter:{pk}"


def tag(pk) -> str:
    return f"tag:{pk}"


def photo(pk) -> str:
    return f"photo:{pk}"


def slug(value: str) -> str:
    """What a story URL answers when it is not a live story's page (a 404, a 301 from an old slug)."""
    return f"slug:{value}"


def stories_of(key: str) -> str:
    """Which stories are listed under a section, reporter or tag (not its name)."""
    return f"{key}:stories"


# ------------------------------------------------------------------------------------- what pages show

# Functions `article -> keys` naming more of what a page showing the story itself shows (AppConfig.ready).
_story_key_sources: list = []


def register_story_keys(source) -> None:
    if source not in _story_key_sources:
        _story_key_sources.append(source)


def _more_keys(article: Article) -> set[str]:
    return set().union(*(source(article) for source in _story_key_sources))


def card_keys(stories) -> set[str]:
    """A story card: headline, section, bylines, hero (all prefetched by for_listing(): no query)."""
    keys = set()
    for item in stories:
        keys |= {story(item.pk), section(item.section_id)}
        keys |= {reporter(b.reporter_id) for b in item.bylines.all()}
        if item.hero_photo_id:
            keys.add(photo(item.hero_photo_id))
    return keys


def page_keys(article: Article) -> set[str]:
    """The story page (and its export): everything for_page() prefetched."""
    keys = card_keys([article])
    keys |= {tag(t.pk) for t in article.tags.all()}
    keys |= {photo(p.photo_id) for p in article.inline_photos.all()}
    keys |= {photo(p.photo_id) for p in article.body_photo_links.all()}
    return keys | _more_keys(article)


def related(pk) -> str:
    """The story's kept related list (articles.related), not the stories on it (their cards carry story:<id>)."""
    return f"related:{pk}"


def page_keys_of_feed_item(article: Article) -> set[str]:
    """A feed item: the card, its tags and the pictures placed in its body."""
    keys = card_keys([article])
    keys |= {tag(t.pk) for t in article.tags.all()}
    keys |= {photo(p.photo_id) for p in article.body_photo_links.all()}
    return keys | _more_keys(article)


def show(*keys) -> None:
    pagecache.add_keys(*keys)


# ---------------------------------------------------------------------------------------- what changes purge

def _memberships(section_id, reporter_ids, tag_ids) -> set[str]:
    keys = {stories_of(reporter(pk)) for pk in reporter_ids} | {stories_of(tag(pk)) for pk in tag_ids}
    if section_id:
        keys.add(stories_of(section(section_id)))
    return keys


def memberships_now(article_id: int) -> set[str]:
    section_id = Article.objects.filter(pk=article_id).values_list("section_id", flat=True).first()
    reporter_ids = Byline.objects.filter(article_id=article_id).values_list("reporter_id", flat=True)
    tag_ids = TaggedArticle.objects.filter(content_object_id=article_id).values_list("tag_id", flat=True)
    return _memberships(section_id, reporter_ids, tag_ids)


def memberships_before(article_id: int) -> list[set[str]]:
    """The memberships of the story's last two revisions (newest first)."""
    snapshots = list(
        Revision.objects.filter(article_id=article_id).order_by("-id").values_list("snapshot", flat=True)[:2]
    )
    names = {name for snap in snapshots for name in snap.get("tags", ())}
    tag_ids = dict(Tag.objects.filter(name__in=names).values_list("name", "pk")) if names else {}
    return [
        _memberships(snap.get("section"), snap.get("reporters", ()), (tag_ids[n] for n in snap.get("tags", ()) if n in tag_ids))
        for snap in snapshots
    ]


def visibility(article: Article, now=None) -> tuple:
    """What decides where a story shows and what its URLs answer: (in live(), status, publish instant, expiry,
    slug). The services take it from the locked row before a change and send it with story_changed (`before`)."""
    return article.state(now) == "published", article.status, article.published_at, article.expires_at, article.slug


NEVER_SHOWN = (False, None, None, None, None)  # a story being created
LIVE, STATUS, SLUG = 0, 1, 4
INSTANTS = slice(2, 4)


def _visibility_now(article_id: int) -> tuple:
    row = Article.objects.filter(pk=article_id).only("status", "published_at", "expires_at", "slug").first()
    return visibility(row) if row else NEVER_SHOWN


def slug_keys(article_id: int, *slugs: str | None) -> set[str]:
    """slug:<s> for the story's old slugs (their 301s) and `slugs` (its current and previous one)."""
    old = ArticleSlug.objects.filter(article_id=article_id).values_list("slug", flat=True)
    return {slug(value) for value in [*old, *slugs] if value}


def story_change(article_id: int, kind: str | None, before: tuple | None = None) -> tuple[set[str], bool]:
    """(keys to purge, hard) for a committed change of this kind to this story, whose visibility before the change
    was `before` (None: not known, the kind decides)."""
    keys = {story(article_id), SITEMAP, pagecache.SCHEDULE}
    now, revisions = memberships_now(article_id), memberships_before(article_id)
    if before is None:
        if kind in HARD_KINDS:
            return keys.union(now, *revisions, {HOME, RECENT}, slug_keys(article_id, _visibility_now(article_id)[SLUG])), True
    else:
        after = _visibility_now(article_id)
        everywhere = keys.union(now, *revisions, {HOME, RECENT}, slug_keys(article_id, after[SLUG], before[SLUG]))
        published = Article.Status.PUBLISHED in (before[STATUS], after[STATUS])
        # An applied update of a published story is hard by its status, not by live(): a process whose clock is
        # behind may still see a story published a moment ago as scheduled (tests/integration/test_clock_skew.py).
        if before[LIVE] != after[LIVE] or (kind == UPDATE_KIND and published):
            return everywhere, True
        if published and before[INSTANTS] != after[INSTANTS]:
            return everywhere, False  # an instant moved: pages kept until (or told the CDN) the old one
        if before[SLUG] != after[SLUG]:
            keys |= slug_keys(article_id, after[SLUG], before[SLUG])  # a 404 or 301 there becomes something else
    # The latest revision is this change's when it changed content, else the state before it.
    return keys.union(*(now ^ snap for snap in revisions)), False


# A tag's new name (articles.tags.rename_tag): the story's listings and cards are as before, and every page printing
# the name carries the tag's own key, which the Tag row's save purges (register() below). Purging story:<id> too
# would re-render every listing showing the story's card for nothing.
TAG_RENAMED = "tag renamed"


def on_story_changed(sender, article_id, kind=None, before=None, **kwargs) -> None:
    if kind == TAG_RENAMED:
        return
    keys, hard = story_change(article_id, kind, before)
    pagecache.purge_keys(keys, hard=hard)


def register() -> None:
    """Rows of the articles app (and taggit's) and the keys their save or delete purges."""
    from .signals import story_changed

    story_changed.connect(on_story_changed, dispatch_uid="articles-pagecache-story-changed")
    pagecache.register_model_keys(Section, lambda s: {section(s.pk), NAV, SITEMAP})
    pagecache.register_model_keys(Tag, lambda t: {tag(t.pk), SITEMAP})
    # A story's own rows change through articles.services, which sends story_changed once per change.
    from django.apps import apps

    for model in apps.get_app_config("articles").get_models():
        if model is not Section:
            pagecache.register_model_keys(model, lambda row: None)
