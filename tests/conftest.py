import pytest
from django.core.cache import cache

pytest_plugins = ["tests.purging"]  # the `change` fixture of the targeted-purge tests


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached slot maps and navigation must not leak between tests (or runs on a shared Redis)."""
    cache.clear()
    yield
    cache.clear()
