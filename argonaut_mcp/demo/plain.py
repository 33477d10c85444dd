"""Plain progress lines for a stdout that is not a terminal (CI logs, pipes, files).

A line is printed only when something changed. `progress` lines are the MCP progress
notifications, as a host receives them, when their message changes. The other lines come
from the status snapshots: the phase line (which also changes when an app becomes READY)
and one line per change of an app's fate, attempt or Sync/Health. Heartbeats that change
nothing print nothing.
"""

from __future__ import annotations

import time
from typing import TextIO

from argonaut_mcp.demo.summary import render_summary
from argonaut_mcp.demo.view import (
    DemoView,
    app_symbol,
    attempt_line,
    batch_counter,
    batch_statuses,
    percent_text,
    phase_line,
    sync_health,
)
from argonaut_mcp.rollout.contracts import BatchSyncResult


class PlainPrinter:
    """Writes one line per change of the run, each prefixed with the elapsed time."""

    def __init__(self, stream: TextIO, *, clock=time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._started = clock()
        self._last_phase_line = ""
        self._last_message = ""
        self._app_states: dict[str, tuple[str, int, str]] = {}

    def start(self, view: DemoView) -> None:
        self._write(view.title)

    def update(self, view: DemoView) -> None:
        if view.message and view.message != self._last_message:
            self._last_message = view.message
            self._write(f"[{self._elapsed()}] progress{notified_percent(view)}: {view.message}")

        snapshot = view.snapshot
        if snapshot is None:
            return
        line = phase_line(snapshot)
        if snapshot.current_batch > 0:
            line = f"{batch_counter(snapshot)} {percent_text(view)} · {line} · {attempt_line(snapshot)}"
        if line != self._last_phase_line:
            self._last_phase_line = line
            self._write(f"[{self._elapsed()}] {line}")

        for status in batch_statuses(snapshot):
            state = (status.fate, status.attempts, sync_health(status))
            if self._app_states.get(status.name) == state:
                continue
            self._app_states[status.name] = state
            attempt = f" (attempt {status.attempts})" if status.attempts > 1 else ""
            self._write(f"[{self._elapsed()}]   {app_symbol(status)} {status.name} {sync_health(status)} {status.fate}{attempt}")

    def note(self, text: str) -> None:
        self._write(text)

    def finish(self, view: DemoView, result: BatchSyncResult | None) -> None:
        self.update(view)
        if result is None:
            return
        for text, _style in render_summary(result):
            self._write(text)

    def _elapsed(self) -> str:
        seconds = int(self._clock() - self._started)
        return f"{seconds // 60:02d}:{seconds % 60:02d}"

    def _write(self, text: str) -> None:
        self._stream.write(text + "\n")
        self._stream.flush()


def notified_percent(view: DemoView) -> str:
    """Return ` N%` for the last notification's progress over its total; empty without a total."""
    if not view.total:
        return ""
    return f" {100 * view.progress / view.total:.0f}%"
