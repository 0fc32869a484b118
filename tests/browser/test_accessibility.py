"""axe-core on the pages readers and editors use: no "serious" or "critical" violation."""
import re

import pytest

from tests.browser.support import editor, expect, log_in, settle, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BLOCKING = {"serious", "critical"}

# Violations inside Django's own admin widgets, which we do not template. Each entry: rule id -> CSS selectors of the
# nodes excused, for the admin page only; anything else (our templates, our CSS, other rules) still fails the test.
ADMIN_NOT_OURS = {
    # Django's AdminSplitDateTime writes "Date:"/"Time:" as bare text before the two inputs, not as <label for>
    # (the row's <label> points at the first input only), and select2's inline search box has no label of its own
    # (the field's <label> names the hidden <select>). Both are Django admin markup.
    "label": [".vDateField", ".vTimeField", ".select2-search__field"],
    # select2 (Django's autocomplete) renders role=combobox / role=textbox spans without a name, and
    # django-prose-editor's ProseMirror surface is a role=textbox div with no aria-label: third-party widgets.
    "aria-input-field-name": [".select2-selection", ".select2-selection__rendered", ".ProseMirror"],
}


def axe_violations(page, excused: dict[str, list[str]] | None = None) -> list[str]:
    """Run axe-core (bundled with axe-playwright-python) and describe every blocking violation, node by node."""
    from axe_playwright_python.sync_playwright import Axe

    # axe skips an icon drawn by a ligature font (the editor toolbar's Material Icons) but measures the same text in
    # the fallback font while the font is still loading: on a loaded machine the result depended on which came first.
    page.evaluate("() => document.fonts.ready.then(() => true)")
    results = Axe().run(page, options={"resultTypes": ["violations"]}).response
    problems = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            selectors = (excused or {}).get(violation["id"], [])
            if selectors and page.evaluate(
                "([target, selectors]) => { const el = document.querySelector(target);"
                " return !!el && selectors.some(s => el.matches(s)); }",
                [node["target"][-1], selectors],
            ):
                continue
            problems.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
                f"    at {' > '.join(node['target'])}\n    {node['html'][:300]}\n    {node.get('failureSummary', '')}"
            )
    return problems


@pytest.mark.parametrize("which", ["home", "section", "article", "reporter", "search"])
def test_public_pages_have_no_serious_violations(page, newsroom, which):
    article = newsroom["article"]
    url = {
        "home": "/",
        "section": "/section/india/",
        "article": article.get_absolute_url(),
        "reporter": newsroom["ritu"].get_absolute_url(),
        "search": "/search/?q=monsoon",
    }[which]
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    expect(page.locator("main h1").first).to_be_attached()
    settle(page)  # the filled slots are checked too
    problems = axe_violations(page)
    assert not problems, f"axe on {url}:\n" + "\n".join(problems)


def test_admin_story_form_has_no_serious_violations_of_ours(page):
    staff("desk", role="Editor")
    log_in(page, "desk")
    page.goto("/admin/articles/article/add/")
    expect(page.locator(".form-row.field-body .prose-editor [contenteditable=true]")).to_be_visible()
    expect(page.locator(".form-row.field-byline_reporters .select2-container")).to_be_visible()  # widgets built
    problems = axe_violations(page, excused=ADMIN_NOT_OURS)
    assert not problems, "axe on the story form:\n" + "\n".join(problems)


# The WCAG contrast ratio of an element's text colour on its own background, and its opacity (the package drew
# disabled buttons at 0.3, which is what made them unreadable).
CONTRAST = """el => {
  const style = getComputedStyle(el);
  const rgb = value => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const lin = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const [a, b] = [luminance(rgb(style.color)), luminance(rgb(style.backgroundColor))];
  return {ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), opacity: style.opacity,
          background: style.backgroundColor};
}"""


def test_the_editor_toolbar_says_which_commands_cannot_run_now_and_they_stay_readable(page):
    staff("desk", role="Editor")
    log_in(page, "desk")
    page.goto("/admin/articles/article/add/")
    body = editor(page)
    expect(body).to_be_visible()
    undo = page.locator(".form-row.field-body").get_by_role("button", name="undo", exact=True)
    expect(undo).to_have_class(re.compile(r"\bdisabled\b"))  # nothing to undo yet
    expect(undo).to_have_attribute("aria-disabled", "true")
    disabled = undo.evaluate(CONTRAST)
    assert disabled["opacity"] == "1" and disabled["ratio"] >= 4.5, disabled
    body.click()
    page.keyboard.type("Rain")
    expect(undo).not_to_have_class(re.compile(r"\bdisabled\b"))
    expect(undo).not_to_have_attribute("aria-disabled", "true")
    enabled = undo.evaluate(CONTRAST)
    assert enabled["ratio"] >= 4.5 and enabled["background"] != disabled["background"], (enabled, disabled)
    page.keyboard.press("Control+z")  # back to nothing to undo: the state follows
    expect(undo).to_have_attribute("aria-disabled", "true")
