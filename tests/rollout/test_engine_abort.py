"""batch_sync on a fleet with a broken app: retries, abort, exact lists, resume."""

import pytest

from argonaut_mcp.rollout.runs import RunRegistry
from argonaut_mcp.sandbox.fleets import mentor_web_names
from tests.rollout.harness import drive, sandbox_client, sync_times, total_syncs

MENTOR_WEB = sorted(mentor_web_names())
BROKEN = "mentor-web-elmstead"
PARAMS = {"pattern": "mentor-web-*", "batch_size": 3, "max_retries": 2, "health_timeout_seconds": 30}


def batch_of(name, size=3):
    index = MENTOR_WEB.index(name) // size
    return MENTOR_WEB[index * size : (index + 1) * size]


@pytest.mark.anyio
async def test_broken_app_aborts_after_its_retries():
    broken_batch = batch_of(BROKEN)
    neighbours = [name for name in broken_batch if name != BROKEN]
    before = MENTOR_WEB[: MENTOR_WEB.index(broken_batch[0])]
    after = MENTOR_WEB[MENTOR_WEB.index(broken_batch[-1]) + 1 :]

    registry = RunRegistry()
    async with sandbox_client("one-broken") as (sandbox, client):
        run = await drive(sandbox, client, PARAMS, registry=registry)
        stats = sandbox.stats()

    result = run.result
    assert result.status == "aborted", result.message
    assert result.failed == [BROKEN]
    assert result.completed == before + neighbours
    assert result.in_flight == []
    assert result.skipped == after
    assert len(sync_times(stats, BROKEN)) == 3
    for name in neighbours:
        assert len(sync_times(stats, name)) == 1, name
    for name in after:
        assert sync_times(stats, name) == [], name
    number = MENTOR_WEB.index(BROKEN) // 3 + 1
    assert result.batches[number - 1].outcome == "failed"
    assert result.batches[number - 1].attempts == 3
    assert all(batch.outcome == "skipped" for batch in result.batches[number:])
    assert BROKEN in result.message
    assert run.snapshots[-1].phase == "aborted"
    assert registry.get(result.run_id).snapshot.phase == "aborted"


@pytest.mark.anyio
async def test_failed_app_gets_next_steps():
    async with sandbox_client("one-broken") as (sandbox, client):
        run = await drive(sandbox, client, PARAMS)

    steps = run.result.next_steps
    assert [step.app for step in steps] == [BROKEN]
    assert steps[0].tools == ["get_application", "get_resource_tree", "get_application_events", "get_application_logs"]
    assert "Degraded" in steps[0].reason
    report = next(app for app in run.result.apps if app.name == BROKEN)
    assert report.fate == "failed"
    assert report.attempts == 3
    assert report.health == "Degraded"
    assert report.health_message
    assert report.health_message in steps[0].reason


@pytest.mark.anyio
async def test_heartbeats_while_waiting():
    async with sandbox_client("one-broken") as (sandbox, client):
        run = await drive(sandbox, client, PARAMS)

    times = [snapshot.elapsed_seconds for snapshot in run.snapshots]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert times[-1] > 90
    assert max(gaps) <= 10


@pytest.mark.anyio
async def test_rerun_with_only_out_of_sync_resumes():
    registry = RunRegistry()
    async with sandbox_client("one-broken") as (sandbox, client):
        first = await drive(sandbox, client, PARAMS, registry=registry)
        syncs_before = total_syncs(sandbox.stats())
        second = await drive(sandbox, client, {**PARAMS, "only_out_of_sync": True, "max_retries": 0}, registry=registry)
        stats = sandbox.stats()

    assert second.result.excluded == first.result.completed
    assert second.result.plan[0].apps[0] == BROKEN
    assert second.result.status == "aborted"
    assert total_syncs(stats) - syncs_before == len(second.result.plan[0].apps)
    assert len(sync_times(stats, BROKEN)) == 4
    for name in first.result.completed:
        assert len(sync_times(stats, name)) == 1, name
