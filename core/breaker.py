"""Circuit breakers: a dependency that hangs costs one timeout, not one per call.

A page makes about a hundred cache calls. With Redis paused (not dead: the connection is accepted and nothing
answers) each of them waited the full socket timeout, so every reader request took about a minute. A breaker
remembers, per process, that the dependency just failed: for `seconds` after a timeout or a connection error every
call fails at once, then one call (the probe) is let through; if it succeeds the breaker closes, if not it stays
open another `seconds`.

`BreakerRedisCache` is django-redis' RedisCache with a breaker per server (shared by the threads of a process).
While it is open a call raises django-redis' own `ConnectionInterrupted`, so with `IGNORE_EXCEPTIONS` it behaves
exactly like an unreachable Redis: reads are misses, writes are not taken (core.pagecache owes the purges it could
not write), `add` is refused. `core.purgers` uses `Breaker` for the CDN.
"""
import logging
import socket
import threading
import time

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Not "newsroom.cache": core.logfilters rewrites that logger's records as "cache unavailable".
log = logging.getLogger("newsroom.breaker")

DEFAULT_SECONDS = 5.0


class Breaker:
    """Closed (calls pass), open (calls refused until `seconds` after the last failure), then one probe."""

    def __init__(self, name: str, seconds: float = DEFAULT_SECONDS):
        self.name = name
        self.seconds = seconds
        self._lock = threading.Lock()
        self._open_until = 0.0  # time.monotonic(); 0: closed
        self._probing = False

    @property
    def is_open(self) -> bool:
        return bool(self._open_until)

    def allow(self) -> bool:
        """May a call go to the dependency now? While open, only one caller at a time after the wait (the probe)."""
        if not self._open_until:  # closed: no lock on the common path
            return True
        with self._lock:
            if not self._open_until:
                return True
            if self._probing or time.monotonic() < self._open_until:
                return False
            self._probing = True
            return True

    def succeeded(self) -> None:
        if self._open_until or self._probing:
            with self._lock:
                was_open, self._open_until, self._probing = bool(self._open_until), 0.0, False
            if was_open:
                log.warning("%s answers again: breaker closed", self.name)

    def failed(self) -> None:
        with self._lock:
            was_closed = not self._open_until
            self._open_until, self._probing = time.monotonic() + self.seconds, False
        if was_closed:
            log.warning("%s did not answer: calls fail at once for %g s, then one is tried", self.name, self.seconds)


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(name: str, seconds: float = DEFAULT_SECONDS) -> Breaker:
    """One breaker per dependency per process (Django makes a cache backend per thread; they must share it)."""
    with _breakers_lock:
        if name not in _breakers:
            _breakers[name] = Breaker(name, seconds)
        return _breakers[name]


def probe_now() -> None:
    """Let each open breaker try its probe on the next call instead of after its wait: for a process about to exit
    (core.pagecache.drain_outbox_at_exit), whose one last try is worth more than the time the wait saves."""
    with _breakers_lock:
        breakers = list(_breakers.values())
    for breaker in breakers:
        with breaker._lock:
            if breaker._open_until:
                breaker._open_until = min(breaker._open_until, time.monotonic())


class CacheBreakerOpen(RedisConnectionError):
    """Not sent: the cache's breaker is open."""


# What makes a call count as the dependency failing (a refused or reset connection, a timeout); anything else (a
# ResponseError, a pickling error) means Redis answered.
_OUTAGES = (RedisConnectionError, RedisTimeoutError, socket.timeout, OSError)


class _GuardedClient:
    """django-redis' client with every call passed through the breaker."""

    def __init__(self, client, breaker: Breaker):
        self._client = client
        self._breaker = breaker

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if not callable(attribute) or name in ("close", "make_key", "get_client"):
            return attribute
        breaker = self._breaker

        def guarded(*args, **kwargs):
            if not breaker.allow():
                raise ConnectionInterrupted(connection=None) from CacheBreakerOpen(f"{breaker.name}: breaker open")
            try:
                result = attribute(*args, **kwargs)
            except ConnectionInterrupted as error:
                if isinstance(error.__cause__, _OUTAGES):
                    breaker.failed()
                else:
                    breaker.succeeded()
                raise
            except BaseException:
                breaker.succeeded()  # the probe's slot is freed whatever happened; Redis answered
                raise
            breaker.succeeded()
            return result

        return guarded


class BreakerRedisCache(RedisCache):
    """django-redis' RedisCache behind a breaker (OPTIONS["BREAKER_SECONDS"], default 5)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        seconds = float(params.get("OPTIONS", {}).get("BREAKER_SECONDS", DEFAULT_SECONDS))
        self._breaker = breaker_for(f"cache {server}", seconds)

    @property
    def client(self):
        return _GuardedClient(super().client, self._breaker)
