"""The progress throttle, with a fake monotonic clock."""

from __future__ import annotations

from agent.state.throttle import ProgressReport, ProgressThrottle


class Ticker:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_first_report_of_a_run_is_stored_then_a_flood_is_held_back() -> None:
    ticker = Ticker()
    throttle = ProgressThrottle(0.5, ticker)
    first = ProgressReport(1, "orders", 0, 100)
    assert throttle.offer(first) == (first,)
    for done in range(1, 50):
        ticker.now += 0.001
        assert throttle.offer(ProgressReport(1, "orders", done, 100)) == ()
    assert throttle.take_pending(1) == ProgressReport(1, "orders", 49, 100)
    assert throttle.take_pending(1) is None


def test_a_report_is_stored_again_once_the_interval_passed() -> None:
    ticker = Ticker()
    throttle = ProgressThrottle(0.5, ticker)
    throttle.offer(ProgressReport(1, "orders", 0, 100))
    ticker.now += 0.49
    assert throttle.offer(ProgressReport(1, "orders", 10, 100)) == ()
    ticker.now += 0.01
    later = ProgressReport(1, "orders", 20, 100)
    assert throttle.offer(later) == (later,)
    assert throttle.take_pending(1) is None


def test_the_last_value_of_a_job_is_always_stored() -> None:
    ticker = Ticker()
    throttle = ProgressThrottle(0.5, ticker)
    throttle.offer(ProgressReport(1, "orders", 0, 100))
    last = ProgressReport(1, "orders", 100, 100)
    assert throttle.offer(last) == (last,)


def test_a_new_job_is_stored_with_the_previous_jobs_held_back_value() -> None:
    ticker = Ticker()
    throttle = ProgressThrottle(0.5, ticker)
    throttle.offer(ProgressReport(1, "orders", 0, 100))
    held = ProgressReport(1, "orders", 70, 100)
    throttle.offer(held)
    offers = ProgressReport(1, "offers", 0, 10)
    assert throttle.offer(offers) == (held, offers)


def test_runs_are_throttled_separately() -> None:
    ticker = Ticker()
    throttle = ProgressThrottle(0.5, ticker)
    throttle.offer(ProgressReport(1, "orders", 0, 100))
    other = ProgressReport(2, "orders", 0, 100)
    assert throttle.offer(other) == (other,)
    throttle.forget(1)
    again = ProgressReport(1, "orders", 5, 100)
    assert throttle.offer(again) == (again,)
