"""batch_sync, its status tools and sync_application through the in-memory client, in both eras.

The sandbox runs on a manual clock that `call_driven` moves one simulated second at a time,
and the server times its rollouts with the same clock.
"""

from __future__ import annotations

import anyio
import pytest

from pydantic import SecretStr

from argonaut_mcp.server import build_server
from tests.server.helpers import MODES, ProgressLog, call_driven, connect, served, text_of

FIRST_SIX = [
    "mentor-web-alderbrook",
    "mentor-web-ashgrove",
    "mentor-web-bluefinch",
    "mentor-web-briarcliff",
    "mentor-web-cedarpoint",
    "mentor-web-cobaltridge",
]
SIX_APPS = {"pattern": "mentor-web-[a-c]*", "batch_size": "3"}


def total_syncs(stats: dict) -> int:
    return sum(len(timeline["syncRequests"]) for timeline in stats["apps"].values())


def comparable(result: dict) -> dict:
    """The parts of a BatchSyncResult that do not depend on timing or the run id."""
    return {
        "status": result["status"],
        "totalApps": result["totalApps"],
        "plan": result["plan"],
        "completed": result["completed"],
        "failed": result["failed"],
        "batches": [(batch["apps"], batch["outcome"]) for batch in result["batches"]],
        "apps": [(app["name"], app["sync"], app["health"], app["fate"]) for app in result["apps"]],
    }


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_batch_sync_progress_increases_to_total(mode):
    progress = ProgressLog()
    async with served("healthy") as env:
        async with connect(env.server(), mode) as client:
            result = await call_driven(
                env.clock, lambda: client.call_tool("batch_sync", SIX_APPS, progress_callback=progress)
            )
        stats = env.sandbox.stats()

    assert not result.is_error, text_of(result)
    structured = result.structured_content
    assert structured["status"] == "complete"
    assert structured["completed"] == FIRST_SIX
    assert [batch["apps"] for batch in structured["batches"]] == [FIRST_SIX[:3], FIRST_SIX[3:]]
    assert text_of(result).startswith("All 2 batches complete: 6 apps synced and Healthy.")
    assert total_syncs(stats) == 6

    values = progress.values
    assert len(values) > 4
    assert all(earlier < later for earlier, later in zip(values, values[1:]))
    assert values[-1] == 6
    assert all(value < 6 for value in values[:-1])
    assert all(total == 6 for _, total, _ in progress.events[1:])
    messages = [message for _, _, message in progress.events]
    assert "Batch 1/2 · 0/3 healthy · attempt 1/3" in messages
    assert any(message.startswith("Batch 2/2 · 3/3 healthy") for message in messages)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_batch_sync_without_progress_gives_same_result(mode):
    async with served("healthy") as env:
        async with connect(env.server(), mode) as client:
            watched = await call_driven(
                env.clock, lambda: client.call_tool("batch_sync", SIX_APPS, progress_callback=ProgressLog())
            )
    async with served("healthy") as env:
        async with connect(env.server(), mode) as client:
            unwatched = await call_driven(env.clock, lambda: client.call_tool("batch_sync", SIX_APPS))

    assert not unwatched.is_error, text_of(unwatched)
    assert comparable(unwatched.structured_content) == comparable(watched.structured_content)
    assert text_of(unwatched).splitlines()[0] == text_of(watched).splitlines()[0]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_batch_sync_heartbeats_while_waiting(mode):
    progress = ProgressLog()
    async with served("traps") as env:
        stuck = env.sandbox.scenario.traps["stuck-progressing"]
        arguments = {"apps": [stuck], "max_retries": 0, "health_timeout_seconds": 60}
        async with connect(env.server(), mode) as client:
            result = await call_driven(
                env.clock, lambda: client.call_tool("batch_sync", arguments, progress_callback=progress)
            )

    assert result.structured_content["status"] == "aborted"
    assert result.structured_content["failed"] == [stuck]
    assert text_of(result).startswith("Aborted in batch 1/1")
    assert f"Next for {stuck}:" in text_of(result)
    values = progress.values
    assert len(values) >= 60 / 10
    assert all(earlier < later for earlier, later in zip(values, values[1:]))
    assert values[-1] == 1


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_dry_run_plans_without_syncing(mode):
    async with served("healthy") as env:
        async with connect(env.server(), mode) as client:
            result = await client.call_tool("batch_sync", {"pattern": "mentor-web-*", "dry_run": "true"})
        stats = env.sandbox.stats()

    assert not result.is_error, text_of(result)
    assert result.structured_content["status"] == "dry_run"
    assert len(result.structured_content["plan"]) == 11
    assert text_of(result).startswith("Dry run: 31 apps in 11 batches of up to 3; nothing was synced.")
    assert total_syncs(stats) == 0


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_wait_false_returns_run_id_then_status(mode):
    async with served("healthy") as env:
        async with connect(env.server(), mode) as client:
            started = await client.call_tool("batch_sync", {**SIX_APPS, "wait": False})
            run_id = started.structured_content["runId"]
            early = await client.call_tool("get_batch_sync_status", {"run_id": run_id})

            async def status_when_done():
                while True:
                    await env.clock.advance(1)
                    status = await client.call_tool("get_batch_sync_status", {"run_id": run_id})
                    if status.structured_content["done"]:
                        return status

            with anyio.fail_after(30):
                final = await status_when_done()

    assert started.structured_content["status"] == "running"
    assert run_id in text_of(started)
    assert early.structured_content["status"] == "running"
    assert early.structured_content["done"] is False
    assert final.structured_content["status"] == "complete"
    assert final.structured_content["result"]["completed"] == FIRST_SIX
    assert text_of(final).startswith("All 2 batches complete")


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_cancel_batch_sync_records_cancelled(mode):
    async with served("healthy") as env:
        async with connect(env.server(), mode) as client:
            started = await client.call_tool("batch_sync", {"pattern": "mentor-web-*", "wait": False})
            run_id = started.structured_content["runId"]
            with anyio.fail_after(30):
                await env.clock.advance(3)
            cancelled = await client.call_tool("cancel_batch_sync", {"run_id": run_id})
            status = await client.call_tool("get_batch_sync_status", {"run_id": run_id})
            again = await client.call_tool("cancel_batch_sync", {"run_id": run_id})
            unknown = await client.call_tool("get_batch_sync_status", {"run_id": "no-such-run"})

    assert cancelled.structured_content["status"] == "cancelled"
    assert cancelled.structured_content["done"] is True
    assert status.structured_content["status"] == "cancelled"
    assert status.structured_content["progress"]["phase"] == "cancelled"
    assert 0 < len(status.structured_content["result"]["completed"]) < 31
    assert "already ended" in again.structured_content["message"]
    assert unknown.is_error
    assert "'no-such-run'" in text_of(unknown)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_host_cancel_leaves_cancelled_snapshot(mode):
    async with served("healthy") as env:
        progress = ProgressLog()
        async with connect(env.server(), mode) as client:
            with anyio.fail_after(30):
                async with anyio.create_task_group() as group:

                    async def call() -> None:
                        await client.call_tool("batch_sync", {"pattern": "mentor-web-*"}, progress_callback=progress)

                    group.start_soon(call)
                    while not any(message.startswith("Batch 2/") for _, _, message in progress.events):
                        await env.clock.advance(1)
                    group.cancel_scope.cancel()

                runs = env.registry.runs()
                while not runs[0].done:
                    await env.clock.advance(0)
            status = await client.call_tool("get_batch_sync_status", {"run_id": runs[0].run_id})

    assert status.structured_content["status"] == "cancelled"
    assert status.structured_content["progress"]["phase"] == "cancelled"
    assert status.structured_content["result"]["completed"][:3] == [
        "mentor-web-alderbrook",
        "mentor-web-ashgrove",
        "mentor-web-bluefinch",
    ]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_sync_application_waits_until_ready(mode):
    progress = ProgressLog()
    async with served("healthy") as env:
        async with connect(env.server(), mode) as client:
            waited = await call_driven(
                env.clock,
                lambda: client.call_tool(
                    "sync_application", {"name": "mentor-web-alderbrook"}, progress_callback=progress
                ),
            )
            requested = await client.call_tool("sync_application", {"name": "mentor-web-ashgrove", "wait": False})
            dry = await client.call_tool("sync_application", {"name": "mentor-web-bluefinch", "dry_run": True})
            unknown = await call_driven(
                env.clock, lambda: client.call_tool("sync_application", {"name": "mentor-web-nope"})
            )
        stats = env.sandbox.stats()

    assert not waited.is_error, text_of(waited)
    assert waited.structured_content["outcome"] == "ready"
    assert waited.structured_content["sync"] == "Synced"
    assert waited.structured_content["health"] == "Healthy"
    assert progress.values[-1] == 1
    assert requested.structured_content["outcome"] == "requested"
    assert dry.structured_content["dryRun"] is True
    assert unknown.is_error
    assert "mentor-web-nope" in text_of(unknown)
    assert len(stats["apps"]["mentor-web-alderbrook"]["syncRequests"]) == 1
    assert len(stats["apps"]["mentor-web-ashgrove"]["syncRequests"]) == 1


