"""Simulated readers following a live blog, and the rest of the site read at the same time.

    python bench/followers.py BASE SLUG CURSOR --followers 1000 --interval 15 --duration 60 --site PATH ...

Each follower is a thread that polls `/story/SLUG/live/?after=<cursor>` every INTERVAL seconds (starting at a random
moment), sending the ETag it last got (If-None-Match) as reader.js's fetch does; a 200 moves its cursor. One more
thread reads the --site pages in turn and counts page-cache hits (X-Page-Cache). Prints one JSON line.
"""
import argparse
import http.client
import json
import random
import threading
import time
from collections import Counter
from urllib.parse import parse_qs, urlsplit


def connect(base):
    parts = urlsplit(base)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)


def follower(base, slug, cursor, interval, deadline, statuses, lock):
    time.sleep(random.uniform(0, interval))
    etag, seen = None, Counter()
    while time.monotonic() < deadline:
        started = time.monotonic()
        # A new connection per poll, as a browser has after 15 s idle (servers close idle keep-alive connections sooner).
        conn = connect(base)
        try:
            conn.request("GET", f"/story/{slug}/live/?after={cursor}", headers={"If-None-Match": etag} if etag else {})
            response = conn.getresponse()
            body = response.read()
            seen[response.status] += 1
            if response.status == 200:
                etag = response.getheader("ETag")
                cursor = json.loads(body)["cursor"]
            elif response.status == 302:  # its entry changed since: the same answer is at the stamp before it
                cursor = parse_qs(urlsplit(response.getheader("Location")).query)["after"][0]
        except (OSError, http.client.HTTPException, ValueError):
            seen["error"] += 1
        finally:
            conn.close()
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
    with lock:
        statuses.update(seen)


def site_reader(base, paths, deadline, results):
    conn, seen = connect(base), Counter()
    while time.monotonic() < deadline:
        for path in paths:
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                seen[response.getheader("X-Page-Cache") or f"status {response.status}"] += 1
            except (OSError, http.client.HTTPException):
                seen["error"] += 1
                conn.close()
                conn = connect(base)
        time.sleep(0.05)
    results.update(seen)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("slug")
    parser.add_argument("cursor")
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=15)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--site", nargs="+", default=["/"])
    args = parser.parse_args()
    deadline = time.monotonic() + args.duration
    statuses, site, lock = Counter(), Counter(), threading.Lock()
    threads = [threading.Thread(target=follower, args=(args.base, args.slug, args.cursor, args.interval, deadline,
                                                        statuses, lock), daemon=True) for _ in range(args.followers)]
    threads.append(threading.Thread(target=site_reader, args=(args.base, args.site, deadline, site), daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.duration + 60)
    polls = sum(statuses.values())
    errors = polls - statuses[200] - statuses[304]
    hits, reads = site["hit"], sum(site.values())
    print(json.dumps({"polls": polls, "ok": statuses[200], "not_modified": statuses[304], "errors": errors,
                      "site_reads": reads, "site_hit_rate": hits / reads if reads else 0.0,
                      "statuses": {str(k): v for k, v in statuses.items()}}))


if __name__ == "__main__":
    main()
