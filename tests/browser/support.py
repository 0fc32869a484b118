"""What the browser tests share: logging in, driving the admin's widgets, the newsroom they read."""
import io
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from ads.models import AdSlot, Advertiser, Campaign, Creative
from articles import services
from core.timefmt import IST, ordinal
from photos.models import Credit, Photo
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, PASSWORD
from tests.factories import make_reporter, make_story

try:  # imported only where the browser tests run; the conftest skips (or fails, in CI) without it
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None
else:
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


# People -------------------------------------------------------------------------------------------------------------

def staff(username: str, role: str):
    """A staff user in one of the roles the migrations create ("Editor", "Reporter", "Ad operations")."""
    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, username: str) -> None:
    """Through the real admin login form."""
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text(username, ignore_case=True)


# Admin widgets ------------------------------------------------------------------------------------------------------

def select2_pick(page, field: str, search: str, choice: str) -> None:
    """Pick `choice` in the admin autocomplete (select2) of form row `field`, typing `search` to find it."""
    row = page.locator(f".form-row.field-{field}")
    multiple = row.locator(".select2-selection--multiple")
    if multiple.count():
        row.locator(".select2-search__field").click()
        box = row.locator(".select2-search__field")
    else:
        row.locator(".select2-selection").click()
        box = page.locator(".select2-container--open .select2-search__field")
    box.fill(search)
    # The results arrive from /admin/autocomplete/ after select2's debounce; wait for the exact option.
    option = page.locator(".select2-container--open .select2-results__option", has_text=choice)
    expect(option).to_have_count(1)
    option.click()
    expect(row.locator(".select2-selection")).to_contain_text(choice)


def chosen_in_order(page, field: str) -> list[str]:
    """The choices of a multiple autocomplete, as shown (the order they were picked)."""
    return [text.lstrip("×").strip() for text in page.locator(
        f".form-row.field-{field} .select2-selection__choice").all_inner_texts()]


def split_datetime(page, name: str, when: datetime, seconds: bool = False) -> None:
    """Type an IST instant into an AdminSplitDateTime as an editor would (the calendar writes dd/mm/yyyy)."""
    local = when.astimezone(IST)
    page.locator(f"#id_{name}_0").fill(local.strftime("%d/%m/%Y"))
    page.locator(f"#id_{name}_1").fill(local.strftime("%H:%M:%S" if seconds else "%H:%M"))


# The rich-text editor (django-prose-editor: Tiptap / ProseMirror) -----------------------------------------------------

EDITOR = ".form-row.field-body .prose-editor [contenteditable=true]"

# ProseMirror reads the DOM selection on `selectionchange`; its key bindings (Enter, the menu commands) act on its own
# copy. Setting the selection and awaiting that event (ProseMirror's listener was registered first, so it has run)
# makes the next key press or button act where the test put the caret, with no sleep.
_SELECT_JS = """
async (editor, word) => {
  editor.focus();
  const changed = new Promise(resolve => document.addEventListener("selectionchange", resolve, {once: true}));
  const range = document.createRange();
  if (word === null) {
    range.selectNodeContents(editor.lastElementChild);
    range.collapse(false);
  } else {
    const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode()) && node.data.indexOf(word) < 0) {}
    if (!node) throw new Error("not in the editor: " + word);
    const start = node.data.indexOf(word);
    range.setStart(node, start);
    range.setEnd(node, start + word.length);
  }
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  // No event comes if the selection was already there: then a short wait is all there is to wait for.
  await Promise.race([changed, new Promise(resolve => setTimeout(resolve, 250))]);
  await new Promise(requestAnimationFrame);
}
"""


def editor(page, surface: str = EDITOR):
    """The story body's editor, or (`surface`: a selector) the same editor on another form, e.g. the live desk."""
    return page.locator(surface)


def caret_at_end(page, surface: str = EDITOR) -> None:
    """Put the caret at the end of the last block."""
    editor(page, surface).evaluate(_SELECT_JS, None)


def select_word(page, word: str, surface: str = EDITOR) -> None:
    """Select the first occurrence of `word` in the editor."""
    editor(page, surface).evaluate(_SELECT_JS, word)


def body_value(page) -> str:
    """What the form submits for the body (the editor keeps the textarea in step)."""
    return page.locator("#id_body").input_value()


# Reader pages ---------------------------------------------------------------------------------------------------

SLOTS_IN_VIEW_FILLED = """() =>
  [...document.querySelectorAll(".ad-slot")]
    .filter(slot => slot.getBoundingClientRect().top < innerHeight + 200)
    .every(slot => slot.classList.contains("ad-slot--filled"))
  && [...document.images].filter(img => img.loading !== "lazy").every(img => img.complete)"""


def settle(page) -> None:
    """Loaded, eager pictures in, and slots.js has filled every slot in (or near) view: what a reader sees first.

    Every slot is booked in these tests (book_every_slot), so "filled" is the state to wait for.
    """
    page.wait_for_load_state("load")
    page.wait_for_function(SLOTS_IN_VIEW_FILLED)


# Pictures ---------------------------------------------------------------------------------------------------------

