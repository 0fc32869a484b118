"""bench/run.py's comparison between sizes and its chart, and bench/seed.py's derived data, on made-up figures and
a small generated newsroom (the bench itself never runs in tests)."""
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command, get_commands

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import run  # noqa: E402  (bench/run.py)
import seed  # noqa: E402  (bench/seed.py)


def figures(size, home_uncached_rps, static_rps, article_best_ms, p99_ms, hit_rate):
    result = {"rps": 0, "p50_ms": 1.0, "p99_ms": 1.0, "errors": 0}
    return {
        "size": size,
        "rows": [["home (uncached)", {**result, "rps": home_uncached_rps}, 8],
                 ["static file, same size", {**result, "rps": static_rps}, 0]],
        "latency": {"article": article_best_ms * 2}, "latency_best": {"article": article_best_ms},
        "scenarios": {"busy": {"p99_ms": p99_ms, "hit_rate": hit_rate}, "breaking": {"p99_ms": 100.0, "renders_per_purge": 1.0}},
        "followers": {"site_hit_rate": 0.99},
    }


def test_sizes_are_compared_on_ratios_to_the_static_file_and_flagged_beyond_one_and_a_half():
    small = figures(1000, home_uncached_rps=100, static_rps=1000, article_best_ms=10.0, p99_ms=100.0, hit_rate=0.98)
    # The machine was twice as slow for the big run (static 500): the home ratio is the same, so not worse.
    big = figures(100_000, home_uncached_rps=50, static_rps=500, article_best_ms=16.0, p99_ms=140.0, hit_rate=0.97)
    rows = {measure: (worse, ok) for measure, _, _, worse, ok in run.comparison(small, big)}
    assert rows["home (uncached), rate / static file"] == (1.0, True)
    assert rows["article, uncached ms (best of 30)"] == (1.6, False)
    assert rows["busy desk, p99 ms"][1] is True and abs(rows["busy desk, p99 ms"][0] - 1.4) < 1e-9
    table = run.comparison_table(small, big)
    assert "| article, uncached ms (best of 30) | 10.0 | 16.0 | 1.60 | **no** |" in table
    assert "not: article, uncached ms (best of 30)." in table


def test_the_chart_has_a_bar_per_database_and_size():
    setups = {
        "SQLite + shared file cache": {"sizes": [figures(1000, 100, 1000, 10.0, 100.0, 0.98)]},
        "PostgreSQL + Redis": {"sizes": [figures(1000, 100, 1000, 10.0, 100.0, 0.98),
                                         figures(100_000, 90, 1000, 11.0, 100.0, 0.98)]},
    }
    svg = run.chart(setups)
    assert svg.count("<rect") == 3 + 3  # three legend squares, then one bar each for "home (uncached)"
    for legend in ("SQLite + shared file cache, 1,000 stories", "PostgreSQL + Redis, 1,000 stories",
                   "PostgreSQL + Redis, 100,000 stories"):
        assert legend in svg
    assert ">0.090<" in svg and svg.count(">0.100<") == 2


def test_the_seed_fills_what_is_derived_from_stories(db):
    """Generated stories are bulk-inserted (no story_changed): the DERIVED_DATA commands fill the search index."""
    from articles.models import Article
    from search.models import SearchDocument

    call_command("generate_newsroom", "--stories", "5", "--reporters", "3", "--tags", "4", stdout=StringIO(),
                 stderr=StringIO())
    assert not SearchDocument.objects.exists()
    commands = get_commands()
    for command, *args in seed.DERIVED_DATA:
        if command in commands:
            call_command(command, *args, stdout=StringIO(), stderr=StringIO(), verbosity=0)
    assert SearchDocument.objects.count() == Article.objects.count() == 5
    story = Article.objects.first()
    document = SearchDocument.objects.get(article=story)
    assert document.headline == story.headline and document.bylines and document.tags
