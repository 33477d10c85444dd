"""Progress snapshots: their one-line message and their delivery to the consumer.

The consumer is an async callback (the MCP adapter, the demo's terminal view, a test).
A callback that raises is logged and ignored, so a broken consumer cannot stop a rollout.
Every snapshot is also stored as the run's latest in the run registry.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import anyio

from argonaut_mcp.rollout.clock import Clock
from argonaut_mcp.rollout.contracts import BatchSyncProgress
from argonaut_mcp.rollout.runs import RunRegistry
from argonaut_mcp.rollout.state import RunState

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[BatchSyncProgress], Awaitable[None]]

PHASE_WORDS = {
    "resolving": "resolving apps",
    "batch_start": "starting",
    "syncing": "syncing",
    "polling": "waiting",
    "batch_complete": "batch complete",
    "batch_failed": "batch failed",
    "retrying": "retrying",
    "complete": "complete",
    "aborted": "aborted",
    "cancelled": "cancelled",
}


def format_progress_message(progress: BatchSyncProgress) -> str:
    """Return one line such as "Batch 2/10 · 2/3 healthy · attempt 1/3".

    "healthy" counts the batch's apps that are READY. The attempt is the highest among
    the batch's apps, out of max_retries + 1.
    """
    if progress.current_batch == 0:
        phase = PHASE_WORDS[progress.phase].capitalize()
        if progress.total_apps == 0:
            return phase
        return f"{phase} · {progress.total_apps} apps in {progress.total_batches} batches"

    ready_in_batch = sum(
        1 for name in progress.batch_apps if name in progress.app_statuses and progress.app_statuses[name].fate == "ready"
    )
    parts = [
        f"Batch {progress.current_batch}/{progress.total_batches}",
        f"{ready_in_batch}/{len(progress.batch_apps)} healthy",
        f"attempt {max(progress.attempt, 1)}/{progress.max_retries + 1}",
    ]
    if progress.phase in ("batch_failed", "retrying", "complete", "aborted", "cancelled"):
        parts.append(PHASE_WORDS[progress.phase])
    return " · ".join(parts)


class ProgressReporter:
    """Build snapshots of a run's state and deliver them one at a time, in order."""

    def __init__(
        self,
        state: RunState,
        clock: Clock,
        registry: RunRegistry,
        callback: ProgressCallback | None = None,
    ) -> None:
        self.state = state
        self.clock = clock
        self.registry = registry
        self.callback = callback
        self._lock = anyio.Lock()

    async def emit(self, phase: str | None = None, message: str | None = None) -> BatchSyncProgress:
        """Optionally move the run to `phase`, then store and send a snapshot of its state."""
        async with self._lock:
            snapshot = self.record(phase, message)
            await self._deliver(snapshot)
            return snapshot

    def record(self, phase: str | None = None, message: str | None = None) -> BatchSyncProgress:
        """Optionally move the run to `phase`, then store a snapshot in the registry without sending it.

        It never awaits, so the engine can store the last snapshot and the result with no
        other task running in between.
        """
        if phase is not None:
            self.state.phase = phase  # type: ignore[assignment]
        snapshot = self.state.snapshot(self.clock.now(), message="")
        snapshot.message = message or format_progress_message(snapshot)
        self.registry.update(self.state.run_id, snapshot)
        return snapshot

    async def send(self, snapshot: BatchSyncProgress) -> None:
        """Send a snapshot already stored with `record`."""
        async with self._lock:
            await self._deliver(snapshot)

    async def _deliver(self, snapshot: BatchSyncProgress) -> None:
        if self.callback is None:
            return
        try:
            await self.callback(snapshot)
        except anyio.get_cancelled_exc_class():
            raise
        except Exception:
            logger.exception("progress callback failed for run %s (phase %s); continuing", snapshot.run_id, snapshot.phase)
