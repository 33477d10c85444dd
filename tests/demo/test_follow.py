"""RunFollower against the real server and sandbox in-process, with the sandbox's manual clock.

A driver task moves simulated time while the follower runs batch_sync, so no test sleeps.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
from mcp import Client

from argonaut_mcp.config import InstanceConfig, Settings
from argonaut_mcp.demo.follow import RunFollower
from argonaut_mcp.demo.plain import PlainPrinter
from argonaut_mcp.demo.session import RunStatus
from argonaut_mcp.demo.view import DemoView
from argonaut_mcp.rollout.contracts import BatchSyncResult
from argonaut_mcp.sandbox import ManualClock, Sandbox
from argonaut_mcp.server import build_server

PATTERN = "mentor-web-[a-c]*"
HANG_LIMIT_SECONDS = 30


class RecordingDisplay:
    """A display that keeps each new notification message with the batch of the snapshot
    shown beside it, and can act on each update."""

    def __init__(self) -> None:
        self.updates: list[DemoView] = []
        self.messages: list[str] = []
        self.batches_shown: list[int | None] = []
        self.on_update = None

    def start(self, view: DemoView) -> None:
        self.updates.append(view)

    def update(self, view: DemoView) -> None:
        if self.on_update is not None:
            self.on_update(view)

    def notify(self, view: DemoView) -> None:
        if view.message and (not self.messages or self.messages[-1] != view.message):
            self.messages.append(view.message)
            self.batches_shown.append(view.snapshot.current_batch if view.snapshot else None)
        self.update(view)

    def note(self, text: str) -> None:
        pass

    def finish(self, view: DemoView, result: BatchSyncResult | None) -> None:
        pass


@asynccontextmanager
async def connected(mode: str = "auto", scenario: str = "healthy") -> AsyncIterator[tuple[Client, ManualClock]]:
    clock = ManualClock()
    sandbox = Sandbox(scenario, clock=clock)
    async with sandbox.serve() as url:
        settings = Settings(instances={"default": InstanceConfig(name="default", url=url, token=sandbox.token)})
        async with Client(build_server(settings, clock=clock), mode=mode) as client:
            yield client, clock


async def follow_with_time(
    follower: RunFollower,
    clock: ManualClock,
    *,
    hold_time_until: anyio.Event | None = None,
    arguments: dict[str, Any] | None = None,
) -> BatchSyncResult | None:
    """Run the follower while moving simulated time half a second per step until it returns.

    With `hold_time_until`, simulated time does not move until that event is set, so the run
    waits in its first batch meanwhile.
    """
    outcome: list[BatchSyncResult | None] = []
    with anyio.fail_after(HANG_LIMIT_SECONDS):
        async with anyio.create_task_group() as tasks:

            async def follow() -> None:
                outcome.append(await follower.run(arguments or {"pattern": PATTERN, "batch_size": 3}))
                tasks.cancel_scope.cancel()

            tasks.start_soon(follow)
            if hold_time_until is not None:
                await hold_time_until.wait()
            while True:
                await clock.advance(0.5)
                await anyio.lowlevel.checkpoint()
    return outcome[0]


class CancelRecordingFollower(RunFollower):
    """Sets `cancelled` when a cancel is requested; with `late_polling`, reads no status before it."""

    def __init__(self, *args, late_polling: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cancelled = anyio.Event()
        self.late_polling = late_polling

    def request_cancel(self) -> None:
        super().request_cancel()
        self.cancelled.set()

    async def read_status_quietly(self) -> RunStatus | None:
        if self.late_polling and not self.cancelled.is_set():
            return None
        return await super().read_status_quietly()


@pytest.mark.anyio
async def test_follower_completes_with_notifications_and_snapshots() -> None:
    display = RecordingDisplay()
    view = DemoView(title="t")
    async with connected() as (client, clock):
        follower = RunFollower(client, display, view)
        result = await follow_with_time(follower, clock)

    assert result is not None
    assert result.status == "complete"
    assert follower.run_id == result.run_id
    assert view.snapshot is not None
    assert view.snapshot.phase == "complete"
    assert any(message.startswith("Batch 1/2 · ") for message in display.messages)
    assert view.total == 6


@pytest.mark.anyio
async def test_follower_cancel_sends_cancel_batch_sync() -> None:
    display = RecordingDisplay()
    view = DemoView(title="t")
    async with connected() as (client, clock):
        follower = CancelRecordingFollower(client, display, view)

        def cancel_in_first_batch(current: DemoView) -> None:
            if follower.run_id is not None and current.snapshot is not None and current.snapshot.current_batch == 1:
                follower.request_cancel()

        display.on_update = cancel_in_first_batch
        result = await follow_with_time(follower, clock, hold_time_until=follower.cancelled)

    assert result is not None
    assert result.status == "cancelled"
    assert result.run_id == follower.run_id
    assert [batch.outcome for batch in result.batches] == ["cancelled", "skipped"]
    assert view.cancelling


@pytest.mark.parametrize("mode", ["legacy", "auto"])
@pytest.mark.anyio
async def test_follower_cancel_before_run_id_known(mode: str) -> None:
    display = RecordingDisplay()
    view = DemoView(title="t")
    async with connected(mode) as (client, clock):
        follower = CancelRecordingFollower(client, display, view, late_polling=True)

        def cancel_on_first_notification(current: DemoView) -> None:
            if current.message and follower.run_id is None:
                follower.request_cancel()

        display.on_update = cancel_on_first_notification
        result = await follow_with_time(follower, clock, hold_time_until=follower.cancelled)

    assert result is not None
    assert result.status == "cancelled"
    assert follower.run_id == result.run_id


@pytest.mark.anyio
async def test_follower_shows_notification_with_newer_snapshot() -> None:
    display = RecordingDisplay()
    view = DemoView(title="t")
    async with connected() as (client, clock):
        result = await follow_with_time(RunFollower(client, display, view), clock)

    assert result is not None
    checked = 0
    for message, shown in zip(display.messages, display.batches_shown, strict=True):
        match = re.match(r"Batch (\d+)/", message)
        if match is None:
            continue
        checked += 1
        assert shown is not None, message
        assert shown >= int(match.group(1)), message
    assert checked > 0
    assert display.messages[-1] == "All 2 batches complete: 6 apps synced and Healthy."


@pytest.mark.anyio
async def test_follower_plain_shows_every_app_ready() -> None:
    stream = io.StringIO()
    view = DemoView(title="t")
    async with connected() as (client, clock):
        result = await follow_with_time(RunFollower(client, PlainPrinter(stream), view), clock)
    lines = [line.split("] ", 1)[1] for line in stream.getvalue().splitlines()]
    first_of_batch_two = next(index for index, line in enumerate(lines) if "Batch 2/2" in line)

    assert result is not None
    for name in result.completed:
        assert f"  ✓ {name} Synced/Healthy ready" in lines
    for name in result.plan[0].apps:
        assert lines.index(f"  ✓ {name} Synced/Healthy ready") < first_of_batch_two
    progress = [line for line in lines if line.startswith("progress")]
    assert len(progress) == len({line.split(": ", 1)[1].casefold() for line in progress})


@pytest.mark.anyio
async def test_follower_plain_explains_failed_sync() -> None:
    stream = io.StringIO()
    view = DemoView(title="t")
    arguments = {"pattern": "mentor-web-h*", "batch_size": 3}
    async with connected(scenario="default") as (client, clock):
        result = await follow_with_time(RunFollower(client, PlainPrinter(stream), view), clock, arguments=arguments)
    retries = [line for line in stream.getvalue().splitlines() if "↻" in line]

    assert result is not None
    assert result.status == "complete"
    assert len(retries) == 1
    assert "↻ mentor-web-hollowmere attempt 2/3: sync operation ended Failed: " in retries[0]
