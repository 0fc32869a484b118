"""The bench's newsroom: a database of N generated stories, built once per size and copied for every run.

`seed(size, env)` leaves the bench's database (BENCH_DATABASE_URL, else bench/work/bench.sqlite3) holding:
migrations applied; `generate_newsroom --stories N` (published stories through articles.services'
`create_generated_stories`: sections, 60 reporters with 1-3 bylines each, 1-4 of 300 tags each, one audit entry
each, published 7 minutes apart going back from now, so 100,000 stories span 16 months; no photos and no
revisions, at every size alike); then the data derived from stories that `DERIVED_DATA` commands fill (the
search documents the search page reads); the `bench` superuser; fresh planner statistics (ANALYZE).

Building 100,000 stories took about four minutes on the shared 2-core machine (generation 500-1,500 stories/s
under the other sessions' load, search indexing ~800/s), so the result is kept as a template, keyed by a
fingerprint of everything that shapes it:
- PostgreSQL: database `<bench db>_<size>_tpl` (e.g. newsroom_bench_100k_tpl), its fingerprint in the database's
  COMMENT; each run drops the bench database and makes it again with `CREATE DATABASE … TEMPLATE` (a file copy:
  seconds).
- SQLite: bench/work/bench-<size>-tpl.sqlite3 and its .fingerprint file, copied over bench.sqlite3.
The fingerprint covers the migrations of every app, the generator, articles' models, services and related stories,
search's indexing and schema, the DERIVED_DATA commands and this file: change any of them and the next run builds
the template again (BENCH_REBUILD=1 rebuilds it regardless, for a change elsewhere that alters what is stored).
Published instants are relative to the build, so a template older than MAX_AGE is also rebuilt, keeping the Google
News window (two days) as full as on a fresh build.
"""
import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
PY = sys.executable
MAX_AGE = 20 * 3600  # seconds

# Management commands that derive per-story data from the stories (generated stories are bulk-inserted, so no
# story_changed signal fills it): each runs after generation, in this order, if the project has it. A new kind of
# stored derived data (e.g. related-story ids kept at save time) adds its rebuild command here.
DERIVED_DATA = [
    ("rebuild_search_index", "--batch-size", "1000"),
    ("fill_related",),  # stored related-story lists (branch issue-16-related names this command in articles.related)
]


def label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def fingerprint(size: int) -> str:
    digest = hashlib.sha256(str(size).encode())
    sources = sorted(ROOT.glob("*/migrations/*.py")) + [
        ROOT / "articles" / "management" / "commands" / "generate_newsroom.py", ROOT / "articles" / "models.py",
        ROOT / "articles" / "services.py", ROOT / "articles" / "related.py", ROOT / "search" / "indexing.py", ROOT / "search" / "schema.py", Path(__file__),
    ]
    for command, *_ in DERIVED_DATA:
        sources += sorted(ROOT.glob(f"*/management/commands/{command}.py"))
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def manage(*args, env, **kwargs):
    return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def available_commands(env) -> set[str]:
    out = manage("help", "--commands", env=env, capture_output=True, text=True).stdout
    return {line.strip() for line in out.splitlines() if line.strip()}


def build(size: int, env) -> None:
    """Generate into the (empty) bench database: migrations, stories, derived data, the bench user, statistics."""
    started = time.monotonic()
    manage("migrate", "--noinput", "-v0", env=env)
    manage("generate_newsroom", "--stories", str(size), env=env)
    commands = available_commands(env)
    for command, *args in DERIVED_DATA:
        if command in commands:
            manage(command, *args, env=env)
    manage("shell", "--no-imports", "-c", "from django.contrib.auth import get_user_model as g; from django.db import connection; "
           "g().objects.filter(username='bench').exists() or g().objects.create_superuser('bench', 'b@x.org', 'bench-password-123'); "
           "connection.cursor().execute('ANALYZE')", env=env)
    print(f"built {size:,} stories in {time.monotonic() - started:.0f} s", flush=True)


def _pg(database_url: str):
    import psycopg

    base, name = database_url.rsplit("/", 1)
    return psycopg.connect(base + "/postgres", autocommit=True), name


def _seed_postgresql(size: int, env, database_url: str, rebuild: bool) -> None:
    conn, name = _pg(database_url)
    template, wanted = f"{name}_{label(size)}_tpl", fingerprint(size)
    with conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           [template]).fetchone()
        kept, _, built_at = (row[0] or "").partition("@") if row else ("", "", "")
        fresh = kept == wanted and time.time() - float(built_at or 0) < MAX_AGE
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if fresh and not rebuild:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
            print(f"database {name} copied from {template}", flush=True)
            return
        conn.execute(f'CREATE DATABASE "{name}"')
    build(size, env)
    conn, _ = _pg(database_url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}" STRATEGY FILE_COPY')
        conn.execute(f"COMMENT ON DATABASE \"{template}\" IS '{wanted}@{time.time():.0f}'")
    print(f"kept as template {template} (fingerprint {wanted})", flush=True)


def _seed_sqlite(size: int, env, rebuild: bool) -> None:
    database = WORK / "bench.sqlite3"
    template = WORK / f"bench-{label(size)}-tpl.sqlite3"
    stamp = template.with_suffix(".fingerprint")
    wanted = fingerprint(size)
    for suffix in ("", "-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    fresh = (template.exists() and stamp.exists() and stamp.read_text() == wanted
             and time.time() - template.stat().st_mtime < MAX_AGE)
    if fresh and not rebuild:
        shutil.copyfile(template, database)
        print(f"database copied from {template.name}", flush=True)
        return
    build(size, env)
    # One file again (WAL checkpointed into the database), then copied.
    manage("shell", "--no-imports", "-c", "from django.db import connection; connection.cursor().execute('PRAGMA wal_checkpoint(TRUNCATE)')",
           env=env)
    shutil.copyfile(database, template)
    stamp.write_text(wanted)
    print(f"kept as template {template.name} (fingerprint {wanted})", flush=True)


def seed(size: int, env, database_url: str = "", rebuild: bool = False) -> None:
    """The bench database (database_url, else the SQLite file) with `size` generated stories; see the module's doc."""
    WORK.mkdir(parents=True, exist_ok=True)
    if database_url:
        _seed_postgresql(size, env, database_url, rebuild)
    else:
        _seed_sqlite(size, env, rebuild)
    manage("migrate", "--noinput", "-v0", env=env)  # a no-op unless the template predates a migration
