"""RunFollower against the real server and sandbox in-process, with the sandbox's manual clock.

A driver task moves simulated time while the follower runs batch_sync, so no test sleeps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import pytest
from mcp import Client

from argonaut_mcp.config import InstanceConfig, Settings
from argonaut_mcp.demo.follow import RunFollower
from argonaut_mcp.demo.view import DemoView
from argonaut_mcp.rollout.contracts import BatchSyncResult
from argonaut_mcp.sandbox import ManualClock, Sandbox
from argonaut_mcp.server import build_server

PATTERN = "mentor-web-[a-c]*"
HANG_LIMIT_SECONDS = 30


class RecordingDisplay:
    """A display that keeps every view it was given, and can act on each update."""

    def __init__(self) -> None:
        self.updates: list[DemoView] = []
        self.messages: list[str] = []
        self.on_update = None

    def start(self, view: DemoView) -> None:
        self.updates.append(view)

    def update(self, view: DemoView) -> None:
        if view.message and (not self.messages or self.messages[-1] != view.message):
            self.messages.append(view.message)
        if self.on_update is not None:
            self.on_update(view)

    def note(self, text: str) -> None:
        pass

    def finish(self, view: DemoView, result: BatchSyncResult | None) -> None:
        pass


@asynccontextmanager
async def connected(mode: str = "auto") -> AsyncIterator[tuple[Client, ManualClock]]:
    clock = ManualClock()
    sandbox = Sandbox("healthy", clock=clock)
    async with sandbox.serve() as url:
        settings = Settings(instances={"default": InstanceConfig(name="default", url=url, token=sandbox.token)})
        async with Client(build_server(settings, clock=clock), mode=mode) as client:
            yield client, clock


async def follow_with_time(
    follower: RunFollower, clock: ManualClock, *, hold_time_until: anyio.Event | None = None
) -> BatchSyncResult | None:
    """Run the follower while moving simulated time half a second per step until it returns.

    With `hold_time_until`, simulated time does not move until that event is set, so the run
    waits in its first batch meanwhile.
    """
    outcome: list[BatchSyncResult | None] = []
    with anyio.fail_after(HANG_LIMIT_SECONDS):
        async with anyio.create_task_group() as tasks:

            async def follow() -> None:
                outcome.append(await follower.run({"pattern": PATTERN, "batch_size": 3}))
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

    async def follow_status(self) -> None:
        if self.late_polling:
            await self.cancelled.wait()
        await super().follow_status()


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
