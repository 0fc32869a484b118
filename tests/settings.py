"""Test settings: the real settings module, plus what only tests need."""
import os
import tempfile

os.environ.setdefault("SECRET_KEY", "insecure-test-only-key")

from newsroom.settings import *  # noqa: E402,F403

MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Manifest storage needs collectstatic; tests render pages against plain static storage.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SITE_URL = "http://testserver"
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    # A run's keys never meet another run's (or production's) on a shared Redis.
    CACHES["default"]["KEY_PREFIX"] = f"newsroom-test-{os.getpid()}"  # noqa: F405
    # The shared Redis may stall for a moment under eight test runs; a 5 s breaker would turn that into 5 s of
    # misses for the tests that follow. The breaker's own tests (test_cache_hang.py) configure theirs.
    CACHES["default"]["OPTIONS"]["BREAKER_SECONDS"] = 1.0  # noqa: F405
else:
    # The embedded default's shared file cache, in a directory of this run (other processes get it via CACHE_DIR).
    CACHES["default"]["LOCATION"] = tempfile.mkdtemp(prefix="newsroom-test-cache-")  # noqa: F405
# The suite talks plain HTTP to the test client; the production HTTPS settings are checked by the deploy test.
SECURE_SSL_REDIRECT = False
STATIC_ROOT = tempfile.mkdtemp(prefix="newsroom-test-static-")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory: the scheduler race test runs `publish_scheduled` in other processes.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"newsroom-test-{os.getpid()}.sqlite3")}  # noqa: F405
# Whole-page caching is exercised by its own tests (tests/integration/test_page_cache.py); elsewhere pages are fresh.
PAGE_CACHE_SECONDS = 0
# The purge outbox is looked at only when this process owes a purge, not every few seconds: a query at an interval
# would make the query-count budgets depend on timing. The interval is exercised by app servers
# (tests/integration/test_purge_outbox.py), which run with the real settings.
PAGE_CACHE_OUTBOX_SECONDS = 24 * 3600
