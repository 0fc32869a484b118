"""Media in the story body through the real editor: an uploaded photo, a gallery and a YouTube video, as readers get
them (credit under the picture, a gallery worked by keyboard, a video facade that loads nothing until clicked).

Offline: requests to the providers are answered by the test (page.route), and the test checks none is made before
the reader clicks."""
import pytest

from articles.models import Article
from tests.browser.support import (
    book_every_slot,
    caret_at_end,
    editor,
    expect,
    jpeg_file,
    log_in,
    make_picture,
    select2_pick,
    settle,
    staff,
)
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_layout import CLS_BUDGET, OBSERVE_SHIFTS
from tests.factories import make_reporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADLINE = "Counting day across three cities"
VIDEO = "https://youtu.be/dQw4w9WgXcQ"
PROVIDER_HOSTS = ("youtube", "ytimg", "googlevideo", "twitter", "instagram", "facebook")


def menu_button(page, name):
    return page.locator(f".form-row.field-body .prose-menubar__button[data-name={name}]")


def insert_uploaded_photo(page, image_path):
    menu_button(page, "bodyPhoto").click()
    dialog = page.locator("dialog.media-chooser-dialog[open]")
    dialog.get_by_text("Upload a new photo").click()
    dialog.get_by_label("Picture").set_input_files(str(image_path))
    dialog.get_by_label("Alt text").fill("Officials stacking ballot boxes in a hall")
    dialog.locator("#media-chooser-upload-caption").fill("Ballot boxes arrive in Pune")
    dialog.get_by_label("Credit").select_option(label="AP — (Image Credits: AP)")
    dialog.get_by_role("button", name="Upload and select").click()
    expect(dialog.locator(".media-chooser__photo[aria-pressed=true]")).to_contain_text("Ballot boxes arrive in Pune")
    dialog.get_by_label("Size").select_option("right")
    dialog.get_by_label("Caption for this story (optional)").fill("Boxes reach the counting hall at dawn")
    dialog.get_by_role("button", name="Insert photo").click()
    expect(dialog).to_have_count(0)
    expect(editor(page).locator(".media-node--photo")).to_contain_text("Boxes reach the counting hall at dawn")


def insert_gallery(page, captions):
    menu_button(page, "bodyGallery").click()
    dialog = page.locator("dialog.media-chooser-dialog[open]")
    dialog.get_by_label("Search the photo library").fill("Gallery")
    for caption in captions:  # picked in reading order
        dialog.locator(".media-chooser__photo", has_text=caption).click()
    expect(dialog.locator(".media-chooser__photo[aria-pressed=true]")).to_have_count(len(captions))
    dialog.get_by_label("Gallery title (optional)").fill("Scenes from the count")
    dialog.get_by_role("button", name="Insert gallery").click()
    expect(dialog).to_have_count(0)
    expect(editor(page).locator(".media-node--gallery")).to_contain_text(f"Gallery of {len(captions)} photos")


def embed_video(page):
    menu_button(page, "bodyEmbed").click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.get_by_label("Video or post URL").fill(VIDEO)
    dialog.get_by_label("Title shown to readers (optional)").fill("The returning officer's briefing")
    dialog.get_by_role("button", name="Embed").click()
    expect(dialog).to_have_count(0)
    expect(editor(page).locator(".media-node--embed")).to_contain_text("Embedded youtube")


def scroll_through_story(page):
    """Down the page a viewport at a time, then back up: as test_layout.scroll_through, except that a gallery's later
    slides (lazy, off to the side in its scroller) load only when a reader moves to them."""
    step = page.viewport_size["height"]
    for y in range(0, page.evaluate("document.documentElement.scrollHeight") + step, step):
        page.evaluate("y => window.scrollTo(0, y)", y)
        page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
    page.wait_for_function("""() => [...document.images]
      .filter(img => !img.closest(".gallery__item:not(:first-child)")).every(img => img.complete)
      && document.querySelectorAll(".ad-slot").length === document.querySelectorAll(".ad-slot--filled").length""")
    page.evaluate("window.scrollTo(0, 0)")


def type_paragraph(page, text):
    caret_at_end(page)
    page.keyboard.press("Enter")
    page.keyboard.type(text)


