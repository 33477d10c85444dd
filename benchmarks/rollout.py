"""Benchmarks 1 and 2: rollout overhead against the ideal, and Argo CD requests per app.

The same generated fleet (31 apps, ready times spread between 1 and 4 simulated seconds)
is rolled out three times, each on a fresh sandbox in scaled real time. The first rollout
uses our MCP server's batch_sync tool (in-process, through the SDK client). The other two
use the naive reference, once polling first and once checking first.

The sandbox runs as its own process (`argonaut-mcp sandbox`), as Argo CD would, so its
work does not share an event loop with the rollout. Times are simulated seconds: the
rollout's clock runs at the sandbox's pace, and its readings are mapped onto the
sandbox's clock through one stats reading before the run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp import Client

from argonaut_mcp.argocd import open_client
from argonaut_mcp.sandbox import ScaledClock
from argonaut_mcp.server import build_server

from benchmarks.fleets import ROLLOUT_PREFIX, ready_times, rollout_scenario, write_scenario
from benchmarks.harness import batch_sync_result, sandbox_instance, sandbox_settings
from benchmarks.naive import NaiveOptions, run_naive_rollout
from benchmarks.processes import sandbox_process
from benchmarks.timeline import WATCH_ROUTE, api_requests, ideal_seconds, overhead_parts, per_app, reaction_delays, route_delta, stale_batches

PATTERN = ROLLOUT_PREFIX + "*"


@dataclass(frozen=True)
class RolloutConfig:
    """The rollout benchmark's fleet and pace. `scale` is simulated seconds per real second."""

    apps: int = 31
    batch_size: int = 3
    scale: float = 10.0
    seed: int = 0
    poll_interval: float = 10.0


@dataclass
class RolloutMeasurement:
    """One rollout of the fleet, read back from the sandbox. Times in simulated seconds."""

    label: str
    batches: list[list[str]]
    wall_seconds: float
    ideal_seconds: float
    stale: list[int]
    delays: list[float]
    routes: dict[str, int]
    app_count: int
    max_concurrent_syncing: int
    real_seconds: float
    parts: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.wall_seconds / self.ideal_seconds

    @property
    def api_requests_per_app(self) -> float:
        return per_app(api_requests(self.routes), self.app_count)

    @property
    def watches_per_app(self) -> float:
        return per_app(self.routes.get(WATCH_ROUTE, 0), self.app_count)


@dataclass
class SandboxTime:
    """Maps a local clock paced like the sandbox's onto the sandbox's own simulated seconds."""

    sandbox_now: float
    local_now: float

    def of(self, local: float) -> float:
        return self.sandbox_now + (local - self.local_now)


def read_measurement(
    label: str,
    before: dict[str, Any],
    after: dict[str, Any],
    batches: list[list[str]],
    ready: dict[str, float],
    span: tuple[float, float],
    real_seconds: float,
) -> RolloutMeasurement:
    """Read one rollout from the stats taken before and after it. `span` is its start and end in sandbox time."""
    started, ended = span
    stale = stale_batches(batches, after["apps"], ended)
    return RolloutMeasurement(
        label=label,
        batches=batches,
        wall_seconds=ended - started,
        ideal_seconds=ideal_seconds(batches, ready),
        stale=stale,
        delays=reaction_delays(batches, after["apps"], ended),
        routes=route_delta(before["routes"], after["routes"]),
        app_count=sum(len(batch) for batch in batches),
        max_concurrent_syncing=after["maxConcurrentSyncing"],
        real_seconds=real_seconds,
        parts={} if stale else overhead_parts(batches, after["apps"], ready, started, ended),
    )


async def measure_ours(scenario_path: Path, ready: dict[str, float], config: RolloutConfig, folder: Path) -> RolloutMeasurement:
    """Roll the fleet out with the batch_sync tool of an in-process MCP server.

    The session first calls list_applications with the same pattern, because the tool's
    description instructs a host to list first. That call is not part of the measurement.
    """
    clock = ScaledClock(config.scale)
    notifications = 0

    async def count_progress(progress: float, total: float | None, message: str | None) -> None:
        nonlocal notifications
        notifications += 1

    async with sandbox_process(scenario_path, scale=config.scale, log_path=folder / "sandbox-ours.log") as sandbox:
        server = build_server(sandbox_settings(sandbox.url, sandbox.token), clock=clock)
        async with Client(server) as client:
            await client.call_tool("list_applications", {"pattern": PATTERN})
            before = await sandbox.stats()
            to_sandbox = SandboxTime(before["now"], clock.now())

            real_start, started = time.perf_counter(), clock.now()
            answer = await client.call_tool("batch_sync", {"pattern": PATTERN, "batch_size": config.batch_size}, progress_callback=count_progress)
            ended, real_seconds = clock.now(), time.perf_counter() - real_start
            after = await sandbox.stats()

    result = batch_sync_result(answer.is_error, answer.structured_content, answer.content)
    batches = [batch.apps for batch in result.batches]
    span = (to_sandbox.of(started), to_sandbox.of(ended))
    measurement = read_measurement("ours", before, after, batches, ready, span, real_seconds)
    measurement.extra["progress_notifications"] = notifications
    return measurement


async def measure_naive(
    scenario_path: Path, ready: dict[str, float], config: RolloutConfig, folder: Path, *, check_first: bool
) -> RolloutMeasurement:
    """Roll the fleet out with the naive reference, its poll interval paced like the sandbox clock."""
    clock = ScaledClock(config.scale)
    options = NaiveOptions(batch_size=config.batch_size, poll_interval=config.poll_interval, check_first=check_first)
    label = "naive, check first" if check_first else "naive, poll first"
    log_path = folder / f"sandbox-{label.replace(', ', '-').replace(' ', '-')}.log"

    async with sandbox_process(scenario_path, scale=config.scale, log_path=log_path) as sandbox:
        async with open_client(sandbox_instance(sandbox.url, sandbox.token)) as client:
            before = await sandbox.stats()
            to_sandbox = SandboxTime(before["now"], clock.now())
            real_start = time.perf_counter()
            run = await run_naive_rollout(client, PATTERN, clock, options)
            real_seconds = time.perf_counter() - real_start
        after = await sandbox.stats()

    span = (to_sandbox.of(run.started_at), to_sandbox.of(run.ended_at))
    measurement = read_measurement(label, before, after, run.batches, ready, span, real_seconds)
    measurement.extra["polls"] = sum(run.polls)
    return measurement


async def measure_rollouts(config: RolloutConfig, folder: Path) -> list[RolloutMeasurement]:
    """Run the three rollouts of the same generated fleet, one after another, each on a fresh sandbox."""
    scenario = rollout_scenario(config.apps, seed=config.seed)
    ready = ready_times(scenario)
    path = write_scenario(scenario, folder)
    ours = await measure_ours(path, ready, config, folder)
    poll_first = await measure_naive(path, ready, config, folder, check_first=False)
    check_first = await measure_naive(path, ready, config, folder, check_first=True)
    return [ours, poll_first, check_first]
