"""The demo newsroom shows media in the body: a story with placed photos, one with a gallery, one with a video."""
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

DEMO = Path(__file__).resolve().parents[2] / "demo" / "ninjs"
ITEMS = {
    "005-sundernagar-civic-polls-record-women-turnout.json": ["photo", "photo"],
    "018-women-hockey-young-squad-asia-tour.json": ["gallery"],
    "017-ranji-trophy-mumbai-saurashtra-day-two.json": ["embed"],
}


@pytest.mark.django_db
def test_demo_stories_place_photos_a_gallery_and_a_video(client):
    out = StringIO()
    call_command("ingest_ninjs", "--publish", *[str(DEMO / name) for name in ITEMS], stdout=out)
    assert out.getvalue().count("created ") == 3, out.getvalue()
    for name, kinds in ITEMS.items():
        article = Article.objects.get(wire_uri__endswith=name.removesuffix(".json"))
        assert [b["kind"] for b in article.body_blocks if b["kind"] in ("photo", "gallery", "embed")] == kinds, name
    polls = Article.objects.get(wire_uri__endswith="005-sundernagar-civic-polls-record-women-turnout")
    page = client.get(polls.get_absolute_url()).content.decode()
    assert page.count("(Photo Credits: PTI)") == 2
    assert "story__foot-credits" not in page  # both pictures are shown, each with its credit
    hockey = Article.objects.get(wire_uri__endswith="018-women-hockey-young-squad-asia-tour")
    assert len(next(b for b in hockey.body_blocks if b["kind"] == "gallery")["photos"]) == 3
    cricket = Article.objects.get(wire_uri__endswith="017-ranji-trophy-mumbai-saurashtra-day-two")
    assert "data-embed-player" in client.get(cricket.get_absolute_url()).content.decode()
