"""Explain each retry of an app from the status snapshots that the demo reads.

batch_sync starts another attempt on an app after the last one failed (its sync operation
ended Failed or Error) or timed out (the app was not Synced and Healthy within the health
timeout). A snapshot's `lastError` names that cause while the app is retried. Status reports
without it (from an older server) fall back to what the demo saw:

- A status whose Argo CD operation phase is Failed or Error, and whose message names that
  phase, carries the failed operation's reason, such as "sync operation ended Failed: one
  or more objects failed to apply". batch_sync keeps that message from the end of the
  failed attempt until the next attempt reads a newer state of the app.
- Without such a status, an attempt seen for at least the health timeout timed out, and
  its last status message shows how far it got.

In that fallback a failed operation's message may stay in the snapshots for only a few
milliseconds, so the retry line may say that the cause was not seen, with the last status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from argonaut_mcp.demo.view import sync_health
from argonaut_mcp.rollout.contracts import AppStatus

RETRY_SYMBOL = "↻"
FAILED_OPERATION_PHASES = ("Failed", "Error")

# The demo notices a new attempt up to one status read late, so it may have watched a
# timed-out attempt for a little less than the full health timeout.
TIMEOUT_SLACK_SECONDS = 1.0


def failure_message(status: AppStatus) -> str | None:
    """Return the status message when it reports a failed sync operation, else None."""
    if status.phase in FAILED_OPERATION_PHASES and status.message and status.phase in status.message:
        return status.message
    return None


@dataclass
class SeenAttempt:
    """The demo's record of one app's latest attempt."""

    number: int
    first_seen_at: float
    status: AppStatus
    # A retry's first statuses may still carry the previous attempt's failure.
    carrying_earlier_failure: bool
    failure: str | None = None

    @classmethod
    def start(cls, status: AppStatus, now: float) -> SeenAttempt:
        seen = cls(status.attempts, now, status, carrying_earlier_failure=status.attempts > 1)
        seen.update(status)
        return seen

    def update(self, status: AppStatus) -> None:
        self.status = status
        message = failure_message(status)
        if message is None:
            self.carrying_earlier_failure = False
        elif not self.carrying_earlier_failure:
            self.failure = message


class RetryWatch:
    """Follows each app's attempt number and explains every rise past the first attempt.

    `clock` returns seconds. It must be the clock that the health timeout is measured with,
    which for the demo is real time.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._seen: dict[str, SeenAttempt] = {}

    def observe(self, status: AppStatus, max_attempts: int, health_timeout: float | None) -> str | None:
        """Record `status`, and return one line about the retry when it shows a new attempt past the first."""
        now = self._clock()
        seen = self._seen.get(status.name)
        if seen is not None and status.attempts <= seen.number:
            seen.update(status)
            return None

        self._seen[status.name] = SeenAttempt.start(status, now)
        if status.attempts < 2:
            return None
        reason = retry_reason(seen, status, now, health_timeout)
        return f"{RETRY_SYMBOL} {status.name} attempt {status.attempts}/{max_attempts}: {reason}"


def retry_reason(seen: SeenAttempt | None, current: AppStatus, now: float, health_timeout: float | None) -> str:
    """Describe why `current`'s attempt started, from the earlier attempt `seen` (None if never seen)."""
    failure = current.last_error or failure_message(current) or (seen.failure if seen else None)
    if failure:
        return failure
    if seen is None:
        return f"earlier attempts not seen; status now: {current.message or sync_health(current)}"

    last = seen.status.message or sync_health(seen.status)
    follows_seen = seen.number == current.attempts - 1
    if follows_seen and health_timeout and now - seen.first_seen_at >= health_timeout - TIMEOUT_SLACK_SECONDS:
        return f"health timeout, not Synced and Healthy within {health_timeout:g} s; last status: {last}"
    if follows_seen:
        return f"attempt {seen.number} ended before its cause was read; last status seen: {last}"
    return f"earlier attempts ended before their cause was read; last status seen: {last}"
