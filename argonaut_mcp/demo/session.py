"""The demo's MCP side: start `argonaut-mcp serve` over stdio and call its tools as a host would.

The server runs as a subprocess of the current Python, with the sandbox's URL and token in
its environment and an empty Argo CD CLI config folder, so it can reach no Argo CD but the
sandbox. Its log goes to a file, because the terminal belongs to the demo's display.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.dispatcher import ProgressFnT
from mcp.shared.exceptions import MCPError
from mcp_types import CallToolResult

from argonaut_mcp.rollout.contracts import BatchSyncProgress, BatchSyncResult


class DemoError(Exception):
    """Raised when a tool call of the demo fails. The message is the server's."""


@dataclass
class RunStatus:
    """A run's state as get_batch_sync_status returned it."""

    run_id: str
    done: bool
    snapshot: BatchSyncProgress | None
    result: BatchSyncResult | None


def server_parameters(base_url: str, token: str, config_dir: Path) -> StdioServerParameters:
    """Build the command and environment of the server subprocess.

    `config_dir` becomes `ARGOCD_CONFIG_DIR`, so the server reads no Argo CD CLI contexts file
    of the user. It must be an empty folder.
    """
    env = {
        "ARGOCD_SERVER": base_url,
        "ARGOCD_AUTH_TOKEN": token,
        "ARGOCD_CONFIG_DIR": str(config_dir),
        "PYTHONUNBUFFERED": "1",
    }
    return StdioServerParameters(command=sys.executable, args=["-m", "argonaut_mcp.cli", "serve"], env=env)


@asynccontextmanager
async def connect_server(parameters: StdioServerParameters, log_path: Path) -> AsyncIterator[Client]:
    """Start the server subprocess, connect the SDK client and yield it. Stop both on exit."""
    with log_path.open("w", encoding="utf-8") as errlog:
        async with Client(stdio_client(parameters, errlog=errlog)) as client:
            yield client


def structured(result: CallToolResult, tool: str) -> dict[str, Any]:
    """Return a tool result's structured content, or raise `DemoError` with the server's
    message when the call failed."""
    if result.is_error:
        raise DemoError(f"{tool} failed: {result_text(result)}")
    if result.structured_content is not None:
        return dict(result.structured_content)

    # A server without an output schema still sends the same JSON as text.
    try:
        return json.loads(result_text(result))
    except ValueError as error:
        raise DemoError(f"{tool} returned no structured content: {result_text(result)[:200]}") from error


def result_text(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")


async def call_tool(
    client: Client, tool: str, arguments: dict[str, Any], on_progress: ProgressFnT | None = None
) -> dict[str, Any]:
    """Call a tool and return its structured content. Raise `DemoError` on a tool or protocol error."""
    try:
        result = await client.call_tool(tool, arguments, progress_callback=on_progress)
    except MCPError as error:
        raise DemoError(f"{tool} failed: {error}") from error
    return structured(result, tool)


async def list_applications(client: Client, pattern: str) -> dict[str, Any]:
    return await call_tool(client, "list_applications", {"pattern": pattern})


async def call_batch_sync(client: Client, arguments: dict[str, Any], on_progress: ProgressFnT) -> BatchSyncResult:
    """Run batch_sync to its end, passing every progress notification to `on_progress`."""
    return BatchSyncResult.model_validate(await call_tool(client, "batch_sync", arguments, on_progress))


async def read_status(client: Client, run_id: str | None) -> RunStatus:
    """Read a run's status, or with no `run_id` the status of the server's most recent run."""
    arguments = {"run_id": run_id} if run_id else {}
    data = await call_tool(client, "get_batch_sync_status", arguments)
    snapshot = data.get("progress")
    outcome = data.get("result")
    return RunStatus(
        run_id=str(data["runId"]),
        done=bool(data.get("done")),
        snapshot=BatchSyncProgress.model_validate(snapshot) if snapshot else None,
        result=BatchSyncResult.model_validate(outcome) if outcome else None,
    )


async def cancel_run(client: Client, run_id: str) -> None:
    await call_tool(client, "cancel_batch_sync", {"run_id": run_id})
