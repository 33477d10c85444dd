"""Headless Chromium driven over the Chrome DevTools Protocol on a pipe.

`--remote-debugging-pipe` makes Chromium read protocol messages from file descriptor 3 and
write them to descriptor 4, each a JSON object ended by a NUL byte. That needs no websocket
client and opens no debugging port. Sessions are flat (`Target.attachToTarget` with
`flatten`), so a message names its target with `sessionId`.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
from anyio.abc import Process, TaskGroup

logger = logging.getLogger(__name__)

CHROMIUM_PATH = "/usr/bin/chromium"

# The flags CI uses; the host resolver rules keep every name but loopback unresolvable, so
# nothing the page does can reach another host.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--remote-debugging-pipe",
)

EventHandler = Callable[[dict[str, Any]], None]


class CdpError(Exception):
    """Raised when Chromium replies to a protocol command with an error."""


def find_chromium() -> str | None:
    """Return the Chromium binary path, or None when Debian's package is not installed."""
    if os.access(CHROMIUM_PATH, os.X_OK):
        return CHROMIUM_PATH
    return shutil.which("chromium")


@dataclass
class CdpConnection:
    """Commands and events over the two pipes of one Chromium process."""

    command_fd: int
    event_fd: int
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    replies: dict[int, anyio.abc.ObjectSendStream[dict[str, Any]]] = field(default_factory=dict)
    handlers: list[EventHandler] = field(default_factory=list)

    async def send(self, method: str, params: dict[str, Any] | None = None, *, session_id: str | None = None) -> Any:
        """Send one command and return its `result`; raise `CdpError` on an error reply."""
        message_id = next(self.ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session_id is not None:
            message["sessionId"] = session_id

        send_stream, receive_stream = anyio.create_memory_object_stream[dict[str, Any]](1)
        self.replies[message_id] = send_stream
        try:
            await anyio.to_thread.run_sync(os.write, self.command_fd, json.dumps(message).encode() + b"\0")
            async with receive_stream:
                reply = await receive_stream.receive()
        finally:
            self.replies.pop(message_id, None)

        if "error" in reply:
            raise CdpError(f"{method} failed: {reply['error'].get('message')}")
        return reply.get("result", {})

    async def post(self, method: str) -> None:
        """Send one command without waiting for its reply (for commands that end the browser)."""
        message = {"id": next(self.ids), "method": method, "params": {}}
        await anyio.to_thread.run_sync(os.write, self.command_fd, json.dumps(message).encode() + b"\0")

    async def read_messages(self) -> None:
        """Read replies and events until Chromium closes its end of the pipe."""
        buffer = b""
        while True:
            chunk = await anyio.to_thread.run_sync(os.read, self.event_fd, 1 << 16, abandon_on_cancel=True)
            if not chunk:
                return
            buffer += chunk
            *frames, buffer = buffer.split(b"\0")
            for frame in frames:
                self._dispatch(json.loads(frame))

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            stream = self.replies.get(message["id"])
            if stream is not None:
                stream.send_nowait(message)
            return
        for handler in list(self.handlers):
            handler(message)


@asynccontextmanager
async def launch_chromium(chromium: str) -> AsyncIterator[CdpConnection]:
    """Start headless Chromium with a fresh profile and yield its protocol connection."""
    profile = tempfile.mkdtemp(prefix="argonaut-chromium-")
    command_read, command_write = _pipe_above_four()
    event_read, event_write = _pipe_above_four()
    process: Process | None = None
    try:
        try:
            process = await _start_process(chromium, profile, command_read, event_write)
        finally:
            # The child has its own copies; the parent keeps only its ends of the pipes.
            os.close(command_read)
            os.close(event_write)

        connection = CdpConnection(command_fd=command_write, event_fd=event_read)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(connection.read_messages)
            try:
                yield connection
            finally:
                with anyio.CancelScope(shield=True):
                    await _close_browser(connection, process)
                tasks.cancel_scope.cancel()
    finally:
        with anyio.CancelScope(shield=True):
            await _stop_process(process)
        os.close(command_write)
        os.close(event_read)
        shutil.rmtree(profile, ignore_errors=True)


async def _close_browser(connection: CdpConnection, process: Process) -> None:
    """Ask Chromium to close and wait for it, so no helper process still writes the profile."""
    with anyio.move_on_after(10):
        try:
            await connection.post("Browser.close")
        except BrokenPipeError:
            logger.info("Chromium had already exited before Browser.close")
        await process.wait()


def _pipe_above_four() -> tuple[int, int]:
    # The child gets the pipes moved onto descriptors 3 and 4; an end that already had one
    # of those numbers would be closed by the move, so both ends are renumbered above 9.
    ends = []
    for fd in os.pipe():
        ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
        os.close(fd)
    return ends[0], ends[1]


async def _start_process(chromium: str, profile: str, command_read: int, event_write: int) -> Process:
    # Chromium expects the pipes on descriptors 3 and 4; bash moves them there (dash cannot
    # redirect descriptors above 9).
    script = f'exec "$@" 3<&{command_read} 4>&{event_write} {command_read}<&- {event_write}>&-'
    argv = ["/bin/bash", "-c", script, "bash", chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"]
    return await anyio.open_process(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(command_read, event_write),
    )


async def _stop_process(process: Process | None) -> None:
    if process is None:
        return
    if process.returncode is None:
        process.terminate()
        with anyio.move_on_after(10):
            await process.wait()
    if process.returncode is None:
        process.kill()
        await process.wait()
    await process.aclose()


async def open_page(connection: CdpConnection) -> tuple[str, str]:
    """Create a blank page target and attach to it; return (target id, session id)."""
    created = await connection.send("Target.createTarget", {"url": "about:blank"})
    target_id = created["targetId"]
    attached = await connection.send("Target.attachToTarget", {"targetId": target_id, "flatten": True})
    return target_id, attached["sessionId"]


def events_named(connection: CdpConnection, method: str) -> list[dict[str, Any]]:
    """Start collecting the `params` of every event called `method`; return the live list."""
    collected: list[dict[str, Any]] = []

    def collect(message: dict[str, Any]) -> None:
        if message.get("method") == method:
            collected.append({**message.get("params", {}), "sessionId": message.get("sessionId")})

    connection.handlers.append(collect)
    return collected


def start_soon_on_event(tasks: TaskGroup, connection: CdpConnection, method: str, callback: Callable[..., Any]) -> None:
    """Run `await callback(params, session_id)` in `tasks` for every event called `method`."""

    def schedule(message: dict[str, Any]) -> None:
        if message.get("method") == method:
            tasks.start_soon(callback, message.get("params", {}), message.get("sessionId"))

    connection.handlers.append(schedule)
