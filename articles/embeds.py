"""The providers whose players a story body may embed: the only place they are listed.

An editor pastes a post or video URL; the body stores the provider's name and the URL in canonical form
(`<figure data-embed="youtube" data-url="https://www.youtube.com/watch?v=…">`), never the provider's HTML. Readers get
a facade (articles/body/embed.html); the player's iframe (its URL made here) loads only after a click, and the site's
Content-Security-Policy `frame-src` is built from `frame_origins()`, so a provider added here is allowed there too.

Pure functions of the URL: nothing here calls a provider.
"""
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

_ID = r"[A-Za-z0-9_-]"
_TAIL = r"(?:[?#&/][^\s]*)?"


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern
    canonical: str  # the URL stored in the body, from the match's groups
    player: str  # the iframe's src, from the groups and {href} (the canonical URL, quoted)


@dataclass(frozen=True)
class Provider:
    name: str  # stored in data-embed
    label: str  # shown to readers
    kind: str  # "video" or "post": what the facade's button says
    patterns: tuple[Pattern, ...]
    frame_origin: str  # the player's origin, for frame-src


@dataclass(frozen=True)
class Embed:
    provider: Provider
    url: str  # canonical
    player_url: str

    @property
    def name(self) -> str:
        return self.provider.name


def _pattern(regex: str, canonical: str, player: str) -> Pattern:
    return Pattern(re.compile(regex + _TAIL, re.IGNORECASE), canonical, player)


THIRD_PARTY = (
    Provider(
        "youtube", "YouTube", "video",
        (
            _pattern(rf"https?://(?:www\.|m\.)?youtube\.com/watch\?(?:[^#\s]*&)?v=(?P<id>{_ID}{{11}})",
                     "https://www.youtube.com/watch?v={id}", "https://www.youtube-nocookie.com/embed/{id}?autoplay=1"),
            _pattern(rf"https?://youtu\.be/(?P<id>{_ID}{{11}})",
                     "https://www.youtube.com/watch?v={id}", "https://www.youtube-nocookie.com/embed/{id}?autoplay=1"),
            _pattern(rf"https?://(?:www\.|m\.)?youtube(?:-nocookie)?\.com/(?:shorts|embed|live)/(?P<id>{_ID}{{11}})",
                     "https://www.youtube.com/watch?v={id}", "https://www.youtube-nocookie.com/embed/{id}?autoplay=1"),
        ),
        "https://www.youtube-nocookie.com",
    ),
    Provider(
        "x", "X (Twitter)", "post",
        (
            _pattern(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?P<user>[A-Za-z0-9_]{1,15})/status(?:es)?/(?P<id>[0-9]{1,25})",
                     "https://x.com/{user}/status/{id}", "https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true"),
        ),
        "https://platform.twitter.com",
    ),
    Provider(
        "instagram", "Instagram", "post",
        (
            _pattern(rf"https?://(?:www\.)?instagram\.com/(?:p|reel|tv)/(?P<id>{_ID}{{5,40}})",
                     "https://www.instagram.com/p/{id}/", "https://www.instagram.com/p/{id}/embed/"),
        ),
        "https://www.instagram.com",
    ),
    Provider(
        "facebook", "Facebook", "post",
        (
            _pattern(r"https?://(?:www\.|m\.)?facebook\.com/(?P<page>[A-Za-z0-9_.-]{1,80})/videos/(?P<id>[0-9]{1,25})",
                     "https://www.facebook.com/{page}/videos/{id}/",
                     "https://www.facebook.com/plugins/video.php?href={href}&show_text=false"),
            _pattern(r"https?://(?:www\.|m\.)?facebook\.com/watch/?\?v=(?P<id>[0-9]{1,25})",
                     "https://www.facebook.com/watch/?v={id}",
                     "https://www.facebook.com/plugins/video.php?href={href}&show_text=false"),
            _pattern(r"https?://(?:www\.|m\.)?facebook\.com/(?P<page>[A-Za-z0-9_.-]{1,80})/posts/(?P<id>[A-Za-z0-9]{1,60})",
                     "https://www.facebook.com/{page}/posts/{id}",
                     "https://www.facebook.com/plugins/post.php?href={href}"),
        ),
        "https://www.facebook.com",
    ),
)

PUBLISHER = "publisher"


def publisher_provider(watch_url: str, player_url: str, label: str) -> Provider | None:
    """The publisher's own video host, from settings: `watch_url` and `player_url` are templates with `{id}`."""
    if not (watch_url and player_url and "{id}" in watch_url and "{id}" in player_url):
        return None
    prefix, _, suffix = watch_url.partition("{id}")
    regex = re.escape(prefix) + rf"(?P<id>{_ID}{{1,64}})" + re.escape(suffix)
    return Provider(PUBLISHER, label, "video", (_pattern(regex, watch_url, player_url),), origin_of(player_url))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def frame_origins(publisher: Provider | None = None) -> list[str]:
    """Every origin a player may be framed from: what the CSP's frame-src lists for embeds."""
    providers = [*THIRD_PARTY, *([publisher] if publisher else [])]
    return list(dict.fromkeys(provider.frame_origin for provider in providers))


def providers() -> tuple[Provider, ...]:
    from django.conf import settings

    publisher = publisher_provider(
        settings.PUBLISHER_VIDEO_URL, settings.PUBLISHER_VIDEO_PLAYER, settings.PUBLISHER_VIDEO_LABEL
    )
    return (*THIRD_PARTY, *([publisher] if publisher else []))


def resolve(url: str) -> Embed | None:
    """The embed a pasted URL stands for, or None when no provider in the table matches it exactly."""
    url = (url or "").strip()
    if len(url) > 2000:
        return None
    for provider in providers():
        for pattern in provider.patterns:
            match = pattern.regex.fullmatch(url)
            if match:
                groups = {key: value for key, value in match.groupdict().items() if value is not None}
                canonical = pattern.canonical.format(**groups)
                player = pattern.player.format(**groups, href=quote(canonical, safe=""))
                return Embed(provider, canonical, player)
    return None
