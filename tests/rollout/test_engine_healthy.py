"""batch_sync on the healthy fleet: batch order, concurrency, and how fast batches follow."""

import math

import pytest

from argonaut_mcp.rollout.waiting import MAX_PER_APP_WATCHES
from argonaut_mcp.sandbox.fleets import mentor_web_names
from tests.rollout.harness import drive, ready_times, sandbox_client, sync_times

MENTOR_WEB = sorted(mentor_web_names())


@pytest.mark.anyio
async def test_healthy_fleet_completes_in_batches_of_three():
    async with sandbox_client("healthy") as (sandbox, client):
        run = await drive(sandbox, client, {"pattern": "mentor-web-*", "batch_size": 3})
        stats = sandbox.stats()

    result = run.result
    assert result.status == "complete", result.message
    assert result.total_apps == 31
    assert len(result.batches) == 11
    assert [batch.apps for batch in result.batches] == [MENTOR_WEB[i : i + 3] for i in range(0, len(MENTOR_WEB), 3)]
    assert all(batch.outcome == "complete" for batch in result.batches)
    assert result.completed == MENTOR_WEB
    assert result.failed == []
    assert result.in_flight == []
    assert result.skipped == []
    assert stats["maxConcurrentSyncing"] <= 3
    for name in MENTOR_WEB:
        assert len(sync_times(stats, name)) == 1, name


@pytest.mark.anyio
async def test_each_batch_starts_after_previous_is_ready():
    async with sandbox_client("healthy") as (sandbox, client):
        run = await drive(sandbox, client, {"pattern": "mentor-web-*", "batch_size": 3})
        stats = sandbox.stats()

    batches = run.result.batches
    for previous, batch in zip(batches, batches[1:]):
        last_ready = max(ready_times(stats, name)[0] for name in previous.apps)
        first_sync = min(sync_times(stats, name)[0] for name in batch.apps)
        assert first_sync >= last_ready, f"batch {batch.number} synced at {first_sync}, before {last_ready}"


@pytest.mark.anyio
async def test_next_batch_syncs_at_the_ready_second():
    async with sandbox_client("healthy") as (sandbox, client):
        run = await drive(sandbox, client, {"pattern": "mentor-web-*", "batch_size": 3})
        stats = sandbox.stats()

    batches = run.result.batches
    for previous, batch in zip(batches, batches[1:]):
        last_ready = max(ready_times(stats, name)[0] for name in previous.apps)
        first_sync = min(sync_times(stats, name)[0] for name in batch.apps)
        assert math.floor(first_sync) == math.floor(last_ready), f"batch {batch.number}: ready {last_ready}, next sync {first_sync}"


@pytest.mark.anyio
async def test_progress_snapshots_describe_the_run():
    async with sandbox_client("healthy") as (sandbox, client):
        run = await drive(sandbox, client, {"apps": MENTOR_WEB[:6], "batch_size": 3})

    snapshots = run.snapshots
    phases = [snapshot.phase for snapshot in snapshots]
    values = [snapshot.progress for snapshot in snapshots]
    assert phases[0] == "resolving"
    assert phases[-1] == "complete"
    assert phases.count("batch_start") == 2
    assert phases.count("batch_complete") == 2
    assert "syncing" in phases
    assert "polling" in phases
    assert values == sorted(values)
    assert values[-1] == 6
    assert snapshots[-1].ready_apps == 6
    assert all(snapshot.total_apps == 6 for snapshot in snapshots[1:])
    assert list(snapshots[-1].app_statuses) == MENTOR_WEB[3:6]
    assert all(status.health == "Healthy" for status in snapshots[-1].app_statuses.values())
    assert any(snapshot.message.startswith("Batch 2/2 · ") for snapshot in snapshots)


@pytest.mark.anyio
async def test_large_batches_share_one_watch_stream():
    async with sandbox_client("healthy") as (sandbox, client):
        run = await drive(sandbox, client, {"pattern": "mentor-web-*", "project": "mentor", "batch_size": 12})
        stats = sandbox.stats()

    assert run.result.status == "complete", run.result.message
    assert run.result.completed == MENTOR_WEB
    assert stats["maxConcurrentSyncing"] <= 12
    streams = sum(1 if len(batch.apps) > MAX_PER_APP_WATCHES else len(batch.apps) for batch in run.result.batches)
    assert [len(batch.apps) for batch in run.result.batches] == [12, 12, 7]
    assert stats["routes"]["GET /api/v1/stream/applications"] == streams
    batches = run.result.batches
    for previous, batch in zip(batches, batches[1:]):
        last_ready = max(ready_times(stats, name)[0] for name in previous.apps)
        first_sync = min(sync_times(stats, name)[0] for name in batch.apps)
        assert math.floor(first_sync) == math.floor(last_ready), f"batch {batch.number}"