def test_editor_places_photo_gallery_and_video_and_readers_get_them(new_context, tmp_path):
    staff("neha", role="Editor")
    make_reporter("Ritu Sharma")
    book_every_slot()  # pages wait for their ad slots to fill, as on the other story tests
    captions = ["Gallery: queues in Kolkata", "Gallery: counting in Pune", "Gallery: celebrations in Chennai"]
    for n, (caption, credit) in enumerate(zip(captions, ["PTI", "AP", "Reuters"])):
        make_picture(credit, alt=f"Scene {n + 1} of the count", caption=caption, name=f"g{n}.jpg",
                     tint=(60 + 50 * n, 90, 140))

    page = new_context().new_page()
    log_in(page, "neha")
    page.goto("/admin/articles/article/add/")
    page.locator("#id_headline").fill(HEADLINE)
    editor(page).click()
    page.keyboard.type("Counting began at eight in the morning in every district.")
    page.keyboard.press("Enter")
    insert_uploaded_photo(page, jpeg_file(tmp_path, "boxes.jpg"))
    type_paragraph(page, "Early trends showed a close contest in the city seats.")
    insert_gallery(page, captions)
    type_paragraph(page, "The returning officer explained the process.")
    embed_video(page)
    type_paragraph(page, "Results are expected by the evening.")
    select2_pick(page, "byline_reporters", "Ritu", "Ritu Sharma")
    select2_pick(page, "section", "Ind", "India")
    page.locator("#id_workflow").select_option("published")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    article = Article.objects.get()
    assert [b["kind"] for b in article.body_blocks] == ["p", "photo", "p", "gallery", "p", "embed", "p"]
    assert article.body_blocks[5]["url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"

    reader = new_context().new_page()
    provider_requests = []
    reader.on("request", lambda r: provider_requests.append(r.url) if any(h in r.url for h in PROVIDER_HOSTS) else None)
    reader.route("https://www.youtube-nocookie.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>player</title><p>Player</p>"))
    reader.goto(article.get_absolute_url())
    settle(reader)

    # The uploaded photo, with the story's caption and the house credit under it.
    figure = reader.locator(".story__body .body-photo--right")
    expect(figure.locator("img")).to_have_attribute("alt", "Officials stacking ballot boxes in a hall")
    expect(figure.locator("figcaption")).to_have_text("Boxes reach the counting hall at dawn (Image Credits: AP)")
    figure.scroll_into_view_if_needed()
    assert figure.locator("img").evaluate("img => img.decode().then(() => img.naturalWidth)") > 0

    # The gallery, by keyboard: arrows move through it and "2 of 3" is announced.
    gallery = reader.locator(".gallery")
    count = gallery.locator(".gallery__count")
    expect(count).to_have_text("1 of 3")
    gallery.locator(".gallery__list").focus()
    reader.keyboard.press("ArrowRight")
    expect(count).to_have_text("2 of 3")
    expect(gallery.locator(".gallery__item").nth(1)).to_be_in_viewport()
    expect(gallery.locator(".gallery__item").nth(1)).to_contain_text("(Image Credits: AP)")
    reader.keyboard.press("End")
    expect(count).to_have_text("3 of 3")
    expect(gallery.locator("[data-gallery-next]")).to_be_disabled()
    gallery.locator("[data-gallery-previous]").focus()
    reader.keyboard.press("Enter")
    expect(count).to_have_text("2 of 3")

    # The video: a facade, nothing from the provider until the click, then its player in an iframe.
    facade = reader.locator(".embed")
    expect(facade).to_contain_text("The returning officer's briefing")
    expect(facade).to_contain_text("YouTube")
    expect(reader.locator("iframe")).to_have_count(reader.locator(".ad-slot iframe").count())
    assert provider_requests == [], provider_requests
    facade.get_by_role("link", name="Play video").click()
    player = facade.locator("iframe")
    expect(player).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1")
    expect(player.content_frame.locator("p")).to_have_text("Player")
    assert provider_requests and all("youtube-nocookie.com/embed/dQw4w9WgXcQ" in url for url in provider_requests)

    # No accessibility violation on the story with its media.
    fresh = new_context().new_page()
    fresh.goto(article.get_absolute_url())
    settle(fresh)
    problems = axe_violations(fresh)
    assert not problems, "axe on the story with media:\n" + "\n".join(problems)

    # Nothing shifts at a phone's or a desktop's width as the pictures load.
    for width in (375, 1280):
        view = new_context(width=width, height=800).new_page()
        view.add_init_script(OBSERVE_SHIFTS)
        view.goto(article.get_absolute_url(), wait_until="load")
        scroll_through_story(view)
        view.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        shifts = view.evaluate("window.__shifts")
        cls = sum(shift["value"] for shift in shifts)
        assert cls < CLS_BUDGET, f"CLS {cls:.4f} at {width}px:\n" + "\n".join(
            f"{shift['value']:.4f}: {'; '.join(shift['sources'])}" for shift in shifts)
        # The page fits the screen; the gallery's later slides wait off to the side inside its own scroller.
        assert view.evaluate("document.documentElement.scrollWidth") <= width
        outside = view.evaluate("""() => [...document.querySelectorAll("body *")]
          .filter(el => !el.closest(".gallery__list") && el.getBoundingClientRect().right > innerWidth + 1)
          .map(el => el.tagName)""")
        assert outside == [], outside


