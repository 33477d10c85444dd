"""The watch stream: initial ADDED, one MODIFIED per change, SSE keepalive, drops."""

from __future__ import annotations

import anyio
import pytest

from argonaut_mcp.sandbox import Faults

from .helpers import TIMEOUT, WatchRecorder, running


@pytest.mark.anyio
async def test_added_per_app_then_modified_per_change() -> None:
    recorder = WatchRecorder()
    async with running("healthy") as env:
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"projects": "payments"})
                await env.clock.advance(0)
                added = list(recorder.events())
                await env.sync("ledger")
                await env.clock.advance(10)
                env.sandbox.break_watch()

    assert added == [("ADDED", name) for name in ["fraud-scoring", "ledger", "payments-api", "payments-worker"]]
    changes = recorder.lines[len(added):]
    assert {line["result"]["type"] for line in changes} == {"MODIFIED"}
    assert {line["result"]["application"]["metadata"]["name"] for line in changes} == {"ledger"}
    versions = [int(line["result"]["application"]["metadata"]["resourceVersion"]) for line in changes]
    assert versions == sorted(set(versions))
    states = [_summary(line["result"]["application"]) for line in changes]
    assert states == [
        (None, "Synced", "Healthy"),
        ("Running", "Synced", "Healthy"),
        ("Succeeded", "Synced", "Healthy"),
        ("Succeeded", "Synced", "Progressing"),
        ("Succeeded", "Synced", "Healthy"),
    ]


def _summary(app: dict) -> tuple[str | None, str, str]:
    status = app["status"]
    return (status.get("operationState") or {}).get("phase"), status["sync"]["status"], status["health"]["status"]


@pytest.mark.anyio
async def test_resync_duplicates_are_suppressed() -> None:
    recorder = WatchRecorder()
    async with running("healthy") as env:
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"name": "guestbook"})
                await env.clock.advance(0)
                env.sandbox.resync()
                env.sandbox.resync()
                await env.clock.advance(1)
                env.sandbox.break_watch()

    assert recorder.events() == [("ADDED", "guestbook")]


@pytest.mark.anyio
async def test_resource_version_skips_initial_list() -> None:
    recorder = WatchRecorder()
    async with running("healthy") as env:
        listed = await env.client.get("/api/v1/applications")
        version = listed.json()["metadata"]["resourceVersion"]
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"resourceVersion": version})
                await env.clock.advance(0)
                await env.sync("guestbook")
                await env.clock.settle()
                env.sandbox.break_watch()

    assert recorder.events() == [("MODIFIED", "guestbook")]


@pytest.mark.anyio
async def test_sse_mode_sends_data_and_keepalive() -> None:
    recorder = WatchRecorder()
    async with running("healthy") as env:
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"name": "guestbook"}, {"Accept": "text/event-stream"})
                await env.clock.advance(14)
                before_keepalive = list(recorder.raw)
                await env.clock.advance(1)
                after_one = list(recorder.raw)
                await env.clock.advance(15)
                env.sandbox.break_watch()

    assert before_keepalive[0].startswith("data: {")
    assert ":" not in before_keepalive[1:]
    assert after_one.count(":") == 1
    assert recorder.raw.count(":") == 2
    assert recorder.events() == [("ADDED", "guestbook")]


@pytest.mark.anyio
async def test_ndjson_mode_has_no_keepalive() -> None:
    recorder = WatchRecorder()
    async with running("healthy") as env:
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"name": "guestbook"})
                await env.clock.advance(60)
                env.sandbox.break_watch()

    assert recorder.raw == [recorder.raw[0]]


@pytest.mark.anyio
async def test_break_watch_ends_stream() -> None:
    recorder = WatchRecorder()
    async with running("healthy") as env:
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"name": "guestbook"})
                await env.clock.advance(0)
                broken = env.sandbox.break_watch()
                await recorder.ended.wait()
        stats = env.sandbox.stats()

    assert broken == 1
    assert stats["droppedWatches"] == 1


@pytest.mark.anyio
async def test_break_watch_with_error_line() -> None:
    recorder = WatchRecorder()
    async with running("healthy") as env:
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"name": "guestbook"})
                await env.clock.advance(0)
                env.sandbox.break_watch(error=True)
                await recorder.ended.wait()

    error = recorder.lines[-1]["error"]
    assert error["grpc_code"] == 14
    assert error["http_code"] == 503
    assert error["http_status"] == "Service Unavailable"


@pytest.mark.anyio
async def test_injected_drop_ends_stream_after_interval() -> None:
    recorder = WatchRecorder()
    async with running("healthy", faults=Faults(watch_drop_every=30)) as env:
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"name": "guestbook"})
                await env.clock.advance(29)
                open_at_29 = not recorder.ended.is_set()
                await env.clock.advance(1)
                await recorder.ended.wait()

    assert open_at_29
    assert recorder.events() == [("ADDED", "guestbook")]


@pytest.mark.anyio
async def test_watch_fields_trim_envelope() -> None:
    recorder = WatchRecorder()
    async with running("healthy") as env:
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                params = {"name": "guestbook", "fields": "result.type,result.application.metadata.name,result.application.status.health"}
                group.start_soon(recorder.read, env.client, params)
                await env.clock.advance(0)
                env.sandbox.break_watch()

    result = recorder.lines[0]["result"]
    assert result["type"] == "ADDED"
    assert result["application"]["metadata"] == {"name": "guestbook"}
    assert set(result["application"]["status"]) == {"health"}


@pytest.mark.anyio
async def test_watch_of_missing_app_stays_open_silently() -> None:
    recorder = WatchRecorder()
    async with running("healthy") as env:
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"name": "no-such-app"})
                await env.clock.advance(5)
                still_open = not recorder.ended.is_set()
                env.sandbox.break_watch()

    assert still_open
    assert recorder.lines == []
