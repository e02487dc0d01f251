"""The progress throttle, with a fake monotonic clock."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agent.domain import JobName
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


_JOBS: tuple[JobName, ...] = ("orders", "offers", "stock")


@given(
    st.lists(
        st.tuples(st.sampled_from(_JOBS), st.integers(0, 10), st.floats(0, 0.3)),
        min_size=1,
        max_size=200,
    )
)
def test_no_job_loses_its_last_value_and_writes_stay_bounded(steps: list[tuple[JobName, int, float]]) -> None:
    ticker = Ticker()
    throttle = ProgressThrottle(0.5, ticker)
    stored: dict[JobName, ProgressReport] = {}
    writes = job_starts = completions = 0
    previous: JobName | None = None
    started = ticker.now
    for job, done, pause in steps:
        ticker.now += pause
        job_starts += job != previous
        previous = job
        report = ProgressReport(1, job, done, 10)
        completions += done >= 10
        for written in throttle.offer(report):
            stored[written.job] = written
            writes += 1
    held = throttle.take_pending(1)
    if held is not None:
        stored[held.job] = held
    # Whatever was reported last for each job is stored now or was handed back as pending.
    last: dict[JobName, ProgressReport] = {}
    for job, done, _ in steps:
        last[job] = ProgressReport(1, job, done, 10)
    assert stored[steps[-1][0]] == last[steps[-1][0]]
    for job, report in last.items():
        assert stored[job] == report
    # At most: one per job start (plus the held value it flushes), one per completion, one per interval.
    assert writes <= 2 * job_starts + completions + int((ticker.now - started) / 0.5) + 1
