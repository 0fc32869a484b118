"""The desk through the real admin UI: upload and credit a photo, write and schedule a story, two editors at once."""
import re
from datetime import timedelta

import pytest
import time_machine

from articles.models import Article
from photos.models import Photo
from tests.browser.support import (
    body_value,
    caret_at_end,
    chosen_in_order,
    editor,
    expect,
    ist_now,
    jpeg_file,
    log_in,
    reader_line,
    select2_pick,
    select_word,
    split_datetime,
    staff,
)
from tests.factories import make_reporter, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADLINE = "Metro line opens in Pune with trains every ten minutes"
LINK = "https://example.org/pune-metro-timetable"


def upload_photo(page, image_path):
    page.goto("/admin/photos/photo/add/")
    page.locator("#id_image").set_input_files(str(image_path))
    # The focal point picker previews the chosen file; a click on it sets the point the crops keep.
    preview = page.locator(".focal-picker__image")
    expect(page.locator("[data-focal-picker]")).to_have_attribute("data-has-image", "1")
    box = preview.bounding_box()
    preview.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.4})
    expect(page.locator("#id_focal_x")).to_have_value(re.compile(r"^0\.(29|30|31)"))
    page.get_by_label("Alt text").fill("Commuters boarding a train at Swargate")
    page.get_by_label("Caption").fill("Opening day at Swargate station")
    select2_pick(page, "credit", "PT", "PTI")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")


def write_body(page):
    """A paragraph, a subheading, a paragraph with a link, another paragraph: through the editor's own controls."""
    body = editor(page)
    body.click()
    page.keyboard.type("The first stretch of the line carries passengers from Monday morning.")
    page.keyboard.press("Enter")
    page.keyboard.type("Fares")
    page.locator(".form-row.field-body .prose-menubar__selected").click()  # the block-type menu
    page.locator(".form-row.field-body .prose-menubar__option[data-name=heading2]").click()
    expect(body.locator("h2")).to_have_text("Fares")
    page.keyboard.press("Enter")
    page.keyboard.type("Read the timetable before you travel.")
    page.keyboard.press("Enter")
    page.keyboard.type("Tickets cost between 10 and 30 rupees.")
    select_word(page, "timetable")
    link_button = page.locator(".form-row.field-body .prose-menubar__button[data-name=link]")
    expect(link_button).not_to_have_class(re.compile(r"\bdisabled\b"))
    link_button.click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.get_by_label("URL").fill(LINK)
    dialog.get_by_role("button", name="Update").click()
    expect(dialog).to_have_count(0)
    expect(body.locator(f'a[href="{LINK}"]')).to_have_text("timetable")
    expect(body.locator("p")).to_have_count(3)


