"""A minimal MCP client over a child's stdio: newline-delimited JSON-RPC, as hosts speak it.

The benchmarks own the process, so they can read its /proc entries and time its start,
which the SDK's stdio client hides. Only what the benchmarks need is here: requests,
notifications, and counting the notifications the server sends while a request runs.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from anyio.abc import Process
from anyio.streams.buffered import BufferedByteReceiveStream

from benchmarks.processes import stop_process
from benchmarks.results import BenchmarkError

# A protocol version of the `initialize` handshake era, which mcp 2.3 servers accept.
PROTOCOL_VERSION = "2025-11-25"
# A batch_sync result for thousands of apps is one long line.
MAX_LINE_BYTES = 256 * 1024 * 1024


@dataclass
class StdioSession:
    """JSON-RPC over one child process's stdin and stdout."""

    process: Process
    lines: BufferedByteReceiveStream
    next_id: int = 1
    notifications: dict[str, int] = field(default_factory=dict)
    received_bytes: int = 0
    initialized_at: float | None = None

    async def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        await self.process.stdin.send(json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8") + b"\n")

    async def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        await self.send({"method": method, **({"params": params} if params is not None else {})})

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Send a request and return its `result`, counting the notifications that arrive first."""
        request_id = self.next_id
        self.next_id += 1
        await self.send({"id": request_id, "method": method, "params": params})
        while True:
            message = await self.receive()
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise BenchmarkError(f"{method} failed: {message['error']}")
                return message["result"]
            if "method" in message and "id" not in message:
                self.notifications[message["method"]] = self.notifications.get(message["method"], 0) + 1

    async def receive(self) -> dict[str, Any]:
        try:
            line = await self.lines.receive_until(b"\n", MAX_LINE_BYTES)
        except anyio.EndOfStream as exc:
            raise BenchmarkError(f"the server process exited with code {await self.process.wait()}") from exc
        self.received_bytes += len(line) + 1
        return json.loads(line)

    async def initialize(self) -> dict[str, Any]:
        """Run the handshake: `initialize`, then `notifications/initialized`.

        `initialized_at` is the `perf_counter()` time the `initialize` response arrived.
        """
        result = await self.request(
            "initialize",
            {"protocolVersion": PROTOCOL_VERSION, "capabilities": {}, "clientInfo": {"name": "argonaut-benchmarks", "version": "0"}},
        )
        self.initialized_at = time.perf_counter()
        await self.notify("notifications/initialized")
        return result

    async def call_tool(self, name: str, arguments: dict[str, Any], *, progress_token: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"name": name, "arguments": arguments}
        if progress_token is not None:
            params["_meta"] = {"progressToken": progress_token}
        return await self.request("tools/call", params)


@asynccontextmanager
async def stdio_server(command: Sequence[str], env: dict[str, str], log_path: Path) -> AsyncIterator[tuple[StdioSession, float]]:
    """Start the server process and yield its session and the `perf_counter()` time of the start.

    On exit stdin is closed, which ends an MCP stdio server, and the process is awaited.
    """
    with log_path.open("ab") as log:
        started = time.perf_counter()
        process = await anyio.open_process(list(command), stderr=log, env=env)
        assert process.stdout is not None
        try:
            yield StdioSession(process, BufferedByteReceiveStream(process.stdout)), started
        finally:
            await stop_process(process)
