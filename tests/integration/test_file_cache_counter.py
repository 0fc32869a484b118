"""The file cache's counters (the page cache's purge sequence): atomic across processes, never culled or cleared."""
import subprocess
import sys

from core.filecache import FileCache
from tests.processes import ROOT

PROCESSES, EACH = 4, 150

INCREMENT = """
import sys
from django.conf import settings
settings.configure()
from core.filecache import FileCache
cache = FileCache(sys.argv[1], {})
print(" ".join(str(cache.incr("counter:test")) for _ in range(int(sys.argv[2]))))
"""


def test_increments_from_several_processes_are_each_counted_once(tmp_path):
    runs = [subprocess.Popen([sys.executable, "-c", INCREMENT, str(tmp_path), str(EACH)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(PROCESSES)]
    seen = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        seen += [int(value) for value in out.split()]
    # Every increment got its own number and none was lost: 1 .. PROCESSES * EACH, each once.
    assert sorted(seen) == list(range(1, PROCESSES * EACH + 1))
    assert FileCache(str(tmp_path), {}).get("counter:test") == PROCESSES * EACH


def test_a_counter_survives_culling_and_clear_and_add_does_not_move_it(tmp_path):
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 1}})
    assert cache.get("counter:test") is None and cache.add("counter:test", 0)
    assert cache.incr("counter:test") == 1 and not cache.add("counter:test", 0)
    for i in range(30):  # over MAX_ENTRIES: culling (CULL_FREQUENCY 1 removes every entry) runs
        cache._last_cull = 0.0
        cache.set(f"page:{i}", i)
    assert cache.get("page:0") is None  # culled
    cache.clear()
    assert cache.get("counter:test") == 1 and cache.incr("counter:test", 5) == 6
    assert cache.get_many(["counter:test", "page:29"]) == {"counter:test": 6}
