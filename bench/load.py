"""A small closed-loop HTTP load generator (used when wrk is not installed).

N connections, each a thread with a keep-alive http.client connection, for D seconds.
Prints one JSON line: requests, errors, rps, p50_ms, p99_ms.
"""
import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit


def run_threads(threads: list[threading.Thread]) -> float:
    """Start the connections' threads, wait for all of them, and return the seconds they took (load.py, readers.py,
    search_load.py)."""
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def percentile_ms(latencies: list[float], q: float) -> float:
    """The q-quantile of sorted latencies (seconds), in milliseconds; 0 when there are none."""
    return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0


def worker(url, headers, deadline, latencies, errors, lock):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    local, failed = [], 0
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status not in (200, 304):  # 304: the answer to If-None-Match
                failed += 1
        except (OSError, http.client.HTTPException):
            failed += 1
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            continue
        local.append(time.perf_counter() - start)
    with lock:
        latencies.extend(local)
        errors.append(failed)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.perf_counter() + args.duration
    threads = [threading.Thread(target=worker, args=(args.url, headers, deadline, latencies, errors, lock))
               for _ in range(args.connections)]
    elapsed = run_threads(threads)
    latencies.sort()
    print(json.dumps({"requests": len(latencies), "errors": sum(errors), "rps": len(latencies) / elapsed,
                      "p50_ms": percentile_ms(latencies, 0.50), "p99_ms": percentile_ms(latencies, 0.99)}))


if __name__ == "__main__":
    main()
