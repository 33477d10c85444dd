"""Record the browser tests' fixtures from real batch_sync runs against the sandbox.

Builds the real MCP server (`build_server`) for an embedded sandbox that shares a manual
clock with the rollout engine, and drives it with the SDK's in-memory client, as a host
would: batch_sync starts a run, and get_batch_sync_status is read once per simulated
second until the run ends. Two sandbox scenarios: `healthy` (the run completes) and
`one-broken` (one app turns Degraded after every sync, so its batch retries and the run
aborts). A few of the recorded status reports become the reports the test harness returns
to the panel, and the tool results are the server's own. Writes
tests/browser/fixtures/{complete,retrying,aborted,dry-run}.json.

Usage: .venv/bin/python scripts/record_ui_snapshots.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from pydantic import SecretStr

from argonaut_mcp.config import InstanceConfig, Settings
from argonaut_mcp.rollout.runs import RunRegistry
from argonaut_mcp.sandbox import ManualClock, Sandbox
from argonaut_mcp.server.app import build_server

logger = logging.getLogger("record_ui_snapshots")

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "tests" / "browser" / "fixtures"
INSTANCE = "sandbox"
PATTERN = "mentor-web-*"
RUN_ARGUMENTS = {"pattern": PATTERN, "batch_size": 3, "max_retries": 2, "health_timeout_seconds": 60}
CLOCK_STEP_SECONDS = 1.0
# Simulated seconds after which a run that has not ended is a failed recording.
MAX_SIMULATED_SECONDS = 3600
# Real seconds the recording of one run may take.
RUN_TIMEOUT_SECONDS = 180

StatusReport = dict[str, Any]


@dataclass
class RecordedRun:
    """One run as a host saw it: batch_sync's tool result and every status report, in order."""

    scenario: str
    run_id: str = ""
    batch_sync_result: dict[str, Any] = field(default_factory=dict)
    status_results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def reports(self) -> list[StatusReport]:
        return [result["structuredContent"] for result in self.status_results]


def dump_call_result(result: Any) -> dict[str, Any]:
    """Dump a CallToolResult as JSON, as a host relays it in ui/notifications/tool-result."""
    return result.model_dump(mode="json", by_alias=True, exclude_none=True)


async def record_run(scenario: str, *, wait: bool) -> RecordedRun:
    """Start batch_sync on `scenario` and read its status each simulated second until it ends.

    With `wait` true the batch_sync call stays open until the run ends, as a host keeps it
    open, and the run id then comes from the server's run registry.
    """
    recorded = RecordedRun(scenario=scenario)
    clock = ManualClock()
    registry = RunRegistry()
    sandbox = Sandbox(scenario, clock=clock)

    async with sandbox.serve() as base_url:
        instance = InstanceConfig(name=INSTANCE, url=base_url, token=SecretStr(sandbox.token))
        settings = Settings(instances={INSTANCE: instance}, default_instance=INSTANCE)
        server = build_server(settings, clock=clock, registry=registry)

        with anyio.fail_after(RUN_TIMEOUT_SECONDS):
            async with Client(server) as client, anyio.create_task_group() as tasks:
                batch_sync_done = anyio.Event()

                async def call_batch_sync() -> None:
                    result = await client.call_tool("batch_sync", {**RUN_ARGUMENTS, "wait": wait})
                    recorded.batch_sync_result = dump_call_result(result)
                    batch_sync_done.set()

                tasks.start_soon(call_batch_sync)
                recorded.run_id = await wait_for_run_id(registry, clock)
                await follow_status(client, clock, recorded)
                await batch_sync_done.wait()

    logger.info("%s: run %s, %d status reports", scenario, recorded.run_id, len(recorded.status_results))
    return recorded


async def wait_for_run_id(registry: RunRegistry, clock: ManualClock) -> str:
    while not registry.runs():
        await clock.advance(0)
    return registry.runs()[-1].run_id


async def follow_status(client: Client, clock: ManualClock, recorded: RecordedRun) -> None:
    while True:
        result = await client.call_tool("get_batch_sync_status", {"run_id": recorded.run_id})
        if result.is_error:
            raise RuntimeError(f"get_batch_sync_status failed: {result.content}")
        recorded.status_results.append(dump_call_result(result))
        if result.structured_content["done"]:
            return
        if clock.now() > MAX_SIMULATED_SECONDS:
            raise RuntimeError(f"the {recorded.scenario} run did not end within {MAX_SIMULATED_SECONDS} simulated seconds")
        await clock.advance(CLOCK_STEP_SECONDS)


def snapshot(report: StatusReport) -> dict[str, Any]:
    return report.get("progress") or {}


def last_index(reports: list[StatusReport], accept: Callable[[dict[str, Any]], bool], before: int | None = None) -> int:
    """Return the index of the last report before `before` whose snapshot `accept` takes."""
    for index in reversed(range(len(reports) if before is None else before)):
        if accept(snapshot(reports[index])):
            return index
    raise RuntimeError("no recorded status matches; the scenario no longer behaves as this script expects")


