"""The MCP Inspector CLI (npm `@modelcontextprotocol/inspector` 0.15.0) against `argonaut-mcp serve`.

The Inspector is a second, independent MCP client. It sends every tool argument as a
string, so these calls also check that numbers and booleans given as strings are accepted.
Install it with `npm ci` (or `npm install`) in tests/e2e/inspector; without it the tests
skip, unless ARGONAUT_REQUIRE_INSPECTOR=1, which makes a missing install a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from tests.e2e.test_stdio_server import SandboxProcess, argonaut_command, sandbox_process

INSPECTOR_DIR = Path(__file__).parent / "inspector"
INSPECTOR_BIN = INSPECTOR_DIR / "node_modules" / ".bin" / "mcp-inspector"
# Real seconds for one Inspector run: it starts node, then the server, then calls one method.
CALL_LIMIT_SECONDS = 90


def require_inspector() -> None:
    missing = []
    if not INSPECTOR_BIN.exists():
        missing.append(f"{INSPECTOR_BIN} (run npm ci in {INSPECTOR_DIR})")
    if shutil.which("npx") is None:
        missing.append("npx (Node.js 20 or later)")
    if not missing:
        return
    message = "MCP Inspector CLI not installed: missing " + "; ".join(missing)
    if os.environ.get("ARGONAUT_REQUIRE_INSPECTOR") == "1":
        pytest.fail(message)
    pytest.skip(message)


async def inspect(sandbox: SandboxProcess, home: Path, *method: str) -> dict[str, Any]:
    """Run `npx mcp-inspector --cli <argonaut-mcp serve> --method ...` and return its JSON output."""
    environment = [f"{key}={value}" for key, value in sandbox.serve_env(home).items()]
    command = ["npx", "--no-install", "mcp-inspector", "--cli"]
    for item in environment:
        command.extend(["-e", item])
    command.extend([*argonaut_command(), "serve", "--method", *method])

    with anyio.fail_after(CALL_LIMIT_SECONDS):
        completed = await anyio.run_process(command, cwd=INSPECTOR_DIR, check=False)
    stdout = completed.stdout.decode()
    assert completed.returncode == 0, f"inspector failed ({completed.returncode}): {completed.stderr.decode()[-2000:]}"
    assert sandbox.token not in stdout
    return json.loads(stdout)


async def sync_requests(sandbox: SandboxProcess) -> int:
    async with httpx.AsyncClient(timeout=10) as http:
        stats = (await http.get(f"{sandbox.url}/_sandbox/stats")).json()
    return sum(len(timeline["syncRequests"]) for timeline in stats["apps"].values())


@pytest.mark.anyio
async def test_inspector_lists_tools_and_calls_them(tmp_path):
    require_inspector()
    async with sandbox_process("healthy") as sandbox:
        listed_tools = await inspect(sandbox, tmp_path, "tools/list")
        listed_apps = await inspect(
            sandbox,
            tmp_path,
            "tools/call",
            "--tool-name",
            "list_applications",
            "--tool-arg",
            "pattern=mentor-web-*",
            "--tool-arg",
            "limit=10",
        )
        planned = await inspect(
            sandbox,
            tmp_path,
            "tools/call",
            "--tool-name",
            "batch_sync",
            "--tool-arg",
            "pattern=mentor-web-*",
            "--tool-arg",
            "batch_size=3",
            "--tool-arg",
            "dry_run=true",
        )
        syncs = await sync_requests(sandbox)

    names = {tool["name"] for tool in listed_tools["tools"]}
    assert {"list_applications", "get_application", "batch_sync", "get_batch_sync_status"} <= names
    batch_tool = next(tool for tool in listed_tools["tools"] if tool["name"] == "batch_sync")
    assert batch_tool["annotations"]["destructiveHint"] is True
    assert "outputSchema" in batch_tool

    assert listed_apps["isError"] is False
    assert listed_apps["structuredContent"]["total"] == 31
    assert listed_apps["structuredContent"]["returned"] == 10
    assert listed_apps["structuredContent"]["hasMore"] is True

    assert planned["isError"] is False
    assert planned["structuredContent"]["status"] == "dry_run"
    assert len(planned["structuredContent"]["plan"]) == 11
    assert planned["content"][0]["text"].startswith("Dry run: 31 apps in 11 batches")
    assert syncs == 0
