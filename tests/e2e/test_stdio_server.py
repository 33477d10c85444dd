"""`argonaut-mcp serve` over stdio as a real process, against `argonaut-mcp sandbox` on a real port.

The sandbox runs 20 simulated seconds per real second, so a rollout of 31 apps takes a few
real seconds. The SDK's stdio client drives the server; its stderr goes to a file that the
tests search for the token.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import anyio
import pytest
from anyio.abc import Process
from anyio.streams.text import TextReceiveStream
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from argonaut_mcp.sandbox.fleets import mentor_web_names
from tests.server.helpers import MODES, ProgressLog, text_of

# Real seconds allowed for a subprocess to start and print its URL, and for one rollout.
START_LIMIT_SECONDS = 30
RUN_LIMIT_SECONDS = 60
MENTOR_WEB = sorted(mentor_web_names())


def argonaut_command() -> list[str]:
    """The installed console script next to this interpreter, else the module."""
    script = Path(sys.executable).with_name("argonaut-mcp")
    return [str(script)] if script.exists() else [sys.executable, "-m", "argonaut_mcp.cli"]


@dataclass
class SandboxProcess:
    process: Process
    url: str
    token: str

    def serve_env(self, home: Path) -> dict[str, str]:
        """Environment for `argonaut-mcp serve`: this sandbox as the default instance, an empty home."""
        return {"ARGOCD_SERVER": self.url, "ARGOCD_AUTH_TOKEN": self.token, "HOME": str(home)}


@contextlib.asynccontextmanager
async def sandbox_process(scenario: str = "healthy", *, time_scale: float = 20.0) -> AsyncIterator[SandboxProcess]:
    """Run `argonaut-mcp sandbox` on a free loopback port; read its URL and token from stdout."""
    command = [
        *argonaut_command(),
        "--log-level",
        "WARNING",
        "sandbox",
        "--scenario",
        scenario,
        "--time-scale",
        str(time_scale),
    ]
    process = await anyio.open_process(command, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with anyio.fail_after(START_LIMIT_SECONDS):
            url, token = await read_url_and_token(process)
        yield SandboxProcess(process=process, url=url, token=token)
    finally:
        process.terminate()
        with anyio.move_on_after(10, shield=True):
            await process.wait()
        await process.aclose()


async def read_url_and_token(process: Process) -> tuple[str, str]:
    assert process.stdout is not None
    found: dict[str, str] = {}
    buffer = ""
    async for chunk in TextReceiveStream(process.stdout):
        buffer += chunk
        while "\n" in buffer:
            line, buffer = buffer.split("\n", 1)
            key, _, value = line.strip().partition("=")
            if key in ("ARGOCD_SERVER", "ARGOCD_AUTH_TOKEN"):
                found[key] = value
            if len(found) == 2:
                return found["ARGOCD_SERVER"], found["ARGOCD_AUTH_TOKEN"]
    raise AssertionError("the sandbox exited before printing its URL and token")


class ParseErrors:
    """A client message handler that keeps every stdout line the client could not parse."""

    def __init__(self) -> None:
        self.errors: list[Exception] = []

    async def __call__(self, message: Any) -> None:
        if isinstance(message, Exception):
            self.errors.append(message)


def stdio_server(sandbox: SandboxProcess, home: Path, errlog: TextIO, mode: str, handler: ParseErrors) -> Client:
    command = argonaut_command()
    parameters = StdioServerParameters(command=command[0], args=[*command[1:], "serve"], env=sandbox.serve_env(home))
    return Client(stdio_client(parameters, errlog=errlog), mode=mode, message_handler=handler)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_stdio_lists_then_batch_syncs_with_progress(mode, tmp_path):
    progress = ProgressLog()
    parse_errors = ParseErrors()
    stderr_path = tmp_path / "serve-stderr.log"
    async with sandbox_process("healthy") as sandbox:
        with stderr_path.open("w") as errlog:
            async with stdio_server(sandbox, tmp_path, errlog, mode, parse_errors) as client:
                with anyio.fail_after(RUN_LIMIT_SECONDS):
                    listed = await client.call_tool("list_applications", {"pattern": "mentor-web-*"})
                    result = await client.call_tool(
                        "batch_sync", {"pattern": "mentor-web-*", "batch_size": "3"}, progress_callback=progress
                    )
        token = sandbox.token

    assert listed.structured_content["total"] == len(MENTOR_WEB)
    assert not result.is_error, text_of(result)
    assert result.structured_content["status"] == "complete"
    assert result.structured_content["completed"] == MENTOR_WEB
    assert text_of(result).startswith("All 11 batches complete: 31 apps synced and Healthy.")
    values = progress.values
    assert len(values) > 12
    assert all(earlier < later for earlier, later in zip(values, values[1:]))
    assert values[-1] == len(MENTOR_WEB)
    assert any(message.startswith("Batch 11/11 · ") for _, _, message in progress.events)
    assert parse_errors.errors == []

    stderr = stderr_path.read_text()
    assert "Serving MCP over stdio" in stderr
    assert token not in stderr
    assert token not in listed.model_dump_json() + result.model_dump_json()


@pytest.mark.anyio
async def test_stdio_cancel_leaves_cancelled_snapshot(tmp_path):
    progress = ProgressLog()
    parse_errors = ParseErrors()
    stderr_path = tmp_path / "serve-stderr.log"
    async with sandbox_process("healthy") as sandbox:
        with stderr_path.open("w") as errlog:
            async with stdio_server(sandbox, tmp_path, errlog, "legacy", parse_errors) as client:
                second_batch = anyio.Event()

                async def watch(value: float, total: float | None, message: str | None) -> None:
                    await progress(value, total, message)
                    if message and message.startswith("Batch 2/"):
                        second_batch.set()

                with anyio.fail_after(RUN_LIMIT_SECONDS):
                    async with anyio.create_task_group() as group:

                        async def call() -> None:
                            await client.call_tool("batch_sync", {"pattern": "mentor-web-*"}, progress_callback=watch)

                        group.start_soon(call)
                        await second_batch.wait()
                        group.cancel_scope.cancel()

                    status = await client.call_tool("get_batch_sync_status", {})
                    while not status.structured_content["done"]:
                        status = await client.call_tool("get_batch_sync_status", {})
                    named = await client.call_tool(
                        "get_batch_sync_status", {"run_id": status.structured_content["runId"]}
                    )
        token = sandbox.token

    report = status.structured_content
    assert report["status"] == "cancelled"
    assert report["progress"]["phase"] == "cancelled"
    assert report["result"]["completed"][:3] == MENTOR_WEB[:3]
    assert len(report["result"]["completed"]) < len(MENTOR_WEB)
    assert report["result"]["skipped"]
    assert named.structured_content["status"] == "cancelled"
    assert text_of(status).startswith("Cancelled in batch ")
    assert parse_errors.errors == []
    assert token not in stderr_path.read_text()
