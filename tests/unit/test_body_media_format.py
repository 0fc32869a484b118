"""The stored format of media in a story body: the sanitizer keeps exactly the references, and embeds resolve
through the one provider table (offline: nothing here calls a provider)."""
import pytest

from articles import body_media, embeds
from core.sanitize import sanitize_body


def test_sanitizer_keeps_exactly_the_media_references():
    html = (
        '<figure data-photo="12" data-size="left"><figcaption>Ours</figcaption></figure>'
        '<figure data-gallery="1,2,3"><figcaption>Gallery</figcaption></figure>'
        '<figure data-embed="youtube" data-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure>'
    )
    assert sanitize_body(html) == html


@pytest.mark.parametrize("dirty, clean", [
    # Attributes outside the list, and the references on any other element, are dropped.
    ('<figure data-photo="12" class="x" style="color:red" onclick="steal()" data-other="1"></figure>',
     '<figure data-photo="12"></figure>'),
    ('<p data-photo="12" data-embed="youtube">Text</p>', "<p>Text</p>"),
    ('<div data-gallery="1,2">x</div>', "x"),
    # Values of the wrong shape are dropped.
    ('<figure data-photo="12 OR 1=1"></figure>', "<figure></figure>"),
    ('<figure data-photo="0"></figure>', "<figure></figure>"),
    ('<figure data-photo="12" data-size="huge"></figure>', '<figure data-photo="12"></figure>'),
    ('<figure data-gallery="1,,2"></figure>', "<figure></figure>"),
    ('<figure data-embed="You Tube"></figure>', "<figure></figure>"),
    ('<figure data-embed="x" data-url="javascript:alert(1)"></figure>', '<figure data-embed="x"></figure>'),
    ('<figure data-embed="x" data-url="https://a.example/&quot;onload=&quot;x"></figure>', '<figure data-embed="x"></figure>'),
    # Third-party HTML never survives.
    ('<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe><script>x()</script>', ""),
    ('<blockquote class="twitter-tweet"><p>Hi</p></blockquote>', "<blockquote><p>Hi</p></blockquote>"),
])
def test_sanitizer_drops_everything_else(dirty, clean):
    assert sanitize_body(dirty) == clean


@pytest.mark.parametrize("url, provider, canonical, player", [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s", "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://youtu.be/dQw4w9WgXcQ?si=abc", "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://twitter.com/PTI_News/status/1234567890123456789?s=20", "x", "https://x.com/PTI_News/status/1234567890123456789",
     "https://platform.twitter.com/embed/Tweet.html?id=1234567890123456789&dnt=true"),
    ("https://x.com/ANI/status/42", "x", "https://x.com/ANI/status/42", "https://platform.twitter.com/embed/Tweet.html?id=42&dnt=true"),
    ("https://www.instagram.com/reel/C1a2B3c4D5e/?igsh=x", "instagram", "https://www.instagram.com/p/C1a2B3c4D5e/",
     "https://www.instagram.com/p/C1a2B3c4D5e/embed/"),
    ("https://www.facebook.com/ndtv/videos/1234567890/", "facebook", "https://www.facebook.com/ndtv/videos/1234567890/",
     "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fndtv%2Fvideos%2F1234567890%2F&show_text=false"),
    ("https://www.facebook.com/ndtv/posts/pfbid0abc", "facebook", "https://www.facebook.com/ndtv/posts/pfbid0abc",
     "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fndtv%2Fposts%2Fpfbid0abc"),
])
def test_known_urls_resolve_to_provider_and_player(url, provider, canonical, player):
    embed = embeds.resolve(url)
    assert (embed.name, embed.url, embed.player_url) == (provider, canonical, player)
    assert embeds.origin_of(embed.player_url) in embeds.frame_origins()


@pytest.mark.parametrize("url", [
    "https://example.com/video/1",
    "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    "https://evil.example/?u=https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=short",
    "javascript:alert(1)//https://youtu.be/dQw4w9WgXcQ",
    "https://youtu.be/dQw4w9WgXcQ\"><script>",
    "https://x.com/ANI/status/42 onmouseover=x",
    "https://www.facebook.com/plugins/post.php?href=x",
    "",
])
def test_unknown_and_hostile_urls_resolve_to_nothing(url):
    assert embeds.resolve(url) is None


