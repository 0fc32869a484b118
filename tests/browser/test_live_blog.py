"""A live blog end to end in Chromium: a reporter writes in the live desk's editor (the story body's editor: a
subheading, a link, a photo from the chooser) and posts with the keyboard, a reader's open page offers the new
entries and inserts them without moving what the reader is looking at; axe on both pages.

The reporter and the reader are separate browser contexts against the live server (a thread of this process).
"""
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services as story_services
from live import services
from live.models import LiveEntry
from tests.browser.support import caret_at_end, editor, expect, log_in, make_picture, select_word, staff
from tests.browser.test_accessibility import ADMIN_NOT_OURS, axe_violations
from tests.factories import make_reporter, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

POLL_SECONDS = 5
LINK = "https://results.eci.gov.in/"
DESK_EDITOR = ".live-desk .prose-editor [contenteditable=true]"
# The desk labels the editing surface itself (static/live/desk.js), so axe is not told to excuse it there.
DESK_EXCUSED = {rule: [s for s in selectors if s != ".ProseMirror"] for rule, selectors in ADMIN_NOT_OURS.items()}

# Layout shifts the reader did not cause (no click or key press in the 500 ms before): what CLS counts.
SHIFT_OBSERVER = """() => {
  window.__shifts = [];
  window.__shiftObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shifts.push(entry.value);
  });
  window.__shiftObserver.observe({type: "layout-shift", buffered: true});
}"""
# The shifts so far, with those recorded but not yet delivered to the observer's callback (takeRecords).
SHIFTS = """() => {
  for (const entry of window.__shiftObserver.takeRecords()) if (!entry.hadRecentInput) window.__shifts.push(entry.value);
  return window.__shifts.reduce((a, b) => a + b, 0);
}"""


# Two frames rendered, then a task: the browser has laid out what changed, and queued layout-shift entries have been
# delivered to the observer. A condition, not a fixed wait: on a loaded machine it takes as long as it takes.
RENDERED = """() => new Promise(resolve =>
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))))"""


def rendered(page) -> None:
    page.evaluate(RENDERED)


def open_blog():
    editor = staff("editor", role="Editor")
    ritu = staff("ritu", role="Reporter")
    reporter = make_reporter("Ritu Sharma")
    reporter.user = ritu
    reporter.save()
    story = make_story(headline="Counting day: results as they come", reporters=[reporter],
                       body="<p>Votes are being counted across 543 constituencies.</p>")
    story = story_services.publish(story, at=timezone.now() - timedelta(hours=3), actor=story_services.COMMAND)
    blog = services.open_blog(story, actor=editor, coverage_start=timezone.now() - timedelta(hours=2),
                              reporters=[ritu], poll_seconds=POLL_SECONDS)
    for n in range(8):  # enough earlier entries that the reader scrolls into the stream
        services.post_entry(blog, actor=editor, reporters=[reporter], headline=f"Round {n + 1} of counting",
                            body="<p>Counting continues at every centre.</p>" * 3)
    photo = make_picture("PTI", "Party workers celebrate outside the office", caption="Celebrations in Delhi")
    return story, blog, photo


def desk_button(page, name):
    return page.locator(f".live-desk .prose-menubar__button[data-name={name}]")


def write_rich_entry(page, caption, text):
    """A subheading (the editor's "## " shortcut), a paragraph with a link, then a photo placed with the chooser."""
    body = editor(page, DESK_EDITOR)
    body.click()
    page.keyboard.type("## Celebrations begin")
    expect(body.locator("h2")).to_have_text("Celebrations begin")
    page.keyboard.press("Enter")
    page.keyboard.type(text)
    select_word(page, "leads widen", surface=DESK_EDITOR)
    desk_button(page, "link").click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.get_by_label("URL").fill(LINK)
    dialog.get_by_role("button", name="Update").click()
    expect(dialog).to_have_count(0)
    expect(body.locator(f'a[href="{LINK}"]')).to_have_text("leads widen")
    caret_at_end(page, surface=DESK_EDITOR)
    page.keyboard.press("Enter")
    desk_button(page, "bodyPhoto").click()
    chooser = page.locator("dialog.media-chooser-dialog[open]")
    chooser.get_by_label("Search the photo library").fill("Delhi")
    chooser.locator(".media-chooser__photo", has_text=caption).click()
    chooser.get_by_role("button", name="Insert photo").click()
    expect(chooser).to_have_count(0)
    expect(body.locator(".media-node--photo")).to_have_count(1)


