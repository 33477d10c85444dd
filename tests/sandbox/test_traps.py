"""The simulated controller's traps, one test each, driven by the manual clock over HTTP."""

from __future__ import annotations

import anyio
import pytest

from argonaut_mcp.sandbox.fleets import TRAP_APPS

from .helpers import TIMEOUT, WatchRecorder, phase, running


@pytest.mark.anyio
async def test_get_after_sync_shows_old_healthy() -> None:
    name = TRAP_APPS["stale-healthy"]
    async with running("traps") as env:
        before = await env.get_app(name)
        answer = await env.sync(name)
        after = await env.get_app(name)

    assert answer.status_code == 200
    synced = answer.json()
    assert synced["operation"]["sync"]["revision"] == "main"
    assert "operationState" not in synced["status"]
    assert int(synced["metadata"]["resourceVersion"]) > int(before["metadata"]["resourceVersion"])
    assert after["status"]["health"]["status"] == "Healthy"
    assert after["status"]["sync"]["status"] == "Synced"
    assert after["operation"] is not None


@pytest.mark.anyio
async def test_finished_operation_before_reconcile_looks_ready() -> None:
    """Between the operation's end and the reconcile, only reconciledAt < finishedAt shows it."""
    name = TRAP_APPS["stale-healthy"]
    async with running("traps") as env:
        await env.sync(name)
        await env.clock.advance(2.5)
        stale = await env.get_app(name)
        await env.clock.advance(5)
        fresh = await env.get_app(name)

    state = stale["status"]["operationState"]
    assert state["phase"] == "Succeeded"
    assert "operation" not in stale
    assert stale["status"]["health"]["status"] == "Healthy"
    assert stale["status"]["sync"]["status"] == "Synced"
    assert stale["status"]["reconciledAt"] < state["finishedAt"]
    assert fresh["status"]["reconciledAt"] >= fresh["status"]["operationState"]["finishedAt"]
    assert fresh["status"]["sync"]["revision"] == state["syncResult"]["revision"]


@pytest.mark.anyio
async def test_retry_trap_shows_running_with_finished_at() -> None:
    name = TRAP_APPS["retry-trap"]
    async with running("traps") as env:
        await env.sync(name)
        await env.clock.advance(2)
        retrying = await env.get_app(name)
        await env.clock.advance(3)
        resumed = await env.get_app(name)
        await env.clock.advance(5)
        done = await env.get_app(name)

    state = retrying["status"]["operationState"]
    assert state["phase"] == "Running"
    assert "finishedAt" in state
    assert "Retrying attempt #1" in state["message"]
    assert state["retryCount"] == 1
    assert retrying["operation"] is not None
    assert resumed["status"]["operationState"]["phase"] == "Running"
    assert "finishedAt" not in resumed["status"]["operationState"]
    assert phase(done) == "Succeeded"
    assert done["status"]["health"]["status"] == "Healthy"


@pytest.mark.anyio
async def test_sync_during_operation_gets_code_9() -> None:
    name = TRAP_APPS["running-at-start"]
    async with running("traps") as env:
        app = await env.get_app(name)
        rejected = await env.sync(name)
        await env.clock.advance(4)
        after_operation = await env.sync(name)

    assert app["operation"]["initiatedBy"] == {"automated": True}
    assert phase(app) == "Running"
    assert rejected.status_code == 400
    assert rejected.json() == {"error": "another operation is already in progress", "code": 9, "message": "another operation is already in progress"}
    assert after_operation.status_code == 200


@pytest.mark.anyio
async def test_second_sync_of_same_app_rejected() -> None:
    async with running("healthy") as env:
        first = await env.sync("mentor-web-oakhurst")
        second = await env.sync("mentor-web-oakhurst")
        stats = env.sandbox.stats()

    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json()["code"] == 9
    assert stats["apps"]["mentor-web-oakhurst"]["rejectedSyncs"] == [0.0]


@pytest.mark.anyio
async def test_app_deleted_during_rollout() -> None:
    name = TRAP_APPS["deleted-during-rollout"]
    recorder = WatchRecorder()
    async with running("traps") as env:
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"name": name})
                await env.clock.advance(0)
                await env.sync(name)
                await env.clock.advance(2)
                deleting = await env.get_app(name)
                await env.clock.advance(2)
                gone = await env.client.get(f"/api/v1/applications/{name}")
                env.sandbox.break_watch()

    assert deleting["metadata"]["deletionTimestamp"] == "2026-08-03T09:00:01Z"
    assert gone.status_code == 403
    assert recorder.events()[-1] == ("DELETED", name)