def test_without_javascript_a_gallery_is_a_plain_list_of_figures(new_context):
    from articles import services
    from tests.factories import make_story

    photos = [make_picture("AP", alt=f"Picture {n}", caption=f"Caption {n}", name=f"p{n}.jpg") for n in range(3)]
    story = services.publish(make_story(
        headline="Gallery without scripts", body=f'<p>Intro.</p><figure data-gallery="{",".join(str(p.pk) for p in photos)}"></figure>',
    ), actor=services.COMMAND)
    page = new_context(java_script_enabled=False).new_page()
    page.goto(story.get_absolute_url())
    expect(page.locator(".gallery__controls")).to_be_hidden()
    figures = page.locator(".gallery__figure")
    expect(figures).to_have_count(3)
    boxes = [figures.nth(n).bounding_box() for n in range(3)]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"], "stacked one under another"
    assert all(box["x"] == boxes[0]["x"] for box in boxes)
    expect(figures.nth(2)).to_contain_text("Caption 2 (Image Credits: AP)")


def test_a_video_url_pasted_on_its_own_line_becomes_an_embed(new_context):
    staff("neha", role="Editor")
    page = new_context().new_page()
    log_in(page, "neha")
    page.goto("/admin/articles/article/add/")
    editor(page).click()
    page.keyboard.type("Watch the briefing:")
    page.keyboard.press("Enter")

    def paste(text):
        editor(page).evaluate("""(el, text) => {
          const data = new DataTransfer();
          data.setData("text/plain", text);
          el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""", text)

    paste("https://x.com/ANI/status/1862000000000000000")
    expect(editor(page).locator(".media-node--embed")).to_contain_text("Embedded x")
    assert '<figure data-embed="x" data-url="https://x.com/ANI/status/1862000000000000000"></figure>' in \
        page.locator("#id_body").input_value()
    # Inside a sentence a URL is text, not an embed.
    caret_at_end(page)
    page.keyboard.press("Enter")
    page.keyboard.type("See ")
    paste("https://youtu.be/dQw4w9WgXcQ")
    expect(editor(page).locator("p").last).to_have_text("See https://youtu.be/dQw4w9WgXcQ")
    expect(editor(page).locator(".media-node--embed")).to_have_count(1)
    # Selected, a placed block goes with Delete like any other.
    editor(page).locator(".media-node--embed .media-node__label").click()
    page.keyboard.press("Delete")
    expect(editor(page).locator(".media-node--embed")).to_have_count(0)
    assert "data-embed" not in page.locator("#id_body").input_value()


def test_a_placed_photo_can_be_changed_in_place(new_context):
    from tests.factories import make_story

    staff("neha", role="Editor")
    photo = make_picture("AP", alt="Boats on the river", caption="Boats", name="boats.jpg")
    story = make_story(headline="Boats", body=f'<p>Intro.</p><figure data-photo="{photo.pk}" data-size="full"></figure>')
    page = new_context().new_page()
    log_in(page, "neha")
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    node = editor(page).locator(".media-node--photo")
    expect(node).to_contain_text("Full width")
    expect(node.locator("img")).to_have_attribute("alt", "Boats on the river")
    node.get_by_role("button", name="Change…").click()
    dialog = page.locator("dialog.media-chooser-dialog[open]")
    expect(dialog.locator(".media-chooser__photo[aria-pressed=true]")).to_contain_text("Boats")
    dialog.get_by_label("Size").select_option("left")
    dialog.get_by_label("Caption for this story (optional)").fill("Boats at dawn")
    dialog.get_by_role("button", name="Insert photo").click()
    expect(node).to_contain_text("Left")
    assert f'<figure data-photo="{photo.pk}" data-size="left"><figcaption>Boats at dawn</figcaption></figure>' in \
        page.locator("#id_body").input_value()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    story.refresh_from_db()
    assert (story.body_blocks[1]["size"], story.body_blocks[1]["caption"]) == ("left", "Boats at dawn")


def test_a_gallery_follows_a_swipe_on_a_phone(new_context):
    from articles import services
    from tests.factories import make_story

    photos = [make_picture("AP", alt=f"Picture {n}", caption=f"Caption {n}", name=f"s{n}.jpg") for n in range(3)]
    story = services.publish(make_story(
        headline="Swipe", body=f'<figure data-gallery="{",".join(str(p.pk) for p in photos)}"></figure><p>End.</p>',
    ), actor=services.COMMAND)
    page = new_context(width=375, height=800, has_touch=True, is_mobile=True).new_page()
    page.goto(story.get_absolute_url())
    strip = page.locator(".gallery__list")
    strip.scroll_into_view_if_needed()
    box = strip.bounding_box()
    count = page.locator(".gallery__count")
    expect(count).to_have_text("1 of 3")
    # A real touch swipe, right to left across the picture: touch events as a finger sends them.
    session = page.context.new_cdp_session(page)
    y = box["y"] + box["height"] / 2
    xs = [box["x"] + box["width"] * (0.85 - 0.07 * step) for step in range(11)]
    session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": xs[0], "y": y}]})
    for x in xs[1:]:
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(count).to_have_text("2 of 3")
    expect(page.locator(".gallery__item").nth(1)).to_be_in_viewport()