BAD_ARGUMENTS = [
    ({"pattern": "mentor-web-*", "batch_size": "abc"}, "'abc'"),
    ({"pattern": "mentor-web-*", "batch_size": "0"}, "'0'"),
    ({"pattern": "mentor-web-*", "batch_size": "-1"}, "'-1'"),
    ({"pattern": "mentor-web-*", "batch_size": 2.5}, "2.5"),
    ({"pattern": "mentor-web-*", "max_retries": "11"}, "'11'"),
    ({"pattern": ""}, "pattern must not be empty, got ''"),
    ({"pattern": "mentor-web-*", "apps": ["mentor-web-alderbrook"]}, "either pattern or apps, not both"),
    ({}, "give a pattern"),
    ({"apps": ["mentor-web-alderbrook", "mentor-web-nope"]}, "mentor-web-nope"),
    ({"pattern": "no-such-app-*"}, "'no-such-app-*'"),
    ({"pattern": "mentor-web-*", "batchSize": "10"}, "batchSize"),
    ({"pattern": "mentor-web-*", "instance": "qa"}, "Unknown Argo CD instance 'qa'. Known instances: default."),
]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_bad_batch_arguments_are_tool_errors(mode):
    async with served("healthy") as env:
        async with connect(env.server(), mode) as client:
            results = [
                (await client.call_tool("batch_sync", arguments), expected) for arguments, expected in BAD_ARGUMENTS
            ]
        stats = env.sandbox.stats()

    for result, expected in results:
        assert result.is_error, text_of(result)
        assert expected in text_of(result)
    assert total_syncs(stats) == 0


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_rejected_token_is_tool_error(mode):
    async with served("healthy") as env:
        instance = env.settings.instances["default"].model_copy(update={"token": SecretStr("e30.e30.wrongsignature")})
        settings = env.settings.model_copy(update={"instances": {"default": instance}})
        async with connect(build_server(settings, clock=env.clock), mode) as client:
            result = await client.call_tool("batch_sync", SIX_APPS)
        stats = env.sandbox.stats()

    assert result.is_error, text_of(result)
    assert "401" in text_of(result)
    assert result.structured_content["status"] == "aborted"
    assert total_syncs(stats) == 0