def post_from_desk(page, text, *, write=None, pinned=False, key_event=False, then=None, screenshot=None):
    body = editor(page, DESK_EDITOR)
    if write:
        write()
    else:
        body.click()
        page.keyboard.type(text)
    if pinned:
        page.get_by_label("Pin above the stream").check()
    if key_event:
        page.get_by_label("Key event").check()
    if screenshot:
        page.screenshot(path=str(screenshot), full_page=True)
    body.press("Control+Enter")  # the keyboard way, from inside the editor
    if then:
        then()
    expect(page.locator("[data-desk-status]")).to_contain_text("Posted at")
    expect(page.locator("#id_body")).to_have_value("")  # ready for the next one, no reload
    expect(body).to_have_text("")
    expect(body).to_be_focused()
    expect(page.locator("[data-desk-stream]")).to_contain_text(text)


def test_reporter_posts_three_entries_and_the_readers_open_page_inserts_them_without_shift(new_context, screenshots_dir):
    story, blog, photo = open_blog()

    reader = new_context(width=1280, height=800).new_page()
    reader.goto(story.get_absolute_url())
    reader.evaluate(SHIFT_OBSERVER)
    expect(reader.locator(".live-entry")).to_have_count(8)
    looking_at = reader.locator("#entry-" + str(LiveEntry.objects.order_by("posted_at")[4].pk))
    looking_at.scroll_into_view_if_needed()
    reader.mouse.wheel(0, 0)
    rendered(reader)

    desk = new_context().new_page()
    log_in(desk, "ritu")
    desk.goto("/admin/live/liveblog/")
    desk.get_by_role("link", name="Open the live desk").click()
    expect(desk.get_by_role("heading", name="New entry")).to_be_visible()
    expect(desk.get_by_role("textbox", name="Text")).to_be_visible()  # the editor, named by the field's label
    problems = axe_violations(desk, excused=DESK_EXCUSED)
    assert not problems, "axe on the live desk:\n" + "\n".join(problems)

    delays = []

    def reader_sees_one_new_update():  # timed from the key press that posts
        started = time.monotonic()
        expect(reader.locator("[data-live-new]")).to_have_text("1 new update — show", timeout=(POLL_SECONDS + 5) * 1000)
        delays.append(time.monotonic() - started)

    rich = "Party workers gather outside the office as leads widen."
    post_from_desk(desk, rich, write=lambda: write_rich_entry(desk, photo.caption, rich), then=reader_sees_one_new_update,
                   screenshot=screenshots_dir / "live-desk-editor.png")
    posted = LiveEntry.objects.get(body__contains="data-photo")
    assert "<h2>Celebrations begin</h2>" in posted.body and f'href="{LINK}"' in posted.body
    assert f'<figure data-photo="{photo.pk}" data-size="full">' in posted.body
    print(f"Post → reader sees '1 new update': {delays[0]:.1f} s (poll interval {POLL_SECONDS} s)")
    assert delays[0] <= POLL_SECONDS + 2
    post_from_desk(desk, "Read this first: how to follow the count tonight.", pinned=True)
    post_from_desk(desk, "The ruling alliance crosses the majority mark.", key_event=True)

    button = reader.locator("[data-live-new]")
    expect(button).to_have_text("3 new updates — show", timeout=(POLL_SECONDS + 5) * 1000)
    expect(reader.locator("[data-live-status]")).to_have_text("3 new updates")
    assert reader.locator("[data-live-status]").get_attribute("aria-live") == "polite"

    before = looking_at.bounding_box()["y"]
    button.click()
    expect(reader.locator(".live__stream .live-entry")).to_have_count(11)
    rendered(reader)  # laid out and painted after the insertion, and any shift it caused reported
    assert abs(looking_at.bounding_box()["y"] - before) <= 1, "what the reader was reading moved"
    assert reader.evaluate(SHIFTS) == 0
    assert button.is_hidden()
    texts = reader.locator(".live__stream .live-entry__body").all_inner_texts()
    assert texts[:2] == ["The ruling alliance crosses the majority mark.",
                         "Read this first: how to follow the count tonight."]
    expect(reader.locator("[data-live-pinned]")).to_contain_text("how to follow the count")
    expect(reader.get_by_role("navigation", name="Key events")).to_contain_text("The ruling alliance crosses")
    written = reader.locator(".live__stream .live-entry").nth(2).locator(".live-entry__body")
    expect(written.get_by_role("heading", name="Celebrations begin", level=4)).to_be_visible()  # below the h3
    expect(written.get_by_role("link", name="leads widen")).to_have_attribute("href", LINK)
    expect(written.locator("figure.body-photo img")).to_have_attribute("alt", photo.alt_text)
    expect(written.locator("figure.body-photo figcaption")).to_have_text(f"{photo.caption} {photo.credit.picture_label}")
    written.scroll_into_view_if_needed()
    reader.screenshot(path=str(screenshots_dir / "live-blog-entry-from-editor.png"))

    # Edit loads an entry's body into the editor (subheading, link and photo as they were); Cancel empties it.
    desk.locator(f'[data-desk-stream] [data-edit="{posted.pk}"]').click()
    desk_body = editor(desk, DESK_EDITOR)
    expect(desk.locator("[data-form-title]")).to_have_text("Correct entry")
    expect(desk_body.locator("h2")).to_have_text("Celebrations begin")
    expect(desk_body.locator(f'a[href="{LINK}"]')).to_have_text("leads widen")
    expect(desk_body.locator(".media-node--photo")).to_have_count(1)
    desk.get_by_role("button", name="Cancel correction").click()
    expect(desk_body).to_have_text("")
    expect(desk.locator("[data-form-title]")).to_have_text("New entry")

    # A correction from the desk is applied in place on the open page.
    desk.locator("[data-desk-stream] [data-edit]").first.click()
    expect(desk_body).to_have_text("The ruling alliance crosses the majority mark.")
    caret_at_end(desk, surface=DESK_EDITOR)
    desk.keyboard.press("Backspace")
    desk.keyboard.type(", with 280 seats.")
    desk.get_by_role("button", name="Save correction").click()
    expect(desk.locator("[data-desk-status]")).to_contain_text("Correction saved")
    problems = axe_violations(desk, excused=DESK_EXCUSED)  # a stream with the photo, subheading and link entry
    assert not problems, "axe on the live desk after posting:\n" + "\n".join(problems)
    expect(reader.locator(".live__stream .live-entry").first).to_contain_text("with 280 seats",
                                                                                 timeout=(POLL_SECONDS + 5) * 1000)
    expect(reader.locator(".live__stream .live-entry").first).to_contain_text("Updated")

    reader.goto(story.get_absolute_url())  # and a reload (no script needed) shows the same
    expect(reader.locator(".live__stream .live-entry")).to_have_count(11)
    problems = axe_violations(reader)
    assert not problems, "axe on the live blog page:\n" + "\n".join(problems)
    reader.goto("/")  # the story's card carries LIVE
    expect(reader.locator(".card", has_text=story.headline).locator(".live-badge")).to_have_text("Live")
    problems = axe_violations(reader)
    assert not problems, "axe on the home page with a LIVE card:\n" + "\n".join(problems)


