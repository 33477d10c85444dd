"""The registry of batch_sync runs: ids, latest snapshots, results, app claims, cancel.

A status tool and the browser panel read a run's latest snapshot here while it runs and
after it ends. History is bounded: when more than `max_history` runs are recorded, the
oldest finished runs are dropped first, and a running run is never dropped. All methods
are meant for one event loop; none of them awaits.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import anyio

from argonaut_mcp.rollout.contracts import BatchSyncProgress, BatchSyncResult

logger = logging.getLogger(__name__)


class AppsBusyError(Exception):
    """Raised when another running run already claimed some of the requested apps."""

    def __init__(self, apps: Iterable[str], holder_run_id: str) -> None:
        self.apps = sorted(apps)
        self.holder_run_id = holder_run_id
        self.message = f"application(s) {', '.join(self.apps)} are being synced by run {holder_run_id}; wait for it to end or cancel it"
        super().__init__(self.message)


@dataclass
class RunRecord:
    """One run: its latest progress snapshot, its result once done, and the apps it holds."""

    run_id: str
    started_at: float = field(default_factory=time.time)
    snapshot: BatchSyncProgress | None = None
    result: BatchSyncResult | None = None
    claimed_apps: set[str] = field(default_factory=set)
    cancel_scope: anyio.CancelScope | None = None
    cancel_requested: bool = False

    @property
    def done(self) -> bool:
        return self.result is not None


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


class RunRegistry:
    def __init__(self, max_history: int = 100) -> None:
        if max_history < 1:
            raise ValueError(f"max_history must be at least 1, got {max_history}")
        self.max_history = max_history
        self._runs: dict[str, RunRecord] = {}

    def start(self, run_id: str | None = None) -> RunRecord:
        """Record a new run and return it; a given `run_id` must not be in use."""
        run_id = run_id or new_run_id()
        if run_id in self._runs:
            raise ValueError(f"run id {run_id} is already in use")
        record = RunRecord(run_id=run_id)
        self._runs[run_id] = record
        self._drop_oldest_finished()
        return record

    def get(self, run_id: str) -> RunRecord | None:
        return self._runs.get(run_id)

    def runs(self) -> list[RunRecord]:
        """Return every recorded run, oldest first."""
        return list(self._runs.values())

    def update(self, run_id: str, snapshot: BatchSyncProgress) -> None:
        """Store a run's latest snapshot; once its result is stored, the snapshot beside it stays."""
        record = self._runs.get(run_id)
        if record is not None and record.result is None:
            record.snapshot = snapshot

    def finish(self, run_id: str, result: BatchSyncResult) -> None:
        """Store the result and release the run's apps."""
        record = self._runs.get(run_id)
        if record is None:
            return
        record.result = result
        record.claimed_apps.clear()
        record.cancel_scope = None
        self._drop_oldest_finished()

    def claim(self, apps: Iterable[str], run_id: str) -> None:
        """Reserve `apps` for `run_id`; raise `AppsBusyError` if a running run claimed any of them."""
        requested = set(apps)
        for other in self._runs.values():
            if other.run_id == run_id or other.done:
                continue
            busy = requested & other.claimed_apps
            if busy:
                raise AppsBusyError(busy, other.run_id)
        record = self._runs.get(run_id) or self.start(run_id)
        record.claimed_apps |= requested

    def attach_cancel_scope(self, run_id: str, scope: anyio.CancelScope) -> None:
        record = self._runs.get(run_id)
        if record is None:
            return
        record.cancel_scope = scope
        if record.cancel_requested:
            scope.cancel()

    def cancel(self, run_id: str) -> bool:
        """Ask a running run to stop; return False if the run is unknown or already done."""
        record = self._runs.get(run_id)
        if record is None or record.done:
            return False
        logger.info("cancel requested for run %s", run_id)
        record.cancel_requested = True
        if record.cancel_scope is not None:
            record.cancel_scope.cancel()
        return True

    def _drop_oldest_finished(self) -> None:
        excess = len(self._runs) - self.max_history
        if excess <= 0:
            return
        finished = [run_id for run_id, record in self._runs.items() if record.done]
        for run_id in finished[:excess]:
            del self._runs[run_id]
