"""Cancelling a batch_sync run mid-batch."""

import anyio
import pytest

from argonaut_mcp.rollout.engine import run_batch_sync
from argonaut_mcp.rollout.runs import RunRegistry
from argonaut_mcp.sandbox.fleets import mentor_web_names
from tests.rollout.harness import HANG_LIMIT_SECONDS, ready_times, sandbox_client, sync_times

MENTOR_WEB = sorted(mentor_web_names())
PARAMS = {"pattern": "mentor-web-*", "batch_size": 3}


async def advance_until_mid_batch(sandbox, snapshots, batch_number):
    """Advance the clock until the batch's syncs were accepted and it waits for readiness."""
    for _ in range(120):
        await sandbox.clock.advance(1)
        if snapshots and snapshots[-1].current_batch == batch_number and snapshots[-1].phase == "polling":
            return
    raise AssertionError(f"batch {batch_number} never started waiting")


@pytest.mark.anyio
async def test_cancelled_task_records_partial_results():
    registry = RunRegistry()
    snapshots = []

    async def collect(snapshot):
        await anyio.lowlevel.checkpoint()
        snapshots.append(snapshot)

    async with sandbox_client("healthy") as (sandbox, client):
        with anyio.fail_after(HANG_LIMIT_SECONDS):
            async with anyio.create_task_group() as group:
                group.start_soon(lambda: run_batch_sync(client, PARAMS, on_progress=collect, clock=sandbox.clock, registry=registry, run_id="run-1"))
                await advance_until_mid_batch(sandbox, snapshots, 2)
                cancelled_at = sandbox.clock.now()
                group.cancel_scope.cancel()
            done_without_time_passing = registry.get("run-1").done and sandbox.clock.now() == cancelled_at
            await sandbox.clock.advance(30)
        stats = sandbox.stats()

    record = registry.get("run-1")
    result = record.result
    batch_two = MENTOR_WEB[3:6]
    assert done_without_time_passing
    assert record.snapshot.phase == "cancelled"
    assert snapshots[-1].phase == "cancelled"
    assert result.status == "cancelled"
    assert result.completed == MENTOR_WEB[:3] + [name for name in batch_two if name in result.completed]
    assert result.in_flight == [name for name in batch_two if name not in result.completed]
    assert result.in_flight
    assert result.skipped == MENTOR_WEB[6:]
    assert result.batches[1].outcome == "cancelled"
    assert all(time <= cancelled_at for name in MENTOR_WEB for time in sync_times(stats, name))
    for name in result.in_flight:
        assert ready_times(stats, name), f"{name}: its accepted sync was not left to finish"


@pytest.mark.anyio
async def test_registry_cancel_returns_cancelled_result():
    registry = RunRegistry()
    snapshots = []
    outcome = {}

    async def collect(snapshot):
        await anyio.lowlevel.checkpoint()
        snapshots.append(snapshot)

    async def run(client, sandbox):
        outcome["result"] = await run_batch_sync(client, PARAMS, on_progress=collect, clock=sandbox.clock, registry=registry, run_id="run-2")

    async with sandbox_client("healthy") as (sandbox, client):
        with anyio.fail_after(HANG_LIMIT_SECONDS):
            async with anyio.create_task_group() as group:
                group.start_soon(run, client, sandbox)
                await advance_until_mid_batch(sandbox, snapshots, 3)
                cancelled_at = sandbox.clock.now()
                assert registry.cancel("run-2") is True
            await sandbox.clock.advance(30)
        stats = sandbox.stats()

    result = outcome["result"]
    assert result.status == "cancelled"
    assert result is registry.get("run-2").result
    batch_three = MENTOR_WEB[6:9]
    assert result.completed == MENTOR_WEB[:6] + [name for name in batch_three if name in result.completed]
    assert result.in_flight == [name for name in batch_three if name not in result.completed]
    assert result.skipped == MENTOR_WEB[9:]
    assert all(time <= cancelled_at for name in MENTOR_WEB for time in sync_times(stats, name))
    assert registry.cancel("run-2") is False
