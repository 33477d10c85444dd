"""Child processes of the benchmarks: the sandbox CLI, the MCP server, and their /proc entries.

Every process here is started by the benchmark itself, talks only on 127.0.0.1, and is
stopped by its own handle: stdin closed or SIGINT first, a kill only after a timeout.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx
from anyio.abc import Process
from anyio.streams.buffered import BufferedByteReceiveStream

from benchmarks.results import BenchmarkError

logger = logging.getLogger(__name__)

# Real seconds allowed for the sandbox CLI to print its URL, and for a process to exit.
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
URL_LINE = re.compile(r"listening on (http://127\.0\.0\.1:\d+\S*)")
TOKEN_LINE = re.compile(r"^token: (\S+)$")


def cli_command() -> list[str]:
    """Return the `argonaut-mcp` console script of this Python environment, or `python -m` when it is missing."""
    script = Path(sys.executable).with_name("argonaut-mcp")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "argonaut_mcp.cli"]


def isolated_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """Return this process's environment without Argo CD or argonaut settings, plus `extra`."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(("ARGOCD_", "ARGONAUT_"))}
    return {**inherited, **extra}


def server_environment(url: str, token: str, config_dir: Path) -> dict[str, str]:
    """Build the environment for `argonaut-mcp serve` that points at the sandbox and nothing else.

    `config_dir` must be an empty folder. As `ARGOCD_CONFIG_DIR` it hides the user's
    argocd CLI contexts.
    """
    return isolated_environment({"ARGOCD_SERVER": url, "ARGOCD_AUTH_TOKEN": token, "ARGOCD_CONFIG_DIR": str(config_dir)})


@dataclass
class SandboxProcess:
    """A running `argonaut-mcp sandbox` child process and where to reach it."""

    process: Process
    url: str
    token: str

    async def stats(self) -> dict[str, Any]:
        """Read `GET /_sandbox/stats` (not counted in the sandbox's own route counts)."""
        async with httpx.AsyncClient(timeout=30.0) as http:
            response = await http.get(f"{self.url}/_sandbox/stats")
            response.raise_for_status()
            return response.json()


@asynccontextmanager
async def sandbox_process(scenario: str | Path, *, scale: float, log_path: Path) -> AsyncIterator[SandboxProcess]:
    """Start the sandbox CLI on a free 127.0.0.1 port with `scenario` and time `scale`, and stop it on exit."""
    command = [*cli_command(), "--log-level", "WARNING", "sandbox", "--scenario", str(scenario), "--time-scale", str(scale)]
    with log_path.open("wb") as log:
        process = await anyio.open_process(command, stdin=subprocess.DEVNULL, stderr=log, env=isolated_environment({"PYTHONUNBUFFERED": "1"}))
        try:
            url, token = await read_sandbox_banner(process)
            yield SandboxProcess(process, url, token)
        finally:
            await stop_process(process, interrupt=True)


async def read_sandbox_banner(process: Process) -> tuple[str, str]:
    """Read the sandbox CLI's first lines until both its URL and its token were printed."""
    assert process.stdout is not None
    lines = BufferedByteReceiveStream(process.stdout)
    url = token = None
    with anyio.fail_after(START_TIMEOUT_SECONDS):
        while url is None or token is None:
            try:
                line = (await lines.receive_until(b"\n", 65536)).decode("utf-8").strip()
            except anyio.EndOfStream as exc:
                raise BenchmarkError(f"the sandbox process exited with code {await process.wait()} before printing its URL") from exc
            if match := URL_LINE.search(line):
                url = match.group(1)
            elif match := TOKEN_LINE.match(line):
                token = match.group(1)
    return url, token


async def stop_process(process: Process, *, interrupt: bool = False) -> int | None:
    """Stop a child: close its stdin (or send SIGINT), wait, and kill it only after a timeout."""
    if process.returncode is not None:
        return process.returncode
    if process.stdin is not None:
        await process.stdin.aclose()
    if interrupt:
        process.send_signal(signal.SIGINT)

    with anyio.move_on_after(STOP_TIMEOUT_SECONDS, shield=True):
        return await process.wait()
    logger.warning("process %d did not exit within %s s; killing it", process.pid, STOP_TIMEOUT_SECONDS)
    process.kill()
    with anyio.move_on_after(STOP_TIMEOUT_SECONDS, shield=True):
        return await process.wait()
    return None


def memory_kib(pid: int) -> dict[str, int]:
    """Read `VmHWM` (peak resident set) and `VmRSS` of a live process, in KiB, from /proc/PID/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    """Read the user plus system CPU time of a live process, in seconds, from /proc/PID/stat."""
    text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    # The command name in brackets may contain spaces, so fields are counted after its ")".
    fields = text[text.rindex(")") + 2 :].split()
    user, system = int(fields[11]), int(fields[12])
    return (user + system) / os.sysconf("SC_CLK_TCK")
