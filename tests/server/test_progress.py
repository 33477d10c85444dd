"""The progress adapter: strictly increasing values, the total only at the end, heartbeats."""

from __future__ import annotations

import anyio
import pytest

from argonaut_mcp.rollout.contracts import AppStatus, BatchSyncProgress, BatchSyncResult
from argonaut_mcp.server.progress import ProgressReporter, ProgressValues, grown_progress


class SteppedClock:
    """A clock the test sets by hand; `sleep` waits until `set_time` passes the deadline."""

    def __init__(self) -> None:
        self.time = 0.0
        self.changed = anyio.Event()

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        deadline = self.time + seconds
        while self.time < deadline:
            await self.changed.wait()

    def set_time(self, time: float) -> None:
        self.time = time
        self.changed.set()
        self.changed = anyio.Event()


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[float, float | None, str | None]] = []

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.sent.append((progress, total, message))


def snapshot(ready: int, progress: float, *, total: int = 6, batch: int = 1, message: str = "m") -> BatchSyncProgress:
    names = [f"app-{index}" for index in range(total)]
    batch_apps = names[(batch - 1) * 3 : batch * 3]
    statuses = {
        name: AppStatus(name=name, fate="ready" if index < ready else "waiting") for index, name in enumerate(names)
    }
    return BatchSyncProgress(
        run_id="r1",
        phase="polling",
        total_apps=total,
        total_batches=2,
        current_batch=batch,
        batch_apps=batch_apps,
        app_statuses=statuses,
        attempt=1,
        max_retries=2,
        ready_apps=ready,
        progress=progress,
        message=message,
    )


def test_values_strictly_increase_on_repeats():
    values = ProgressValues()
    sent = [values.next(0.0, 0, 6), values.next(0.0, 0, 6), values.next(0.0, 0, 6), values.next(0.5, 0, 6)]

    assert all(value is not None for value in sent)
    assert sent == sorted(sent)
    assert len(set(sent)) == len(sent)
    assert all(value < 1 for value in sent)


def test_values_keep_total_for_the_end():
    values = ProgressValues()
    before_end = values.next(6.0, 6, 6)
    again = values.next(6.0, 6, 6)
    final = values.final(6)

    assert before_end is not None and before_end < 6
    assert again is not None and before_end < again < 6
    assert final == 6.0
    assert values.final(6) is None


def test_values_jump_past_whole_number_when_app_ready():
    values = ProgressValues()
    first = values.next(0.9, 0, 6)
    second = values.next(1.0, 1, 6)

    assert first is not None and first < 1
    assert second is not None and second >= 1


def test_grown_progress_rises_with_time():
    base = snapshot(ready=2, progress=2.5)

    later = grown_progress(base, 30)
    much_later = grown_progress(base, 600)

    assert 2.5 < later < much_later < 3


@pytest.mark.anyio
async def test_reporter_sends_heartbeats_and_final_total():
    clock = SteppedClock()
    recorder = Recorder()
    reporter = ProgressReporter(recorder, clock, heartbeat_seconds=10)

    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            group.start_soon(reporter.send_heartbeats)
            await reporter.on_progress(snapshot(ready=0, progress=0.0, message="Batch 1/2 · 0/3 healthy · attempt 1/3"))
            for second in range(1, 35):
                clock.set_time(float(second))
                await anyio.wait_all_tasks_blocked()
            await reporter.on_progress(snapshot(ready=3, progress=3.0, batch=2))
            group.cancel_scope.cancel()
        await reporter.finish(BatchSyncResult(run_id="r1", status="complete", total_apps=6), "done")

    values = [progress for progress, _, _ in recorder.sent]
    assert len(recorder.sent) == 1 + 3 + 1 + 1
    assert all(earlier < later for earlier, later in zip(values, values[1:]))
    assert values[-1] == 6.0
    assert all(total == 6.0 for _, total, _ in recorder.sent)
    assert recorder.sent[1][2] == "Batch 1/2 · 0/3 healthy · attempt 1/3"
    assert recorder.sent[-1][2] == "done"
