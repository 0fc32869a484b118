"""A wall-clock limit on one outbound HTTP exchange, whatever the other side does.

A socket timeout bounds each wait, not the whole: a server sending one byte every 0.1 s never trips a 10 s
timeout and can hold a wire fetch or a CDN purge for hours. `Deadline` watches the connection's socket and shuts it
down (SHUT_RDWR on a duplicate of its descriptor, which also reaches the TLS layer above it) when the time is up:
any read or write blocked on it returns at once, and the caller sees `expired`. Each wait is also bounded by a
socket timeout of at most the time left.

    with Deadline(10) as deadline:
        conn = deadline.connection("https", host, 443)
        ...   # every OSError / HTTPException after deadline.expired is "took longer than 10 s"
"""
import http.client
import socket
import ssl
import threading
import time


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._watched: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def check(self) -> None:
        """Raise TimeoutError once the time is up (between reads of a body, say)."""
        if time.monotonic() >= self.at:
            self.expired = True
            raise TimeoutError(f"took longer than {self.seconds:g} s")

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                sock.close()
                raise TimeoutError(f"took longer than {self.seconds:g} s")
            self._watched.append(sock.dup())

    def _cut(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._watched:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._watched:
                sock.close()
            self._watched.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def connection(self, scheme: str, host: str, port: int, *, address: str | None = None,
                   per_wait: float = 10.0) -> http.client.HTTPConnection:
        """An HTTP(S) connection to host:port (or to `address`, an already checked IP, with the Host header and
        TLS name still `host`) whose socket this deadline watches."""
        timeout = max(0.05, min(per_wait, self.remaining()))
        if scheme == "https":
            conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
        target = (address or host, port)

        def create_connection(_address, timeout=timeout, source_address=None):
            sock = socket.create_connection(target, max(0.05, min(timeout, self.remaining())), source_address)
            self.watch(sock)
            return sock

        # http.client opens its socket through this attribute; TLS wraps the socket we return.
        conn._create_connection = create_connection
        return conn
