"""Which cached pages a change purged: cache every page of a test's `newsroom` fixture, make the change, ask again.

The `change` fixture (a plugin of tests/conftest.py) serves the targeted-purge tests (tests/integration/test_targeted_purge.py,
tests/live/test_live_purge.py); each module defines its own `newsroom` fixture with a "pages" dict of name → URL.
"""
import pytest


def cache_all(client, pages) -> None:
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name
        assert client.get(url)["X-Page-Cache"] == "hit", name


def purged(client, pages) -> set[str]:
    return {name for name, url in pages.items() if client.get(url).get("X-Page-Cache") != "hit"}


@pytest.fixture
def change(client, newsroom, django_capture_on_commit_callbacks):
    """Cache every page, run the change (its commit hooks too), return the names of the pages it purged."""
    def run(action) -> set[str]:
        cache_all(client, newsroom["pages"])
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return purged(client, newsroom["pages"])

    return run


class RecordingPurger:
    """A purger (settings.PAGE_CACHE_PURGER = "tests.purging.RecordingPurger") that keeps what a CDN would have been
    sent: (sorted keys, hard) per purge, in RecordingPurger.sent (cleared by the `recorded_purges` fixture)."""

    sent: list[tuple[list[str], bool]] = []

    def purge(self, keys: list[str], *, hard: bool) -> None:
        RecordingPurger.sent.append((sorted(keys), hard))


@pytest.fixture
def recorded_purges(settings):
    """The page cache on, the recording purger configured (the CDN may keep pages for minutes): its list of purges."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_PURGER = "tests.purging.RecordingPurger"
    RecordingPurger.sent = []
    return RecordingPurger.sent
