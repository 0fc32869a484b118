"""A time limit on the database work of one search, whatever the words (settings.SEARCH_TIME_LIMIT_MS).

The words are already bounded (search.query: at most MAX_TERMS plain terms from MAX_QUERY_CHARS characters) and so
is the ranking (the newest MAX_RANKED matches). This is the backstop for whatever is still slow (a word in most of
the archive on SQLite, which reads every match; a database already struggling): past the limit the database stops
the search and the reader gets "This search took too long", never a 500 and never a worker stuck behind it.

* PostgreSQL: `SET LOCAL statement_timeout` inside a transaction of its own, so the limit ends with it and never
  reaches another query of the request or of the pooled connection (inside a caller's transaction it is a
  savepoint, and the previous value is put back after it).
* SQLite: a progress handler that interrupts the statement once the limit has passed (checked every
  PROGRESS_STEPS virtual-machine instructions), removed afterwards.
"""
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction

DEFAULT_TIME_LIMIT_MS = 1000
DEFAULT_CONCURRENCY = 1  # searches run at once per process (the others answer hits, pages, the rest of the site)
# How long a search waits for a place before the reader is told to try again: a search takes tens of milliseconds
# when the site is quiet, and a thread waiting here is a thread the rest of the site cannot use.
DEFAULT_QUEUE_SECONDS = 0.05
PROGRESS_STEPS = 1_000
PG_QUERY_CANCELED = "57014"


class SearchTooSlow(Exception):
    """The search was stopped at the time limit."""


class SearchBusy(Exception):
    """Every place for a search in this process was taken for longer than SEARCH_QUEUE_SECONDS."""


_places: dict[int, threading.BoundedSemaphore] = {}
_places_lock = threading.Lock()


@contextmanager
def a_place():
    """Run the block as one of at most SEARCH_CONCURRENCY searches at once in this process; raises SearchBusy when
    none frees up within SEARCH_QUEUE_SECONDS.

    A crowd of searches that miss the kept results would otherwise take every worker thread and queue behind each
    other until clients give up (and the server still runs what they gave up on): the whole site slows, not only
    search. Kept results (search.results_cache) are answered without a place."""
    size = max(1, int(getattr(settings, "SEARCH_CONCURRENCY", DEFAULT_CONCURRENCY)))
    with _places_lock:
        places = _places.setdefault(size, threading.BoundedSemaphore(size))
    if not places.acquire(timeout=float(getattr(settings, "SEARCH_QUEUE_SECONDS", DEFAULT_QUEUE_SECONDS))):
        raise SearchBusy
    try:
        yield
    finally:
        places.release()


def time_limit_ms() -> int:
    return int(getattr(settings, "SEARCH_TIME_LIMIT_MS", DEFAULT_TIME_LIMIT_MS))


@contextmanager
def time_limit():
    """Run the block's queries under the search time limit; raises SearchTooSlow when the database stopped them."""
    limit = max(1, time_limit_ms())  # 0 would mean "no limit" to PostgreSQL
    if connection.vendor == "postgresql":
        nested = connection.in_atomic_block
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT current_setting('statement_timeout'), set_config('statement_timeout', %s, true)",
                                   [f"{limit}ms"])
                    previous = cursor.fetchone()[0]
                yield
                if nested:  # a savepoint: released, a local setting would last until the outer transaction ends
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
        except OperationalError as error:
            if getattr(getattr(error, "__cause__", None), "sqlstate", None) == PG_QUERY_CANCELED:
                raise SearchTooSlow from error
            raise
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        deadline = time.monotonic() + limit / 1000
        raw.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, PROGRESS_STEPS)
        try:
            yield
        except OperationalError as error:
            if "interrupted" in str(error):
                raise SearchTooSlow from error
            raise
        finally:
            raw.set_progress_handler(None, PROGRESS_STEPS)
    else:
        yield
