"""Photos, galleries and embeds placed in a story body, as readers get them, with their credits where they stand."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from articles import services
from articles.models import BodyPhoto
from photos.models import Credit
from tests.factories import make_photo, make_reporter, make_story


def body_of(page: str) -> str:
    return page[page.index('class="story__body"'):page.index("story__published")]


@pytest.fixture
def pictures(db):
    Credit.objects.update_or_create(name="PTI", defaults={"kind": "agency", "prefix": "Photo"})
    return {
        "ap": make_photo(credit="AP", alt="Voters queue at a booth", caption="Voters in Pune", name="ap.jpg"),
        "pti": make_photo(credit="PTI", alt="Counting hall", caption="Counting", name="pti.jpg"),
        "self": make_photo(credit="self", alt="The reporter's notebook", name="self.jpg", kind="self", prefix="Image"),
        "reuters": make_photo(credit="Reuters", alt="A rally", name="reuters.jpg"),
    }


def test_a_placed_photo_shows_with_its_caption_and_house_credit_under_it(client, pictures):
    ap = pictures["ap"]
    story = services.publish(make_story(body=(
        f'<p>One.</p><figure data-photo="{ap.pk}" data-size="right"><figcaption>Queues at dawn</figcaption></figure><p>Two.</p>'
    )), actor=services.COMMAND)
    body = body_of(client.get(story.get_absolute_url()).content.decode())
    figure = re.search(r'<figure class="body-photo body-photo--right">.*?</figure>', body, re.S).group(0)
    assert 'alt="Voters queue at a booth"' in figure
    assert re.search(r'<img [^>]*width="\d+" height="\d+"', figure), "the picture reserves its space"
    assert 'loading="lazy"' in figure and "srcset=" in figure and 'type="image/webp"' in figure
    # The story's caption overrides the photo's; the credit follows it.
    assert "Queues at dawn" in figure and "Voters in Pune" not in figure
    assert figure.index("Queues at dawn") < figure.index("(Image Credits: AP)")
    assert body.index("One.") < body.index("body-photo") < body.index("Two.")


def test_credit_and_alt_text_stay_live(client, pictures):
    ap = pictures["ap"]
    story = services.publish(make_story(body=f'<figure data-photo="{ap.pk}"></figure>'), actor=services.COMMAND)
    ap.alt_text, ap.caption = "Voters in a long queue", "Polling day in Pune"
    ap.credit = Credit.objects.get(name="PTI")
    ap.save()
    body = body_of(client.get(story.get_absolute_url()).content.decode())
    assert 'alt="Voters in a long queue"' in body and "Polling day in Pune" in body
    assert "(Photo Credits: PTI)" in body and "Credits: AP" not in body


def test_credit_formats_follow_each_credit(pictures):
    assert pictures["ap"].credit.picture_label == "(Image Credits: AP)"
    assert pictures["pti"].credit.picture_label == "(Photo Credits: PTI)"
    assert pictures["self"].credit.picture_label == "Image: self"
    staff = Credit.objects.create(name="Newsroom/Ravi K", kind="staff", prefix="Photo")
    assert staff.picture_label == "Photo: Newsroom/Ravi K"


def test_foot_credit_line_lists_only_what_the_body_does_not_show(client, pictures):
    ap, pti, reuters = pictures["ap"], pictures["pti"], pictures["reuters"]
    story = services.publish(make_story(
        body=f'<p>One.</p><figure data-photo="{ap.pk}"></figure><p>Two.</p>',
        photos=[ap, pti, reuters],
    ), actor=services.COMMAND)
    page = client.get(story.get_absolute_url()).content.decode()
    foot = re.search(r'<p class="story__foot-credits">(.*?)</p>', page).group(1)
    assert foot == "(Image Credits: PTI, Reuters)"
    assert body_of(page).count("(Image Credits: AP)") == 1

    # Every listed photo placed in the body (one of them in a gallery): no foot line at all.
    story.body = f'<figure data-photo="{ap.pk}"></figure><figure data-gallery="{pti.pk},{reuters.pk}"></figure>'
    services.save_story(story, services.Related(reporters=[make_reporter()], tags=[], photos=[ap, pti, reuters]), actor=services.COMMAND)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "story__foot-credits" not in page
    assert "(Photo Credits: PTI)" in page and "(Image Credits: Reuters)" in page


def test_a_gallery_is_an_ordered_list_of_figures_with_position_captions_and_credits(client, pictures):
    ids = [pictures[k].pk for k in ("pti", "ap", "self")]
    story = services.publish(make_story(body=(
        f'<p>Intro.</p><figure data-gallery="{",".join(map(str, ids))}"><figcaption>Counting day</figcaption></figure>'
    )), actor=services.COMMAND)
    body = body_of(client.get(story.get_absolute_url()).content.decode())
    gallery = re.search(r'<section class="gallery".*?</section>', body, re.S).group(0)
    assert 'aria-label="Gallery: Counting day, 3 photos"' in gallery
    slides = re.findall(r'<li class="gallery__item">(.*?)</li>', gallery, re.S)
    assert [re.search(r'aria-label="(\d+ of \d+)"', s).group(1) for s in slides] == ["1 of 3", "2 of 3", "3 of 3"]
    assert ["Counting hall" in slides[0], "Voters queue" in slides[1], "notebook" in slides[2]] == [True] * 3
    assert "(Photo Credits: PTI)" in slides[0] and "(Image Credits: AP)" in slides[1] and "Image: self" in slides[2]
    assert "Counting" in slides[0] and "Voters in Pune" in slides[1]
    assert '<span data-gallery-position>1</span> of 3' in gallery


def test_an_embed_is_a_facade_that_loads_nothing_from_the_provider(client, pictures):
    story = services.publish(make_story(body=(
        '<p>Watch.</p><figure data-embed="youtube" data-url="https://youtu.be/dQw4w9WgXcQ"><figcaption>The rally</figcaption></figure>'
    )), actor=services.COMMAND)
    response = client.get(story.get_absolute_url())
    page = response.content.decode()
    body = body_of(page)
    assert 'data-embed-player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in body
    assert '<a class="embed__open" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in body
    assert "The rally" in body and "YouTube" in body
    # Nothing on the page itself comes from the provider: no iframe, script, image or style from it.
    for tag in re.findall(r"<(?:iframe|script|img|source|link)\b[^>]*>", page):
        assert "youtube" not in tag, tag
    assert "https://www.youtube-nocookie.com" in response.headers["Content-Security-Policy"]


def test_unknown_and_hostile_embed_urls(client, pictures):
    story = services.publish(make_story(body=(
        '<figure data-embed="youtube" data-url="https://videos.example.net/clip/1"><figcaption>Clip</figcaption></figure>'
        '<figure data-embed="x" data-url="javascript:alert(document.cookie)"><figcaption>Bad</figcaption></figure>'
        '<figure data-embed="x" data-url="https://x.com/a/status/1&quot; onload=&quot;alert(1)"></figure>'
        '<p>End.</p>'
    )), actor=services.COMMAND)
    assert story.body.startswith(
        '<p><a href="https://videos.example.net/clip/1" rel="noopener noreferrer">Clip</a></p>'
    )
    assert "javascript" not in story.body and "onload" not in story.body
    assert [b["kind"] for b in story.body_blocks] == ["p", "p"]
    body = body_of(client.get(story.get_absolute_url()).content.decode())
    assert "data-embed-player" not in body and "Bad" not in body


def test_a_body_placing_a_missing_photo_is_refused_and_nothing_is_written(pictures):
    story = make_story(body="<p>Before.</p>")
    story.body = '<figure data-photo="999999"></figure>'
    with pytest.raises(ValidationError, match="999999"):
        services.save_story(story, services.Related(reporters=[make_reporter()], tags=[], photos=[]), actor=services.COMMAND)
    story.refresh_from_db()
    assert story.body == "<p>Before.</p>"


def test_body_photos_are_recorded_and_protect_the_photo(pictures):
    ap, pti = pictures["ap"], pictures["pti"]
    story = make_story(body=f'<figure data-gallery="{pti.pk},{ap.pk}"></figure><figure data-photo="{ap.pk}"></figure>')
    assert list(BodyPhoto.objects.filter(article=story).values_list("photo_id", flat=True)) == [pti.pk, ap.pk]
    assert story.pk in ap.story_ids()
    from django.db.models import ProtectedError
    with pytest.raises(ProtectedError):
        ap.delete()
    story.body = "<p>No pictures now.</p>"
    services.save_story(story, services.Related(reporters=[make_reporter()], tags=[], photos=[]), actor=services.COMMAND)
    assert not BodyPhoto.objects.filter(article=story).exists()


def test_the_story_form_refuses_a_missing_photo_and_keeps_the_text(client, pictures):
    user = get_user_model().objects.create_superuser("desk", "desk@example.com", "pw-for-tests-only")
    client.force_login(user)
    reporter = make_reporter()
    response = client.post("/admin/articles/article/add/", {
        "headline": "Polls", "slug": "", "standfirst": "",
        "body": '<p>Kept text.</p><figure data-photo="424242"></figure>',
        "section": "2", "tags": [], "byline_reporters": [str(reporter.pk)], "workflow": "draft",
        "publish_at_0": "", "publish_at_1": "", "expires_at_0": "", "expires_at_1": "",
        "correction_note": "", "language": "en",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "424242, not in the photo library" in html and "Kept text." in html


def test_a_scheduled_update_placing_a_missing_photo_is_refused_by_its_form(pictures):
    from articles.update_forms import ScheduledUpdateForm

    form = ScheduledUpdateForm(data={"body": '<figure data-photo="777777"></figure>'})
    assert not form.is_valid()
    assert "777777, not in the photo library" in str(form.errors["body"])