def test_editor_uploads_writes_previews_and_schedules_a_story(new_context, tmp_path):
    staff("neha", role="Editor")
    make_reporter("Arjun Mehta")  # created first: the byline order below is neither by id nor by name
    make_reporter("Ritu Sharma")
    page = new_context().new_page()
    log_in(page, "neha")

    upload_photo(page, jpeg_file(tmp_path))
    photo = Photo.objects.get()
    assert photo.credit.label == "Photo: PTI" and photo.alt_text == "Commuters boarding a train at Swargate"
    assert 0.28 <= photo.focal_x <= 0.32 and 0.38 <= photo.focal_y <= 0.42

    page.goto("/admin/articles/article/add/")
    page.locator("#id_headline").press_sequentially(HEADLINE)
    expect(page.locator("#id_slug")).to_have_value("metro-line-opens-in-pune-with-trains-every-ten-minutes")
    slug = page.locator("#id_slug").input_value()
    page.locator("#id_standfirst").fill("The first 12 km run from Swargate to the civil court.")
    write_body(page)
    select2_pick(page, "byline_reporters", "Ritu", "Ritu Sharma")
    select2_pick(page, "byline_reporters", "Arj", "Arjun Mehta")
    assert chosen_in_order(page, "byline_reporters") == ["Ritu Sharma", "Arjun Mehta"]
    select2_pick(page, "section", "Ind", "India")
    select2_pick(page, "hero_photo", "Swargate", "Opening day at Swargate station")
    submitted = body_value(page)
    assert "<h2>Fares</h2>" in submitted and f'href="{LINK}"' in submitted
    page.locator("input[name=_continue]").click()  # a draft first, to preview it
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    with page.context.expect_page() as opened:
        page.locator(".object-tools").get_by_role("link", name="Preview", exact=True).click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator(".preview-banner")).to_contain_text("Draft")
    expect(preview.locator("h1")).to_have_text(HEADLINE)
    expect(preview.locator(".story__body h2")).to_have_text("Fares")
    expect(preview.locator(f'.story__body a[href="{LINK}"]')).to_have_text("timetable")
    expect(preview.locator(".story__byline a")).to_have_text(["Ritu Sharma", "Arjun Mehta"])
    expect(preview.locator(".story__hero-credit")).to_contain_text("Photo: PTI")
    preview.close()

    # Schedule: Published, with "Publish at (IST)" two days ahead.
    go_live = (ist_now() + timedelta(days=2)).replace(hour=9, minute=30, second=0, microsecond=0)
    page.locator("#id_workflow").select_option("published")
    split_datetime(page, "publish_at", go_live)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Scheduled for {reader_line(go_live)}.")
    article = Article.objects.get()
    assert article.slug == slug and article.state() == "scheduled" and article.published_at == go_live
    assert article.byline_text == "Ritu Sharma and Arjun Mehta"

    reader = new_context().new_page()
    response = reader.goto(f"/story/{slug}/")
    assert response.status == 404, "a scheduled story is invisible to readers until its instant"
    expect(reader.locator("h1")).to_have_text("We couldn’t find that page")

    with time_machine.travel(go_live + timedelta(minutes=3), tick=True):  # the live server's clock moves too
        reader = new_context().new_page()
        response = reader.goto(f"/story/{slug}/")
        assert response.status == 200
        expect(reader.locator("h1")).to_have_text(HEADLINE)
        expect(reader.locator(".story__updated")).to_have_text(f"Updated {reader_line(go_live)}")
        expect(reader.locator(".story__published")).to_have_text(f"Published {reader_line(go_live)}")
        expect(reader.locator(".story__updated time")).to_have_attribute("datetime", go_live.isoformat())
        expect(reader.locator(".story__byline a")).to_have_text(["Ritu Sharma", "Arjun Mehta"])
        expect(reader.locator(".story__byline")).to_contain_text("Reported by: Ritu Sharma and Arjun Mehta")
        expect(reader.locator(".story__hero-credit")).to_have_text("Photo: PTI")
        expect(reader.locator(".story__hero figcaption")).to_contain_text("Opening day at Swargate station (Photo: PTI)")
        hero = reader.locator(".story__hero img")
        expect(hero).to_have_attribute("alt", "Commuters boarding a train at Swargate")
        hero.scroll_into_view_if_needed()
        assert hero.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0, "the hero picture loads"


def test_second_editor_is_refused_and_keeps_what_they_typed(new_context):
    staff("anita", role="Editor")
    staff("bharat", role="Editor")
    story = make_story(headline="Original headline", body="<p>Original body.</p>")
    change_url = f"/admin/articles/article/{story.pk}/change/"
    pages = {}
    for name in ("anita", "bharat"):  # both open the story before either saves
        pages[name] = new_context().new_page()
        log_in(pages[name], name)
        pages[name].goto(change_url)
        expect(editor(pages[name])).to_contain_text("Original body.")
    a, b = pages["anita"], pages["bharat"]

    a.locator("#id_headline").fill("Anita's headline")
    a.locator("input[name=_save]").click()
    expect(a.locator(".messagelist .success")).to_contain_text("was changed successfully")

    b.locator("#id_headline").fill("Bharat's headline")
    caret_at_end(b)
    b.keyboard.press("Enter")
    b.keyboard.type("Bharat typed this paragraph.")
    expect(editor(b).locator("p")).to_have_text(["Original body.", "Bharat typed this paragraph."])
    b.locator("input[name=_save]").click()

    expect(b.locator(".errornote, .errorlist.nonfield")).to_contain_text(["Not saved: anita changed this story"])
    expect(b.locator(".errorlist.nonfield")).to_contain_text("Headline is now “Anita's headline”")
    expect(b.locator("#id_headline")).to_have_value("Bharat's headline")
    expect(editor(b).locator("p")).to_have_text(["Original body.", "Bharat typed this paragraph."])
    assert "Bharat typed this paragraph." in body_value(b)
    story.refresh_from_db()
    assert story.headline == "Anita's headline" and "Bharat" not in story.body  # nothing overwritten silently
