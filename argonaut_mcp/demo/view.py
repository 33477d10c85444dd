"""The demo's view of a running batch_sync, as plain values that both displays render.

The state comes from two places: the progress notifications of the batch_sync call (one
line of text and a number) and the snapshots that get_batch_sync_status returns (per-app
rows). Everything here is pure, so the panel and the plain printer stay easy to test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from argonaut_mcp.rollout.contracts import AppStatus, BatchSyncProgress

PHASE_COLOURS = {
    "resolving": "cyan",
    "batch_start": "cyan",
    "syncing": "cyan",
    "polling": "cyan",
    "batch_complete": "green",
    "complete": "green",
    "batch_failed": "yellow",
    "retrying": "yellow",
    "aborted": "red",
    # A cancel is the user's own stop, not a failure, so it gets the warning colour.
    "cancelled": "yellow",
}

PHASE_WORDS = {
    "resolving": "resolving applications",
    "batch_start": "starting",
    "syncing": "syncing",
    "polling": "polling health",
    "batch_complete": "complete",
    "batch_failed": "failed",
    "retrying": "retrying",
    "complete": "complete",
    "aborted": "aborted",
    "cancelled": "cancelled",
}

READY_SYMBOL = "✓"
FAILED_SYMBOL = "✗"
WAITING_SYMBOL = "⟳"

# Phases in which a batch whose attempt is 2 or more is shown as retrying.
RETRYABLE_PHASES = ("batch_start", "syncing", "polling")


@dataclass
class DemoView:
    """The latest state of one run, as the demo last heard of it."""

    title: str
    snapshot: BatchSyncProgress | None = None
    message: str = ""
    progress: float = 0.0
    total: float | None = None
    cancelling: bool = False
    # The health timeout sent with batch_sync, in real seconds, or None when unknown.
    health_timeout_seconds: float | None = None


def phase_colour(phase: str | None) -> str:
    """Return the colour name of a progress phase, or cyan for an unknown phase."""
    return PHASE_COLOURS.get(phase or "", "cyan")


def shown_phase(snapshot: BatchSyncProgress) -> str:
    """Return the phase to show: `retrying` while the current batch is on attempt 2 or later.

    The engine reports `retrying` only for the moment it re-syncs an app, so a snapshot read
    a moment later shows `syncing` or `polling` again. The whole retry then shows as
    retrying, until the batch completes, fails or the run ends.
    """
    if snapshot.phase in RETRYABLE_PHASES and snapshot.attempt > 1:
        return "retrying"
    return snapshot.phase


def snapshot_colour(snapshot: BatchSyncProgress | None) -> str:
    """Return the colour of the run's state: cyan on attempt 1, yellow while a batch retries
    or after it failed or the run was cancelled, green when complete, red when aborted."""
    return phase_colour(shown_phase(snapshot) if snapshot else None)


def app_symbol(status: AppStatus) -> str:
    """Return ✓ for a READY app, ✗ for a failed one and ⟳ for any app still on its way."""
    if status.fate == "ready":
        return READY_SYMBOL
    if status.fate == "failed":
        return FAILED_SYMBOL
    return WAITING_SYMBOL


def app_colour(status: AppStatus) -> str:
    if status.fate == "ready":
        return "green"
    if status.fate == "failed":
        return "red"
    return "cyan"


def sync_health(status: AppStatus) -> str:
    """Return the app's `Sync/Health` pair, such as `OutOfSync/Progressing`."""
    return f"{status.sync}/{status.health}"


def batch_statuses(snapshot: BatchSyncProgress) -> list[AppStatus]:
    """Return the statuses of the current batch's apps, in batch order.

    An app of the batch with no status yet is shown as pending.
    """
    return [snapshot.app_statuses.get(name) or AppStatus(name=name) for name in snapshot.batch_apps]


def ready_in_batch(snapshot: BatchSyncProgress) -> tuple[int, int]:
    """Return (apps READY, apps) for the current batch."""
    statuses = batch_statuses(snapshot)
    ready = sum(1 for status in statuses if status.fate == "ready")
    return ready, len(statuses)


def batch_counter(snapshot: BatchSyncProgress) -> str:
    """Return `Batch i/n`, where i is 0 before the first batch starts."""
    return f"Batch {snapshot.current_batch}/{snapshot.total_batches}"


def attempt_line(snapshot: BatchSyncProgress) -> str:
    """Return `Attempt a/m`, where m is max_retries + 1 attempts per app."""
    attempt = max(snapshot.attempt, 1)
    return f"Attempt {attempt}/{snapshot.max_retries + 1}"


def shows_attempt(snapshot: BatchSyncProgress) -> bool:
    """Tell whether the attempt line belongs in the view: not once the run is complete."""
    return snapshot.current_batch > 0 and snapshot.phase != "complete"


def phase_line(snapshot: BatchSyncProgress) -> str:
    """Return one line about what the run is doing now, such as
    `Batch 2: polling health — 2/3 healthy`."""
    phase = shown_phase(snapshot)
    words = PHASE_WORDS.get(phase, phase)
    if snapshot.phase == "resolving" or snapshot.current_batch == 0:
        return words[:1].upper() + words[1:]

    if snapshot.phase == "complete":
        return f"Complete — {snapshot.ready_apps}/{snapshot.total_apps} apps Synced and Healthy"

    ready, size = ready_in_batch(snapshot)
    if snapshot.phase in ("aborted", "cancelled"):
        return f"{words.capitalize()} in batch {snapshot.current_batch} — {ready}/{size} healthy"
    return f"Batch {snapshot.current_batch}: {words} — {ready}/{size} healthy"


def fraction_done(view: DemoView) -> float:
    """Return the share of apps READY, from 0.0 to 1.0.

    With a snapshot this is its apps READY over all apps. Without one it is the whole part
    of the last progress notification's value over its total: batch_sync sends the apps
    READY plus a fraction below 1 that grows with the time waited. It keeps that value
    below the total until its last notification, so the share may lag by one app.
    """
    if view.snapshot is not None and view.snapshot.total_apps > 0:
        return min(view.snapshot.ready_apps / view.snapshot.total_apps, 1.0)
    if view.total:
        return min(max(math.floor(view.progress) / view.total, 0.0), 1.0)
    return 0.0


def has_percent(view: DemoView) -> bool:
    """Tell whether the view has the run's app count, so that a percent means something."""
    return bool(view.total) or (view.snapshot is not None and view.snapshot.total_apps > 0)


def percent_text(view: DemoView) -> str:
    """Return the share of apps READY as a whole percent, rounded down, such as `9%`."""
    return f"{int(fraction_done(view) * 100)}%"
