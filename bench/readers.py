"""Readers for the bench scenarios: N keep-alive connections over a list of paths for D seconds, counting what the
page cache answered (X-Page-Cache: hit, stale, miss = a render). Prints one JSON line."""
import argparse
import http.client
import json
import random
import threading
import time
from collections import Counter

from load import percentile_ms, run_threads  # bench/load.py, beside this script


def worker(host, port, paths, deadline, seed, results, lock, queue=None):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    latencies, states, errors = [], Counter(), 0
    while time.perf_counter() < deadline:
        if queue is not None:
            with lock:
                path = next(queue, None)
            if path is None:
                break
        else:
            path = rng.choice(paths)
        start = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
            states[response.getheader("X-Page-Cache", "none")] += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            continue
        latencies.append(time.perf_counter() - start)
    with lock:
        results["latencies"].extend(latencies)
        results["states"].update(states)
        results["errors"] += errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("paths_file")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--each-once", action="store_true", help="ask every path once (warming), then stop")
    args = parser.parse_args()
    host, port = args.base.split("//")[1].split(":")
    paths = [line.strip() for line in open(args.paths_file) if line.strip()]
    results, lock = {"latencies": [], "states": Counter(), "errors": 0}, threading.Lock()
    deadline = time.perf_counter() + args.duration
    queue = iter(paths) if args.each_once else None
    threads = [threading.Thread(target=worker, args=(host, int(port), paths, deadline, i, results, lock, queue))
               for i in range(args.connections)]
    elapsed = run_threads(threads)
    latencies = sorted(results["latencies"])
    print(json.dumps({"requests": len(latencies), "errors": results["errors"], "rps": len(latencies) / elapsed,
                      "p50_ms": percentile_ms(latencies, 0.5), "p99_ms": percentile_ms(latencies, 0.99), "states": dict(results["states"])}))


if __name__ == "__main__":
    main()
