"""batch_sync against Argo CD's traps: stale Healthy, failed syncs, a running operation, a hung one."""

import json

import pytest

from argonaut_mcp.rollout.readiness import ReadinessState, assess
from argonaut_mcp.sandbox.fleets import TRAP_APPS
from tests.rollout.harness import drive, ready_times, sandbox_client, sync_times

STALE = TRAP_APPS["stale-healthy"]
FIRST_FAILS = TRAP_APPS["first-sync-fails"]
ERROR_FIRST = TRAP_APPS["error-then-success"]
RUNNING_AT_START = TRAP_APPS["running-at-start"]
RETRY_TRAP = TRAP_APPS["retry-trap"]


def looks_healthy(app):
    """The first design's check: health and sync status only."""
    return app.status.health.status == "Healthy" and app.status.sync.status == "Synced"


@pytest.mark.anyio
async def test_stale_healthy_does_not_advance_the_batch():
    apps = [STALE, "mentor-web-dunmore", "mentor-web-emberly", "mentor-web-fernhollow"]
    async with sandbox_client("traps") as (sandbox, client):
        run = await drive(sandbox, client, {"apps": apps, "batch_size": 2})
        stats = sandbox.stats()

    assert run.result.status == "complete", run.result.message
    synced_at = sync_times(stats, STALE)[0]
    truly_ready_at = ready_times(stats, STALE)[0]
    next_batch_at = min(sync_times(stats, name)[0] for name in apps[2:])
    assert next_batch_at >= truly_ready_at

    seen = [item for item in client.states_of(STALE) if item.at >= synced_at]
    baseline = next(item.application for item in seen if item.source == "sync").resource_version_number
    naive_at = min(item.at for item in seen if looks_healthy(item.application))
    assert naive_at < truly_ready_at, "a health-only check would have advanced before the app was ready"
    for item in seen:
        if item.at < truly_ready_at:
            assert assess(item.application, baseline).state is not ReadinessState.READY


@pytest.mark.anyio
async def test_retry_trap_waits_for_the_real_end():
    async with sandbox_client("traps") as (sandbox, client):
        run = await drive(sandbox, client, {"apps": [RETRY_TRAP, "mentor-web-dunmore"], "batch_size": 1})
        stats = sandbox.stats()

    assert run.result.status == "complete", run.result.message
    assert len(sync_times(stats, RETRY_TRAP)) == 1
    assert sync_times(stats, "mentor-web-dunmore")[0] >= ready_times(stats, RETRY_TRAP)[0]


@pytest.mark.anyio
async def test_failed_sync_is_retried_at_once():
    async with sandbox_client("traps") as (sandbox, client):
        run = await drive(sandbox, client, {"apps": [FIRST_FAILS, ERROR_FIRST], "batch_size": 2, "health_timeout_seconds": 300})
        stats = sandbox.stats()

    assert run.result.status == "complete", run.result.message
    assert run.result.completed == [FIRST_FAILS, ERROR_FIRST]
    for name in (FIRST_FAILS, ERROR_FIRST):
        first, second = sync_times(stats, name)
        failed_end = stats["apps"][name]["operationEnds"][0]
        assert failed_end["phase"] in ("Failed", "Error")
        assert second - failed_end["at"] < 1, f"{name} re-synced {second - failed_end['at']} s after its failure"
        assert second - first < 300
    reports = {app.name: app for app in run.result.apps}
    assert reports[FIRST_FAILS].attempts == 2
    assert reports[ERROR_FIRST].attempts == 2
    retried = [
        snapshot.app_statuses[FIRST_FAILS]
        for snapshot in run.snapshots
        if FIRST_FAILS in snapshot.app_statuses and snapshot.app_statuses[FIRST_FAILS].attempts == 2
    ]
    assert retried
    assert "Failed" in (retried[0].last_error or "")


@pytest.mark.anyio
async def test_running_operation_is_waited_out():
    async with sandbox_client("traps") as (sandbox, client):
        run = await drive(sandbox, client, {"apps": [RUNNING_AT_START, "mentor-web-dunmore"], "batch_size": 2})
        stats = sandbox.stats()

    result = run.result
    assert result.status == "complete", result.message
    assert "in progress" not in json.dumps(result.model_dump(mode="json"))
    timeline = stats["apps"][RUNNING_AT_START]
    automated_end = timeline["operationEnds"][0]
    assert automated_end["automated"] is True
    assert len(timeline["syncRequests"]) == 1
    assert len(timeline["rejectedSyncs"]) == 1
    assert timeline["rejectedSyncs"][0] < automated_end["at"]
    assert timeline["syncRequests"][0] >= automated_end["at"]
    assert any("operation is running" in warning for warning in result.warnings)


@pytest.mark.anyio
async def test_hung_operation_is_terminated_then_resynced(tmp_path):
    scenario = tmp_path / "hung.json"
    scenario.write_text(
        json.dumps({"base": "healthy", "apps": [{"name": "mentor-web-hung", "project": "mentor", "attempts": [{"run": 45}, {"run": 1}]}]})
    )
    async with sandbox_client(str(scenario)) as (sandbox, client):
        run = await drive(sandbox, client, {"apps": ["mentor-web-hung"], "health_timeout_seconds": 10})
        stats = sandbox.stats()

    assert run.result.status == "complete", run.result.message
    timeline = stats["apps"]["mentor-web-hung"]
    first, second = timeline["syncRequests"]
    assert len(timeline["terminations"]) == 1
    assert timeline["terminations"][0] - first == pytest.approx(10, abs=1)
    assert timeline["operationEnds"][0]["phase"] == "Failed"
    assert timeline["terminations"][0] <= timeline["operationEnds"][0]["at"] <= second
    assert run.result.apps[0].attempts == 2


@pytest.mark.anyio
async def test_app_deleted_mid_rollout_is_skipped():
    deleted = TRAP_APPS["deleted-during-rollout"]
    apps = [deleted, "mentor-web-dunmore", "mentor-web-emberly"]
    async with sandbox_client("traps") as (sandbox, client):
        run = await drive(sandbox, client, {"apps": apps, "batch_size": 2})
        stats = sandbox.stats()

    result = run.result
    assert result.status == "complete", result.message
    assert result.completed == apps[1:]
    assert result.skipped == [deleted]
    assert result.failed == []
    assert any(deleted in warning and "deleted" in warning for warning in result.warnings)
    assert len(sync_times(stats, deleted)) == 1
    assert sync_times(stats, "mentor-web-emberly")
