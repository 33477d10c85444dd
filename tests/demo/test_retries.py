"""RetryWatch: one line per retry, with the cause read from the statuses seen before it.

The statuses follow what batch_sync reports for an app: the readiness reason as the message,
the Argo CD operation phase, and a failed operation's message kept into the next attempt
until a newer state of the app is read.
"""

from argonaut_mcp.demo.retries import RetryWatch
from argonaut_mcp.rollout.contracts import AppStatus

APP = "mentor-web-hollowmere"
FAILURE = "sync operation ended Failed: one or more objects failed to apply"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def status(attempts: int, message: str | None, phase: str | None = "Running", fate: str = "waiting", health: str = "Progressing") -> AppStatus:
    return AppStatus(name=APP, sync="Synced", health=health, phase=phase, fate=fate, attempts=attempts, message=message)


def observe_all(watch: RetryWatch, statuses: list[AppStatus], health_timeout: float | None = 20.0) -> list[str]:
    lines = [watch.observe(each, 3, health_timeout) for each in statuses]
    return [line for line in lines if line is not None]


def test_failed_operation_seen_on_first_attempt() -> None:
    watch = RetryWatch(FakeClock())

    lines = observe_all(
        watch,
        [
            status(0, None, phase="Succeeded", fate="pending", health="Healthy"),
            status(1, "sync operation in progress"),
            status(1, FAILURE, phase="Failed"),
            status(2, "no state newer than our sync request yet", phase="Failed", fate="syncing"),
        ],
    )

    assert lines == [f"↻ {APP} attempt 2/3: {FAILURE}"]


def test_failed_operation_carried_into_next_attempt() -> None:
    watch = RetryWatch(FakeClock())

    lines = observe_all(watch, [status(1, "sync operation in progress"), status(2, FAILURE, phase="Failed", fate="syncing")])

    assert lines == [f"↻ {APP} attempt 2/3: {FAILURE}"]


def test_timeout_after_health_timeout() -> None:
    clock = FakeClock()
    watch = RetryWatch(clock)

    watch.observe(status(1, "health is Degraded", phase="Succeeded", health="Degraded"), 3, 20.0)
    clock.now = 19.5
    line = watch.observe(status(2, "health is Degraded", phase="Succeeded", fate="syncing", health="Degraded"), 3, 20.0)

    assert line == f"↻ {APP} attempt 2/3: health timeout, not Synced and Healthy within 20 s; last status: health is Degraded"


def test_carried_failure_not_reused_for_timeout() -> None:
    clock = FakeClock()
    watch = RetryWatch(clock)

    observe_all(watch, [status(1, FAILURE, phase="Failed"), status(2, FAILURE, phase="Failed", fate="syncing")])
    watch.observe(status(2, "health is Degraded", phase="Succeeded", health="Degraded"), 3, 20.0)
    clock.now = 25.0
    line = watch.observe(status(3, "health is Degraded", phase="Succeeded", fate="syncing", health="Degraded"), 3, 20.0)

    assert line is not None
    assert FAILURE not in line
    assert "health timeout" in line


def test_unseen_cause_says_so() -> None:
    clock = FakeClock()
    watch = RetryWatch(clock)

    watch.observe(status(1, "sync operation in progress"), 3, 20.0)
    clock.now = 2.0
    line = watch.observe(status(2, "sync operation in progress", fate="waiting"), 3, 20.0)

    assert line == f"↻ {APP} attempt 2/3: attempt 1 ended before its cause was read; last status seen: sync operation in progress"


def test_one_line_per_retry() -> None:
    watch = RetryWatch(FakeClock())

    lines = observe_all(
        watch,
        [status(1, "sync operation in progress"), status(2, "sync operation in progress"), status(2, "health is Progressing")],
    )

    assert len(lines) == 1
