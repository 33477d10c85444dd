"""Streamable HTTP on a free loopback port: progress over HTTP, bearer auth, Host checks, CLI refusals.

The MCP server and the sandbox run in the test's event loop (uvicorn on real sockets), so the
sandbox's manual clock drives the rollout. The CLI tests start `argonaut-mcp serve` processes
that refuse to bind, so they open no port.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
from collections.abc import AsyncIterator

import anyio
import httpx
import httpx2
import pytest
import uvicorn
from anyio.streams.text import TextReceiveStream
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client

from argonaut_mcp.server.http import build_http_app, http_server
from tests.server.helpers import MODES, ProgressLog, call_driven, served, text_of

HTTP_TOKEN = "test-http-token-5f0c1d"
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


class ObservedServer(uvicorn.Server):
    """uvicorn's server with an event set once its sockets listen."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = anyio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.listening.set()


@contextlib.asynccontextmanager
async def serving(app) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 on a free port in this event loop; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = http_server(app, host="127.0.0.1", port=port).config
    # Bounds the shutdown: connections still open after this many seconds are closed.
    config.timeout_graceful_shutdown = 5
    server = ObservedServer(config)

    async with anyio.create_task_group() as group:
        group.start_soon(server.serve, [sock])
        with anyio.fail_after(10):
            await server.listening.wait()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True


def mcp_client(url: str, http: httpx2.AsyncClient, mode: str) -> Client:
    return Client(streamable_http_client(f"{url}/mcp", http_client=http), mode=mode)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_progress_over_http(mode):
    progress = ProgressLog()
    async with served("healthy") as env:
        app = build_http_app(env.server(), host="127.0.0.1", auth_token=HTTP_TOKEN)
        async with serving(app) as url:
            timeout = httpx2.Timeout(30, read=300)
            async with httpx2.AsyncClient(headers=bearer(HTTP_TOKEN), timeout=timeout) as http:
                async with mcp_client(url, http, mode) as client:
                    listed = await client.call_tool("list_applications", {"pattern": "mentor-web-[a-c]*"})
                    result = await call_driven(
                        env.clock,
                        lambda: client.call_tool(
                            "batch_sync", {"pattern": "mentor-web-[a-c]*", "batch_size": 3}, progress_callback=progress
                        ),
                    )

    assert listed.structured_content["total"] == 6
    assert not result.is_error, text_of(result)
    assert result.structured_content["status"] == "complete"
    values = progress.values
    assert len(values) > 4
    assert all(earlier < later for earlier, later in zip(values, values[1:]))
    assert values[-1] == 6


@pytest.mark.anyio
async def test_http_rejects_missing_wrong_token_and_foreign_host():
    async with served("healthy") as env:
        app = build_http_app(env.server(), host="127.0.0.1", auth_token=HTTP_TOKEN)
        async with serving(app) as url:
            async with httpx.AsyncClient(base_url=url, timeout=10) as http:
                health = await http.get("/healthz")
                missing = await http.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)
                wrong = await http.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, **bearer("not-" + HTTP_TOKEN)})
                foreign = await http.post(
                    "/mcp", json=INITIALIZE, headers={**MCP_HEADERS, **bearer(HTTP_TOKEN), "Host": "evil.example:80"}
                )
                accepted = await http.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, **bearer(HTTP_TOKEN)})

    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert wrong.status_code == 401
    assert HTTP_TOKEN not in wrong.text
    assert foreign.status_code == 421
    assert accepted.status_code == 200


@pytest.mark.anyio
async def test_http_without_token_still_checks_host():
    async with served("healthy") as env:
        app = build_http_app(env.server(), host="127.0.0.1")
        async with serving(app) as url:
            async with httpx.AsyncClient(base_url=url, timeout=10) as http:
                local = await http.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)
                foreign = await http.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Host": "evil.example"})
                foreign_origin = await http.post(
                    "/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Origin": "http://evil.example"}
                )

    assert local.status_code == 200
    assert foreign.status_code == 421
    assert foreign_origin.status_code == 403


# An Argo CD URL nothing listens on: these tests never call a tool that reaches Argo CD.
UNUSED_ARGOCD = {
    "ARGOCD_SERVER": "http://127.0.0.1:9",
    "ARGOCD_AUTH_TOKEN": "argocd-token-unused",
    "HOME": "/nonexistent",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_for_line(stream, marker: str) -> str:
    """Read `stream` until a line contains `marker`; return everything read."""
    text = ""
    async for chunk in TextReceiveStream(stream):
        text += chunk
        if marker in text:
            return text
    raise AssertionError(f"the process ended before logging {marker!r}:\n{text}")


@pytest.mark.anyio
async def test_cli_serves_http_with_bearer_token():
    port = free_port()
    command = [sys.executable, "-m", "argonaut_mcp.cli", "serve", "--transport", "http", "--port", str(port)]
    environment = {**UNUSED_ARGOCD, "ARGONAUT_HTTP_TOKEN": HTTP_TOKEN}
    process = await anyio.open_process(command, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        with anyio.fail_after(30):
            startup_log = await wait_for_line(process.stderr, "Uvicorn running on")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            health = await http.get("/healthz")
            missing = await http.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)
            accepted = await http.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, **bearer(HTTP_TOKEN)})
    finally:
        process.terminate()
        with anyio.move_on_after(10, shield=True):
            await process.wait()
        await process.aclose()

    assert health.status_code == 200
    assert missing.status_code == 401
    assert accepted.status_code == 200
    assert "This server reads and syncs Argo CD applications." in accepted.text
    assert "HTTP bearer token required" in startup_log
    assert HTTP_TOKEN not in startup_log


def run_cli(*args: str, env_token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(UNUSED_ARGOCD)
    if env_token:
        env["ARGONAUT_HTTP_TOKEN"] = env_token
    return subprocess.run(
        [sys.executable, "-m", "argonaut_mcp.cli", "serve", "--transport", "http", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_cli_refuses_non_loopback_without_token():
    completed = run_cli("--host", "0.0.0.0", "--allowed-host", "mcp.example.internal:8000")

    assert completed.returncode == 2
    assert "non-loopback address 0.0.0.0 without a bearer token" in completed.stderr
    assert completed.stdout == ""


def test_cli_refuses_non_loopback_without_allowed_hosts():
    completed = run_cli("--host", "0.0.0.0", env_token="cli-http-token-77")

    assert completed.returncode == 2
    assert "--allowed-host" in completed.stderr
    assert "cli-http-token-77" not in completed.stderr
