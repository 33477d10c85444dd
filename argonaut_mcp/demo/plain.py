"""Plain progress lines for a stdout that is not a terminal (CI logs, pipes, files).

Lines are printed at each progress notification and at the end, and only for what changed.
`progress` lines are the MCP progress notifications, as a host receives them, each distinct
message once. The other lines come from the status snapshot read just after the
notification: the phase line (which also changes when an app becomes READY), one line per
change of an app's Sync/Health, attempt or outcome (ready, failed, in flight, skipped), and
one line per retry with its cause. Heartbeats that change nothing print nothing.

The snapshots that the demo reads between notifications print nothing. Every change of the
run sends a notification, so they would only print the same news earlier, ahead of the
notification that reports it.

Both kinds of line show the same percent: the share of apps READY. When a snapshot shows a
later batch, the apps of the batch before it get their final row first, so every app's last
row comes before the next batch's lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from argonaut_mcp.demo.retries import RetryWatch
from argonaut_mcp.demo.summary import render_summary
from argonaut_mcp.demo.view import (
    DemoView,
    app_symbol,
    attempt_line,
    batch_counter,
    batch_statuses,
    has_percent,
    percent_text,
    phase_line,
    ready_in_batch,
    shows_attempt,
    sync_health,
)
from argonaut_mcp.rollout.contracts import AppStatus, BatchSyncProgress, BatchSyncResult

# Fates of an app still on its way. A move between them prints no row of its own, because
# the phase line already shows whether the batch is syncing or polling.
UNDERWAY_FATES = ("pending", "syncing", "waiting")


class PlainPrinter:
    """Writes one line per change of the run, each prefixed with the elapsed time.

    `clock` returns seconds. It times the elapsed prefix and the retries' health timeout.
    """

    def __init__(self, stream: TextIO, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._started = clock()
        self._printed_messages: set[str] = set()
        self._last_phase_line = ""
        self._app_rows: dict[str, tuple[str, int, str]] = {}
        self._ready_apps: set[str] = set()
        self._batch_number = 0
        self._batch_apps: list[str] = []
        self._retries = RetryWatch(clock)

    def start(self, view: DemoView) -> None:
        self._write(view.title)

    def update(self, view: DemoView) -> None:
        """Print nothing for a snapshot read between notifications (see the module docstring)."""

    def notify(self, view: DemoView) -> None:
        self._print_changes(view)

    def note(self, text: str) -> None:
        self._write(text)

    def finish(self, view: DemoView, result: BatchSyncResult | None) -> None:
        self._print_changes(view)
        if result is None:
            return
        for text, _style in render_summary(result):
            self._write(text)

    def _print_changes(self, view: DemoView) -> None:
        snapshot = view.snapshot
        if snapshot is not None and snapshot.current_batch != self._batch_number:
            self._print_earlier_batch(view, snapshot)

        self._print_message(view)

        # Before the first batch the progress message already reports what the server does.
        if snapshot is None or snapshot.current_batch == 0:
            return
        self._print_phase_line(view, snapshot)
        for status in batch_statuses(snapshot):
            self._print_app(view, snapshot, status)
        self._batch_number = snapshot.current_batch
        self._batch_apps = list(snapshot.batch_apps)

    def _print_earlier_batch(self, view: DemoView, snapshot: BatchSyncProgress) -> None:
        """Print the final rows of the batch shown before `snapshot`'s batch.

        Snapshots contain the statuses of the current batch only, so the batch before is read
        from the counts. batch_sync starts a batch only once every app of the one before is
        READY or skipped (deleted during the rollout), and `ready_apps` counts READY apps
        over all batches. When that count shows that every app not yet shown READY is READY
        now, each gets its ready row, with the Synced/Healthy that READY requires. When it
        does not (an app was skipped), those apps get no row here, and the summary names them.
        """
        not_shown_ready = [name for name in self._batch_apps if name not in self._ready_apps]
        ready_in_earlier_batches = snapshot.ready_apps - ready_in_batch(snapshot)[0]
        if ready_in_earlier_batches - len(self._ready_apps) == len(not_shown_ready):
            for name in not_shown_ready:
                # NOTE: an attempt made and finished between two reads is not counted here.
                attempts = self._app_rows.get(name, ("", 1, ""))[1]
                status = AppStatus(name=name, sync="Synced", health="Healthy", fate="ready", attempts=attempts)
                self._print_app(view, snapshot, status)
        self._batch_apps = []

    def _print_message(self, view: DemoView) -> None:
        # batch_sync's last notification may repeat the run's message with a capital letter.
        key = view.message.casefold()
        if not key or key in self._printed_messages:
            return
        self._printed_messages.add(key)
        percent = f" {percent_text(view)}" if has_percent(view) else ""
        self._write(f"[{self._elapsed()}] progress{percent}: {view.message}")

    def _print_phase_line(self, view: DemoView, snapshot: BatchSyncProgress) -> None:
        parts = [f"{batch_counter(snapshot)} {percent_text(view)}", phase_line(snapshot)]
        if shows_attempt(snapshot):
            parts.append(attempt_line(snapshot))
        line = " · ".join(parts)
        if line != self._last_phase_line:
            self._last_phase_line = line
            self._write(f"[{self._elapsed()}] {line}")

    def _print_app(self, view: DemoView, snapshot: BatchSyncProgress, status: AppStatus) -> None:
        """Print why the app retries when its attempt rose, then its row when the row changed."""
        retry = self._retries.observe(status, snapshot.max_retries + 1, view.health_timeout_seconds)
        if retry is not None:
            self._write(f"[{self._elapsed()}]   {retry}")

        # A pending app has made no attempt yet, so its first sync (attempt 1) is no news.
        outcome = "underway" if status.fate in UNDERWAY_FATES else status.fate
        row = (outcome, max(status.attempts, 1), sync_health(status))
        if status.fate == "ready":
            self._ready_apps.add(status.name)
        if self._app_rows.get(status.name) == row:
            return
        self._app_rows[status.name] = row
        attempt = f" (attempt {status.attempts})" if status.attempts > 1 else ""
        self._write(f"[{self._elapsed()}]   {app_symbol(status)} {status.name} {sync_health(status)} {status.fate}{attempt}")

    def _elapsed(self) -> str:
        seconds = int(self._clock() - self._started)
        return f"{seconds // 60:02d}:{seconds % 60:02d}"

    def _write(self, text: str) -> None:
        self._stream.write(text + "\n")
        self._stream.flush()