@pytest.mark.anyio
async def test_first_sync_fails_second_succeeds() -> None:
    name = TRAP_APPS["first-sync-fails"]
    async with running("traps") as env:
        await env.sync(name)
        await env.clock.advance(3)
        failed = await env.get_app(name)
        retried = await env.sync(name)
        await env.clock.advance(5)
        done = await env.get_app(name)
        stats = env.sandbox.stats()

    assert phase(failed) == "Failed"
    assert "failed to apply" in failed["status"]["operationState"]["message"]
    assert failed["status"]["sync"]["status"] == "OutOfSync"
    assert retried.status_code == 200
    assert phase(done) == "Succeeded"
    assert done["status"]["health"]["status"] == "Healthy"
    timeline = stats["apps"][name]
    assert [end["phase"] for end in timeline["operationEnds"]] == ["Failed", "Succeeded"]
    assert timeline["syncRequests"] == [0.0, 3.0]
    assert len(timeline["readyAt"]) == 1


@pytest.mark.anyio
async def test_error_phase_then_success() -> None:
    name = TRAP_APPS["error-then-success"]
    async with running("traps") as env:
        await env.sync(name)
        await env.clock.advance(1)
        errored = await env.get_app(name)

    assert phase(errored) == "Error"
    assert "ComparisonError" in errored["status"]["operationState"]["message"]


@pytest.mark.anyio
async def test_stuck_progressing_never_turns_healthy() -> None:
    name = TRAP_APPS["stuck-progressing"]
    async with running("traps") as env:
        await env.sync(name)
        await env.clock.advance(600)
        app = await env.get_app(name)
        stats = env.sandbox.stats()

    assert phase(app) == "Succeeded"
    assert app["status"]["health"]["status"] == "Progressing"
    assert stats["apps"][name]["readyAt"] == []


@pytest.mark.anyio
async def test_terminate_ends_operation_failed() -> None:
    name = "mentor-web-foxglen"
    async with running("healthy") as env:
        await env.sync(name)
        early = await env.client.delete(f"/api/v1/applications/{name}/operation", headers={"Content-Type": "application/json"})
        await env.clock.advance(0.6)
        answer = await env.client.delete(f"/api/v1/applications/{name}/operation", headers={"Content-Type": "application/json"})
        terminating = await env.get_app(name)
        await env.clock.advance(0)
        ended = await env.get_app(name)
        again = await env.client.delete(f"/api/v1/applications/{name}/operation", headers={"Content-Type": "application/json"})
        stats = env.sandbox.stats()

    no_operation = {"error": "Unable to terminate operation. No operation is in progress", "code": 3, "message": "Unable to terminate operation. No operation is in progress"}
    assert early.status_code == 400
    assert early.json() == no_operation
    assert answer.status_code == 200
    assert answer.json() == {}
    assert phase(terminating) == "Terminating"
    assert phase(ended) == "Failed"
    assert ended["status"]["operationState"]["message"] == "Operation terminated"
    assert "operation" not in ended
    assert again.status_code == 400
    assert stats["apps"][name]["terminations"] == [0.6]
    assert stats["apps"][name]["operationEnds"][-1]["phase"] == "Failed"


@pytest.mark.anyio
async def test_refresh_runs_pending_reconcile() -> None:
    name = TRAP_APPS["stale-healthy"]
    async with running("traps") as env:
        await env.sync(name)
        await env.clock.advance(2.5)
        refreshed = await env.get_app(name, refresh="normal")

    state = refreshed["status"]["operationState"]
    assert refreshed["status"]["reconciledAt"] >= state["finishedAt"]
    assert refreshed["status"]["health"]["status"] == "Progressing"


@pytest.mark.anyio
async def test_resource_version_is_global_counter() -> None:
    async with running("healthy") as env:
        listed = await env.client.get("/api/v1/applications")
        first = await env.sync("mentor-web-ashgrove")
        second = await env.sync("mentor-web-dunmore")

    list_version = int(listed.json()["metadata"]["resourceVersion"])
    assert int(first.json()["metadata"]["resourceVersion"]) == list_version + 1
    assert int(second.json()["metadata"]["resourceVersion"]) == list_version + 2


@pytest.mark.anyio
async def test_max_concurrent_syncing_counts_overlap() -> None:
    names = ["mentor-web-glenhaven", "mentor-web-granitefalls", "mentor-web-harborline"]
    async with running("healthy") as env:
        for name in names:
            await env.sync(name)
        await env.clock.advance(10)
        for name in names[:2]:
            await env.sync(name)
        await env.clock.advance(10)
        stats = env.sandbox.stats()

    assert stats["maxConcurrentSyncing"] == 3
    assert stats["syncingNow"] == 0
    for name in names:
        assert 1.0 <= stats["apps"][name]["readyAt"][0] <= 4.0


@pytest.mark.anyio
async def test_delete_app_control_removes_app() -> None:
    async with running("healthy") as env:
        env.sandbox.delete_app("guestbook", grace=1.0)
        marked = await env.get_app("guestbook")
        await env.clock.advance(1)
        gone = await env.client.get("/api/v1/applications/guestbook")

    assert "deletionTimestamp" in marked["metadata"]
    assert gone.status_code == 403
