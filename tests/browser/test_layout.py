"""Nothing moves while a story loads, its pictures arrive and its ad slots fill; pages fit a phone and a desktop.

CLS budget: 0.01. Web Vitals calls a page "good" below 0.1, but our design promises no movement at all: every
ad slot reserves its box at the slot's size (slots.js only swaps what is inside it) and every picture carries its
width and height. One real regression — a 300×250 slot collapsing or growing, a picture without dimensions —
scores well above 0.01 at either width, while sub-pixel rounding stays far below it.

Full-page screenshots of home and a story at 375 and 1280 px go to test-artifacts/screenshots/ for a human to look at.
"""
import pytest

from tests.browser.support import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CLS_BUDGET = 0.01
WIDTHS = [375, 1280]

# Registered before any of the page's own scripts: every layout shift from the first paint on.
OBSERVE_SHIFTS = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__shifts.push({
      value: entry.value,
      sources: (entry.sources || []).map(s => {
        const n = s.node;
        const what = n && n.nodeType === 1 ? [n.tagName.toLowerCase(), ...n.classList].join(".")
                                           : (n ? n.nodeName : "?");
        return `${what} ${JSON.stringify(s.previousRect)} -> ${JSON.stringify(s.currentRect)}`;
      }),
    });
  }
}).observe({type: "layout-shift", buffered: true});
"""

EVERYTHING_LOADED = """() => [...document.images].every(img => img.complete)
  && document.querySelectorAll(".ad-slot").length === document.querySelectorAll(".ad-slot--filled").length"""


def scroll_through(page):
    """Down the page a viewport at a time (slots.js fills slots as they come near), then back to the top."""
    height = page.evaluate("document.documentElement.scrollHeight")
    step = page.viewport_size["height"]
    for y in range(0, height + step, step):
        page.evaluate("y => window.scrollTo(0, y)", y)
        page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
    page.wait_for_function(EVERYTHING_LOADED)
    page.evaluate("() => Promise.all([...document.images].map(img => img.decode().catch(() => null)))")
    page.evaluate("window.scrollTo(0, 0)")


def assert_fits(page, name):
    overflow = page.evaluate("""() => {
      const width = document.documentElement.clientWidth;
      return [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > width + 1 && getComputedStyle(el).position !== "absolute")
        .slice(0, 5).map(el => [el.tagName.toLowerCase(), ...el.classList].join("."));
    }""")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= page.viewport_size["width"] and not overflow, (
        f"{name} is wider than the screen ({scroll_width}px): {overflow}")


@pytest.mark.parametrize("width", WIDTHS)
def test_story_page_does_not_shift_as_pictures_and_ads_load(new_context, newsroom, screenshots_dir, width):
    page = new_context(width=width, height=800).new_page()
    page.add_init_script(OBSERVE_SHIFTS)
    page.goto(newsroom["article"].get_absolute_url(), wait_until="load")
    expect(page.locator(".story__hero img")).to_be_visible()
    scroll_through(page)
    # Two frames, so the observer has delivered every entry for what was painted.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    shifts = page.evaluate("window.__shifts")
    cls = sum(shift["value"] for shift in shifts)
    assert page.locator(".ad-slot--filled").count() >= 4
    assert cls < CLS_BUDGET, f"CLS {cls:.4f} at {width}px:\n" + "\n".join(
        f"{shift['value']:.4f}: {'; '.join(shift['sources'])}" for shift in shifts)
    assert_fits(page, f"the story at {width}px")
    page.screenshot(path=str(screenshots_dir / f"article-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_home_fits_the_screen(new_context, newsroom, screenshots_dir, width):
    page = new_context(width=width, height=800).new_page()
    page.goto("/", wait_until="load")
    expect(page.locator(".card--lead img")).to_be_visible()
    scroll_through(page)
    assert_fits(page, f"home at {width}px")
    page.screenshot(path=str(screenshots_dir / f"home-{width}.png"), full_page=True)


def lines_of(page, selector: str) -> float:
    return page.locator(selector).first.evaluate(
        "el => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_lead_headline_and_the_byline_read_well(new_context, newsroom, width):
    page = new_context(width=width, height=800).new_page()
    page.goto("/", wait_until="load")
    # "Monsoon reaches Kerala two days early" beside its picture: a few lines, not one or two words a line.
    assert lines_of(page, ".card__headline--lead") <= 4.2
    page.goto(newsroom["article"].get_absolute_url(), wait_until="load")
    credit = page.locator(".story__hero-credit")
    expect(credit).to_have_text("Photo: PTI")
    names = page.locator(".story__byline > span").first
    same_line = abs(credit.bounding_box()["y"] - names.bounding_box()["y"]) < 2
    separator = credit.evaluate("el => getComputedStyle(el, '::before').content")
    # Beside the names the credit is set off by a rule; on a line of its own it starts with the credit itself.
    assert separator == ('"|"' if same_line else "none"), (width, same_line, separator)