def first_index(reports: list[StatusReport], accept: Callable[[dict[str, Any]], bool]) -> int:
    for index, report in enumerate(reports):
        if accept(snapshot(report)):
            return index
    raise RuntimeError("no recorded status matches; the scenario no longer behaves as this script expects")


def complete_fixture(run: RecordedRun) -> dict[str, Any]:
    """Build the fixture of a batch_sync call that waits for the end and names its run only then."""
    reports = run.reports
    assert reports[-1]["status"] == "complete", reports[-1]["status"]
    last_batch = snapshot(reports[-1])["totalBatches"]
    chosen = [
        last_index(reports, lambda s: s.get("phase") == "polling" and s.get("currentBatch") == 2),
        last_index(reports, lambda s: s.get("phase") == "polling" and s.get("currentBatch") == last_batch),
        len(reports) - 1,
    ]
    return {
        "state": "complete",
        "runId": run.run_id,
        "toolName": "batch_sync",
        "toolInput": {**RUN_ARGUMENTS},
        "toolResult": run.batch_sync_result,
        "toolResultAfterPolls": len(chosen) - 1,
        "statusReports": [reports[index] for index in chosen],
    }


def on_retry(progress: dict[str, Any]) -> bool:
    """Tell whether a snapshot shows a batch on its second or later attempt.

    The engine's `retrying` phase lasts only a moment of simulated time, so a status read
    once a second gets `syncing` or `polling` with an attempt above 1.
    """
    return progress.get("phase") in ("retrying", "syncing", "polling") and progress.get("attempt", 0) > 1


def retrying_fixture(run: RecordedRun) -> dict[str, Any]:
    """Build the fixture of batch_sync with wait=false, up to the broken app's first retry."""
    reports = run.reports
    retry = first_index(reports, on_retry)
    retry_batch = snapshot(reports[retry])["currentBatch"]
    before = last_index(reports, lambda s: s.get("phase") == "polling" and s.get("currentBatch") == retry_batch, before=retry)
    return {
        "state": "retrying",
        "runId": run.run_id,
        "toolName": "batch_sync",
        "toolInput": {**RUN_ARGUMENTS, "wait": False},
        "toolResult": run.batch_sync_result,
        "toolResultAfterPolls": 0,
        "statusReports": [reports[before], reports[retry]],
    }


def aborted_fixture(run: RecordedRun) -> dict[str, Any]:
    """Build the fixture of a get_batch_sync_status call during the last retry, up to the abort."""
    reports = run.reports
    assert reports[-1]["status"] == "aborted", reports[-1]["status"]
    last_retry = last_index(reports, on_retry)
    return {
        "state": "aborted",
        "runId": run.run_id,
        "toolName": "get_batch_sync_status",
        "toolInput": {"run_id": run.run_id},
        "toolResult": run.status_results[last_retry],
        "toolResultAfterPolls": 0,
        "statusReports": [reports[last_retry], reports[-1]],
    }


async def record_dry_run(scenario: str) -> dict[str, Any]:
    """Build the fixture of a batch_sync dry run: the plan comes back and no run starts."""
    clock = ManualClock()
    sandbox = Sandbox(scenario, clock=clock)
    arguments = {**RUN_ARGUMENTS, "dry_run": True}

    async with sandbox.serve() as base_url:
        instance = InstanceConfig(name=INSTANCE, url=base_url, token=SecretStr(sandbox.token))
        server = build_server(Settings(instances={INSTANCE: instance}, default_instance=INSTANCE), clock=clock)
        with anyio.fail_after(RUN_TIMEOUT_SECONDS):
            async with Client(server) as client:
                result = await client.call_tool("batch_sync", arguments)

    structured = result.structured_content or {}
    assert structured.get("status") == "dry_run", structured.get("status")
    return {
        "state": "dry-run",
        "runId": structured["runId"],
        "toolName": "batch_sync",
        "toolInput": arguments,
        "toolResult": dump_call_result(result),
        "toolResultAfterPolls": 0,
        "statusReports": [],
    }


def write_fixture(out: Path, fixture: dict[str, Any], scenario: str) -> None:
    fixture["source"] = f"recorded by scripts/record_ui_snapshots.py from the sandbox scenario {scenario}"
    # The server's get_batch_sync_status needs a run id: a call without one is an error.
    fixture["latestRunWithoutId"] = False
    path = out / f"{fixture['state']}.json"
    path.write_text(json.dumps(fixture, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    logger.info("wrote %s", path)


async def record(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    healthy = await record_run("healthy", wait=True)
    write_fixture(out, complete_fixture(healthy), healthy.scenario)

    write_fixture(out, await record_dry_run("healthy"), "healthy")

    broken = await record_run("one-broken", wait=False)
    write_fixture(out, retrying_fixture(broken), broken.scenario)
    write_fixture(out, aborted_fixture(broken), broken.scenario)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the fixture files")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    anyio.run(record, args.out)


if __name__ == "__main__":
    main()