def picture(size=(960, 540), tint=(40, 90, 160)) -> Image.Image:
    """A photograph-like picture: a gradient sky over a sun, so crops and renditions have something to keep."""
    width, height = size
    across = Image.linear_gradient("L").rotate(90).resize(size)
    down = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (across.point(lambda v: tint[0] + v // 2), down.point(lambda v: tint[1] + v // 3),
                                Image.new("L", size, tint[2])))
    ImageDraw.Draw(image).ellipse((width // 5, height // 4, width // 2, height * 3 // 4), fill=(230, 180, 40))
    return image


def jpeg_bytes(size=(960, 540), tint=(40, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    picture(size, tint).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def jpeg_file(folder: Path, name="station.jpg", size=(800, 533)) -> Path:
    path = folder / name
    path.write_bytes(jpeg_bytes(size, tint=(70, 60, 120)))
    return path


def make_picture(credit: str, alt: str, caption="", name="picture.jpg", tint=(40, 90, 160), size=(480, 270)) -> Photo:
    """A library photo (its renditions are made on save: small pictures keep the tests quick)."""
    return Photo.objects.create(
        image=SimpleUploadedFile(name, jpeg_bytes(size, tint), content_type="image/jpeg"),
        alt_text=alt, caption=caption, credit=Credit.objects.get(name=credit),
    )


def banner_png(width=300, height=250, colour=(20, 90, 160)) -> bytes:
    picture = Image.new("RGB", (width, height), colour)
    inset = min(width, height) // 10
    ImageDraw.Draw(picture).rectangle((inset, inset, width - inset, height - inset), outline=(255, 255, 255), width=4)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


# Times ------------------------------------------------------------------------------------------------------------

def reader_line(instant: datetime) -> str:
    """The reader's form, written out here rather than taken from core.timefmt: 'March 25th, 2021 at 08:07 IST'."""
    local = instant.astimezone(IST)
    return f"{local:%B} {ordinal(local.day)}, {local.year} at {local:%H:%M} IST"


def ist_now() -> datetime:
    return timezone.now().astimezone(IST)


# A newsroom to read -----------------------------------------------------------------------------------------------

LONG_BODY = (
    "<p>The monsoon reached the Kerala coast on Friday, two days ahead of the forecast, the weather office said.</p>"
    "<p>Fishermen were told to stay ashore until Sunday as the sea turned rough along the coast.</p>"
    "<h2>What the forecast says</h2>"
    "<p>Heavy rain is likely in the northern districts, with <a href=\"https://example.org/imd\">warnings</a> "
    "for Kozhikode and Kannur.</p>"
    "<p>Schools in three districts will stay closed on Monday, the state government announced.</p>"
    "<p>Farmers welcomed the early arrival after a dry May that left reservoirs low.</p>"
    "<p>The weather office expects the monsoon to cover the whole state within a week.</p>"
)


def book_every_slot() -> list[Campaign]:
    """A live image campaign in every slot, its creative the slot's size, so slots.js replaces every house creative."""
    now = timezone.now()
    advertiser = Advertiser.objects.get_or_create(name="Kerala Tourism")[0]
    campaigns = []
    for n, slot in enumerate(AdSlot.objects.order_by("pk")):
        campaign = Campaign.objects.create(
            advertiser=advertiser, name=f"Backwaters {slot.key}",
            starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=30),
        )
        campaign.slots.set([slot])
        Creative.objects.create(
            campaign=campaign, name=f"Backwaters {slot.width}×{slot.height}", kind=Creative.Kind.IMAGE,
            alt_text="Kerala backwaters at dusk: book a houseboat",
            image=SimpleUploadedFile(f"backwaters-{slot.key}.png", banner_png(slot.width, slot.height, (20, 90 + 20 * n, 160)),
                                     content_type="image/png"),
            click_url="https://tourism.example/backwaters",
        )
        campaigns.append(campaign)
    return campaigns


def seed_newsroom() -> dict:
    """A handful of live stories with pictures, bylines, tags and sections: what the reader-facing tests read."""
    ritu, arjun = make_reporter("Ritu Sharma", designation="Senior correspondent"), make_reporter("Arjun Mehta")
    now = timezone.now()
    lead_photo = make_picture("PTI", "Waves breaking over the sea wall at Kozhikode",
                              caption="The sea wall at Kozhikode on Friday", name="kozhikode.jpg", size=(800, 450))
    stories = []
    for n, (headline, slug, reporters, photo) in enumerate([
        ("Markets close higher as monsoon arrives early", "business", [arjun], make_picture("AP", "Traders at the exchange", name="m.jpg", tint=(90, 40, 60))),
        ("India name squad for the Asia Cup", "sports", [ritu], None),
        ("Rains lash Mumbai as the monsoon advances north", "india", [ritu, arjun], make_picture("AP", "A flooded street in Mumbai", name="r.jpg", tint=(30, 70, 90))),
        ("Chip plant in Gujarat begins trial production", "technology", [arjun], make_picture("PTI", "The new plant near Ahmedabad", name="c.jpg", tint=(60, 80, 40))),
        ("Monsoon reaches Kerala two days early", "india", [ritu, arjun], lead_photo),
    ]):
        story = make_story(
            headline=headline, section_slug=slug, reporters=reporters, hero=photo,
            photos=[photo] if photo else [], tags=["Monsoon", "Weather"] if "onsoon" in headline else ["Economy"],
            standfirst="The India Meteorological Department says the season will bring normal rain this year.",
            body=LONG_BODY,
        )
        stories.append(services.publish(story, at=now - timedelta(hours=6 - n), actor=services.COMMAND))
    return {"article": stories[-1], "stories": stories, "ritu": ritu, "arjun": arjun}
