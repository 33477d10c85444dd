"""ManualClock: deadline order, settling, and a client reacting to watch lines in time."""

from __future__ import annotations

import json

import anyio
import httpx
import pytest

from argonaut_mcp.sandbox import ManualClock, Sandbox, ScaledClock

from .helpers import TIMEOUT, running


@pytest.mark.anyio
async def test_sleepers_wake_in_deadline_order() -> None:
    clock = ManualClock()
    woke: list[tuple[str, float]] = []

    async def sleeper(label: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((label, clock.now()))

    with anyio.fail_after(TIMEOUT):
        async with anyio.create_task_group() as group:
            group.start_soon(sleeper, "late", 3.0)
            group.start_soon(sleeper, "early", 1.0)
            group.start_soon(sleeper, "middle", 2.5)
            await clock.advance(0)
            assert woke == []
            await clock.advance(10)

    assert woke == [("early", 1.0), ("middle", 2.5), ("late", 3.0)]
    assert clock.now() == 10.0


@pytest.mark.anyio
async def test_timers_and_sleepers_interleave() -> None:
    clock = ManualClock()
    order: list[str] = []
    clock.call_at(1.0, lambda: order.append("timer@1"))
    clock.call_at(2.0, lambda: order.append("timer@2"))

    async def sleeper() -> None:
        await clock.sleep(1.5)
        order.append(f"sleeper@{clock.now()}")
        clock.call_later(0.25, lambda: order.append(f"chained@{clock.now()}"))

    with anyio.fail_after(TIMEOUT):
        async with anyio.create_task_group() as group:
            group.start_soon(sleeper)
            await clock.advance(5)

    assert order == ["timer@1", "sleeper@1.5", "chained@1.75", "timer@2"]


@pytest.mark.anyio
async def test_advance_zero_runs_timers_due_now() -> None:
    clock = ManualClock()
    fired: list[float] = []
    clock.call_later(0, lambda: fired.append(clock.now()))
    assert fired == []

    await clock.advance(0)

    assert fired == [0.0]


@pytest.mark.anyio
async def test_cancelled_timer_does_not_run() -> None:
    clock = ManualClock()
    fired: list[str] = []
    timer = clock.call_at(1.0, lambda: fired.append("no"))
    timer.cancel()

    await clock.advance(2)

    assert fired == []


@pytest.mark.anyio
async def test_advance_rejects_negative_and_reentry() -> None:
    clock = ManualClock()
    with pytest.raises(ValueError, match="backwards"):
        await clock.advance(-1)

    async def nested() -> None:
        with pytest.raises(RuntimeError, match="already running"):
            await clock.advance(1)

    clock.call_at(1.0, lambda: None)
    with anyio.fail_after(TIMEOUT):
        async with anyio.create_task_group() as group:
            group.start_soon(clock.advance, 2)
            await anyio.sleep(0)
            await nested()


def test_timestamps_have_second_precision() -> None:
    clock = ManualClock(start=61.7)

    assert clock.timestamp() == "2026-08-03T09:01:01Z"
    assert clock.timestamp(0.99) == "2026-08-03T09:00:00Z"


@pytest.mark.anyio
async def test_scaled_clock_runs_faster_than_real_time() -> None:
    clock = ScaledClock(1000.0)
    start = clock.now()

    await clock.sleep(50)

    assert clock.now() - start >= 50


def test_scaled_clock_rejects_zero_scale() -> None:
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(0)


@pytest.mark.anyio
async def test_reaction_to_watch_line_counts_at_same_second() -> None:
    """A client that syncs app B when a watch line shows app A Healthy is counted in time."""
    async with running("healthy") as env:
        first, second = "mentor-web-alderbrook", "mentor-web-ashgrove"
        reacted_at: list[float] = []

        async def react() -> None:
            params = {"name": first}
            async with env.client.stream("GET", "/api/v1/stream/applications", params=params) as response:
                async for line in response.aiter_lines():
                    app = json.loads(line)["result"]["application"]
                    ready = app["status"]["health"]["status"] == "Healthy" and app["status"]["sync"]["status"] == "Synced"
                    if ready and not reacted_at:
                        reacted_at.append(env.clock.now())
                        answer = await env.sync(second)
                        assert answer.status_code == 200
                        return

        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(react)
                await env.clock.advance(0)
                assert (await env.sync(first)).status_code == 200
                for _ in range(10):
                    await env.clock.advance(1)

        stats = env.sandbox.stats()
        ready_first = stats["apps"][first]["readyAt"][0]
        assert reacted_at == [ready_first]
        assert stats["apps"][second]["syncRequests"] == [ready_first]


@pytest.mark.anyio
async def test_engine_style_poll_loop_settles() -> None:
    """A poller sleeping on the clock between GETs observes every step without blocking advance()."""
    async with running("healthy") as env:
        name = "mentor-web-bluefinch"
        seen: list[tuple[float, str]] = []

        async def poll() -> None:
            while env.clock.now() < 6:
                app = await env.get_app(name)
                seen.append((env.clock.now(), app["status"]["health"]["status"]))
                await env.clock.sleep(1)

        with anyio.fail_after(TIMEOUT):
            assert (await env.sync(name)).status_code == 200
            async with anyio.create_task_group() as group:
                group.start_soon(poll)
                await env.clock.advance(7)

        assert [at for at, _ in seen] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
        assert seen[-1][1] == "Healthy"


@pytest.mark.anyio
async def test_scaled_clock_drives_controller_while_served() -> None:
    """With real (scaled) time, timers run by themselves: the watch shows the app Healthy."""
    sandbox = Sandbox("healthy", clock=ScaledClock(50.0))
    name = "mentor-web-cedarpoint"
    headers = {"Authorization": f"Bearer {sandbox.token}"}
    async with sandbox.serve() as base_url, httpx.AsyncClient(base_url=base_url, headers=headers, timeout=TIMEOUT) as client:
        assert (await client.post(f"/api/v1/applications/{name}/sync", json={})).status_code == 200
        with anyio.fail_after(TIMEOUT):
            async with client.stream("GET", "/api/v1/stream/applications", params={"name": name}) as response:
                async for line in response.aiter_lines():
                    status = json.loads(line)["result"]["application"]["status"]
                    if status["health"]["status"] == "Healthy" and status["sync"]["status"] == "Synced":
                        break

    timeline = sandbox.stats()["apps"][name]
    ready_after = timeline["readyAt"][0] - timeline["syncRequests"][0]
    assert 1.0 <= ready_after <= 10.0
