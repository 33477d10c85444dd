"""The benchmark harness on a tiny fleet: the naive reference against a real sandbox, and the timeline reading.

The sandbox runs on 127.0.0.1 with a manual clock that the test moves, so nothing sleeps
and no timing is asserted.
"""

from __future__ import annotations

import math
from pathlib import Path

import anyio
import pytest

from argonaut_mcp.argocd import open_client
from argonaut_mcp.sandbox import ManualClock, Sandbox
from benchmarks.fleets import ready_times, rollout_scenario, split_ready_time, write_scenario
from benchmarks.harness import sandbox_instance
from benchmarks.naive import NaiveOptions, NaiveRun, all_healthy, run_naive_rollout, split_batches
from benchmarks.results import Row, Section, render_report
from benchmarks.timeline import api_requests, ideal_seconds, reaction_delays, route_delta, stale_batches

HANG_LIMIT_SECONDS = 30


def test_split_batches_keeps_order():
    assert split_batches(["a", "b", "c", "d", "e"], 2) == [["a", "b"], ["c", "d"], ["e"]]


def test_split_batches_rejects_zero():
    with pytest.raises(ValueError, match="at least 1"):
        split_batches(["a"], 0)


def test_naive_gate_reads_health_only():
    assert all_healthy(["Healthy", "Healthy"])
    assert not all_healthy(["Healthy", "Progressing"])
    assert not all_healthy([])


def test_generated_fleet_is_seeded_and_spread():
    first = ready_times(rollout_scenario(31, seed=4))
    again = ready_times(rollout_scenario(31, seed=4))

    assert first == again
    assert len(first) == 31
    assert all(1.0 <= seconds <= 4.0 for seconds in first.values())


def test_split_ready_time_adds_up():
    steps = split_ready_time(2.345)

    assert math.isclose(sum(steps.values()), 2.345, abs_tol=1e-9)


def test_timeline_finds_stale_batch():
    batches = [["a", "b"], ["c"]]
    apps = {
        "a": {"syncRequests": [0.0], "readyAt": [2.0]},
        "b": {"syncRequests": [0.0], "readyAt": [3.0]},
        "c": {"syncRequests": [1.0], "readyAt": [4.0]},
    }

    assert stale_batches(batches, apps, ended_at=5.0) == [1]
    assert reaction_delays(batches, apps, ended_at=5.0) == [-2.0, 1.0]
    assert ideal_seconds(batches, {"a": 2.0, "b": 3.0, "c": 3.0}) == 6.0


def test_route_delta_drops_watch_from_api_count():
    before = {"GET /api/v1/applications": 1}
    after = {"GET /api/v1/applications": 2, "GET /api/v1/stream/applications": 4, "POST /api/v1/applications/{name}/sync": 3}

    delta = route_delta(before, after)

    assert delta == {"GET /api/v1/applications": 1, "GET /api/v1/stream/applications": 4, "POST /api/v1/applications/{name}/sync": 3}
    assert api_requests(delta) == 4


def test_report_marks_missed_target():
    section = Section("3 Answer size", rows=[Row("3 Answer size", "result", "50 KB", "", "< 40 KB", False)])

    report = render_report([section], 1.0)

    assert "| 3 Answer size | result | 50 KB |  | < 40 KB | **no** |" in report
    assert "Python" in report


async def roll_out_naive(tmp_path: Path, *, check_first: bool) -> tuple[NaiveRun, dict, dict[str, float]]:
    """Run the naive reference over 4 apps in batches of 2, moving the sandbox clock 1 s at a time.

    The clock moves 5 s more after the run, so every app has become ready by the time the
    stats are read.
    """
    scenario = rollout_scenario(4, seed=1)
    clock = ManualClock()
    sandbox = Sandbox(str(write_scenario(scenario, tmp_path)), clock=clock)
    options = NaiveOptions(batch_size=2, poll_interval=10.0, check_first=check_first)
    outcome: dict[str, NaiveRun] = {}

    async with sandbox.serve() as url, open_client(sandbox_instance(url, sandbox.token)) as client:

        async def run() -> None:
            outcome["run"] = await run_naive_rollout(client, "rollout-*", clock, options)

        with anyio.fail_after(HANG_LIMIT_SECONDS):
            async with anyio.create_task_group() as group:
                group.start_soon(run)
                await clock.advance(0)
                while "run" not in outcome:
                    await clock.advance(1)
            await clock.advance(5)

    return outcome["run"], sandbox.stats(), ready_times(scenario)


@pytest.mark.anyio
async def test_naive_check_first_advances_on_stale_healthy(tmp_path):
    run, stats, _ = await roll_out_naive(tmp_path, check_first=True)

    assert run.batches == [["rollout-01", "rollout-02"], ["rollout-03", "rollout-04"]]
    assert run.polls == [1, 1]
    assert all(stats["apps"][name]["readyAt"] for batch in run.batches for name in batch)
    assert stale_batches(run.batches, stats["apps"], run.ended_at) == [1, 2]
    assert stats["maxConcurrentSyncing"] == 4


@pytest.mark.anyio
async def test_naive_poll_first_waits_one_interval(tmp_path):
    run, stats, ready = await roll_out_naive(tmp_path, check_first=False)

    assert run.polls == [1, 1]
    assert run.ended_at - run.started_at == 20.0
    assert stale_batches(run.batches, stats["apps"], run.ended_at) == []
    assert stats["routes"]["GET /api/v1/applications/{name}"] == 4
    assert stats["routes"]["POST /api/v1/applications/{name}/sync"] == 4
    assert (run.ended_at - run.started_at) / ideal_seconds(run.batches, ready) > 1.5
