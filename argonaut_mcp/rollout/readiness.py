"""Decide whether an app is done after our sync request: the readiness rule.

The rule is Argo CD's own `argocd app wait --sync --health --operation` (Argo CD 3.6,
`cmd/argocd/commands/app.go`) plus a check that the state describes the world after
our sync. That check uses `metadata.resourceVersion`, never a clock. The sync response
carries the app with `operation` set, `operationState` cleared and resourceVersion R,
and only a state whose resourceVersion is numerically greater than R can show the
outcome of our operation. Argo CD's timestamps are compared only with each other,
because they have one-second precision and come from the server's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from argonaut_mcp.argocd.models import Application

FAILED_PHASES = ("Failed", "Error")


class ReadinessState(StrEnum):
    READY = "ready"
    FAILED = "failed"
    WAITING = "waiting"


@dataclass(frozen=True)
class Readiness:
    """The verdict on one observed state, with what was seen and why."""

    state: ReadinessState
    reason: str
    sync: str = "Unknown"
    health: str = "Unknown"
    health_message: str | None = None
    phase: str | None = None
    operation_message: str | None = None


def assess(app: Application, after_resource_version: int) -> Readiness:
    """Return READY, FAILED or WAITING for `app` as observed after our sync.

    `after_resource_version` is the resourceVersion of our sync's response. READY needs a
    newer state with no `operation`, phase `Succeeded` with `finishedAt` set,
    `reconciledAt >= finishedAt`, sync `Synced` and health `Healthy`. Phase `Failed` or
    `Error` is FAILED at once, because such an operation will not turn healthy. A phase
    `Running` with `finishedAt` set is an attempt that Argo CD will retry, so it waits.
    """
    state = app.status.operation_state
    phase = state.phase if state else None

    def verdict(readiness: ReadinessState, reason: str) -> Readiness:
        return Readiness(
            state=readiness,
            reason=reason,
            sync=app.status.sync.status,
            health=app.status.health.status,
            health_message=app.status.health.message,
            phase=phase,
            operation_message=state.message if state else None,
        )

    if app.resource_version_number <= after_resource_version:
        return verdict(ReadinessState.WAITING, "no state newer than our sync request yet")
    if phase in FAILED_PHASES:
        detail = f": {state.message}" if state and state.message else ""
        return verdict(ReadinessState.FAILED, f"sync operation ended {phase}{detail}")
    if app.operation is not None:
        return verdict(ReadinessState.WAITING, "sync operation in progress")
    if state is None or phase != "Succeeded":
        return verdict(ReadinessState.WAITING, f"sync operation phase is {phase or 'not set yet'}")
    if not state.finished_at:
        return verdict(ReadinessState.WAITING, "sync operation has not finished")
    if not reconciled_after(app.status.reconciled_at, state.finished_at):
        return verdict(ReadinessState.WAITING, "waiting for the controller to refresh the app after the sync")
    if app.status.sync.status != "Synced":
        return verdict(ReadinessState.WAITING, f"sync status is {app.status.sync.status}")
    if app.status.health.status != "Healthy":
        return verdict(ReadinessState.WAITING, f"health is {app.status.health.status}")
    return verdict(ReadinessState.READY, "synced, reconciled and healthy")


def reconciled_after(reconciled_at: str | None, finished_at: str) -> bool:
    """Return whether `reconciledAt` is not earlier than `finishedAt` (both RFC 3339 from Argo CD).

    An unparsable timestamp counts as "not reconciled", so the app keeps waiting.
    """
    if not reconciled_at:
        return False
    try:
        return parse_time(reconciled_at) >= parse_time(finished_at)
    except ValueError:
        return False


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
