"""Fault drill: what readers get when parts of the stack fail. `make faults` runs it; nothing here leaves 127.0.0.1.

It builds a throw-away newsroom (SQLite file, file cache, media in a temporary folder), starts its own servers
and prints one table row per scenario:

1. embedded default (several gunicorn workers + the scheduler, no Redis): a correction saved in another process,
   then a scheduled update going live, under load: stale responses and time until every reader has the change;
2. database down: DATABASE_URL at a closed port, with the pages of (1) in the cache: statuses per page, and how
   many log lines the outage cost;
3. Redis killed mid-load: its own redis-server on a free port, SIGKILLed a third of the way in, and a correction
   after that: statuses before and after, stale responses;
4. Redis paused (SIGSTOP, not killed) mid-load, a correction saved during the hang, then SIGCONT: per-request
   latency before, during and after the hang, cache hits after it, stale responses;
5. poisoned update: one update that cannot be applied among N due ones, one `publish_scheduled` pass;
6. slow clients: 64 connections sending their headers a byte a second and 64 sending a body a byte a second, for
   --slow-seconds, while /healthz is probed four times a second; once straight at gunicorn (4 workers x 2
   threads, gunicorn.conf.py) and once through nginx configured by deploy/nginx/newsroom-limits.conf (skipped
   when nginx is not installed). The slow clients connect from 127.0.0.2, the probes from 127.0.0.1.

Bounded: each load phase runs --duration seconds (default 8) and at most --max-requests requests.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEVEL = re.compile(r"drill-level-(\d+)")


def nginx_command(binary: str, prefix: Path, port: int, upstream: int) -> list[str]:
    """The command for an nginx in the foreground on 127.0.0.1:port, everything it writes under `prefix`, configured
    like production by deploy/nginx/newsroom-limits.conf (included as is) in front of gunicorn on 127.0.0.1:upstream;
    the server block is deploy/nginx/newsroom-site.conf's without TLS."""
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(f"""
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {ROOT / "deploy" / "nginx" / "newsroom-limits.conf"};
    upstream newsroom_app {{ server 127.0.0.1:{upstream}; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{ proxy_pass http://newsroom_app; }}
    }}
}}
""")
    return [binary, "-p", str(prefix), "-c", str(conf)]