def test_without_javascript_the_blog_reads_and_permalinks_find_their_page(new_context):
    story, blog, _ = open_blog()
    reporter = make_reporter("Ritu Sharma")
    for n in range(25):
        services.post_entry(blog, actor=services.COMMAND, reporters=[reporter], body=f"<p>Later entry {n}</p>")
    oldest = LiveEntry.objects.order_by("posted_at").first()
    page = new_context(java_script_enabled=False).new_page()
    page.goto(story.get_absolute_url())
    expect(page.locator(".live__stream .live-entry")).to_have_count(20)
    page.get_by_role("link", name="Older updates →").click()
    expect(page.locator(".live__stream .live-entry")).to_have_count(13)
    page.goto(f"{story.get_absolute_url()}#entry-{oldest.pk}")  # page 1 does not hold it: the script finds its page
    reader = new_context().new_page()
    reader.goto(f"{story.get_absolute_url()}#entry-{oldest.pk}")
    expect(reader).to_have_url(f"{reader.url.split('/story/')[0]}{story.get_absolute_url()}?page=2#entry-{oldest.pk}")
    expect(reader.locator(f"#entry-{oldest.pk}")).to_be_in_viewport()


def test_without_javascript_the_desk_posts_plain_text_with_a_form_post(new_context):
    story, blog, _ = open_blog()
    desk = new_context(java_script_enabled=False).new_page()
    log_in(desk, "ritu")
    desk.goto(f"/admin/live/liveblog/{blog.pk}/desk/")
    expect(desk.locator(".live-desk .prose-editor")).to_have_count(0)  # no editor: the plain text box
    desk.get_by_label("Text").fill("## Turnout\n\nFigures at https://results.eci.gov.in/ now")
    desk.get_by_role("button", name="Post").click()
    expect(desk.locator(".messagelist")).to_contain_text("Posted at")
    expect(desk.get_by_label("Text")).to_have_value("")
    entry = desk.locator("[data-desk-stream] .live-desk__entry").first
    expect(entry.get_by_role("heading", name="Turnout", level=4)).to_be_visible()
    expect(entry.get_by_role("link", name="https://results.eci.gov.in/")).to_be_visible()


