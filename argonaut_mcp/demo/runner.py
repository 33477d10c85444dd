"""`argonaut-mcp demo`: a batch sync against the embedded sandbox, shown live.

The demo starts the sandbox in this process on a free loopback port with a `ScaledClock`,
and `argonaut-mcp serve` as a stdio subprocess pointed at it. It connects with the MCP SDK
client as a host would, calls list_applications, then batch_sync, and shows the progress
until the result. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import logging
import signal
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import anyio

from argonaut_mcp.demo.display import Display, choose_display
from argonaut_mcp.demo.follow import RunFollower
from argonaut_mcp.demo.options import DemoOptions
from argonaut_mcp.demo.session import DemoError, connect_server, list_applications, server_parameters
from argonaut_mcp.demo.view import DemoView
from argonaut_mcp.rollout.contracts import BatchSyncResult
from argonaut_mcp.sandbox import Sandbox, ScaledClock

logger = logging.getLogger(__name__)

EXIT_COMPLETE = 0
EXIT_NOT_COMPLETE = 1
EXIT_USAGE = 2
EXIT_CANCELLED = 130
SERVER_LOG_TAIL_LINES = 20


async def run_demo(options: DemoOptions, stream: TextIO = sys.stdout) -> int:
    """Run the demo and return the process exit status: 0 only when the run completes,
    1 when it does not, 2 for an invalid scenario, 130 after a cancel."""
    try:
        sandbox = Sandbox(options.scenario, clock=ScaledClock(options.time_scale))
    except (ValueError, OSError) as error:
        print(f"argonaut-mcp demo: invalid scenario {options.scenario!r}: {error}", file=sys.stderr)
        return EXIT_USAGE

    display = choose_display(stream, plain=options.plain)
    with tempfile.TemporaryDirectory(prefix="argonaut-demo-") as folder:
        workdir = Path(folder)
        outcome = await run_in_sandbox(sandbox, options, display, workdir)
        if outcome.error is not None:
            print(f"argonaut-mcp demo failed: {outcome.error}", file=sys.stderr)
            print_log_tail(workdir / "server.log")
    if outcome.interrupted:
        print("argonaut-mcp demo stopped before the run recorded its partial result.", file=sys.stderr)
        return EXIT_CANCELLED
    return exit_status(outcome.result)


@dataclass
class DemoOutcome:
    """The end of a demo: the run's result, a failed tool call, or a second Ctrl-C.

    Errors travel as values, because raising one through the sandbox's and the SDK's task
    groups would wrap it in an exception group.
    """

    result: BatchSyncResult | None = None
    error: DemoError | None = None
    interrupts: int = 0

    @property
    def interrupted(self) -> bool:
        """Tell whether a second Ctrl-C stopped the wait for the run's partial result."""
        return self.interrupts > 1


async def run_in_sandbox(sandbox: Sandbox, options: DemoOptions, display: Display, workdir: Path) -> DemoOutcome:
    config_dir = workdir / "argocd-config"
    config_dir.mkdir()
    outcome = DemoOutcome()

    async with sandbox.serve() as base_url:
        logger.info("sandbox (scenario %s, time scale %s) serving at %s", options.scenario, options.time_scale, base_url)
        parameters = server_parameters(base_url, sandbox.token, config_dir)
        async with connect_server(parameters, workdir / "server.log") as client:
            try:
                listing = await list_applications(client, options.pattern)
                display.note(describe_listing(listing, options.pattern))
                if not listing.get("total"):
                    display.note("Nothing to sync: try --pattern 'mentor-web-*' or another --scenario.")
                    return outcome
                view = DemoView(title=demo_title(options), health_timeout_seconds=options.health_timeout_seconds())
                await follow_run(RunFollower(client, display, view), display, view, batch_sync_arguments(options), outcome)
            except DemoError as error:
                outcome.error = error
    return outcome


async def follow_run(
    follower: RunFollower, display: Display, view: DemoView, arguments: dict[str, Any], outcome: DemoOutcome
) -> None:
    """Run batch_sync with the display live and Ctrl-C wired to the cancel, and fill `outcome`."""
    display.start(view)
    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(cancel_on_interrupt, follower.request_cancel, outcome, tasks.cancel_scope)
            try:
                outcome.result = await follower.run(arguments)
            except DemoError as error:
                outcome.error = error
            tasks.cancel_scope.cancel()
    finally:
        # The live panel must stop redrawing however the run ended.
        display.finish(view, outcome.result)


async def cancel_on_interrupt(request_cancel: Callable[[], None], outcome: DemoOutcome, scope: anyio.CancelScope) -> None:
    """Cancel the run on the first Ctrl-C, and stop waiting for its partial result on the second."""
    with anyio.open_signal_receiver(signal.SIGINT) as signals:
        async for _ in signals:
            outcome.interrupts += 1
            if outcome.interrupts == 1:
                request_cancel()
                continue
            scope.cancel()
            return


def batch_sync_arguments(options: DemoOptions) -> dict[str, Any]:
    return {
        "pattern": options.pattern,
        "batch_size": options.batch_size,
        "health_timeout_seconds": options.health_timeout_seconds(),
    }


def demo_title(options: DemoOptions) -> str:
    return (
        f"argonaut-mcp demo · batch_sync {options.pattern} in batches of {options.batch_size}"
        f" · sandbox scenario {options.scenario} at {options.time_scale:g}x"
    )


def describe_listing(listing: dict[str, Any], pattern: str) -> str:
    """Describe list_applications' result in one line: how many apps match, by health and sync."""
    total = listing.get("total", len(listing.get("applications", [])))
    health = ", ".join(f"{count} {status}" for status, count in sorted((listing.get("healthTotals") or {}).items()))
    sync = ", ".join(f"{count} {status}" for status, count in sorted((listing.get("syncTotals") or {}).items()))
    if not total:
        return f"list_applications: no app matches {pattern}"
    return f"list_applications: {total} apps match {pattern} ({health}; {sync})"


def exit_status(result: BatchSyncResult | None) -> int:
    """Return 0 for a complete run, 130 for a cancelled one (as for SIGINT), 1 otherwise."""
    if result is not None and result.status == "complete":
        return EXIT_COMPLETE
    if result is not None and result.status == "cancelled":
        return EXIT_CANCELLED
    return EXIT_NOT_COMPLETE


def print_log_tail(log_path: Path) -> None:
    """Print the end of the server's log to stderr, where the cause of a failure usually is."""
    if not log_path.is_file():
        return
    lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-SERVER_LOG_TAIL_LINES:]
    if lines:
        print("Last lines of the server log:", file=sys.stderr)
        for line in lines:
            print(f"  {line}", file=sys.stderr)
