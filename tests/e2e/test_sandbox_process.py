"""`argonaut-mcp sandbox` as a real process: read the printed URL and token, list the fleet."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import httpx
import pytest
from anyio.abc import Process
from anyio.streams.text import TextReceiveStream

STARTUP_TIMEOUT = 20
FIXED_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.ZTJlLXRlc3Q"


@asynccontextmanager
async def sandbox_process(*args: str, env: dict[str, str] | None = None) -> AsyncIterator[tuple[Process, dict[str, str]]]:
    """Start the CLI, read its banner up to the statistics line, stop it with SIGINT on exit."""
    command = [sys.executable, "-m", "argonaut_mcp.cli", "--log-level", "WARNING", "sandbox", *args]
    process = await anyio.open_process(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    try:
        with anyio.fail_after(STARTUP_TIMEOUT):
            banner = await _read_banner(process)
        yield process, banner
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            with anyio.move_on_after(STARTUP_TIMEOUT):
                await process.wait()
        if process.returncode is None:
            process.kill()
            await process.wait()
        await process.aclose()


async def _read_banner(process: Process) -> dict[str, str]:
    assert process.stdout is not None
    text = ""
    async for chunk in TextReceiveStream(process.stdout):
        text += chunk
        if "statistics:" in text and text.endswith("\n"):
            break
    lines = text.splitlines()
    banner = {"first": lines[0]}
    for line in lines:
        key, _, value = line.strip().partition("=")
        if key in ("ARGOCD_SERVER", "ARGOCD_AUTH_TOKEN"):
            banner[key] = value
        if line.startswith("token: "):
            banner["token"] = line.removeprefix("token: ")
    return banner


@pytest.mark.anyio
async def test_cli_sandbox_serves_fleet_with_printed_token() -> None:
    async with sandbox_process("--scenario", "default") as (process, banner):
        url = banner["ARGOCD_SERVER"]
        token = banner["ARGOCD_AUTH_TOKEN"]
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
            listed = await client.get("/api/v1/applications", params={"fields": "items.metadata.name"})
            anonymous = await client.get("/api/v1/applications", headers={"Authorization": ""})
            stats = await client.get("/_sandbox/stats")

    names = [item["metadata"]["name"] for item in listed.json()["items"]]
    assert banner["first"] == f"Argo CD sandbox listening on {url}"
    assert url.startswith("http://127.0.0.1:")
    assert banner["token"] == token
    assert listed.status_code == 200
    assert len(names) == 54
    assert sum(name.startswith("mentor-web-") for name in names) == 31
    assert anonymous.status_code == 401
    assert stats.json()["routes"]["GET /api/v1/applications"] == 2
    assert process.returncode == 0


@pytest.mark.anyio
async def test_cli_sandbox_prefix_port_and_fixed_token() -> None:
    port = free_port()
    env = {"ARGONAUT_SANDBOX_TOKEN": FIXED_TOKEN}
    async with sandbox_process("--scenario", "traps", "--port", str(port), "--path-prefix", "argocd", "--time-scale", "20", env=env) as (_, banner):
        url = banner["ARGOCD_SERVER"]
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {FIXED_TOKEN}"}, timeout=10) as client:
            app = await client.get("/api/v1/applications/mentor-web-bluefinch")

    assert url == f"http://127.0.0.1:{port}/argocd"
    assert banner["ARGOCD_AUTH_TOKEN"] == FIXED_TOKEN
    assert app.status_code == 200
    assert app.json()["operation"]["initiatedBy"] == {"automated": True}


@pytest.mark.anyio
async def test_cli_sandbox_rejects_unknown_scenario() -> None:
    command = [sys.executable, "-m", "argonaut_mcp.cli", "sandbox", "--scenario", "no-such-scenario"]
    with anyio.fail_after(STARTUP_TIMEOUT):
        result = await anyio.run_process(command, check=False)

    assert result.returncode == 2
    assert b"unknown scenario 'no-such-scenario'" in result.stderr


def free_port() -> int:
    """A port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_busy_port_gives_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "argonaut_mcp.cli", "sandbox", "--port", str(port)]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=STARTUP_TIMEOUT)

    assert finished.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in finished.stderr
    assert "Traceback" not in finished.stderr