HIDDEN_TAB = """Object.defineProperty(document, "hidden", {get: () => true});
Object.defineProperty(document, "visibilityState", {get: () => "hidden"});"""


# The page's own clock: when the page was ready (DOMContentLoaded: the deferred reader script has just started its
# timer) and when each poll was sent. Counting on the test's clock from the end of page.goto() (the load event, which
# waits for pictures) moved the window by however long a loaded machine took to load them.
POLL_LOG = """(() => {
  window.__polls = [];
  document.addEventListener("DOMContentLoaded", () => { window.__ready = performance.now(); });
  const send = window.fetch;
  window.fetch = function (url, ...rest) {
    if (String(url).includes("/live/?after=")) window.__polls.push(performance.now());
    return send.call(this, url, ...rest);
  };
})();"""


def polls_during(context, url, seconds) -> int:
    """How many polls the page sent in its first `seconds` after it was ready, by the page's own clock."""
    context.add_init_script(POLL_LOG)
    page = context.new_page()
    page.goto(url)
    span = seconds * 1000
    # Functions, not expressions: the page's Content Security Policy refuses eval().
    page.wait_for_function("span => window.__ready !== undefined && performance.now() >= window.__ready + span",
                           arg=span, polling=250, timeout=span + 60_000)
    return page.evaluate("span => window.__polls.filter(at => at < window.__ready + span).length", span)


def test_pages_poll_at_the_servers_pace_slower_when_hidden_and_not_at_all_once_ended(new_context):
    story, blog, _ = open_blog()  # polls every 5 s visible, 20 s hidden
    assert polls_during(new_context(), story.get_absolute_url(), 12) == 2  # at about 5 s and 10 s
    hidden = new_context()
    hidden.add_init_script(HIDDEN_TAB)
    assert polls_during(hidden, story.get_absolute_url(), 12) == 1  # at about 5 s, then not before 25 s
    services.end_coverage(blog, actor=services.COMMAND)
    assert polls_during(new_context(), story.get_absolute_url(), 7) == 0
