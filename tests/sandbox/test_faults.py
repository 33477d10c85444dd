"""Fault injection: seeded 5xx responses, slow responses, and the flaky scenario."""

from __future__ import annotations

import anyio
import pytest

from argonaut_mcp.sandbox import Faults

from .helpers import TIMEOUT, WatchRecorder, running


async def _statuses(seed: int, count: int) -> list[int]:
    async with running("healthy", faults=Faults(error_rate=0.2), seed=seed) as env:
        return [(await env.client.get("/api/v1/applications/guestbook")).status_code for _ in range(count)]


@pytest.mark.anyio
async def test_error_rate_is_seeded_and_close_to_rate() -> None:
    first = await _statuses(seed=3, count=200)
    again = await _statuses(seed=3, count=200)
    other = await _statuses(seed=4, count=200)

    failures = [status for status in first if status != 200]
    assert first == again
    assert first != other
    assert 20 <= len(failures) <= 60
    assert set(failures) <= {500, 502, 503}


@pytest.mark.anyio
async def test_injected_errors_look_like_argo_cd_or_proxy() -> None:
    async with running("healthy", faults=Faults(error_rate=1.0), seed=1) as env:
        answers = [await env.client.get("/api/v1/applications") for _ in range(12)]
        stats = env.sandbox.stats()

    by_status = {answer.status_code: answer for answer in answers}
    assert set(by_status) == {500, 502, 503}
    assert by_status[503].json()["code"] == 14
    assert by_status[500].json()["code"] == 13
    assert by_status[502].headers["content-type"].startswith("text/html")
    assert stats["injectedErrors"] == 12


@pytest.mark.anyio
async def test_failed_sync_answer_changes_nothing() -> None:
    async with running("healthy", faults=Faults(error_rate=1.0)) as env:
        answer = await env.sync("guestbook")
        env.sandbox.set_faults(error_rate=0.0)
        app = await env.get_app("guestbook")

    assert answer.status_code >= 500
    assert "operation" not in app


@pytest.mark.anyio
async def test_slow_answer_waits_for_simulated_time() -> None:
    answers: list[tuple[float, int]] = []
    async with running("healthy", faults=Faults(slow_seconds=2.0)) as env:

        async def request() -> None:
            response = await env.client.get("/api/v1/applications/guestbook")
            answers.append((env.clock.now(), response.status_code))

        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(request)
                await env.clock.advance(1.5)
                pending_at_1_5 = list(answers)
                await env.clock.advance(0.5)

    assert pending_at_1_5 == []
    assert answers == [(2.0, 200)]


@pytest.mark.anyio
async def test_flaky_scenario_drops_watch_and_fails_some_calls() -> None:
    recorder = WatchRecorder()
    async with running("flaky") as env:
        statuses = [(await env.client.get("/api/v1/applications/guestbook")).status_code for _ in range(50)]
        env.sandbox.set_faults(error_rate=0.0)
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"name": "guestbook"})
                await env.clock.advance(30)
                await recorder.ended.wait()

    assert env.sandbox.scenario.faults == Faults(error_rate=0.2, watch_drop_every=2.0)
    assert any(status >= 500 for status in statuses)
    assert statuses.count(200) > 25
    assert recorder.events() == [("ADDED", "guestbook")]
