"""Django's file cache with an atomic `add` and occasional culling, for the embedded default (several processes,
one directory).

Uncompressed: Django zlib-compresses every value, and decompressing the stored page was the largest single cost of
a page-cache hit (0.1 ms of about 0.5); pages are tens of kilobytes and the disk is local. Entries carry their own
suffix (".djc"), so files of Django's compressed format are never read as ours.

Culling: Django lists the whole directory before every write to see whether it is over MAX_ENTRIES; with the page
cache's fragments and key tokens that listing cost more than the write itself. Here a process lists it at most
once every CULL_INTERVAL seconds, so the directory may pass MAX_ENTRIES by what is written in between.

Django's FileBasedCache.add checks and then writes, so two processes can both "add" the same key. Here the value
is written to a temporary file and linked to the key's name: `os.link` fails if the name exists, so exactly one
of several racing processes adds it. That makes `add` a lock (the page cache's re-render lock, ad tickets' once-only
use) as on Redis. One gap remains: when the existing entry has expired, it is removed and the link tried once
more, and a process removing an expired entry by name can race another that has just replaced it.

Counters: a key starting with `counter:` holds an integer that `incr` moves atomically across processes (under an
exclusive `flock` on one lock file in the directory), like Redis's INCR: the page cache's purge sequence
(core.pagecache). A counter starts at 0 when it is missing, has no expiry, and lives in its own `.counter` file,
which culling and `clear()` (both list only `.djc` files) leave alone, so it only ever grows.
"""
import fcntl
import os
import pickle
import tempfile
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

CULL_INTERVAL = 2.0  # seconds
COUNTER_PREFIX = "counter:"


class FileCache(FileBasedCache):
    cache_suffix = ".djc"
    _last_cull = 0.0

    def get(self, key, default=None, version=None):
        if key.startswith(COUNTER_PREFIX):
            value = self._read_counter(self._counter_file(key, version))
            return default if value is None else value
        try:
            with open(self._key_to_file(key, version), "rb") as f:
                if not self._is_expired(f):
                    return pickle.loads(f.read())
        except FileNotFoundError:
            pass
        return default

    def _write_content(self, file, timeout, value):
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        value = self.get(key, self, version)  # not atomic, unlike Django's: the page cache does not touch
        if value is self:
            return False
        self.set(key, value, timeout, version)
        return True

    def _cull(self):
        now = time.monotonic()
        if now - self._last_cull < CULL_INTERVAL:
            return
        self._last_cull = now
        super()._cull()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if key.startswith(COUNTER_PREFIX):
            return self._update_counter(key, version, lambda current: int(value) if current is None else None) is not None
        self._createdir()
        fname = self._key_to_file(key, version)
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as f:
                self._write_content(f, timeout, value)
            for _ in range(2):
                try:
                    os.link(tmp_path, fname)
                    return True
                except FileExistsError:
                    if self.has_key(key, version):  # has_key removes an expired entry
                        return False
            return False
        finally:
            os.remove(tmp_path)

    # ------------------------------------------------------------------------------------------------ counters

    def _counter_file(self, key, version=None) -> str:
        return self._key_to_file(key, version)[: -len(self.cache_suffix)] + ".counter"

    @staticmethod
    def _read_counter(fname: str) -> int | None:
        try:
            with open(fname) as f:
                return int(f.read())
        except (FileNotFoundError, ValueError):
            return None

    def _write_counter(self, fname: str, value: int) -> None:
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        with open(fd, "w") as f:
            f.write(str(value))
        os.replace(tmp_path, fname)  # readers see the old value or the new one, never a partial file

    def _update_counter(self, key, version, new_value) -> int | None:
        """Under the lock: write new_value(current value or None) unless it is None; return what was written."""
        self._createdir()
        fname = self._counter_file(key, version)
        with open(os.path.join(self._dir, "counters.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            value = new_value(self._read_counter(fname))
            if value is not None:
                self._write_counter(fname, value)
        return value

    def incr(self, key, delta=1, version=None):
        if not key.startswith(COUNTER_PREFIX):
            return super().incr(key, delta, version)
        return self._update_counter(key, version, lambda current: (current or 0) + delta)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if key.startswith(COUNTER_PREFIX):
            self._update_counter(key, version, lambda current: int(value))
            return
        super().set(key, value, timeout, version)

    def has_key(self, key, version=None):
        if key.startswith(COUNTER_PREFIX):
            return os.path.exists(self._counter_file(key, version))
        return super().has_key(key, version)

    def delete(self, key, version=None):
        if key.startswith(COUNTER_PREFIX):
            try:
                os.remove(self._counter_file(key, version))
                return True
            except FileNotFoundError:
                return False
        return super().delete(key, version)
