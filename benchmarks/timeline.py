"""Read a rollout back from the sandbox's statistics (`Sandbox.stats()`, `GET /_sandbox/stats`).

Times are simulated seconds. A batch "advances" when the first sync of the next batch is
accepted; the last batch advances when the rollout returns. A batch advanced on a stale
Healthy when it advanced before every app of it had become ready (Synced, Healthy, its
operation finished and reconciled, as the sandbox records `readyAt`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

WATCH_ROUTE = "GET /api/v1/stream/applications"


def ideal_seconds(batches: Sequence[Sequence[str]], ready: Mapping[str, float]) -> float:
    """Return the shortest possible rollout: the sum over batches of the slowest app's ready time."""
    return sum(max(ready[name] for name in batch) for batch in batches)


def first_sync(app_stats: Mapping[str, Any]) -> float:
    requests = app_stats.get("syncRequests") or []
    return min(requests) if requests else math.inf


def ready_moment(app_stats: Mapping[str, Any]) -> float:
    """Return the first moment the app became ready after a sync, or infinity when it never did."""
    moments = app_stats.get("readyAt") or []
    return min(moments) if moments else math.inf


def advance_moments(batches: Sequence[Sequence[str]], apps: Mapping[str, Mapping[str, Any]], ended_at: float) -> list[float]:
    """When each batch advanced: the next batch's first accepted sync, or `ended_at` for the last."""
    moments = []
    for index in range(len(batches)):
        if index + 1 < len(batches):
            moments.append(min(first_sync(apps.get(name, {})) for name in batches[index + 1]))
        else:
            moments.append(ended_at)
    return moments


def stale_batches(batches: Sequence[Sequence[str]], apps: Mapping[str, Mapping[str, Any]], ended_at: float) -> list[int]:
    """Numbers (1-based) of the batches that advanced before every app of them was ready."""
    stale = []
    for number, (batch, moment) in enumerate(zip(batches, advance_moments(batches, apps, ended_at), strict=True), start=1):
        if moment < max(ready_moment(apps.get(name, {})) for name in batch):
            stale.append(number)
    return stale


def reaction_delays(batches: Sequence[Sequence[str]], apps: Mapping[str, Mapping[str, Any]], ended_at: float) -> list[float]:
    """Per batch, the time from its last app becoming ready to the batch advancing (negative: stale)."""
    moments = advance_moments(batches, apps, ended_at)
    return [moment - max(ready_moment(apps.get(name, {})) for name in batch) for batch, moment in zip(batches, moments, strict=True)]


def overhead_parts(
    batches: Sequence[Sequence[str]], apps: Mapping[str, Mapping[str, Any]], ready: Mapping[str, float], started: float, ended: float
) -> dict[str, float]:
    """Split the time above the ideal into four parts that add up to it. Only valid for a rollout without stale batches.

    `before the first sync` is the time from the rollout's start to the first accepted sync. Per batch, the critical app is the one ready last. `sync spread` is the time from the
    batch's first accepted sync to the critical app's sync. `sandbox lag` is how much longer
    the critical app took than the batch's slowest scripted ready time, which comes from the
    sandbox's own timer delays. `reaction` is the time from that app being ready to the
    batch advancing.
    """
    parts = {"before the first sync": min(first_sync(apps[name]) for name in batches[0]) - started, "sync spread": 0.0, "sandbox lag": 0.0, "reaction": 0.0}
    for batch, moment in zip(batches, advance_moments(batches, apps, ended), strict=True):
        first = min(first_sync(apps[name]) for name in batch)
        critical = max(batch, key=lambda name: ready_moment(apps[name]))
        parts["sync spread"] += first_sync(apps[critical]) - first
        parts["sandbox lag"] += ready_moment(apps[critical]) - first_sync(apps[critical]) - max(ready[name] for name in batch)
        parts["reaction"] += moment - ready_moment(apps[critical])
    return parts


def route_delta(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, int]:
    """Requests per route made between two stats readings."""
    return {route: count - before.get(route, 0) for route, count in after.items() if count > before.get(route, 0)}


def api_requests(routes: Mapping[str, int]) -> int:
    """Requests to Argo CD's API, without the watch connections."""
    return sum(count for route, count in routes.items() if route != WATCH_ROUTE)


def per_app(count: float, app_count: int) -> float:
    return count / app_count if app_count else 0.0
