"""The breaker's states (core/breaker.py): closed, open (refuse at once), one probe at a time after the wait.

The wait itself is skipped by moving the breaker's open-until instant, so nothing here depends on the machine's
speed; tests/integration/test_cache_hang.py runs it against a real paused Redis."""
import threading
import time

from core.breaker import Breaker, breaker_for, probe_now


def expire(breaker: Breaker) -> None:
    breaker._open_until = time.monotonic() - 1  # as if its seconds had passed


def test_one_failure_opens_it_and_calls_are_refused_until_the_wait_is_over():
    breaker = Breaker("test", seconds=60)
    assert breaker.allow() and not breaker.is_open
    breaker.failed()
    assert breaker.is_open
    assert [breaker.allow() for _ in range(100)] == [False] * 100


def test_after_the_wait_one_probe_goes_and_the_others_are_refused_while_it_is_out():
    breaker = Breaker("test", seconds=60)
    breaker.failed()
    expire(breaker)
    answers = []
    barrier = threading.Barrier(8)

    def caller():
        barrier.wait()
        answers.append(breaker.allow())

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False] * 7 + [True]


def test_a_failed_probe_opens_it_again_and_a_good_one_closes_it():
    breaker = Breaker("test", seconds=60)
    breaker.failed()
    expire(breaker)
    assert breaker.allow()  # the probe
    breaker.failed()
    assert breaker.is_open and not breaker.allow()
    expire(breaker)
    assert breaker.allow()
    breaker.succeeded()
    assert not breaker.is_open and all(breaker.allow() for _ in range(10))


def test_one_breaker_per_dependency_per_process():
    assert breaker_for("cache redis://a") is breaker_for("cache redis://a")
    assert breaker_for("cache redis://a") is not breaker_for("cache redis://b")


def test_probe_now_lets_an_exiting_process_try_once_without_waiting():
    breaker = breaker_for("test probe now", seconds=60)
    breaker.failed()
    assert not breaker.allow()
    probe_now()
    assert breaker.allow()  # the one probe
    assert not breaker.allow()  # and only one
