"""Benchmark 5: start-up of `argonaut-mcp serve`, from process start to the `initialize` response.

Each run starts a new stdio process with the environment a host would give it (the
sandbox's URL and token), sends `initialize` at once, and stops the timer when the
response line arrives. Runs go one after another, and the median is reported.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from argonaut_mcp.sandbox import ManualClock, Sandbox

from benchmarks.processes import cli_command, server_environment
from benchmarks.results import Row, Section
from benchmarks.stdio import stdio_server

MAX_STARTUP_SECONDS = 1.5


async def measure_startup(runs: int, folder: Path) -> list[float]:
    """Measure the seconds from process start to the `initialize` response, once per run."""
    sandbox = Sandbox("healthy", clock=ManualClock())
    config_dir = folder / "argocd-config-startup"
    config_dir.mkdir(exist_ok=True)
    command = [*cli_command(), "serve"]
    durations = []

    async with sandbox.serve() as url:
        environment = server_environment(url, sandbox.token, config_dir)
        for _ in range(runs):
            async with stdio_server(command, environment, folder / "server-startup.log") as (session, started):
                await session.initialize()
                assert session.initialized_at is not None
                durations.append(session.initialized_at - started)
    return durations


def startup_section(durations: list[float]) -> Section:
    title = "5 Start-up"
    median = statistics.median(durations)
    section = Section(title)
    section.rows = [
        Row(
            title,
            f"process start to the initialize response, median of {len(durations)}",
            f"{median:.2f} s",
            f"min {min(durations):.2f} s, max {max(durations):.2f} s",
            f"< {MAX_STARTUP_SECONDS} s",
            median < MAX_STARTUP_SECONDS,
        )
    ]
    return section
