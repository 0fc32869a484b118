"""Search under a crowd: N keep-alive connections asking /search/ with a realistic mix of queries for D seconds.

The mix (each request draws one; every connection has its own seeded generator, so runs repeat):
* 55% popular queries, page 1: 20 queries (single words and pairs from the generated newsroom's vocabulary), drawn
  with Zipf weights (the first asked 1/1, the twentieth 1/20 as often), as search logs look on a news day.
* 10% the same popular queries, page 2 or 3.
* 20% the middle: 200 other queries (word pairs, reporter names, tags) drawn evenly, each asked now and then.
* 10% the long tail: a real word plus a word no story has (a typo, a name), new on every request: never cached.
* 5% junk, new on every request: operator soup, 30 words, a 600-character string (cut, with a note on the page).
Requests wait at most --timeout seconds (2: a reader's patience); a request past it counts as a timeout, and its time
(the timeout) is in the percentiles. "Search is busy" answers (503, search.budget.a_place) are counted apart and
left out of the rate, which counts pages with results. Prints one JSON line: requests, rps, p50_ms, p99_ms,
timeouts, busy, errors, how the results were found (X-Search-Cache: hit, miss, off, none, too-slow, busy).
"""
import argparse
import http.client
import json
import random
import threading
import time
from collections import Counter
from urllib.parse import urlencode

from load import percentile_ms, run_threads  # bench/load.py, beside this script

POPULAR = 20
MIDDLE = 200


def queries(vocabulary: dict) -> tuple[list[str], list[str]]:
    """(popular, middle) from the newsroom's words, reporters and tags, the same for every run of one newsroom."""
    rng = random.Random(1)
    words = vocabulary["words"]
    popular = words[:12] + [f"{a} {b}" for a, b in zip(words[12:20], words[1:9])]
    pairs = [f"{a} {b}" for i, a in enumerate(words) for b in words[i + 1:]]
    rng.shuffle(pairs)
    middle = pairs[:MIDDLE - 60] + vocabulary["reporters"][:30] + vocabulary["tags"][:30]
    return popular[:POPULAR], middle[:MIDDLE]


def draw(rng: random.Random, popular: list[str], middle: list[str], weights: list[float], words: list[str]) -> dict:
    roll = rng.random()
    if roll < 0.55:
        return {"q": rng.choices(popular, weights)[0]}
    if roll < 0.65:
        return {"q": rng.choices(popular, weights)[0], "page": rng.choice([2, 3])}
    if roll < 0.85:
        return {"q": rng.choice(middle)}
    if roll < 0.95:
        nonsense = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(7))
        return {"q": f"{rng.choice(words)} {nonsense}"}
    junk = rng.choice([
        lambda: f'"{rng.choice(words)}" AND (NEAR({rng.choice(words)}* OR -{rng.choice(words)}) ^x {rng.random()}',
        lambda: " ".join(rng.choice(words) for _ in range(30)) + f" {rng.random()}",
        lambda: rng.choice(words) + " " + "".join(rng.choice("abcdefghij ") for _ in range(600)),
    ])
    return {"q": junk()}


def worker(host, port, vocabulary, deadline, timeout, seed, results, lock):
    rng = random.Random(seed)
    popular, middle = queries(vocabulary)
    weights = [1 / rank for rank in range(1, len(popular) + 1)]
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    latencies, states, errors, timeouts, busy = [], Counter(), 0, 0, 0
    while time.perf_counter() < deadline:
        path = "/search/?" + urlencode(draw(rng, popular, middle, weights, vocabulary["words"]))
        start = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            state = response.getheader("X-Search-Cache", "none")
            if response.status != 200 and not (response.status == 503 and state == "busy"):
                errors += 1
            states[state] += 1
            if state == "busy":  # answered at once, but with no results: not counted in the rate
                busy += 1
        except TimeoutError:
            timeouts += 1
            latencies.append(time.perf_counter() - start)
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
            continue
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
            continue
        latencies.append(time.perf_counter() - start)
    with lock:
        results["latencies"].extend(latencies)
        results["states"].update(states)
        results["errors"] += errors
        results["timeouts"] += timeouts
        results["busy"] += busy


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("vocabulary_file", help="JSON: words, reporters, tags (bench/run.py writes it)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--warm", action="store_true", help="ask each popular query once first (not timed)")
    args = parser.parse_args()
    host, port = args.base.split("//")[1].split(":")
    with open(args.vocabulary_file) as handle:
        vocabulary = json.load(handle)
    if args.warm:  # as a site that has been up a while: each popular query asked once, not timed
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        for query in queries(vocabulary)[0]:
            conn.request("GET", "/search/?" + urlencode({"q": query}))
            conn.getresponse().read()
        conn.close()
    results, lock = {"latencies": [], "states": Counter(), "errors": 0, "timeouts": 0, "busy": 0}, threading.Lock()
    deadline = time.perf_counter() + args.duration
    threads = [threading.Thread(target=worker, args=(host, int(port), vocabulary, deadline, args.timeout,
                                                     args.seed * 1000 + i, results, lock))
               for i in range(args.connections)]
    elapsed = run_threads(threads)
    latencies = sorted(results["latencies"])
    answered = len(latencies) - results["timeouts"] - results["busy"]  # pages with results (or a note on them)
    print(json.dumps({"requests": len(latencies), "rps": answered / elapsed, "p50_ms": percentile_ms(latencies, 0.5), "p99_ms": percentile_ms(latencies, 0.99),
                      "timeouts": results["timeouts"], "busy": results["busy"], "errors": results["errors"],
                      "states": dict(results["states"])}))


if __name__ == "__main__":
    main()
