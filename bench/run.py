"""`make bench`: generate a newsroom, serve it with gunicorn as in production, load it, print the table.

For each size (BENCH_SIZES, default "1000"): a fresh database (SQLite file, or the PostgreSQL server
in BENCH_DATABASE_URL), generated stories (progress bar), gunicorn with the production settings,
then for the article and home pages, cached and uncached, and a static file of the same size served
by whitenoise: requests per second, p50 and p99 latency, SQL queries per page. Also the uncached
latency of home, section, article and the admin article list, to compare sizes.
Load comes from wrk when installed, else from bench/load.py (another process either way).
Results go to bench/results.md and bench/results.svg. Never run in CI.
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

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
PY = sys.executable
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
DURATION = int(os.environ.get("BENCH_DURATION", "20"))
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000").split(",")]
DB_URL = os.environ.get("BENCH_DATABASE_URL", "")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "")
UNCACHED = {"Cookie": "sessionid=bench-uncached"}  # any session cookie makes the page cache step aside
# The live blog scenario: a story with BENCH_LIVE_ENTRIES entries, then BENCH_FOLLOWERS readers polling every 15 s for
# BENCH_FOLLOW_SECONDS while an entry is posted every 10 s.
LIVE_SLUG = "bench-story-1"
LIVE_ENTRIES = int(os.environ.get("BENCH_LIVE_ENTRIES", "2000"))
FOLLOWERS = int(os.environ.get("BENCH_FOLLOWERS", "1000"))
FOLLOW_SECONDS = int(os.environ.get("BENCH_FOLLOW_SECONDS", "60"))


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
    return env


def manage(*args, env):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def reset_database(env):
    if DB_URL:
        import psycopg

        base, name = DB_URL.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(str(WORK / "bench.sqlite3") + suffix).unlink(missing_ok=True)
    if REDIS_URL:
        subprocess.run([PY, "-c", f"import redis; redis.Redis.from_url({REDIS_URL!r}).flushdb()"], check=True)


class Server:
    def __init__(self, env):
        self.port = free_port()
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
        self.process.wait(timeout=20)


def load(url, headers=None):
    headers = headers or {}
    if shutil.which("wrk"):
        cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", url]
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
    cmd = [PY, str(ROOT / "bench" / "load.py"), url, "--connections", str(CONNECTIONS), "--duration", str(DURATION)]
    for key, value in headers.items():
        cmd += ["--header", f"{key}: {value}"]
    result = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    return {**result, "tool": "bench/load.py"}


def sequential_ms(url, headers, n=30):
    """Median latency of one client asking n times (uncached renders, to compare sizes)."""
    times = []
    for _ in range(n):
        request = urllib.request.Request(url, headers=headers)
        start = time.perf_counter()
        urllib.request.urlopen(request, timeout=30).read()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


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
    reset_database(env)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("generate_newsroom", "--stories", str(size), env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    manage("shell", "-c", "from django.contrib.auth import get_user_model as g; "
           "g().objects.filter(username='bench').exists() or g().objects.create_superuser('bench', 'b@x.org', 'bench-password-123')",
           env=env)
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
        latency = {
            "home": sequential_ms(server.base + "/", UNCACHED),
            "section": sequential_ms(server.base + section, UNCACHED),
            "article": sequential_ms(server.base + article, UNCACHED),
            "admin article list": sequential_ms(server.base + "/admin/articles/article/", staff),
        }
    finally:
        server.stop()
    say("| page | req/s | p50 ms | p99 ms | SQL queries (uncached render) | errors |")
    say("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, result, queries in rows:
        say(f"| {name} | {result['rps']:.0f} | {result['p50_ms']:.1f} | {result['p99_ms']:.1f} | {queries} | {result['errors']} |")
    ratio = rows[0][1]["rps"] / static["rps"] if static["rps"] else 0
    say(f"\ncached article / static file rate: **{ratio:.2f}** (target 0.60 or more); load tool: {static['tool']}, "
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
    say("uncached single-client median latency: " + ", ".join(f"{k} {v:.1f} ms" for k, v in latency.items()))
    return {"size": size, "rows": rows, "ratio": ratio, "latency": latency, "queries": counts,
            "live_ratio": live_ratio, "followers": followers}


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


def chart(results) -> str:
    """A horizontal bar chart of requests per second for each page, per size (inline SVG)."""
    bars = [(f"{r['size']:,}: {name}", res["rps"]) for r in results for name, res, _ in r["rows"]]
    top = max(v for _, v in bars) or 1
    height = 24 * len(bars) + 40
    lines = [f'<svg xmlns="http://www.w3.org/2000/svg" width="760" height="{height}" font-family="sans-serif" font-size="12">',
             '<text x="10" y="18" font-weight="bold">Requests per second (higher is better)</text>']
    for i, (label, value) in enumerate(bars):
        y = 30 + 24 * i
        width = 440 * value / top
        colour = "#6b7280" if "static" in label else ("#15803d" if "(cached)" in label else "#b45309")
        lines.append(f'<text x="10" y="{y + 14}">{label}</text>')
        lines.append(f'<rect x="290" y="{y}" width="{width:.1f}" height="18" fill="{colour}"/>')
        lines.append(f'<text x="{295 + width:.1f}" y="{y + 14}">{value:.0f}</text>')
    lines.append("</svg>")
    return "\n".join(lines)


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    database = "PostgreSQL" if DB_URL else "SQLite"
    cache = "Redis" if REDIS_URL else "shared file"
    say(f"# Newsroom benchmark\n\n{database}, {cache} cache, gunicorn ({os.cpu_count()} cores), sizes {SIZES}")
    results = [run_size(size) for size in SIZES]
    if len(results) > 1:
        say("\nuncached latency, largest size / smallest size (target 1.5x or less):")
        for page in results[0]["latency"]:
            factor = results[-1]["latency"][page] / results[0]["latency"][page]
            say(f"- {page}: {factor:.2f}x")
    (ROOT / "bench" / "results.svg").write_text(chart(results))
    with open(ROOT / "bench" / "results.md", "w") as out:
        out.write(f"# Benchmark results\n\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {database}, {cache} cache, "
                  f"gunicorn on {os.cpu_count()} cores; {CONNECTIONS} connections for {DURATION} s per row.\n\n")
        for r in results:
            out.write(f"## {r['size']:,} stories\n\n| page | req/s | p50 ms | p99 ms | SQL queries | errors |\n"
                      "| --- | ---: | ---: | ---: | ---: | ---: |\n")
            for name, res, q in r["rows"]:
                out.write(f"| {name} | {res['rps']:.0f} | {res['p50_ms']:.1f} | {res['p99_ms']:.1f} | {q} | {res['errors']} |\n")
            out.write(f"\nCached article / static file rate: **{r['ratio']:.2f}** (target ≥ 0.60).\n\n")
            f = r["followers"]
            out.write(f"Live endpoint (as followers get it, page cache) / static file of its size: **{r['live_ratio']:.2f}** "
                      "(target ≥ 0.50). "
                      f"{FOLLOWERS:,} followers polling every 15 s for {FOLLOW_SECONDS} s while an entry is posted every "
                      f"10 s: {f['polls']} polls, {f['errors']} errors; the rest of the site meanwhile "
                      f"{f['site_hit_rate']:.1%} page-cache hits ({f['site_reads']} reads; target > 95%).\n\n")
            out.write("Uncached single-client median: " + ", ".join(f"{k} {v:.1f} ms" for k, v in r["latency"].items()) + "\n\n")
        out.write("![Requests per second](results.svg)\n")
    say("\nwritten: bench/results.md, bench/results.svg")


if __name__ == "__main__":
    main()