def wait_for_nginx(port: int, prefix: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nginx did not start: {(prefix / 'logs' / 'error.log').read_text()[-2000:]}")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile of sorted `values`."""
    if not values:
        return 0.0
    return values[min(len(values) - 1, max(0, round(pct / 100 * len(values) + 0.5) - 1))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Modes run inside a Django process (python bench/faults.py MODE ...) -----------------------------------------


def django_mode(mode: str, args: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from articles import services
    from articles.models import Article, ScheduledUpdate, Section
    from reporters.models import Reporter

    def body(level: int) -> str:
        return f"<p>The reservoir is at drill-level-{level}.</p>"

    if mode == "seed":
        reporter = Reporter.objects.create(name="Drill Reporter", slug="drill-reporter")
        story = services.save_story(
            Article(headline="Reservoir drill", body=body(1), section=Section.objects.get(slug="news")),
            services.Related([reporter], [], []), actor=services.COMMAND
        )
        services.publish(story, at=timezone.now() - timedelta(hours=1), actor=services.COMMAND)
        print(json.dumps({"story": story.get_absolute_url(), "id": story.pk}))
    elif mode == "edit":  # edit STORY_ID LEVEL: a correction, committed (the purge follows the commit)
        story = Article.objects.get(pk=int(args[0]))
        story.body = body(int(args[1]))
        services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)
        print(json.dumps({"committed": time.time()}))
    elif mode == "queue":  # queue STORY_ID LEVEL UNIX_TIME: a scheduled update going live at that instant
        from datetime import datetime
        from datetime import timezone as dt_timezone

        story = Article.objects.get(pk=int(args[0]))
        snap = dict(services.snapshot(story), body=body(int(args[1])))
        go_live = datetime.fromtimestamp(float(args[2]), tz=dt_timezone.utc)
        services.queue_update(story, snap, go_live_at=go_live, actor=services.COMMAND)
        print(json.dumps({"go_live": go_live.timestamp()}))
    elif mode == "poison":  # poison N: N good due updates and one whose only reporter was deleted; one pass
        due = timezone.now() - timedelta(seconds=1)
        reporter = Reporter.objects.get(slug="drill-reporter")
        section = Article.objects.first().section
        for n in range(int(args[0])):
            story = services.save_story(Article(headline=f"Drill story {n}", body=body(1), section=section),
                                        services.Related([reporter], [], []), actor=services.COMMAND)
            story = services.publish(story, at=due - timedelta(hours=1), actor=services.COMMAND)
            services.queue_update(story, dict(services.snapshot(story), headline=f"Drill story {n} updated"), go_live_at=due, actor=services.COMMAND)
        victim = services.publish(services.save_story(Article(headline="Poisoned drill", body=body(1), section=section),
                                                      services.Related([reporter], [], []), actor=services.COMMAND), at=due - timedelta(hours=1), actor=services.COMMAND)
        leaver = Reporter.objects.create(name="Drill Leaver", slug="drill-leaver")
        poison = services.queue_update(victim, dict(services.snapshot(victim), reporters=[leaver.pk]), go_live_at=due, actor=services.COMMAND)
        leaver.delete()
        started = time.monotonic()
        run = subprocess.run([sys.executable, "manage.py", "publish_scheduled"], cwd=ROOT, capture_output=True, text=True)
        elapsed = time.monotonic() - started
        poison.refresh_from_db()
        print(json.dumps({
            "applied": ScheduledUpdate.objects.filter(applied_at__isnull=False, article__headline__startswith="Drill story").count(),
            "due_left": ScheduledUpdate.objects.due().count(), "seconds": elapsed, "exit": run.returncode,
            "poison_attempts": poison.failed_attempts, "poison_error": poison.last_error,
        }))


# --- The driver --------------------------------------------------------------------------------------------------


class Drill:
    def __init__(self, args):
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="newsroom-faults-"))
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "CACHE_DIR")},
            "DATABASE_URL": f"sqlite:///{self.work / 'db.sqlite3'}", "CACHE_DIR": str(self.work / "cache"),
            "MEDIA_ROOT": str(self.work / "media"), "STATIC_ROOT": str(self.work / "static"),
            "SECRET_KEY": "fault-drill-only", "DEBUG": "0", "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SETTINGS_MODULE": "newsroom.settings", "PYTHONUNBUFFERED": "1",
        }
        self.processes: list[subprocess.Popen] = []

    def manage(self, *argv, env=None) -> str:
        return subprocess.run([sys.executable, "manage.py", *argv], cwd=ROOT, env=env or self.env, check=True,
                              capture_output=True, text=True).stdout

    def mode(self, *argv, env=None) -> dict:
        run = subprocess.run([sys.executable, __file__, *argv], cwd=ROOT, env=env or self.env,
                             capture_output=True, text=True)
        if run.returncode:
            raise RuntimeError(f"{argv[0]} failed: {run.stderr[-2000:]}")
        return json.loads(run.stdout.strip().splitlines()[-1])

    def start(self, argv, env=None, log=None) -> subprocess.Popen:
        process = subprocess.Popen(argv, cwd=ROOT, env=env or self.env, stdout=subprocess.DEVNULL,
                                   stderr=open(log, "w") if log else subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def stop(self, process) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    def app_server(self, workers: int, env=None, log=None) -> str:
        port = free_port()
        # gunicorn.conf.py (read from the project folder) gives the gthread worker and its threads.
        self.start([sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}",
                    "--workers", str(workers), "--access-logfile", "/dev/null"], env=env, log=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                time.sleep(2)  # every worker booted, not just the first one
                return f"127.0.0.1:{port}"
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("app server did not start")

    def load(self, host: str, paths: list[str], events=(), duration=None, connections=None, until=None) -> list[tuple]:
        """Closed-loop GETs from --connections threads; `events` are (second, callable) run during the load.

        Returns (started, ended, status, level, path, X-Page-Cache) per response, times from time.time()."""
        results, lock = [], threading.Lock()
        deadline = time.time() + (duration or self.args.duration)
        budget = [self.args.max_requests]

        def client(offset):
            conn, mine, n = http.client.HTTPConnection(host, timeout=10), [], offset
            while time.time() < deadline and not (until and until.is_set()):
                with lock:
                    if budget[0] <= 0:
                        break
                    budget[0] -= 1
                path, n = paths[n % len(paths)], n + 1
                started = time.time()
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    text = response.read().decode(errors="replace")
                    found = LEVEL.search(text)
                    mine.append((started, time.time(), response.status, int(found.group(1)) if found else None, path,
                                 response.getheader("X-Page-Cache", "")))
                except (OSError, http.client.HTTPException):
                    mine.append((started, time.time(), "error", None, path, ""))
                    conn.close()
                    conn = http.client.HTTPConnection(host, timeout=10)
            with lock:
                results.extend(mine)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(connections or self.args.connections)]
        start = time.time()
        for thread in threads:
            thread.start()
        timers = [threading.Timer(at, action) for at, action in events]
        for timer in timers:
            timer.start()
        for thread in threads:
            thread.join()
        for timer in timers:
            timer.join()
        return sorted(results), start

    @staticmethod
    def statuses(rows) -> str:
        return ", ".join(f"{status}: {count}" for status, count in sorted(Counter(r[2] for r in rows).items(), key=str))

    @staticmethod
    def staleness(rows, changed_at: float, level: int) -> tuple[int, float]:
        """Responses begun after `changed_at` that still showed an older level, and when the last of them ended."""
        stale = [r for r in rows if r[0] > changed_at and r[3] is not None and r[3] < level]
        return len(stale), (max(r[1] for r in stale) - changed_at) if stale else 0.0

    # --- scenarios ---

    def embedded_default(self, story) -> dict:
        server = self.app_server(workers=3)
        scheduler = self.start([sys.executable, "manage.py", "publish_scheduled", "--loop", "--interval", "1"])
        d = self.args.duration
        go_live = time.time() + d * 2 / 3  # the load starts right after this line
        edits = {}
        rows, _ = self.load(server, [story["story"], "/"], events=[
            (0, lambda: self.mode("queue", str(story["id"]), "3", str(go_live))),
            (d / 3, lambda: edits.update(self.mode("edit", str(story["id"]), "2"))),
        ])
        self.stop(scheduler)
        for path in (story["story"], "/"):  # leave the current pages in the cache for the database-down drill
            conn = http.client.HTTPConnection(server, timeout=10)
            conn.request("GET", path)
            conn.getresponse().read()
        story_rows = [r for r in rows if r[3] is not None]
        stale, settle = self.staleness(story_rows, edits["committed"], 2)
        late, update_settle = self.staleness(story_rows, go_live, 3)
        return {
            "scenario": "embedded default: 3 workers + scheduler, correction then scheduled update",
            "requests": len(rows), "statuses": self.statuses(rows), "stale": stale,
            "consistent_after": f"correction {settle:.2f} s; update {update_settle:.2f} s after its go-live",
            "notes": f"the scheduler polls every 1 s; {late} responses between go-live and the pass that applied it",
        }

    def redis_killed(self, story) -> dict:
        port = free_port()
        redis = self.start(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        time.sleep(0.5)
        env = {**self.env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
        log = self.work / "redis-drill.log"
        server = self.app_server(workers=2, env=env, log=log)
        d, marks = self.args.duration, {}

        def kill():
            redis.send_signal(signal.SIGKILL)
            marks["killed"] = time.time()

        rows, _ = self.load(server, [story["story"], "/", "/section/news/"], events=[
            (d / 3, kill),
            (d * 2 / 3, lambda: marks.update(self.mode("edit", str(story["id"]), "4", env=env))),
        ])
        before = [r for r in rows if r[0] < marks["killed"]]
        after = [r for r in rows if r[0] >= marks["killed"]]
        stale, settle = self.staleness(rows, marks["committed"], 4)
        lines = log.read_text().count("cache unavailable")
        return {
            "scenario": "Redis SIGKILLed a third of the way in (own redis-server), then a correction",
            "requests": len(rows), "statuses": f"before kill {self.statuses(before)}; after {self.statuses(after)}",
            "stale": stale, "consistent_after": f"correction {settle:.2f} s",
            "notes": f"'cache unavailable' logged {lines} time(s) by 2 workers",
        }

    def database_down(self) -> dict:
        env = {**self.env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nothing"}
        log = self.work / "db-drill.log"
        server = self.app_server(workers=2, env=env, log=log)
        paths = ["/", "/story/anything/", "/healthz"]
        rows, _ = self.load(server, paths)
        logged = log.read_text()
        by_path = "; ".join(f"{path} {self.statuses([r for r in rows if r[4] == path])}" for path in paths)
        return {
            "scenario": "database down (DATABASE_URL at a closed port; the shared file cache holds the current pages)",
            "requests": len(rows), "statuses": by_path, "stale": "-", "consistent_after": "-",
            "notes": f"log: {logged.count('database unavailable')} outage line(s) from 2 workers, "
                     f"{logged.count('Traceback')} tracebacks",
        }

    def redis_paused(self, story) -> list[dict]:
        """Our own redis-server paused with SIGSTOP (connections accepted, nothing answered) and resumed."""
        port = free_port()
        redis = self.start(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        time.sleep(0.5)
        env = {**self.env, "REDIS_URL": f"redis://127.0.0.1:{port}/0", "REDIS_TIMEOUT": "0.5"}
        server = self.app_server(workers=2, env=env, log=self.work / "pause-drill.log")
        paths = [story["story"], "/", "/section/news/"]
        for path in paths:  # cached before the hang
            conn = http.client.HTTPConnection(server, timeout=30)
            conn.request("GET", path)
            conn.getresponse().read()
        hang, marks = self.args.pause_seconds, {}

        def outage():
            redis.send_signal(signal.SIGSTOP)
            marks["paused"] = time.time()
            time.sleep(1)
            marks.update(self.mode("edit", str(story["id"]), "5", env=env))  # a correction saved during the hang
            time.sleep(max(0.0, marks["paused"] + hang - time.time()))
            redis.send_signal(signal.SIGCONT)
            marks["resumed"] = time.time()
            time.sleep(8)
            redis.send_signal(signal.SIGKILL)  # for comparison: a Redis that refuses at once
            marks["killed"] = time.time()
            time.sleep(8)
            done.set()

        # Readers one per app-server thread (2 workers x 2), so a request's time is its own, not a queue's.
        done = threading.Event()
        rows, _ = self.load(server, paths, events=[(2, outage)], duration=300, connections=4, until=done)
        redis.send_signal(signal.SIGCONT)
        if os.environ.get("FAULTS_DEBUG"):
            t0 = rows[0][0]
            print({k: round(v - t0, 2) for k, v in marks.items()}, file=sys.stderr)
            for r in rows:
                print(round(r[0] - t0, 2), round(r[1] - t0, 2), r[2], r[3], r[4], r[5], file=sys.stderr)
        phases = [("before the pause", [r for r in rows if r[0] < marks["paused"]]),
                  ("Redis paused", [r for r in rows if marks["paused"] <= r[0] < marks["resumed"]]),
                  ("after SIGCONT", [r for r in rows if marks["resumed"] <= r[0] < marks["killed"]]),
                  ("then SIGKILLed, for comparison (refused at once)", [r for r in rows if r[0] >= marks["killed"]])]
        before_kill = [r for r in rows if r[0] < marks["killed"]]
        stale, settle = self.staleness(before_kill, marks["committed"], 5)
        stale_after = [r for r in before_kill if r[0] >= marks["resumed"] and r[3] is not None and r[3] < 5]
        hang = marks["resumed"] - marks["paused"]
        out = []
        for name, part in phases:
            seconds = sorted(r[1] - r[0] for r in part) or [0.0]
            hits = sum(1 for r in part if r[5] == "hit")
            first_hit = min((r[0] - marks["resumed"] for r in part if r[5] == "hit"), default=None)
            notes = f"{hits} cache hits"
            if name == "after SIGCONT":
                notes += (f", the first {first_hit:.2f} s after SIGCONT" if first_hit is not None else "")
                notes += (f"; {len(stale_after)} responses after SIGCONT still showed the text from before the "
                          f"correction saved during the hang" if stale_after else "; the correction showed on every page")
            out.append({
                "scenario": f"Redis paused (SIGSTOP {hang:.0f} s, own redis-server, 0.5 s timeout): {name}",
                "requests": len(part), "statuses": self.statuses(part),
                "stale": (f"{stale} (correction at {marks['committed'] - marks['paused']:.1f} s into the pause)"
                          if name == "after SIGCONT" else "-"),
                "consistent_after": (f"correction {settle:.2f} s" if name == "after SIGCONT" else "-"),
                "notes": (f"latency p50 {percentile(seconds, 50) * 1000:.0f} ms, p99 {percentile(seconds, 99) * 1000:.0f} ms, "
                          f"max {seconds[-1] * 1000:.0f} ms; {notes}"),
            })
        return out

    def slow_clients(self) -> list[dict]:
        """64 slow-header + 64 slow-body connections against gunicorn alone, then against nginx in front of it."""
        env = {**self.env, "WEB_CONCURRENCY": "4", "GUNICORN_THREADS": "2"}
        server = self.app_server(workers=4, env=env)
        host, port = server.split(":")
        rows = [self.slow_drill(f"gunicorn alone (4 workers x 2 threads), {host}:{port}", int(port))]
        nginx = nginx_binary()
        if nginx:
            front = self.nginx(nginx, int(port))
            rows.append(self.slow_drill("nginx (deploy/nginx/newsroom-limits.conf) in front of the same gunicorn", front))
        else:
            rows.append({"scenario": "slow clients through nginx", "requests": "-", "statuses": "-", "stale": "-",
                         "consistent_after": "-", "notes": "skipped: nginx not installed (apt-get install nginx)"})
        return rows

    def nginx(self, binary: str, upstream: int) -> int:
        """nginx on a free port with the repository's limits file, in front of 127.0.0.1:upstream."""
        port, prefix = free_port(), self.work / "nginx"
        self.start(nginx_command(binary, prefix, port, upstream), log=prefix / "stderr.log")
        wait_for_nginx(port, prefix)
        return port

    def slow_drill(self, name: str, port: int) -> dict:
        seconds, per_kind = self.args.slow_seconds, self.args.slow_connections
        stop = threading.Event()
        counts = Counter()
        lock = threading.Lock()
        head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        body_head = (b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n")

        def attacker(first: bytes, drip: bytes):
            while not stop.is_set():
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.2", 0)) as sock:
                        sock.sendall(first)
                        with lock:
                            counts["opened"] += 1
                        while not stop.is_set():
                            sock.sendall(drip)
                            if stop.wait(1.0):
                                break
                            # A server that gave up on us has closed the connection: notice it at the next byte.
                            sock.setblocking(False)
                            try:
                                if sock.recv(1024) == b"":
                                    raise ConnectionResetError
                            except BlockingIOError:
                                pass
                            finally:
                                sock.setblocking(True)
                except OSError:
                    with lock:
                        counts["cut"] += 1
                    stop.wait(0.2)

        probes = []

        def prober():
            while not stop.is_set():
                started = time.monotonic()
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    conn.request("GET", "/healthz", headers={"Connection": "close"})
                    response = conn.getresponse()
                    response.read()
                    probes.append((response.status, time.monotonic() - started))
                    conn.close()
                except TimeoutError:
                    probes.append(("timeout", time.monotonic() - started))
                except (OSError, http.client.HTTPException):
                    probes.append(("error", time.monotonic() - started))
                stop.wait(max(0.0, 0.25 - (time.monotonic() - started)))

        threads = [threading.Thread(target=attacker, args=(head, b"X")) for _ in range(per_kind)]
        threads += [threading.Thread(target=attacker, args=(body_head, b"x")) for _ in range(per_kind)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)  # every slow connection is open before the first probe
        probe = threading.Thread(target=prober)
        probe.start()
        stop.wait(seconds)
        stop.set()
        for thread in [*threads, probe]:
            thread.join(10)
        answered = sorted(t for status, t in probes if status == 200)
        failed = Counter(status for status, _ in probes if status != 200)
        latency = (f"p50 {percentile(answered, 50) * 1000:.0f} ms, p99 {percentile(answered, 99) * 1000:.0f} ms"
                   if answered else "none answered")
        return {
            "scenario": f"slow clients: {per_kind} slow-header + {per_kind} slow-body connections, {seconds:g} s; {name}",
            "requests": f"{len(probes)} /healthz probes (2 s timeout)",
            "statuses": f"answered 200: {len(answered)}; " + (", ".join(f"{k}: {v}" for k, v in sorted(failed.items(), key=str)) or "no failures"),
            "stale": "-", "consistent_after": "-",
            "notes": f"answered in {latency}; slow connections opened {counts['opened']}, cut by the server {counts['cut']}",
        }

    def poisoned_update(self) -> dict:
        n = self.args.poison_among
        result = self.mode("poison", str(n))
        return {
            "scenario": f"poisoned update among {n} due ones, one publish_scheduled pass",
            "requests": "-", "statuses": f"exit {result['exit']}", "stale": "-",
            "consistent_after": f"{result['applied']} of {n} applied in {result['seconds']:.1f} s",
            "notes": f"poison: attempt {result['poison_attempts']} recorded: {result['poison_error']}",
        }

    def run(self) -> list[dict]:
        try:
            self.manage("migrate", "--noinput", "-v0")
            self.manage("collectstatic", "--noinput", "-v0")
            story = self.mode("seed")
            if self.args.only == "slow":
                return self.slow_clients()
            if self.args.only == "pause":
                return self.redis_paused(story)
            rows = [self.embedded_default(story)]
            for process in self.processes:
                self.stop(process)
            rows.append(self.database_down())
            for process in self.processes:
                self.stop(process)
            if shutil.which("redis-server"):
                rows.append(self.redis_killed(story))
            else:
                rows.append({"scenario": "Redis killed", "requests": "-", "statuses": "-", "stale": "-",
                             "consistent_after": "-", "notes": "skipped: redis-server not installed"})
            for process in self.processes:
                self.stop(process)
            if shutil.which("redis-server"):
                rows.extend(self.redis_paused(story))
            for process in self.processes:
                self.stop(process)
            rows.append(self.poisoned_update())
            rows.extend(self.slow_clients())
            return rows
        finally:
            for process in self.processes:
                self.stop(process)
            shutil.rmtree(self.work, ignore_errors=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("seed", "edit", "queue", "poison"):
        django_mode(sys.argv[1], sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of load per scenario (default 8)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--max-requests", type=int, default=20000, help="at most this many requests per scenario")
    parser.add_argument("--poison-among", type=int, default=20, help="good updates due beside the poisoned one")
    parser.add_argument("--pause-seconds", type=float, default=10.0, help="how long Redis stays paused (default 10)")
    parser.add_argument("--slow-seconds", type=float, default=20.0, help="length of each slow-client drill (default 20)")
    parser.add_argument("--slow-connections", type=int, default=64, help="slow-header and slow-body connections, each")
    parser.add_argument("--only", choices=["slow", "pause"], help="run one scenario alone (after building the newsroom)")
    args = parser.parse_args()
    started = time.time()
    rows = Drill(args).run()
    print(f"Fault drill, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {args.connections} clients, "
          f"{args.duration:g} s per load phase, {os.cpu_count()} cores\n")
    print("| scenario | requests | statuses | stale responses | time to consistency | notes |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row['scenario']} | {row['requests']} | {row['statuses']} | {row['stale']} | {row['consistent_after']} | {row['notes']} |")
    print(f"\n(total {time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
