"""Which page-cache keys live blog pages carry, and what each live change purges (core.pagecache, issue 16's keys).

Key: live:<story id>, "the blog's stream and its story's Updated", carried by every page that shows an entry or the
Updated an entry moves: the story page (all its pages, and the story fragment its head is rendered from), the update
endpoint (every cursor), the entry feeds, the story's ninjs export, and the site, section, reporter and tag feeds
listing the story (articles.cache_keys.register_story_keys). Pages showing an entry's photos also carry
photo:<id> (articles.cache_keys.photo), so a photo or credit change purges them.

What changes purge (live.services, once committed):
- opening a blog, changing or ending its coverage: story:<id> (its page, its cards on every listing, the rails
  and feeds showing it: the LIVE badge), live:<id>, and the page cache's schedule (the next coverage instant), hard;
- an entry readers see posted or corrected: live:<id> softly, and the sitemaps when the story's Updated moved;
- a pin, a key event: live:<id> softly; an entry removed: live:<id> hard (no copy showing it is served again);
- a scheduled entry reaching its instant: live:<id> and the sitemaps, softly, from the scheduler pass that moves the
  story's Updated (the blog's page and endpoint also live only seconds in the cache, live.stream).
Home, section, reporter and tag pages and other stories' pages are never purged by an entry.
"""
from articles import cache_keys
from core import pagecache

from . import index


def stream(article_id) -> str:
    return f"live:{article_id}"


def show_entry_photos(entries, *, own_photo: bool = True) -> None:
    """Name the photos these entries show: those placed in their bodies, and their own photo unless the page leaves
    it out (the entry feeds show the body only). Prefetched by for_stream(): no query."""
    keys = set()
    for entry in entries:
        if own_photo and entry.photo_id:
            keys.add(cache_keys.photo(entry.photo_id))
        keys |= {cache_keys.photo(pk) for pk in entry.body_photos()}
    pagecache.add_keys(keys)


def story_keys(article) -> set[str]:
    """What a page showing a live story also shows (articles.cache_keys' hook): its blog's stream key."""
    return {stream(article.pk)} if article.pk in index.blog_index() else set()


def blog_changed(article_id) -> None:
    """A blog opened, changed or ended: the LIVE badge or the ended notice changes wherever the story is shown."""
    pagecache.purge_after_commit([cache_keys.story(article_id), stream(article_id), pagecache.SCHEDULE], hard=True)


def stream_changed(article_id, *, updated: bool = False, hard: bool = False) -> None:
    """An entry readers see changed; `updated`: the story's Updated moved with it (the sitemaps' lastmod)."""
    keys = [stream(article_id)] + ([cache_keys.SITEMAP] if updated else [])
    pagecache.purge_after_commit(keys, hard=hard)


def register() -> None:
    cache_keys.register_story_keys(story_keys)
