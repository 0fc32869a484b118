"""The embedded default's shared cache, measured: one page-cache hit (generation + page in one get_many) and one
purge (write + read back), on the file cache and on Django's database cache over SQLite, with local memory
(not shared between processes, the old default) for scale. Prints microseconds per operation.

    .venv/bin/python bench/cache_choice.py
"""
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
work = Path(tempfile.mkdtemp(prefix="newsroom-cache-choice-"))
os.environ.update({"DEBUG": "1", "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}", "DJANGO_SETTINGS_MODULE": "newsroom.settings"})
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.CACHES = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "file": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(work / "cache"),
             "OPTIONS": {"MAX_ENTRIES": 5000}},
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "bench_cache"},
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402

call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
page = HttpResponse("<p>" + "x" * 60_000 + "</p>")  # about the size of a story page
N = 500


def per_op(fn) -> float:
    start = time.perf_counter()
    for _ in range(N):
        fn()
    return (time.perf_counter() - start) / N * 1e6


print(f"{'backend':10} {'hit (get_many) µs':>18} {'purge (set+get) µs':>19} {'store page µs':>14}")
for name in ("locmem", "file", "database"):
    cache = caches[name]
    cache.set("pagecache:generation", "a1b2c3", None)
    cache.set("pagecache:page:/", ("a1b2c3", 0, page), 300)
    hit = per_op(lambda: cache.get_many(["pagecache:generation", "pagecache:page:/"]))
    purge = per_op(lambda: (cache.set("pagecache:generation", "d4e5f6", None), cache.get("pagecache:generation")))
    store = per_op(lambda: cache.set("pagecache:page:/", ("a1b2c3", 0, page), 300))
    print(f"{name:10} {hit:18.0f} {purge:19.0f} {store:14.0f}")
