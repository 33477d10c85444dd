"""Request statistics that tests and benchmarks read from `GET /_sandbox/stats`.

All times are simulated seconds on the sandbox clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .store import App, AppKey, Change


def display_name(key: AppKey) -> str:
    """`name` for apps in the control-plane namespace, else `namespace/name`."""
    namespace, name = key
    return name if namespace == "argocd" else f"{namespace}/{name}"


def is_ready(app: App) -> bool:
    """Return whether the app is ready: Synced, Healthy and no operation in progress, as `argocd app wait` checks.

    The sandbox also requires that the last operation Succeeded and was reconciled after it finished.
    """
    status = app.get("status", {})
    state = status.get("operationState") or {}
    finished = state.get("finishedAt")
    reconciled = status.get("reconciledAt")
    return (
        app.get("operation") is None
        and state.get("phase") == "Succeeded"
        and finished is not None
        and reconciled is not None
        and reconciled >= finished
        and status.get("sync", {}).get("status") == "Synced"
        and status.get("health", {}).get("status") == "Healthy"
    )


@dataclass
class AppTimeline:
    sync_requests: list[float] = field(default_factory=list)
    operation_ends: list[dict[str, Any]] = field(default_factory=list)
    ready_at: list[float] = field(default_factory=list)
    terminations: list[float] = field(default_factory=list)
    rejected_syncs: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "syncRequests": list(self.sync_requests),
            "operationEnds": [dict(end) for end in self.operation_ends],
            "readyAt": list(self.ready_at),
            "terminations": list(self.terminations),
            "rejectedSyncs": list(self.rejected_syncs),
        }


class Stats:
    """Route counts, each app's sync timeline and the peak number of apps syncing at once."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self.routes: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.timelines: dict[AppKey, AppTimeline] = {}
        self.syncing: set[AppKey] = set()
        self.max_concurrent_syncing = 0
        self.injected_errors = 0
        self.dropped_watches = 0
        self._awaiting_ready: set[AppKey] = set()

    def timeline(self, key: AppKey) -> AppTimeline:
        return self.timelines.setdefault(key, AppTimeline())

    def count_route(self, route: str) -> None:
        self.routes[route] += 1

    def count_status(self, status: int) -> None:
        self.statuses[status] += 1

    def sync_accepted(self, key: AppKey) -> None:
        self.timeline(key).sync_requests.append(self._now())
        self._awaiting_ready.add(key)
        self.syncing.add(key)
        self.max_concurrent_syncing = max(self.max_concurrent_syncing, len(self.syncing))

    def sync_rejected(self, key: AppKey) -> None:
        self.timeline(key).rejected_syncs.append(self._now())

    def operation_ended(self, key: AppKey, phase: str, *, automated: bool = False) -> None:
        self.timeline(key).operation_ends.append({"at": self._now(), "phase": phase, "automated": automated})
        self.syncing.discard(key)

    def terminated(self, key: AppKey) -> None:
        self.timeline(key).terminations.append(self._now())

    def app_removed(self, key: AppKey) -> None:
        self.syncing.discard(key)
        self._awaiting_ready.discard(key)

    def observe(self, change: Change) -> None:
        """Record the moment an app synced by a client becomes ready (store write listener)."""
        if change.key in self._awaiting_ready and is_ready(change.application):
            self._awaiting_ready.discard(change.key)
            self.timeline(change.key).ready_at.append(self._now())

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self._now(),
            "routes": dict(sorted(self.routes.items())),
            "statuses": {str(code): count for code, count in sorted(self.statuses.items())},
            "requests": sum(self.routes.values()),
            "apps": {display_name(key): timeline.as_dict() for key, timeline in sorted(self.timelines.items(), key=lambda item: display_name(item[0]))},
            "syncingNow": len(self.syncing),
            "maxConcurrentSyncing": self.max_concurrent_syncing,
            "injectedErrors": self.injected_errors,
            "droppedWatches": self.dropped_watches,
        }
