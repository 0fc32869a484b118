"""The desk's admin at a laptop's 1280 px and a phone's 375 px: the story form laid out for writing, bylines
reordered by drag and by keyboard, restoring with confirmation, shareable preview links, the desk home. axe runs on
each admin page used, and the story form and desk home are saved as screenshots in test-artifacts/screenshots."""
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import services
from articles.models import Article, AuditEntry, PreviewLink
from tests.browser.support import chosen_in_order, editor, expect, log_in, select2_pick, staff
from tests.browser.test_accessibility import ADMIN_NOT_OURS, axe_violations
from tests.factories import make_reporter, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"laptop": 1280, "phone": 375}
HEADLINE_120 = (
    "Fishing boats return to Marina as the cyclone weakens over the Bay of Bengal, and the fishermen count the cost of it all"
)


# select2 (Django's autocomplete) puts its chosen-value "×" <span>s straight into a <ul> once something is picked.
EXCUSED = {**ADMIN_NOT_OURS, "list": [".select2-selection__rendered"]}


def no_axe_problems(page, where: str) -> None:
    problems = axe_violations(page, excused=EXCUSED)
    assert not problems, f"axe on {where}:\n" + "\n".join(problems)


def fully_visible(page, selector: str) -> None:
    """The element shows all its text: nothing scrolled away inside it, and it lies within the page's width."""
    box = page.locator(selector)
    expect(box).to_be_visible()
    clipped = box.evaluate("el => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1")
    assert not clipped, f"{selector} hides part of its text"
    right = box.evaluate("el => el.getBoundingClientRect().right")
    assert right <= page.viewport_size["width"], f"{selector} runs past the screen's edge"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_writing_a_story_with_a_long_headline(new_context, screenshots_dir, width):
    assert len(HEADLINE_120) == 120
    staff("neha", role="Editor")
    make_reporter("Ritu Sharma")
    page = new_context(width=width).new_page()
    log_in(page, "neha")
    page.goto("/admin/articles/article/add/")
    page.locator("#id_headline").fill(HEADLINE_120)
    fully_visible(page, "#id_headline")
    expect(page.locator("#id_headline_count")).to_contain_text("120 / 250 characters")
    page.locator("#id_standfirst").fill("Boats that sheltered in Ennore for four days came back on Thursday.")
    expect(page.locator("#id_standfirst_count")).to_contain_text("67 / 600 characters")
    editor(page).click()
    page.keyboard.type("The harbour reopened at dawn.")
    select2_pick(page, "byline_reporters", "Ritu", "Ritu Sharma")
    select2_pick(page, "section", "Ind", "India")
    expect(page.locator(".story-side .fieldset-heading", has_text="Bylines")).to_contain_text("1 byline · India")
    overflowing = page.evaluate("""() => [...document.querySelectorAll('#article_form *')]
        .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > innerWidth + 1; })
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert overflowing == [], f"past the screen's edge at {width} px: {overflowing}"
    # The save bar stays in view while the editor is at the top of the form.
    expect(page.locator("#article_form .submit-row")).to_be_in_viewport()
    no_axe_problems(page, f"the story form at {width} px")
    page.screenshot(path=str(screenshots_dir / f"story-form-{width}.png"), full_page=True)
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    fully_visible(page, "#id_headline")
    story = Article.objects.get()
    assert story.headline == HEADLINE_120 and story.state() == "draft"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_reordering_bylines_by_drag_and_by_keyboard(new_context, width):
    staff("neha", role="Editor")
    ritu, arjun, sam = make_reporter("Ritu Sharma"), make_reporter("Arjun Mehta"), make_reporter("Sam Roy")
    story = make_story(headline="Three reporters on the port strike", reporters=[ritu, arjun, sam])
    page = new_context(width=width).new_page()
    log_in(page, "neha")
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    order = page.locator(".byline-order li")
    expect(order).to_have_text([re.compile("Ritu Sharma"), re.compile("Arjun Mehta"), re.compile("Sam Roy")])
    no_axe_problems(page, f"the story form of an existing story at {width} px")

    # Drag Sam to the top.
    order.filter(has_text="Sam Roy").drag_to(order.filter(has_text="Ritu Sharma"))
    expect(order).to_have_text([re.compile("Sam Roy"), re.compile("Ritu Sharma"), re.compile("Arjun Mehta")])
    assert chosen_in_order(page, "byline_reporters") == ["Sam Roy", "Ritu Sharma", "Arjun Mehta"]
    # Keyboard: Arjun up one place with Alt+ArrowUp; the focus stays on him.
    order.filter(has_text="Arjun Mehta").focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(order).to_have_text([re.compile("Sam Roy"), re.compile("Arjun Mehta"), re.compile("Ritu Sharma")])
    expect(order.filter(has_text="Arjun Mehta")).to_be_focused()
    expect(page.locator(".byline-order ~ [role=status]")).to_have_text("Arjun Mehta: position 2 of 3")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    assert Article.objects.get().byline_text == "Sam Roy, Arjun Mehta and Ritu Sharma"
    expect(order).to_have_text([re.compile("Sam Roy"), re.compile("Arjun Mehta"), re.compile("Ritu Sharma")])

    # Removing a byline and picking it again puts it last, as the help text says.
    page.locator(".field-byline_reporters .select2-selection__choice", has_text="Sam Roy").locator(
        ".select2-selection__choice__remove").click()
    page.keyboard.press("Escape")
    select2_pick(page, "byline_reporters", "Sam", "Sam Roy")
    assert chosen_in_order(page, "byline_reporters") == ["Arjun Mehta", "Ritu Sharma", "Sam Roy"]
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Article.objects.get().byline_text == "Arjun Mehta, Ritu Sharma and Sam Roy"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_restoring_an_old_version_asks_first(new_context, width):
    editor_user = staff("neha", role="Editor")
    story = make_story(headline="First headline", body="<p>First body.</p>")
    story.headline, story.body = "Second headline", "<p>Second body.</p>"
    story = services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=editor_user)
    page = new_context(width=width).new_page()
    log_in(page, "neha")
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    page.locator(".object-tools").get_by_role("link", name=re.compile(r"^History")).click()
    no_axe_problems(page, f"the History page at {width} px")
    page.get_by_role("link", name="Restore this version…").click()
    expect(page.locator("#content-main")).to_contain_text("The story's headline becomes “First headline”")
    expect(page.locator("#content-main")).to_contain_text("These parts change: headline, body")
    no_axe_problems(page, f"the restore confirmation at {width} px")
    assert Article.objects.get().headline == "Second headline"  # nothing happened yet
    page.get_by_role("link", name="No, back to the history").click()
    expect(page).to_have_url(re.compile(r"/revisions/$"))
    assert Article.objects.get().headline == "Second headline"
    page.get_by_role("link", name="Restore this version…").click()
    page.get_by_role("button", name="Yes, restore this version").click()
    expect(page.locator(".messagelist .success")).to_contain_text("as a new revision")
    assert Article.objects.get().headline == "First headline"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_preview_link_opens_logged_out_until_it_expires_or_is_revoked(new_context, width):
    staff("neha", role="Editor")
    story = make_story(headline="Draft for the lawyer", body="<p>The paragraph the lawyer must read.</p>")
    desk = new_context(width=width).new_page()
    log_in(desk, "neha")
    desk.goto(f"/admin/articles/article/{story.pk}/change/")
    desk.locator(".object-tools").get_by_role("link", name="Share a preview").click()
    no_axe_problems(desk, f"the Share a preview page at {width} px")
    desk.get_by_label("Works for").select_option(label="1 hour")
    desk.get_by_label("Who it is for").fill("Legal: A. Rao")
    desk.get_by_role("button", name="Make preview link").click()
    expect(desk.locator(".messagelist .success")).to_contain_text("Preview link made")
    url = desk.get_by_label("Preview link for Legal: A. Rao").input_value()
    no_axe_problems(desk, f"the Share a preview page with a link at {width} px")

    outsider = new_context(width=width).new_page()  # no login, no cookies
    response = outsider.goto(url)
    assert response.status == 200 and response.headers["x-robots-tag"] == "noindex, nofollow"
    expect(outsider.locator("h1")).to_have_text("Draft for the lawyer")
    expect(outsider.locator(".story__body")).to_contain_text("The paragraph the lawyer must read.")
    expect(outsider.locator('meta[name="robots"]')).to_have_attribute("content", "noindex")
    expect(outsider.locator(".preview-banner")).to_contain_text("This shared link works until")

    # An hour and a minute later the link has expired.
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = outsider.goto(url)
        assert response.status == 404
        expect(outsider.locator("h1")).to_have_text("This preview link no longer works")

    # A second link, revoked from the same page.
    desk.get_by_label("Works for").select_option(label="24 hours")
    desk.get_by_label("Who it is for").fill("A source")
    desk.get_by_role("button", name="Make preview link").click()
    second = desk.get_by_label("Preview link for A source").input_value()
    assert outsider.goto(second).status == 200
    desk.get_by_role("button", name="Revoke the link for A source").click()
    expect(desk.locator(".messagelist .success")).to_contain_text("Revoked")
    assert outsider.goto(second).status == 404
    assert list(AuditEntry.objects.filter(story_id=story.pk).values_list("action", flat=True).order_by("pk")) == [
        "preview link created", "preview link created", "preview link revoked"]
    assert PreviewLink.objects.filter(revoked_at__isnull=False).count() == 1


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_desk_home_for_a_reporter_and_an_editor(new_context, screenshots_dir, width):
    reporter_user = staff("ritu", role="Reporter")
    ritu = make_reporter("Ritu Sharma", user=reporter_user)
    editor_user = staff("neha", role="Editor")
    arjun = make_reporter("Arjun Mehta")
    make_story(headline="Harbour reopens after four days", reporters=[ritu])
    services.submit_for_review(make_story(headline="Fishermen count the cost", reporters=[ritu]), actor=reporter_user)
    services.submit_for_review(make_story(headline="Toll plaza protest grows", reporters=[arjun]), actor=services.COMMAND)
    services.publish(make_story(headline="Metro timetable for Monday", reporters=[arjun]),
                     at=timezone.now() + timedelta(minutes=20), actor=services.COMMAND)
    live = services.publish(make_story(headline="Power cuts across the city", reporters=[arjun]),
                            at=timezone.now() - timedelta(hours=2), actor=services.COMMAND)
    services.queue_update(live, services.snapshot(live), go_live_at=timezone.now() - timedelta(minutes=10),
                          actor=services.COMMAND, note="Add the restoration times")
    shared = make_story(headline="Rain warning for the weekend", reporters=[ritu])
    shared.standfirst = "The weather office expects heavy rain."
    services.save_story(shared, services.Related([ritu], [], []), actor=editor_user)

    page = new_context(width=width).new_page()
    log_in(page, "ritu")
    expect(page.locator("h1")).to_have_text("Desk")
    own = page.get_by_role("region", name="Your stories")
    expect(own).to_contain_text("Harbour reopens after four days")
    expect(page.get_by_role("region", name=re.compile("^In review"))).to_contain_text(
        "Fishermen count the cost")
    expect(page.locator("#content-main")).not_to_contain_text("Toll plaza protest grows")
    expect(page.get_by_role("region", name="Recent changes by others")).to_contain_text(
        "Rain warning for the weekend")
    expect(page.get_by_role("link", name="Write a story")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Taggit", ignore_case=True)
    no_axe_problems(page, f"the reporter's desk home at {width} px")
    page.screenshot(path=str(screenshots_dir / f"desk-home-reporter-{width}.png"), full_page=True)

    page = new_context(width=width).new_page()
    log_in(page, "neha")
    expect(page.get_by_role("region", name=re.compile("^In review"))).to_contain_text(
        "Toll plaza protest grows")
    expect(page.get_by_role("region", name=re.compile("^Going live today"))).to_contain_text(
        "Metro timetable for Monday")
    expect(page.get_by_role("region", name="Overdue updates")).to_contain_text(
        "Add the restoration times")
    expect(page.locator("body")).not_to_contain_text("Axes", ignore_case=False)
    no_axe_problems(page, f"the editor's desk home at {width} px")
    page.screenshot(path=str(screenshots_dir / f"desk-home-editor-{width}.png"), full_page=True)
    assert editor_user.is_staff


def test_the_story_and_photo_lists_fit_a_laptop(new_context, screenshots_dir):
    from tests.browser.support import make_picture

    staff("neha", role="Editor")
    for n in range(3):
        make_story(headline=f"Fishing boats return to Marina as the cyclone weakens over the Bay of Bengal ({n})")
    make_picture("AP", "Boats at the Marina", caption="Boats back at the Marina on Thursday", name="boats.jpg")
    page = new_context(width=1280).new_page()
    log_in(page, "neha")
    page.goto("/admin/articles/article/")
    headline = page.locator("#result_list td.field-headline, #result_list th.field-headline").first
    assert headline.bounding_box()["width"] >= 200, "the headline column is squeezed"
    for column in ("column-published_ist", "column-updated_ist", "column-modified_at_ist"):
        cell = page.locator(f"#result_list th.{column}")
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= 1280, f"{column} runs off the screen"
    overflow = "el => el.scrollWidth - el.clientWidth"
    assert page.locator("#changelist-form .results").evaluate(overflow) <= 1, "the story list is clipped"
    no_axe_problems(page, "the story list at 1280 px")
    page.screenshot(path=str(screenshots_dir / "story-list-1280.png"), full_page=True)
    page.goto("/admin/photos/photo/")
    uploaded = page.locator("#result_list th.column-uploaded_at_ist")
    box = uploaded.bounding_box()
    assert box["x"] + box["width"] <= 1280, "the Uploaded column runs off the screen"
    assert page.locator("#changelist-form .results").evaluate(overflow) <= 1, "the photo list is clipped"
    page.screenshot(path=str(screenshots_dir / "photo-list-1280.png"), full_page=True)


def test_ist_inputs_do_not_warn_about_a_browser_elsewhere(browser, live_server):
    """An editor in London: no "You are 5.5 hours behind server time" note, and "Now" still writes IST."""
    from tests.browser.support import ist_now

    staff("neha", role="Editor")
    context = browser.get().new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900},
                                        locale="en-GB", timezone_id="Europe/London")
    try:
        page = context.new_page()
        log_in(page, "neha")
        page.goto("/admin/articles/article/add/")
        expect(page.locator(".field-publish_at .datetimeshortcuts").first).to_be_visible()
        expect(page.locator(".timezonewarning")).to_have_count(0)
        page.locator(".field-publish_at .datetimeshortcuts").nth(1).get_by_role("link", name="Now").click()
        typed = page.locator("#id_publish_at_1").input_value()
        now = ist_now()
        assert typed[:2] in {f"{now.hour:02}", f"{(now.hour - 1) % 24:02}"}, typed  # IST, not London's hour
    finally:
        context.close()
