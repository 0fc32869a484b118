"""`make bench`: generate a newsroom, serve it with gunicorn as in production, load it, print the table.

For each size (BENCH_SIZES, default "1000"): a fresh database (SQLite file, or the PostgreSQL server
in BENCH_DATABASE_URL) holding the generated newsroom of that size (bench/seed.py: built once with progress bars —
about four minutes for 100,000 stories on the shared 2-core machine — kept as a template, `<db>_100k_tpl` on PostgreSQL or
bench/work/bench-100k-tpl.sqlite3, and copied for each run; BENCH_REBUILD=1 builds it again), an emptied cache (the
Redis database in BENCH_REDIS_URL, else a file cache in bench/work), gunicorn with the production settings,
then for the article and home pages, cached and uncached, and a static file of the same size served
by whitenoise: requests per second, p50 and p99 latency, SQL queries per page. Also the uncached
single-client latency (median and best of 30) of the listings, a story, the feed, the sitemaps, search and the admin
article list (LATENCY_PAGES), to compare sizes.
Load comes from wrk when installed, else from bench/load.py (another process either way).
Then two scenarios with real saves through the services (bench/desk.py) and readers counting what the page cache
answered (bench/readers.py): a busy desk (readers over every story and listing while one story is saved every 2 s
and a live story every 10 s: hit rate, p99, errors) and a breaking story (200 readers on one page saved every 5 s:
renders per purge). The busy desk's readers read every listing and 1,000 stories spread over the archive whatever
its size, and the desk saves those stories. Ratios are measured in the same run, against the static file.
With several sizes, the largest is compared with the smallest, measure by measure (rates as fractions of the static
file, uncached latencies, the scenarios' hit rates and p99): how many times worse, and whether within 1.5×.
Last, the editor's side (bench/editor.py): the admin's Save for a create-and-publish and for a headline edit of a
live story, median SQL queries and CPU of the request over 7 saves.
Each run's figures replace its own database's entry in bench/results.json (so a SQLite run and a PostgreSQL + Redis
run both appear); bench/results.md and bench/results.svg (rates as fractions of the static file, one bar per
database and size) are written from all entries. Text below the NOTES_MARK line of results.md is kept.
Never run in CI.

    BENCH_SIZES=1000,100000 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \
    BENCH_REDIS_URL=redis://127.0.0.1:6379/14 make bench
Search under a crowd (bench/search_load.py): BENCH_SEARCH_CONNECTIONS (64) readers with a mix of popular, middle,
long-tail and junk queries, first with the results cache off (SEARCH_CACHE_SECONDS=0: every search runs), then on
with a live story saved every 5 s (each save purges the kept results); req/s, p50, p99, timeouts past 2 s, and the
ratio to the static file served by the same server at the same concurrency.
Only a part: BENCH_ONLY=search runs the search part alone for each size and prints it (it writes
bench/work/search-results.json, never bench/results.*: those hold whole runs).
Shorter trials: BENCH_DURATION (s per row), BENCH_SCENARIO_SECONDS, BENCH_FOLLOW_SECONDS, BENCH_FOLLOWERS.
BENCH_PORT fixes gunicorn's port (default: any free one).
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from seed import label, seed  # bench/seed.py (bench/ is this script's directory)

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
PY = sys.executable
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
DURATION = int(os.environ.get("BENCH_DURATION", "20"))
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000").split(",")]
DB_URL = os.environ.get("BENCH_DATABASE_URL", "")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "")
SCENARIO_SECONDS = int(os.environ.get("BENCH_SCENARIO_SECONDS", "20"))
REBUILD = os.environ.get("BENCH_REBUILD", "") == "1"
# Uncached single-client latency, compared between sizes (plus the admin article list, as staff).
LATENCY_PAGES = {
    "home": "/", "section": "/section/india/", "article": "/story/bench-story-0/", "tag": "/tag/topic-000/",
    "reporter": "/reporter/bench-reporter-000/", "RSS feed": "/feeds/rss/", "sitemap index": "/sitemap.xml",
    "story sitemap": "/sitemap-articles.xml", "search": "/search/?q=monsoon+court",
}
READ_STORIES = 1000  # the busy desk's readers read this many stories, spread evenly over the archive, and every listing
UNCACHED = {"Cookie": "sessionid=bench-uncached"}  # any session cookie makes the page cache step aside
# The live blog scenario: a story with BENCH_LIVE_ENTRIES entries, then BENCH_FOLLOWERS readers polling every 15 s for
# BENCH_FOLLOW_SECONDS while an entry is posted every 10 s.
LIVE_SLUG = "bench-story-1"
LIVE_ENTRIES = int(os.environ.get("BENCH_LIVE_ENTRIES", "2000"))
FOLLOWERS = int(os.environ.get("BENCH_FOLLOWERS", "1000"))
FOLLOW_SECONDS = int(os.environ.get("BENCH_FOLLOW_SECONDS", "60"))
SEARCH_CONNECTIONS = int(os.environ.get("BENCH_SEARCH_CONNECTIONS", "64"))
SEARCH_TIMEOUT = 2.0  # seconds a search reader waits
ONLY = {part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()}


def say(text):
    print(text, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50, "SECURE_SSL_REDIRECT": "0",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "MEDIA_ROOT": str(WORK / "media"), "LOG_LEVEL": "WARNING",
           "DATABASE_URL": DB_URL or f"sqlite:///{WORK / 'bench.sqlite3'}", "CACHE_KEY_PREFIX": "newsroom-bench"}
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
    else:
        env.pop("REDIS_URL", None)
        env["CACHE_DIR"] = str(WORK / "cache")  # the bench's own file cache
    return env


def manage(*args, env):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def reset_cache():
    if REDIS_URL:
        subprocess.run([PY, "-c", f"import redis; redis.Redis.from_url({REDIS_URL!r}).flushdb()"], check=True)
    else:
        shutil.rmtree(WORK / "cache", ignore_errors=True)


class Server:
    def __init__(self, env):
        self.port = int(os.environ.get("BENCH_PORT") or free_port())  # one server at a time: one fixed port will do
        self.base = f"http://127.0.0.1:{self.port}"
        workers = os.environ.get("BENCH_WORKERS", str(max(2, (os.cpu_count() or 2))))
        self.process = subprocess.Popen(
            [PY, "-m", "gunicorn", "newsroom.wsgi", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}",
             "--workers", workers, "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:  # gunicorn finishes the requests it holds (graceful_timeout, 20 s): an overloaded one may need all of it
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def load(url, headers=None, connections=None):
    headers = headers or {}
    connections = connections or CONNECTIONS
    if shutil.which("wrk"):
        cmd = ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}s", "--latency", url]
        for key, value in headers.items():
            cmd += ["-H", f"{key}: {value}"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

        def pct(label):
            value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
            return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

        return {"rps": rps, "p50_ms": pct("50"), "p99_ms": pct("99"), "errors": int(errors.group(1)) if errors else 0,
                "tool": "wrk"}
    cmd = [PY, str(ROOT / "bench" / "load.py"), url, "--connections", str(connections), "--duration", str(DURATION)]
    for key, value in headers.items():
        cmd += ["--header", f"{key}: {value}"]
    result = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    return {**result, "tool": "bench/load.py"}


def sequential_ms(url, headers, n=30):
    """(median, best) latency of one client asking n times (uncached renders, to compare sizes). The best of n is
    the page's own cost with the least of the machine's other load in it."""
    times = []
    for _ in range(n):
        request = urllib.request.Request(url, headers=headers)
        start = time.perf_counter()
        urllib.request.urlopen(request, timeout=30).read()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2], min(times)


def staff_session(env) -> str:
    """A logged-in staff session for the admin list (made directly: production cookies are HTTPS-only)."""
    code = (
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "u = get_user_model().objects.get(username='bench'); s = SessionStore();"
        "s[SESSION_KEY] = str(u.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    out = subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return "sessionid=" + out.stdout.strip().splitlines()[-1]


def run_size(size):
    env = bench_env()
    say(f"\n## {size:,} stories")
    reset_cache()
    seed(size, env, DB_URL, rebuild=REBUILD)
    manage("collectstatic", "--noinput", "-v0", env=env)
    if ONLY == {"search"}:
        return {"size": size, "search": search_part(env)}
    article = "/story/bench-story-0/"
    section = "/section/india/"
    pages = {"home": "/", "article": article}
    counts = json.loads(subprocess.run([PY, "bench/count_queries.py", "/", article, section, "/admin/articles/article/"],
                                       cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout)
    # A static file the size of the article page, served by whitenoise from STATIC_ROOT.
    static_root = ROOT / "staticfiles" / "bench"
    static_root.mkdir(parents=True, exist_ok=True)
    (static_root / "payload.html").write_bytes(b"x" * counts[article]["bytes"])
    live = json.loads(subprocess.run([PY, "bench/live_blog.py", "setup", LIVE_SLUG, str(LIVE_ENTRIES)], cwd=ROOT, env=env,
                                     capture_output=True, text=True, check=True).stdout)
    live_counts = json.loads(subprocess.run([PY, "bench/live_blog.py", "queries", LIVE_SLUG], cwd=ROOT, env=env,
                                            capture_output=True, text=True, check=True).stdout)
    (static_root / "payload-live.json").write_bytes(b"x" * live_counts["endpoint"]["bytes"])
    server = Server(env)
    try:
        rows = []
        for name, path in pages.items():
            urllib.request.urlopen(server.base + path).read()  # warm the cache
            cached = load(server.base + path)
            uncached = load(server.base + path, UNCACHED)
            rows.append((f"{name} (cached)", cached, counts[path]["queries"] if path in counts else 0))
            rows.append((f"{name} (uncached)", uncached, counts[path]["queries"]))
        static = load(server.base + "/static/bench/payload.html")
        rows.append(("static file, same size", static, 0))
        live_rows, followers = live_scenario(server, env, live, live_counts, [section, article, "/"])
        rows += live_rows
        staff = {"Cookie": staff_session(env)}
        timed = {name: sequential_ms(server.base + path, UNCACHED) for name, path in LATENCY_PAGES.items()}
        timed["admin article list"] = sequential_ms(server.base + "/admin/articles/article/", staff)
        latency = {name: median for name, (median, _) in timed.items()}
        latency_best = {name: best for name, (_, best) in timed.items()}
    finally:
        server.stop()
    say("| page | req/s | p50 ms | p99 ms | SQL queries (uncached render) | errors |")
    say("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, result, queries in rows:
        say(f"| {name} | {result['rps']:.0f} | {result['p50_ms']:.1f} | {result['p99_ms']:.1f} | {queries} | {result['errors']} |")
    article_cached = next(result for name, result, _ in rows if name == "article (cached)")
    ratio = article_cached["rps"] / static["rps"] if static["rps"] else 0
    say(f"\ncached article / static file rate: **{ratio:.2f}**; load tool: {static['tool']}, "
        f"{CONNECTIONS} connections, {DURATION} s each")
    by_name = {name: result for name, result, _ in rows}
    # Followers send no cookie, so the page cache (or a CDN) answers them: the cached row is the one with the target.
    live_ratio = by_name["live endpoint (cached)"]["rps"] / by_name["static file, endpoint size"]["rps"]
    uncached_ratio = by_name["live endpoint (uncached)"]["rps"] / by_name["static file, endpoint size"]["rps"]
    say(f"live endpoint / static file of its size: **{live_ratio:.2f}** as followers get it (target 0.50 or more), "
        f"{uncached_ratio:.2f} rendered every time; first page of the {LIVE_ENTRIES:,}-entry blog: "
        f"{live_counts['page']['queries']} queries")
    say(f"{FOLLOWERS:,} followers polling every 15 s for {FOLLOW_SECONDS} s, an entry every 10 s: {followers['polls']} polls "
        f"({followers['not_modified']} × 304, {followers['ok']} × 200), **{followers['errors']} errors**; rest of the site "
        f"meanwhile: **{followers['site_hit_rate']:.1%}** page-cache hits of {followers['site_reads']} reads (target above 95%)")
    say("uncached single-client latency, median / best of 30: "
        + ", ".join(f"{k} {v:.1f} / {latency_best[k]:.1f} ms" for k, v in latency.items()))
    rates = {name: result["rps"] for name, result, _ in rows}
    ratios = {name: rates[name] / static["rps"] for name in ("home (cached)", "home (uncached)", "article (cached)",
                                                              "article (uncached)") if static["rps"]}
    say("ratios to the static file: " + ", ".join(f"{k} {v:.3f}" for k, v in ratios.items()))
    scenarios = run_scenarios(env)
    # Last: it adds stories and changes headlines. Budgets pinned in tests/integration/test_query_budgets.py.
    editor = json.loads(subprocess.run([PY, "bench/editor.py", "--runs", "7"], cwd=ROOT, env=env, capture_output=True,
                                       text=True, check=True).stdout)
    say(editor_line(editor))
    search = search_part(env)
    return {"size": size, "rows": rows, "ratio": ratio, "ratios": ratios, "latency": latency, "latency_best": latency_best, "queries": counts,
            "scenarios": scenarios, "live_ratio": live_ratio, "followers": followers, "editor": editor, "search": search}


def editor_line(editor: dict) -> str:
    """The admin's Save (bench/editor.py), medians of 7: queries in the editor's request and its CPU."""
    create, edit = editor["create + publish"], editor["headline edit"]
    return (f"The editor's Save (admin, medians of 7): create + publish **{create['queries']:.0f} queries**, "
            f"{create['cpu_ms']:.0f} ms CPU; headline edit of a live story **{edit['queries']:.0f} queries**, "
            f"{edit['cpu_ms']:.0f} ms CPU.")


def search_vocabulary(env) -> Path:
    """The generated newsroom's words, reporters and tags, for bench/search_load.py's queries."""
    code = (
        "import json; from articles.management.commands.generate_newsroom import WORDS;"
        "from reporters.models import Reporter; from taggit.models import Tag;"
        "print(json.dumps({'words': WORDS, 'reporters': [r.name for r in Reporter.objects.order_by('pk')[:30]],"
        "'tags': [t.name for t in Tag.objects.order_by('pk')[:30]]}))"
    )
    out = subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    path = WORK / "search-vocabulary.json"
    path.write_text(out.stdout.strip().splitlines()[-1])
    return path


def search_load(base, vocabulary) -> dict:
    out = subprocess.run([PY, str(ROOT / "bench" / "search_load.py"), base, str(vocabulary), "--connections",
                          str(SEARCH_CONNECTIONS), "--duration", str(DURATION), "--timeout", str(SEARCH_TIMEOUT), "--warm"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def search_part(env) -> dict:
    """Search under a crowd, results cache off then on (a live story saved every 5 s meanwhile), each against the
    static file served by the same server at the same concurrency, in this run."""
    vocabulary = search_vocabulary(env)
    static_path = "/static/bench/search-payload.html"
    (ROOT / "staticfiles" / "bench").mkdir(parents=True, exist_ok=True)
    rows = {}
    for name, extra in (("search (results cache off)", {"SEARCH_CACHE_SECONDS": "0"}),
                        ("search (results cache on, a live story saved every 5 s)", {})):
        reset_cache()
        server = Server({**env, **extra})
        try:
            page = urllib.request.urlopen(server.base + "/search/?q=monsoon").read()
            (ROOT / "staticfiles" / "bench" / "search-payload.html").write_bytes(b"x" * len(page))
            static = load(server.base + static_path, connections=SEARCH_CONNECTIONS)
            desk = None
            if not extra:
                desk = subprocess.Popen([PY, "bench/desk.py", "--duration", str(DURATION), "--only-live",
                                         "--live-slug", "bench-story-0", "--live-every", "5"],
                                        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
            result = search_load(server.base, vocabulary)
            if desk is not None:
                result["desk"] = json.loads(desk.communicate()[0].strip().splitlines()[-1])
        finally:
            server.stop()
        result["static_rps"] = static["rps"]
        result["ratio"] = result["rps"] / static["rps"] if static["rps"] else 0
        rows[name] = result
        say(f"{name}: {json.dumps(result)}")
    off, on = rows.values()
    say(f"search at {SEARCH_CONNECTIONS} connections ({DURATION} s each, {SEARCH_TIMEOUT:.0f} s client timeout):")
    say(search_table(rows))
    say(f"results cache on / off: **{on['rps'] / max(off['rps'], 1e-9):.1f}×** the rate")
    return {"connections": SEARCH_CONNECTIONS, "rows": rows}


def search_table(rows: dict) -> str:
    lines = ["| search | req/s (with results) | p50 ms | p99 ms | timeouts (2 s) | busy (503) | errors | "
             "static file req/s (same server) | ratio to it | X-Search-Cache |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['timeouts']} | "
                     f"{r.get('busy', 0)} | {r['errors']} | {r['static_rps']:.0f} | {r['ratio']:.3f} | {r['states']} |")
    return "\n".join(lines)


def listing_paths(env) -> list[str]:
    """Every listing (home, feed, sitemap index, sections, reporters, tags) and READ_STORIES stories spread evenly
    from the newest to the oldest, the newest two (the scenarios' live and breaking stories) among them."""
    code = (
        "from articles.models import Article, Section; from reporters.models import Reporter; from taggit.models import Tag;"
        "paths = ['/', '/feeds/rss/', '/sitemap.xml'];"
        "paths += [s.get_absolute_url() for s in Section.objects.all()];"
        "paths += [r.get_absolute_url() for r in Reporter.objects.all()];"
        "paths += [f'/tag/{t.slug}/' for t in Tag.objects.all()];"
        "slugs = list(Article.objects.live().order_by('-published_at', '-id').values_list('slug', flat=True));"
        f"step = max(1, len(slugs) / {READ_STORIES}); picked = sorted({{0, 1, *(int(i * step) for i in range({READ_STORIES}))}});"
        "paths += [f'/story/{slugs[i]}/' for i in picked if i < len(slugs)];"
        "print('\\n'.join(paths))"
    )
    out = subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if line.startswith("/")]


