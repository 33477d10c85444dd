"""Map the engine's progress snapshots to MCP `notifications/progress`.

MCP requires the progress value to increase with every notification of a request, and hosts
commonly time a call out after about 60 s without one. The engine's snapshot carries
`progress`: the apps READY so far plus a fraction below 1 that grows with the time waited,
w / (w + 60 s). That value never decreases but can repeat, so this adapter makes it strictly
increasing: a value that would repeat moves a small step into the gap below the next whole
app instead. It keeps the total for the last notification, and between snapshots it sends a
heartbeat every `HEARTBEAT_SECONDS`, with the fraction grown by the time passed since.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from argonaut_mcp.rollout.clock import Clock
from argonaut_mcp.rollout.contracts import BatchSyncProgress, BatchSyncResult
from argonaut_mcp.rollout.state import PROGRESS_TIME_CONSTANT

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
RESOLVING_MESSAGE = "Resolving applications"

# `Context.report_progress(progress, total, message)`.
ReportProgress = Callable[[float, float | None, str | None], Awaitable[None]]


class ProgressValues:
    """Turn candidate values into a strictly increasing sequence for one request."""

    def __init__(self) -> None:
        self.last: float | None = None

    def next(self, candidate: float, ready_apps: int, total_apps: int) -> float | None:
        """Return the value to send for `candidate`, or None when no larger value fits.

        Values stay below the ceiling: the next whole app, and never the total itself, which
        only the final notification reaches.
        """
        ceiling = float(ready_apps + 1)
        if total_apps > 0:
            ceiling = min(ceiling, float(total_apps))

        value = candidate
        if value >= ceiling:
            value = self.step_toward(ceiling, 0.5)
        if self.last is not None and value <= self.last:
            # Several snapshots at one instant: move a small step into the remaining gap.
            value = self.step_toward(ceiling, 0.01)

        if self.last is not None and not self.last < value < ceiling:
            return None
        self.last = value
        return value

    def step_toward(self, ceiling: float, share: float) -> float:
        start = self.last if self.last is not None else 0.0
        return start + (ceiling - start) * share

    def final(self, total_apps: int) -> float | None:
        """Return the total for the last notification, or None if it would not increase the value."""
        if total_apps <= 0 or (self.last is not None and self.last >= total_apps):
            return None
        self.last = float(total_apps)
        return self.last


def grown_progress(snapshot: BatchSyncProgress, waited_seconds: float) -> float:
    """Return the snapshot's progress as if `waited_seconds` more had passed with no app becoming READY."""
    fraction = min(max(snapshot.progress - snapshot.ready_apps, 0.0), 0.999999)
    already = PROGRESS_TIME_CONSTANT * fraction / (1 - fraction)
    total_wait = already + max(waited_seconds, 0.0)
    return snapshot.ready_apps + total_wait / (total_wait + PROGRESS_TIME_CONSTANT)


class ProgressReporter:
    """Send MCP progress for one batch sync: every engine snapshot, plus heartbeats.

    Pass `on_progress` to the engine and run `send_heartbeats` in a task group beside it;
    call `finish` with the result. Without a progress token in the request, `report` sends
    nothing, so the run is the same with or without a listener.
    """

    def __init__(self, report: ReportProgress, clock: Clock, *, heartbeat_seconds: float = HEARTBEAT_SECONDS):
        self.report = report
        self.clock = clock
        self.heartbeat_seconds = heartbeat_seconds
        self.values = ProgressValues()
        self.snapshot: BatchSyncProgress | None = None
        self.snapshot_at = clock.now()
        self.sent_at = clock.now()

    async def on_progress(self, snapshot: BatchSyncProgress) -> None:
        self.snapshot = snapshot
        self.snapshot_at = self.clock.now()
        await self.send(
            snapshot.progress, snapshot.ready_apps, snapshot.total_apps, snapshot.message or RESOLVING_MESSAGE
        )

    async def send_heartbeats(self) -> None:
        """Send a heartbeat whenever nothing was sent for `heartbeat_seconds`; runs until cancelled."""
        while True:
            await self.clock.sleep(max(self.sent_at + self.heartbeat_seconds - self.clock.now(), 0.0))
            if self.clock.now() >= self.sent_at + self.heartbeat_seconds:
                await self.send_heartbeat()

    async def send_heartbeat(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            waited = self.clock.now() - self.snapshot_at
            await self.send(waited / (waited + PROGRESS_TIME_CONSTANT), 0, 0, RESOLVING_MESSAGE)
            return
        value = grown_progress(snapshot, self.clock.now() - self.snapshot_at)
        await self.send(value, snapshot.ready_apps, snapshot.total_apps, snapshot.message)

    async def finish(self, result: BatchSyncResult, message: str) -> None:
        """Send the last notification, whose value equals the total, with `message` (one line)."""
        value = self.values.final(result.total_apps)
        if value is None:
            return
        self.sent_at = self.clock.now()
        await self.report(value, float(result.total_apps), message)

    async def send(self, candidate: float, ready_apps: int, total_apps: int, message: str) -> None:
        # The attempt counts as a send even when the value cannot grow, so heartbeats do not spin.
        self.sent_at = self.clock.now()
        value = self.values.next(candidate, ready_apps, total_apps)
        if value is None:
            logger.debug("progress value cannot grow below the next whole app; notification skipped")
            return
        total = float(total_apps) if total_apps > 0 else None
        await self.report(value, total, message)
