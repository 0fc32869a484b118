"""Two app servers share the cache (Redis, or the file cache on the embedded default): a correction published through one is served by the other within a second."""
import time
import urllib.request

import pytest

from articles import services
from tests.factories import make_story
from tests.processes import app_server


def fetch(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode(), response.headers.get("X-Page-Cache", "")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_correction_is_seen_on_the_other_server_within_a_second():
    story = services.publish(make_story(headline="Dam water level rises", body="<p>The level is 120 m.</p>"), actor=services.COMMAND)
    with app_server() as server_a, app_server() as server_b:
        url_a, url_b = server_a + story.get_absolute_url(), server_b + story.get_absolute_url()
        for url in (url_a, url_b):
            fetch(url)
            html, state = fetch(url)
            assert state == "hit" and "120 m" in html

        # The desk corrects the story (as server A's admin would: through the services, committed).
        story.body = "<p>The level is 112 m.</p>"
        story.correction_note = "An earlier version gave the wrong level."
        services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)
        corrected_at = time.monotonic()

        html, state = fetch(url_b)
        elapsed = time.monotonic() - corrected_at
        assert "112 m" in html and "wrong level" in html
        assert state == "miss"
        assert elapsed < 1.0, f"correction took {elapsed:.2f}s to reach the other server"
