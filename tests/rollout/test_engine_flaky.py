"""batch_sync behind a flaky server, and with the watch stream broken."""

import json
import logging

import pytest

from argonaut_mcp.sandbox.fleets import mentor_web_names
from tests.rollout.harness import BrokenWatchClient, drive, ready_times, sandbox_client, sync_times

MENTOR_WEB = sorted(mentor_web_names())


@pytest.mark.anyio
async def test_flaky_server_still_completes():
    async with sandbox_client("flaky") as (sandbox, client):
        run = await drive(sandbox, client, {"pattern": "mentor-web-*", "batch_size": 3})
        stats = sandbox.stats()

    result = run.result
    assert stats["injectedErrors"] > 0
    assert stats["droppedWatches"] > 0
    assert result.status == "complete", result.message
    assert result.completed == MENTOR_WEB
    assert result.failed == []
    assert result.in_flight == []
    assert stats["maxConcurrentSyncing"] <= 3
    for name in MENTOR_WEB:
        assert ready_times(stats, name), name


@pytest.mark.anyio
async def test_dropped_watch_streams_are_resumed(tmp_path):
    scenario = tmp_path / "drops.json"
    scenario.write_text(json.dumps({"base": "healthy", "faults": {"watchDropEvery": 1.5}}))
    async with sandbox_client(str(scenario)) as (sandbox, client):
        run = await drive(sandbox, client, {"apps": MENTOR_WEB[:6], "batch_size": 3, "poll_interval_seconds": 60})
        stats = sandbox.stats()

    assert stats["droppedWatches"] > 0
    assert run.result.status == "complete", run.result.message
    batches = run.result.batches
    last_ready = max(ready_times(stats, name)[0] for name in batches[0].apps)
    first_sync = min(sync_times(stats, name)[0] for name in batches[1].apps)
    assert first_sync - last_ready < 2


@pytest.mark.anyio
async def test_broken_watch_falls_back_to_polling(caplog):
    caplog.set_level(logging.WARNING, logger="argonaut_mcp.rollout")
    poll_interval = 5
    params = {"apps": MENTOR_WEB[:9], "batch_size": 3, "poll_interval_seconds": poll_interval}
    async with sandbox_client("healthy", client_class=BrokenWatchClient) as (sandbox, client):
        run = await drive(sandbox, client, params)
        stats = sandbox.stats()

    assert run.result.status == "complete", run.result.message
    assert not [item for item in client.observations if item.source == "watch"]
    batches = run.result.batches
    for previous, batch in zip(batches, batches[1:]):
        last_ready = max(ready_times(stats, name)[0] for name in previous.apps)
        first_sync = min(sync_times(stats, name)[0] for name in batch.apps)
        assert 0 <= first_sync - last_ready <= poll_interval, f"batch {batch.number}"
    assert any("falling back" in record.getMessage() for record in caplog.records)
