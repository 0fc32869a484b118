"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

* One Chromium per session, a fresh context (cookies, storage) per test and per simulated person.
* The live server is a thread of this process, so ``time_machine.travel(...)`` in a test moves the server's clock too.
* Skipped with a clear reason when Chromium (or Playwright) is missing — except with ``CI=true``, where a missing
  browser fails the run — and always skipped with ``BROWSER_TESTS=0`` (CI runs them once, in the SQLite pass).
"""
import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",  # CI runs as root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIPPED = " (browser tests skipped)"
MISSING_CHROMIUM = "Chromium not installed: apt-get install -y chromium"
MISSING_PLAYWRIGHT = "Playwright not installed: pip install -r requirements.txt"
DISABLED = "BROWSER_TESTS=0: the browser tests run in another pass"

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
PASSWORD = "pw-for-browser-tests-only"
DEFAULT_TIMEOUT_MS = 15_000


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return MISSING_PLAYWRIGHT
    if not CHROMIUM.exists():
        return MISSING_CHROMIUM
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _is_browser_test(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    """Skip the folder up front (no database set up for nothing) when the tests are switched off or cannot run.

    In CI a missing browser is not skipped: the `browser` fixture fails every test instead.
    """
    ours = [item for item in items if _is_browser_test(item)]
    if not ours:
        return
    reason = DISABLED if os.environ.get("BROWSER_TESTS") == "0" else None
    if reason is None and not in_ci():
        reason = browser_problem()
    for item in ours:
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason + SKIPPED))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class _Chromium:
    """The one Chromium of the run, started by the first browser test and stopped after the last one.

    Playwright's sync API keeps an asyncio event loop running in this thread while it is started. Two things in
    Django notice a running loop: ORM calls refuse to run (SynchronousOnlyOperation), and `django.db.connections`
    switches to a separate, context-local set of connection objects — ones that know nothing of the test
    database's state (the serialized data `serialized_rollback` restores, the open test transaction). The test's
    own ORM calls (building data) are plain synchronous code, so while Chromium runs we set
    DJANGO_ALLOW_ASYNC_UNSAFE and hand the thread's existing connection objects to that context. Stopping Chromium
    as soon as the browser tests are done gives the rest of the suite an ordinary thread again.
    """

    def __init__(self):
        self.playwright = self.browser = None
        self.saved_env = None

    def get(self):
        if self.browser is None:
            from django.db import connections
            from playwright.sync_api import sync_playwright

            ours = {alias: connections[alias] for alias in connections}
            self.saved_env = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_playwright().start()
            for alias, connection in ours.items():
                connections[alias] = connection  # the loop is running now: this fills the context-local set
            self.browser = self.playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        return self.browser

    def stop(self):
        if self.browser is not None:
            self.browser.close()
            self.playwright.stop()
            self.playwright = self.browser = None
            if self.saved_env is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.saved_env


_chromium = _Chromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield  # the test's fixtures (its browser contexts) are torn down first
    if _is_browser_test(item) and (nextitem is None or not _is_browser_test(nextitem)):
        _chromium.stop()
    return result


def pytest_sessionfinish(session):
    _chromium.stop()


@pytest.fixture(scope="session")
def browser():
    """The session's Chromium (see _Chromium); fails in CI, skips elsewhere, when it cannot run."""
    problem = browser_problem()
    if problem:
        if in_ci():
            pytest.fail(f"CI=true: a missing browser fails the run. {problem}", pytrace=False)
        pytest.skip(problem + SKIPPED)
    return _chromium


@pytest.fixture(autouse=True)
def _browser_site(settings):
    """Uploads are served by the live server (see tests/browser/urls.py)."""
    settings.ROOT_URLCONF = "tests.browser.urls"


@pytest.fixture
def new_context(request, browser, live_server):
    """Make browser contexts (one per simulated person), all closed after the test; screenshots on failure."""
    contexts = []

    def make(width=1280, height=900, **options):
        context = browser.get().new_context(
            base_url=live_server.url, viewport={"width": width, "height": height},
            locale="en-GB", timezone_id="Asia/Kolkata", **options,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    failed = any(getattr(request.node, f"report_{when}", None) and getattr(request.node, f"report_{when}").failed
                 for when in ("setup", "call"))
    for n, context in enumerate(contexts):
        if failed:
            folder = ARTIFACTS / "failures"
            folder.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
            for m, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(folder / f"{name}-{n}-{m}.png"), full_page=True)
                except Exception:  # noqa: BLE001 - a screenshot must never hide the real failure
                    pass
        context.close()


@pytest.fixture
def page(new_context):
    """A reader's page: a fresh context, no cookies."""
    return new_context().new_page()


@pytest.fixture
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def newsroom():
    """Live stories with pictures, bylines, tags and sections, and a campaign in every ad slot."""
    from tests.browser.support import book_every_slot, seed_newsroom

    data = seed_newsroom()
    data["campaigns"] = book_every_slot()
    return data
