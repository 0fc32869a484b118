"""A reader with a keyboard: the skip link comes first and shows, the sections follow, focus is always visible."""
import re

import pytest

from tests.browser.support import expect, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What has focus, where it is, and how it shows that it has focus.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    cls: el.className || "",
    text: (el.innerText || el.getAttribute("aria-label") || el.getAttribute("alt") || "").trim().slice(0, 60),
    href: el.getAttribute("href"),
    inHeader: !!el.closest(".site-header"),
    inNav: !!el.closest(".site-nav"),
    inMain: !!el.closest("main"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
             ? `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}` : "",
    shadow: style.boxShadow !== "none" ? style.boxShadow : "",
    box: {left: box.left, top: box.top, right: box.right, bottom: box.bottom, width: box.width, height: box.height},
    viewport: {width: innerWidth, height: innerHeight},
  };
}"""


def tab(page):
    page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)


def describe(focused):
    return f"<{focused['tag']} class={focused['cls']!r} href={focused['href']!r}> {focused['text']!r}"


@pytest.mark.parametrize("which", ["home", "article"])
def test_tab_order_skip_link_first_and_focus_always_visible(page, newsroom, which):
    url = "/" if which == "home" else newsroom["article"].get_absolute_url()
    page.goto(url)
    settle(page)  # slots.js has filled the slots in view (their links take focus too)

    skip = tab(page)
    assert skip and "skip-link" in skip["cls"] and skip["text"] == "Skip to content", f"first Tab: {skip}"
    assert skip["href"] == "#main"
    on_screen = skip["box"]
    assert on_screen["width"] > 0 and on_screen["left"] >= 0 and on_screen["top"] >= 0, f"skip link off screen: {skip}"
    assert on_screen["right"] <= skip["viewport"]["width"] and on_screen["bottom"] <= skip["viewport"]["height"]

    # Then the header: the site's name, then every section of the navigation, in order.
    nav_links = page.locator(".site-nav a")
    expected_nav = [(link.get_attribute("href"), link.inner_text().strip()) for link in nav_links.all()]
    assert len(expected_nav) >= 5
    header, problems = [], []
    focused = skip
    for _ in range(300):  # the whole page, until focus leaves it
        if not (focused["outline"] or focused["shadow"]):
            problems.append(f"no focus indicator: {describe(focused)}")
        focused = tab(page)
        if focused is None or "skip-link" in focused["cls"]:
            break
        if focused["inHeader"]:
            header.append(focused)
    else:
        pytest.fail("Tab never left the page")
    visited_nav = [(f["href"], f["text"]) for f in header if f["inNav"]]
    assert visited_nav == expected_nav, f"navigation by Tab: {visited_nav}"
    before_nav = [describe(f) for f in header[: header.index(next(f for f in header if f["inNav"]))]]
    assert before_nav == [describe(header[0])] and "site-logo" in header[0]["cls"], f"before the sections: {before_nav}"
    assert not problems, "\n".join(problems)

    # The skip link works: activating it sends the next Tab into the main content, past the header and its ad.
    page.goto(url)
    tab(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    after = tab(page)
    assert after and after["inMain"], f"after the skip link, Tab went to {after and describe(after)}"
