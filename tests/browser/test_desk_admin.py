"""The desk's admin at a laptop's 1280 px and a phone's 375 px: the story form laid out for writing, bylines
reordered by drag and by keyboard, restoring with confirmation, shareable preview links, the desk home. axe runs on
each admin page used, and the story form and desk home are saved as screenshots in test-artifacts/screenshots."""

import pytest

from articles.models import Article
from tests.browser.support import editor, expect, log_in, select2_pick, staff
from tests.browser.test_accessibility import ADMIN_NOT_OURS, axe_violations
from tests.factories import make_reporter

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
    # The save bar stays in view while the editor is at the top of the form.
    expect(page.locator("#article_form .submit-row")).to_be_in_viewport()
    no_axe_problems(page, f"the story form at {width} px")
    page.screenshot(path=str(screenshots_dir / f"story-form-{width}.png"), full_page=True)
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    fully_visible(page, "#id_headline")
    story = Article.objects.get()
    assert story.headline == HEADLINE_120 and story.state() == "draft"
