"""Benchmark 4: batch_sync over 2,000 apps in batches of 50, in a real `argonaut-mcp serve` process.

The server runs as a stdio child process, as a host starts it, against a sandbox served
from this process. Every app becomes ready the same time after its sync, so each batch
becomes ready at once. The server's rollout runs on real time, so the sandbox clock runs
at `scale` 1 by default and the ideal is the number of batches times the ready time.
Peak RSS (VmHWM) and CPU time are read from /proc while the process is still alive.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from argonaut_mcp.sandbox import Sandbox, ScaledClock

from benchmarks.fleets import large_sample, ready_at_once
from benchmarks.harness import batch_sync_result
from benchmarks.processes import cli_command, cpu_seconds, memory_kib, server_environment
from benchmarks.results import Row, Section, markdown_table
from benchmarks.stdio import stdio_server
from benchmarks.timeline import WATCH_ROUTE, api_requests, route_delta, stale_batches

MAX_PEAK_RSS_MIB = 256
MAX_REQUESTS_PER_APP = 3.0


@dataclass(frozen=True)
class ScaleConfig:
    """The fleet and pace of the scale benchmark. `ready_seconds` is simulated, `scale` is simulated seconds per real second."""

    apps: int = 2000
    batch_size: int = 50
    ready_seconds: float = 1.0
    scale: float = 1.0
    seed: int = 0


@dataclass
class ScaleMeasurement:
    """One scale run: real seconds, server memory in KiB from /proc, routes and bytes the client received."""

    wall_seconds: float
    ideal_seconds: float
    idle_memory_kib: dict[str, int]
    peak_memory_kib: dict[str, int]
    cpu_seconds: float
    startup_cpu_seconds: float
    routes: dict[str, int]
    batches: int
    stale: list[int]
    notifications: dict[str, int]
    received_bytes: int
    result_bytes: int


async def measure_scale(config: ScaleConfig, folder: Path) -> ScaleMeasurement:
    scenario = ready_at_once(large_sample(config.apps, seed=config.seed), config.ready_seconds)
    sandbox = Sandbox(scenario, clock=ScaledClock(config.scale), seed=config.seed)
    config_dir = folder / "argocd-config-scale"
    config_dir.mkdir(exist_ok=True)

    async with sandbox.serve() as url:
        environment = server_environment(url, sandbox.token, config_dir)
        async with stdio_server([*cli_command(), "serve"], environment, folder / "server-scale.log") as (session, _):
            await session.initialize()
            pid = session.process.pid
            idle_memory, startup_cpu = memory_kib(pid), cpu_seconds(pid)
            before = sandbox.stats()
            received_before = session.received_bytes

            started = time.perf_counter()
            answer = await session.call_tool("batch_sync", {"pattern": "*", "batch_size": config.batch_size}, progress_token="scale")
            wall_seconds = time.perf_counter() - started

            peak_memory, total_cpu = memory_kib(pid), cpu_seconds(pid)
            after = sandbox.stats()
            ended = sandbox.clock.now()
            received_size = session.received_bytes - received_before

    result = batch_sync_result(bool(answer.get("isError")), answer.get("structuredContent"), answer.get("content"))
    batches = [batch.apps for batch in result.batches]
    return ScaleMeasurement(
        wall_seconds=wall_seconds,
        ideal_seconds=len(batches) * config.ready_seconds / config.scale,
        idle_memory_kib=idle_memory,
        peak_memory_kib=peak_memory,
        cpu_seconds=total_cpu - startup_cpu,
        startup_cpu_seconds=startup_cpu,
        routes=route_delta(before["routes"], after["routes"]),
        batches=len(batches),
        stale=stale_batches(batches, after["apps"], ended),
        notifications=dict(session.notifications),
        received_bytes=received_size,
        result_bytes=len(json.dumps(answer, separators=(",", ":")).encode()),
    )


def scale_section(measured: ScaleMeasurement, config: ScaleConfig) -> Section:
    title = "4 Scale"
    peak_mib = measured.peak_memory_kib["VmHWM"] / 1024
    idle_mib = measured.idle_memory_kib["VmHWM"] / 1024
    api_per_app = api_requests(measured.routes) / config.apps
    ready_after = config.ready_seconds / config.scale

    section = Section(title)
    section.rows = [
        Row(
            title,
            f"wall time ({config.apps} apps, batches of {config.batch_size}, each batch ready {ready_after:g} s after its syncs)",
            f"{measured.wall_seconds:.1f} s",
            f"ideal {measured.ideal_seconds:.1f} s (ratio {measured.wall_seconds / measured.ideal_seconds:.2f})",
        ),
        Row(
            title,
            "peak RSS of the server process",
            f"{peak_mib:.0f} MiB",
            f"{idle_mib:.0f} MiB after start-up",
            f"< {MAX_PEAK_RSS_MIB} MiB",
            peak_mib < MAX_PEAK_RSS_MIB,
        ),
        Row(title, "CPU time of the server process during the rollout", f"{measured.cpu_seconds:.1f} s", f"{measured.startup_cpu_seconds:.1f} s for start-up"),
        Row(
            title,
            "API requests per app, watch excluded",
            f"{api_per_app:.2f}",
            f"{measured.routes.get(WATCH_ROUTE, 0)} watch connections",
            f"<= {MAX_REQUESTS_PER_APP:g} + watch connections",
            api_per_app <= MAX_REQUESTS_PER_APP,
        ),
    ]

    rows = [[route, str(count), f"{count / config.apps:.3f}"] for route, count in sorted(measured.routes.items())]
    section.tables.append(markdown_table(["Route", "Requests", "Per app"], rows))
    kinds = ", ".join(f"{name} {count}" for name, count in sorted(measured.notifications.items()))
    section.notes.append(f"{measured.batches} batches, of which {len(measured.stale)} advanced before every app was ready.")
    section.notes.append(
        f"The server sent {sum(measured.notifications.values())} notifications ({kinds}). During the call the "
        f"client received {measured.received_bytes / 1024:.0f} KiB, of which the batch_sync result was "
        f"{measured.result_bytes / 1024:.0f} KiB."
    )
    return section