def readers(base, paths, connections, duration, *extra) -> dict:
    paths_file = WORK / "paths.txt"
    paths_file.write_text("\n".join(paths))
    out = subprocess.run([PY, str(ROOT / "bench" / "readers.py"), base, str(paths_file), "--connections", str(connections),
                          "--duration", str(duration), *extra], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def run_scenarios(env) -> dict:
    """Busy desk and breaking story, each on a fresh server with the page cache warmed by one pass over its pages."""
    paths = listing_paths(env)
    server = Server(env)
    try:
        readers(server.base, paths, 4, 600, "--each-once")  # warm: every page once
        desk_paths = WORK / "desk-paths.txt"  # the desk saves the stories the readers read
        desk_paths.write_text("\n".join(paths))
        desk = subprocess.Popen([PY, "bench/desk.py", "--duration", str(SCENARIO_SECONDS), "--every", "2",
                                 "--live-slug", "bench-story-1", "--live-every", "10", "--paths-file", str(desk_paths)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        busy = readers(server.base, paths, 32, SCENARIO_SECONDS)
        busy["desk"] = json.loads(desk.communicate()[0].strip().splitlines()[-1])
        story = "/story/bench-story-0/"
        readers(server.base, [story], 4, 2)
        desk = subprocess.Popen([PY, "bench/desk.py", "--duration", str(SCENARIO_SECONDS), "--only-live",
                                 "--live-slug", "bench-story-0", "--live-every", "5"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        breaking = readers(server.base, [story], 200, SCENARIO_SECONDS)
        breaking["desk"] = json.loads(desk.communicate()[0].strip().splitlines()[-1])
    finally:
        server.stop()
    states = busy["states"]
    busy["hit_rate"] = (states.get("hit", 0) + states.get("stale", 0)) / max(1, busy["requests"])
    purges = max(1, breaking["desk"]["live_saves"])
    breaking["renders_per_purge"] = breaking["states"].get("miss", 0) / purges
    say(f"busy desk: {busy['requests']} requests, hit rate {busy['hit_rate']:.3f} ({states}), p99 {busy['p99_ms']:.1f} ms, "
        f"{busy['errors']} errors, {busy['desk']['saves']} saves + {busy['desk']['live_saves']} live saves")
    say(f"breaking story: {breaking['requests']} requests by 200 readers, {breaking['desk']['live_saves']} purges, "
        f"renders per purge {breaking['renders_per_purge']:.2f} ({breaking['states']}), p99 {breaking['p99_ms']:.1f} ms, "
        f"{breaking['errors']} errors")
    return {"busy": busy, "breaking": breaking}


def live_scenario(server, env, live, live_counts, site_pages):
    """Rows for the live blog's page and update endpoint, then the followers run (see bench/followers.py)."""
    page = f"/story/{LIVE_SLUG}/"
    endpoint = f"{page}live/?after={live['cursor']}"
    urllib.request.urlopen(server.base + page).read()
    etag = urllib.request.urlopen(urllib.request.Request(server.base + endpoint, headers=UNCACHED)).headers["ETag"]
    rows = [
        (f"live blog, {LIVE_ENTRIES:,} entries (cached)", load(server.base + page), live_counts["page"]["queries"]),
        (f"live blog, {LIVE_ENTRIES:,} entries (uncached)", load(server.base + page, UNCACHED), live_counts["page"]["queries"]),
        ("live endpoint (cached)", load(server.base + endpoint), live_counts["endpoint"]["queries"]),
        ("live endpoint (uncached)", load(server.base + endpoint, UNCACHED), live_counts["endpoint"]["queries"]),
        ("live endpoint 304 (uncached)", load(server.base + endpoint, {**UNCACHED, "If-None-Match": etag}),
         live_counts["endpoint"]["queries"]),
        ("static file, endpoint size", load(server.base + "/static/bench/payload-live.json"), 0),
    ]
    say(f"following the live blog: {FOLLOWERS:,} readers for {FOLLOW_SECONDS} s …")
    poster = subprocess.Popen([PY, "bench/live_blog.py", "post", LIVE_SLUG, "10", str(FOLLOW_SECONDS)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)
    out = subprocess.run([PY, "bench/followers.py", server.base, LIVE_SLUG, live["cursor"], "--followers", str(FOLLOWERS),
                          "--interval", "15", "--duration", str(FOLLOW_SECONDS), "--site", *site_pages],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    poster.communicate(timeout=FOLLOW_SECONDS + 60)
    return rows, json.loads(out)


SETUP_COLOURS = ["#15803d", "#b45309", "#1d4ed8", "#7c3aed", "#be123c", "#0f766e"]
NOTES_MARK = "<!-- bench/run.py keeps everything below this line when it rewrites this file -->"
RESULTS_JSON = ROOT / "bench" / "results.json"
LIMIT = 1.5  # issue 16: the largest size within 1.5x of the smallest


def static_for(name: str) -> str:
    return "static file, endpoint size" if name.startswith("live endpoint") else "static file, same size"


def to_static(result: dict) -> dict[str, float]:
    """Each row's rate as a fraction of the static file of its size, served by the same server in the same run."""
    rates = {name: res["rps"] for name, res, _ in result["rows"]}
    return {name: rate / rates[static_for(name)] for name, rate in rates.items()
            if not name.startswith("static") and rates.get(static_for(name))}


def comparison(small: dict, big: dict) -> list[tuple[str, str, str, float, bool]]:
    """(measure, small figure, big figure, how many times worse the big one is, within LIMIT) for every measure of
    the two sizes: rates as fractions of the static file (so that the machine's drift between the two sizes cancels),
    uncached single-client latencies, and the scenarios' hit rates and p99 latencies."""
    out = []

    def add(measure, a, b, worse, fmt):
        out.append((measure, fmt(a), fmt(b), worse, worse <= LIMIT))

    a_ratio, b_ratio = to_static(small), to_static(big)
    for name in a_ratio:
        if name in b_ratio:
            add(f"{name}, rate / static file", a_ratio[name], b_ratio[name], a_ratio[name] / max(b_ratio[name], 1e-9),
                lambda v: f"{v:.3f}")
    for page in small.get("latency_best", {}):  # the best of 30: medians move with the machine's other load
        if page in big.get("latency_best", {}):
            a, b = small["latency_best"][page], big["latency_best"][page]
            add(f"{page}, uncached ms (best of 30)", a, b, b / max(a, 1e-9), lambda v: f"{v:.1f}")
    for scenario, key in (("busy", "busy desk"), ("breaking", "breaking story")):
        a, b = small["scenarios"][scenario], big["scenarios"][scenario]
        add(f"{key}, p99 ms", a["p99_ms"], b["p99_ms"], b["p99_ms"] / max(a["p99_ms"], 1e-9), lambda v: f"{v:.1f}")
    a, b = small["scenarios"]["busy"]["hit_rate"], big["scenarios"]["busy"]["hit_rate"]
    add("busy desk, hit rate", a, b, a / max(b, 1e-9), lambda v: f"{v:.3f}")
    a, b = small["scenarios"]["breaking"]["renders_per_purge"], big["scenarios"]["breaking"]["renders_per_purge"]
    add("breaking story, renders per purge", a, b, b / max(a, 1e-9), lambda v: f"{v:.2f}")
    a, b = small["followers"]["site_hit_rate"], big["followers"]["site_hit_rate"]
    add("site hit rate while followers poll", a, b, a / max(b, 1e-9), lambda v: f"{v:.3f}")
    return out


def comparison_table(small: dict, big: dict) -> str:
    rows = comparison(small, big)
    lines = [f"| measure | {small['size']:,} | {big['size']:,} | {label(big['size'])} vs {label(small['size'])} "
             f"(times worse) | within {LIMIT}× |", "| --- | ---: | ---: | ---: | :---: |"]
    lines += [f"| {m} | {a} | {b} | {worse:.2f} | {'yes' if ok else '**no**'} |" for m, a, b, worse, ok in rows]
    missed = [m for m, *_, ok in rows if not ok]
    lines.append(f"\n{len(rows) - len(missed)} of {len(rows)} within {LIMIT}×" + (f"; not: {', '.join(missed)}." if missed else "."))
    return "\n".join(lines)


def chart(setups: dict) -> str:
    """Horizontal bars: each page's rate as a fraction of the static file's (same server, same run), one bar per
    database and size, so that every run in bench/results.json shows side by side (inline SVG)."""
    runs = [(setup, r) for setup, run in setups.items() for r in run["sizes"]]
    names = list(dict.fromkeys(name for _, r in runs for name in to_static(r)))
    colours = {(setup, r["size"]): SETUP_COLOURS[i % len(SETUP_COLOURS)] for i, (setup, r) in enumerate(runs)}
    top = max([v for _, r in runs for v in to_static(r).values()] + [1.0])
    bar, gap = 14, 10
    height = 60 + len(runs) * 18 + len(names) * (bar * len(runs) + gap)
    lines = [f'<svg xmlns="http://www.w3.org/2000/svg" width="820" height="{height}" font-family="sans-serif" font-size="12">',
             '<text x="10" y="18" font-weight="bold">Rate as a fraction of the static file of the same size '
             '(same server, same run; higher is better)</text>']
    y = 34
    for (setup, r) in runs:
        lines.append(f'<rect x="10" y="{y - 10}" width="12" height="12" fill="{colours[(setup, r["size"])]}"/>')
        lines.append(f'<text x="28" y="{y}">{setup}, {r["size"]:,} stories</text>')
        y += 18
    y += 8
    for name in names:
        lines.append(f'<text x="10" y="{y + bar * len(runs) / 2 + 4:.0f}">{name}</text>')
        for setup, r in runs:
            value = to_static(r).get(name)
            if value is not None:
                width = 440 * value / top
                lines.append(f'<rect x="300" y="{y}" width="{width:.1f}" height="{bar - 2}" fill="{colours[(setup, r["size"])]}"/>')
                lines.append(f'<text x="{305 + width:.1f}" y="{y + bar - 3}" font-size="10">{value:.3f}</text>')
            y += bar
        y += gap
    lines.append("</svg>")
    return "\n".join(lines)


def size_section(setup: str, run: dict, r: dict) -> str:
    out = [f"## {setup}, {r['size']:,} stories\n", "| page | req/s | p50 ms | p99 ms | SQL queries | errors |",
           "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, res, q in r["rows"]:
        out.append(f"| {name} | {res['rps']:.0f} | {res['p50_ms']:.1f} | {res['p99_ms']:.1f} | {q} | {res['errors']} |")
    out.append("\nRatios to the static file (same run): " + ", ".join(f"{k} **{v:.3f}**" for k, v in r["ratios"].items())
               + " (targets: uncached ≥ 0.06, cached article ≥ 0.85).\n")
    busy, breaking = r["scenarios"]["busy"], r["scenarios"]["breaking"]
    seconds = run["scenario_seconds"]
    out.append(f"Busy desk ({seconds} s, 32 readers over {READ_STORIES:,} stories and every listing; "
               f"{busy['desk']['saves']} saves, {busy['desk']['live_saves']} live saves): hit rate **{busy['hit_rate']:.3f}** "
               f"(target ≥ 0.95; {busy['states']}), p50 {busy['p50_ms']:.1f} ms, p99 {busy['p99_ms']:.1f} ms, "
               f"{busy['errors']} errors, {busy['rps']:.0f} req/s.\n")
    out.append(f"Breaking story ({seconds} s, 200 readers on one page, saved every 5 s): "
               f"**{breaking['renders_per_purge']:.2f}** renders per purge (target ≤ 2; {breaking['states']}, "
               f"{breaking['desk']['live_saves']} purges), p99 {breaking['p99_ms']:.1f} ms, {breaking['errors']} errors.\n")
    f = r["followers"]
    out.append(f"Live endpoint (as followers get it, page cache) / static file of its size: **{r['live_ratio']:.2f}** "
               f"(target ≥ 0.50). {run['followers']:,} followers polling every 15 s for {run['follow_seconds']} s while an "
               f"entry is posted every 10 s: {f['polls']} polls, {f['errors']} errors; the rest of the site meanwhile "
               f"{f['site_hit_rate']:.1%} page-cache hits ({f['site_reads']} reads; target > 95%).\n")
    if r.get("editor"):
        out.append(editor_line(r["editor"]) + "\n")
    if r.get("search"):
        search = r["search"]
        out.append(f"Search under a crowd ({search['connections']} connections, bench/search_load.py's mix):\n")
        out.append(search_table(search["rows"]) + "\n")
    out.append("Uncached single-client latency, median / best of 30: "
               + ", ".join(f"{k} {v:.1f} / {r.get('latency_best', r['latency'])[k]:.1f} ms" for k, v in r["latency"].items()) + ".\n")
    return "\n".join(out)


def write_results(setups: dict) -> None:
    """bench/results.md and bench/results.svg from every setup in bench/results.json (each run replaces the entry of
    its own database and cache); text below NOTES_MARK in the old results.md is kept."""
    path = ROOT / "bench" / "results.md"
    notes = ""
    if path.exists() and NOTES_MARK in path.read_text():
        notes = path.read_text().split(NOTES_MARK, 1)[1]
    out = ["# Benchmark results\n", "`make bench` (bench/run.py). Each row's ratio is to a static file of the same size "
           "served by the same server in the same run: compare ratios, not rates, across runs. Comparisons between sizes "
           f"are made within one run (target: the largest size within {LIMIT}× of the smallest).\n"]
    for setup, run in setups.items():
        out.append(f"Run for {setup}: {run['when']}, gunicorn on {run['cores']} cores, load by {run['tool']} "
                   f"({run['connections']} connections, {run['duration']} s per row), scenarios {run['scenario_seconds']} s, "
                   "sizes " + ", ".join(f"{r['size']:,}" for r in run["sizes"]) + ".\n")
    for setup, run in setups.items():
        for r in run["sizes"]:
            out.append(size_section(setup, run, r))
        if len(run["sizes"]) > 1:
            small, big = run["sizes"][0], run["sizes"][-1]
            out.append(f"## {setup}: {big['size']:,} stories against {small['size']:,} (same run)\n")
            out.append(comparison_table(small, big) + "\n")
    out.append("![Rates as fractions of the static file, every database and size](results.svg)\n")
    path.write_text("\n".join(out) + (f"\n{NOTES_MARK}{notes}" if notes else ""))
    (ROOT / "bench" / "results.svg").write_text(chart(setups) + "\n")


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    database = "PostgreSQL" if DB_URL else "SQLite"
    cache = "Redis" if REDIS_URL else "shared file cache"
    setup = f"{database} + {cache}"
    if ONLY - {"search"}:
        sys.exit(f"BENCH_ONLY: unknown part(s) {sorted(ONLY - {'search'})}; the one part that runs alone is 'search'")
    say(f"# Newsroom benchmark\n\n{setup}, gunicorn ({os.cpu_count()} cores), sizes {SIZES}")
    results = [run_size(size) for size in SIZES]
    if ONLY:
        (WORK / "search-results.json").write_text(json.dumps(results, indent=1) + "\n")
        say("\nwritten: bench/work/search-results.json (a part of a run: bench/results.* are left as they were)")
        return
    if len(results) > 1:
        say(f"\n## {results[-1]['size']:,} stories against {results[0]['size']:,} (within {LIMIT}x?)\n")
        say(comparison_table(results[0], results[-1]))
    setups = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    setups[setup] = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cores": os.cpu_count(),
                     "tool": "wrk" if shutil.which("wrk") else "bench/load.py", "connections": CONNECTIONS,
                     "duration": DURATION, "scenario_seconds": SCENARIO_SECONDS, "followers": FOLLOWERS,
                     "follow_seconds": FOLLOW_SECONDS, "sizes": results}
    RESULTS_JSON.write_text(json.dumps(setups, indent=1) + "\n")
    write_results(setups)
    say("\nwritten: bench/results.json, bench/results.md, bench/results.svg")


if __name__ == "__main__":
    main()
