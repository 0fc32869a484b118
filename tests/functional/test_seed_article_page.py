"""The article page reads like the seed capture, in the seed's order, in IST."""
import re
from datetime import datetime
from datetime import timezone as dt_timezone

import pytest

from articles import services
from tests.factories import make_photo, make_reporter, make_story

SEED_INSTANT = datetime(2021, 3, 25, 2, 37, tzinfo=dt_timezone.utc)  # 08:07 IST

BODY = (
    "<p>Paragraph one about the talks.</p>"
    "<p>Paragraph two with a quote.</p>"
    "<h2>No waiver of sanctions</h2>"
    "<p>Paragraph three after the subheading.</p>"
    "<p>Paragraph four.</p>"
)


@pytest.fixture
def seed_story(db):
    hero = make_photo(credit="self", alt="Diplomats meeting", caption="Delegations at the talks", name="hero.jpg")
    foot = make_photo(credit="AP", alt="Air defence system", name="foot.jpg")
    article = make_story(
        headline="US and Turkey at odds over air defence purchase",
        standfirst="Top diplomats failed to close their differences on Wednesday.",
        body=BODY,
        reporters=[make_reporter("Akanksha Arora")],
        hero=hero,
        photos=[foot],
    )
    return services.publish(article, at=SEED_INSTANT, actor=services.COMMAND)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text)


def test_seed_lines_render_in_order(client, seed_story):
    response = client.get(seed_story.get_absolute_url())
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    expected_in_order = [
        "Updated March 25th, 2021 at 08:07 IST",
        "US and Turkey at odds over air defence purchase",
        "Top diplomats failed to close their differences on Wednesday.",
        "Reported by: Akanksha Arora",
        "Image: self",
        "Advertisement",
        "Paragraph one about the talks.",
        "Paragraph two with a quote.",
        "Advertisement",
        "No waiver of sanctions",
        "Paragraph four.",
        "(Image Credits: AP)",
        "Advertisement",
        "Published March 25th, 2021 at 08:07 IST",
    ]
    position = 0
    for fragment in expected_in_order:
        found = text.find(fragment, position)
        assert found >= 0, f"{fragment!r} missing after position {position}: {text[position:position + 300]!r}"
        position = found + len(fragment)


def test_every_visible_time_carries_the_ist_instant(client, seed_story):
    html = client.get(seed_story.get_absolute_url()).content.decode()
    times = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', html)
    assert ("2021-03-25T08:07:00+05:30", "Updated March 25th, 2021 at 08:07 IST") in times
    assert ("2021-03-25T08:07:00+05:30", "Published March 25th, 2021 at 08:07 IST") in times
    assert all(instant.endswith("+05:30") for instant, _ in times)


def test_hero_photo_and_body_structure(client, seed_story):
    html = client.get(seed_story.get_absolute_url()).content.decode()
    assert 'alt="Diplomats meeting"' in html
    assert "<h2>No waiver of sanctions</h2>" in html
    # The inline slot follows paragraph two, before the subheading.
    assert html.index('data-slot="inline"') < html.index("<h2>No waiver of sanctions</h2>")
    assert html.index("Paragraph two with a quote.") < html.index('data-slot="inline"')


def test_draft_is_404_to_readers_and_previewable_by_staff(client, admin_client, db):
    draft = make_story(headline="Not yet")
    assert client.get(draft.get_absolute_url()).status_code == 404
    preview = admin_client.get(f"/preview/{draft.pk}/")
    assert preview.status_code == 200
    assert "Not yet" in preview.content.decode()
    assert client.get(f"/preview/{draft.pk}/").status_code == 302  # readers are sent to log in