def test_publisher_video_from_settings(settings):
    settings.PUBLISHER_VIDEO_URL = "https://video.newsroom.example/v/{id}"
    settings.PUBLISHER_VIDEO_PLAYER = "https://player.newsroom.example/embed/{id}"
    embed = embeds.resolve("https://video.newsroom.example/v/abc-123")
    assert (embed.name, embed.player_url) == ("publisher", "https://player.newsroom.example/embed/abc-123")
    # Whatever follows the id is not kept: the stored URL is the canonical one.
    assert embeds.resolve("https://video.newsroom.example/v/abc-123/../../x").url == "https://video.newsroom.example/v/abc-123"
    assert embeds.resolve("https://video.newsroom.example.evil/v/abc") is None
    publisher = embeds.publisher_provider(settings.PUBLISHER_VIDEO_URL, settings.PUBLISHER_VIDEO_PLAYER, "Ours")
    assert "https://player.newsroom.example" in embeds.frame_origins(publisher)


def test_csp_frame_src_lists_exactly_the_providers(settings):
    frame_src = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]
    assert frame_src == ["'self'", *settings.AD_HOSTS, *embeds.frame_origins(
        embeds.publisher_provider(settings.PUBLISHER_VIDEO_URL, settings.PUBLISHER_VIDEO_PLAYER, "")
    )]
    assert set(embeds.frame_origins()) == {
        "https://www.youtube-nocookie.com", "https://platform.twitter.com", "https://www.instagram.com",
        "https://www.facebook.com",
    }


def test_prepare_reads_media_blocks_and_normalises_embeds():
    html = sanitize_body(
        '<p>Intro</p>'
        '<figure data-photo="7"><figcaption>Our <em>caption</em></figcaption></figure>'
        '<figure data-gallery="3,4,3"></figure>'
        '<figure data-embed="instagram" data-url="https://youtu.be/dQw4w9WgXcQ"><figcaption>Clip</figcaption></figure>'
        '<figure data-embed="youtube" data-url="https://evil.example/v"><figcaption>Evil</figcaption></figure>'
        '<figure data-embed="youtube" data-url="javascript:alert(1)"></figure>'
    )
    body, blocks = body_media.prepare(html)
    assert [b["kind"] for b in blocks] == ["p", "photo", "gallery", "embed", "p"]
    assert blocks[1] | {} == {"kind": "photo", "photo": 7, "size": "full", "caption": "Our caption",
                              "html": '<figure data-photo="7" data-size="full"><figcaption>Our caption</figcaption></figure>'}
    assert blocks[2]["photos"] == [3, 4]
    # The provider comes from the URL, not from what the editor (or a forged form) said.
    assert (blocks[3]["provider"], blocks[3]["url"]) == ("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    # An unknown URL becomes a plain link; one without a usable URL is dropped.
    assert blocks[4]["html"] == '<p><a href="https://evil.example/v" rel="noopener noreferrer">Evil</a></p>'
    assert "javascript" not in body and "evil.example" in body
    assert body_media.photo_ids(blocks) == [7, 3, 4]
    # Stored again, the body is stable.
    assert body_media.prepare(sanitize_body(body)) == (body, blocks)


def test_a_body_without_media_is_left_as_it_was():
    html = "<p>One</p>\n<p>Two</p>"
    assert body_media.prepare(html)[0] == html


def test_media_inside_a_quote_or_list_moves_out_after_it():
    html = sanitize_body(
        '<blockquote><p>Said.</p><figure data-photo="5"><figcaption>Here</figcaption></figure></blockquote>'
        '<ul><li><p>One</p><figure data-embed="youtube" data-url="https://youtu.be/dQw4w9WgXcQ"></figure></li></ul>'
    )
    body, blocks = body_media.prepare(html)
    assert [b["kind"] for b in blocks] == ["blockquote", "photo", "ul", "embed"]
    assert blocks[0]["html"] == "<blockquote><p>Said.</p></blockquote>" and blocks[1]["caption"] == "Here"
    assert body_media.prepare(sanitize_body(body)) == (body, blocks)
