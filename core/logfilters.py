"""Outages are logged once a minute, not once a request.

With the database or the cache down every request fails the same way; a traceback per request buries
everything else (about 5,400 in 15 s were measured). `OutageFilter` sits on the log handler: the first record
of an outage kind in a window passes, without its traceback, as one line that says what is down and how many
like it were held back since the last line; the rest of the window is dropped. The window is per process
(settings.LOG_REPEAT_SECONDS, default 60).
"""
import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError

# What a database that cannot be reached raises (refused or lost connection, server gone, SQLite file unreadable).
# Other database errors (a value it refuses, a constraint, bad SQL) are the input's or ours: they are logged in
# full, and core.views.server_error does not answer them with the outage page.
DATABASE_DOWN = (OperationalError, InterfaceError)

MESSAGES = {
    "database": "database unavailable: answering 503",
    "cache": "cache unavailable: serving pages uncached",
}


def outage_kind(record: logging.LogRecord) -> str | None:
    if record.name == "newsroom.cache" or record.name.startswith("django_redis"):
        return "cache"
    error = record.exc_info[1] if record.exc_info else None
    while error is not None:
        if isinstance(error, DATABASE_DOWN):
            return "database"
        error = error.__cause__ or error.__context__
    if record.name == "django.request" and getattr(record, "status_code", None) == 503:
        return "database"  # the 503 answer itself (core.views.server_error), logged by Django per response
    if record.name == "newsroom.outage":
        return getattr(record, "outage", None)
    return None


class OutageFilter(logging.Filter):
    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        kind = outage_kind(record)
        if kind is None:
            return True
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(kind, -1e9) < getattr(settings, "LOG_REPEAT_SECONDS", 60):
                self._held[kind] = self._held.get(kind, 0) + 1
                return False
            held, self._held[kind], self._last[kind] = self._held.get(kind, 0), 0, now
        record.msg = MESSAGES.get(kind, f"{kind} unavailable")
        if held:
            record.msg += f" ({held} similar messages held back since the last one)"
        record.args, record.exc_info, record.exc_text, record.stack_info = (), None, None, None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


# A refused or missing page is the reader's or crawler's doing, not a fault: one line, no traceback.
QUIET_STATUSES = {403, 404, 405, 410}


class ClientErrorFilter(logging.Filter):
    """django.request logs a 403 or 404 raised as an exception (PermissionDenied, Http404) with its traceback;
    on a busy site those were most of the log (375 of 398 tracebacks). Keep the line, drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request" and getattr(record, "status_code", None) in QUIET_STATUSES:
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True
