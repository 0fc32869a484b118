"""axe-core on the pages readers and editors use: no "serious" or "critical" violation."""
import pytest

from tests.browser.support import expect, log_in, settle, staff

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
