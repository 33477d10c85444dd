"""Follow one batch_sync run over MCP, as a host would, and keep the demo's view current.

The run is one batch_sync call with `wait=true` and a progress callback, so the server's
progress notifications reach the display while the call runs. The per-app rows come from
get_batch_sync_status, read every `POLL_INTERVAL_SECONDS` beside the call and once more on
each notification before the display shows it. The display then shows each notification
with a snapshot at least as recent, so a notification about the next batch never comes
before the last rows of the batch before it. The reads take turns, so the snapshots reach
the display in the order the server recorded them.

The call returns its run id only at the end, so the first reads name no run id and get the
server's most recent run. That is this call's run, because the demo's server is a
subprocess of its own that runs nothing else. Once a read returns the run id, later reads
and the cancel use it.

Ctrl-C (`request_cancel`) sends cancel_batch_sync for the run. The server stops the run,
and the batch_sync call returns the partial result with status `cancelled`. Before the run
id is known, the demo cancels the call itself, which sends MCP's `notifications/cancelled`.
The server then records the run as cancelled, and the demo reads that result with
get_batch_sync_status.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
from anyio.abc import TaskGroup
from mcp import Client

from argonaut_mcp.demo.display import Display
from argonaut_mcp.demo.session import DemoError, RunStatus, call_batch_sync, cancel_run, read_status
from argonaut_mcp.demo.view import DemoView
from argonaut_mcp.rollout.contracts import BatchSyncResult

logger = logging.getLogger(__name__)

POLL_INTERVAL_SECONDS = 0.25
# Real seconds to wait for the server to record a cancelled run's partial result.
CANCEL_TIMEOUT_SECONDS = 15.0


class RunFollower:
    """Runs batch_sync once and feeds every notification and status snapshot to the display."""

    def __init__(self, client: Client, display: Display, view: DemoView) -> None:
        self.client = client
        self.display = display
        self.view = view
        self.run_id: str | None = None
        self.status: RunStatus | None = None
        self.cancel_requested = False
        self.finished = False
        self._call_scope = anyio.CancelScope()
        self._read_turn = anyio.Lock()
        self._tasks: TaskGroup | None = None

    async def run(self, arguments: dict[str, Any]) -> BatchSyncResult | None:
        """Run batch_sync with `arguments` to its end and return its result.

        Raises `DemoError` when a tool call fails. It is raised outside the task group, so
        the caller gets the error itself rather than an exception group.
        """
        result: BatchSyncResult | None = None
        failure: DemoError | None = None
        async with anyio.create_task_group() as tasks:
            self._tasks = tasks
            tasks.start_soon(self.follow_status)
            try:
                result = await self.call(arguments)
            except DemoError as error:
                failure = error
            tasks.cancel_scope.cancel()
        self._tasks = None

        await self.wait_for_notifications()
        try:
            if failure is not None:
                raise failure
            await self.read_final_status()
        finally:
            self.finished = True
        return result

    async def wait_for_notifications(self) -> None:
        """Wait until the notifications that came before the call's response are shown.

        The SDK runs each progress callback as a task of its own, so some may still wait for
        their turn to read the status when the call returns. They queue on the same lock.
        """
        async with self._read_turn:
            pass

    async def call(self, arguments: dict[str, Any]) -> BatchSyncResult | None:
        with self._call_scope:
            return await call_batch_sync(self.client, {**arguments, "wait": True}, self.on_progress)

        # Only a Ctrl-C cancels the call, and the server then records the cancelled run's result.
        return await self.wait_for_cancelled_result()

    async def on_progress(self, progress: float, total: float | None, message: str | None) -> None:
        """Take one progress notification of the batch_sync call: read the status, then show both.

        A notification that comes after `run` returned reads nothing, because the session
        may be closing.
        """
        async with self._read_turn:
            if not self.finished:
                await self.read_status_quietly()
            self.view.progress = progress
            self.view.total = total
            self.view.message = message or ""
            self.display.notify(self.view)

    async def follow_status(self) -> None:
        """Read the run's status until the run is done, in a task beside the batch_sync call."""
        while self.status is None or not self.status.done:
            await self.read_status_once()
            await anyio.sleep(POLL_INTERVAL_SECONDS)

    async def read_status_once(self) -> RunStatus | None:
        """Read the run's status and show it. Return None when there is no run to read yet."""
        async with self._read_turn:
            status = await self.read_status_quietly()
            if status is not None:
                self.display.update(self.view)
            return status

    async def read_status_quietly(self) -> RunStatus | None:
        """Read the run's status into the view without updating the display."""
        try:
            status = await read_status(self.client, self.run_id)
        except DemoError as error:
            # Until the call reaches the server there is no run to read.
            logger.debug("no batch sync status yet: %s", error)
            return None

        self.status = status
        if self.run_id is None:
            self.learn_run_id(status.run_id)
        if status.snapshot is not None:
            self.view.snapshot = status.snapshot
        if status.done and status.snapshot is not None:
            self.view.message = status.snapshot.message
        return status

    def learn_run_id(self, run_id: str) -> None:
        self.run_id = run_id
        logger.info("following batch sync run %s", run_id)

    async def wait_for_cancelled_result(self) -> BatchSyncResult | None:
        """Poll the status until the cancelled run is done and return its partial result.

        A call cancelled before it reached the server leaves no run to read, so the result
        is then None after `CANCEL_TIMEOUT_SECONDS`.
        """
        with anyio.move_on_after(CANCEL_TIMEOUT_SECONDS):
            while True:
                status = await self.read_status_once()
                if status is not None and status.done:
                    return status.result
                await anyio.sleep(POLL_INTERVAL_SECONDS)
        logger.warning("no batch sync run recorded a result within %s s of the cancel", CANCEL_TIMEOUT_SECONDS)
        return None

    async def read_final_status(self) -> None:
        """Read the finished run's last snapshot, so the display ends on it."""
        if self.run_id is None or (self.status is not None and self.status.done):
            return
        with anyio.move_on_after(CANCEL_TIMEOUT_SECONDS):
            await self.read_status_once()

    def request_cancel(self) -> None:
        """Start cancelling the run on the first Ctrl-C, and return at once."""
        if self.cancel_requested:
            return
        self.cancel_requested = True
        self.view.cancelling = True
        self.display.update(self.view)
        if self.run_id is None:
            self._call_scope.cancel()
        elif self._tasks is not None:
            self._tasks.start_soon(self.send_cancel)

    async def send_cancel(self) -> None:
        """Send cancel_batch_sync, or cancel the call if that fails."""
        assert self.run_id is not None
        try:
            with anyio.fail_after(CANCEL_TIMEOUT_SECONDS):
                await cancel_run(self.client, self.run_id)
            logger.info("cancel_batch_sync sent for run %s", self.run_id)
        except (DemoError, TimeoutError) as error:
            logger.warning("cancel_batch_sync for run %s failed (%s), so the demo cancels the call instead", self.run_id, error)
            self._call_scope.cancel()
