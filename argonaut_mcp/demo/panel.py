"""The live terminal panel: batch counter and bar, phase line, one row per app, attempt.

`render_panel` builds a rich renderable from a `DemoView`; `LivePanel` redraws it in place
while the run goes on. The panel's border, counter and phase line take the phase's colour.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from argonaut_mcp.demo.summary import render_summary
from argonaut_mcp.demo.view import (
    DemoView,
    app_colour,
    app_symbol,
    attempt_line,
    batch_counter,
    batch_statuses,
    fraction_done,
    percent_text,
    phase_colour,
    phase_line,
    sync_health,
)
from argonaut_mcp.rollout.contracts import AppStatus, BatchSyncProgress, BatchSyncResult

BAR_WIDTH = 40
PANEL_WIDTH = 100
REFRESHES_PER_SECOND = 8


def render_panel(view: DemoView, width: int | None = None) -> RenderableType:
    """Build the panel for the view's latest state, `width` columns wide (default: its content's)."""
    snapshot = view.snapshot
    colour = phase_colour(snapshot.phase if snapshot else None)
    lines: list[RenderableType] = [Text(view.title, style="bold"), render_counter(view, colour)]

    if snapshot is not None:
        lines.append(Text(phase_line(snapshot), style=f"bold {colour}"))
    if snapshot is not None and snapshot.current_batch > 0:
        lines.append(render_app_rows(snapshot))
        lines.append(Text(attempt_line(snapshot)))
    if view.message:
        lines.append(Text(f"server: {view.message}", style="dim"))
    if view.cancelling:
        lines.append(Text("Cancelling: no new sync starts; syncs Argo CD accepted finish on their own", style="yellow"))
    return Panel(Group(*lines), border_style=colour, expand=False, width=width)


def render_counter(view: DemoView, colour: str) -> RenderableType:
    """Build the `Batch i/n` line with its bar and percent."""
    counter = batch_counter(view.snapshot) if view.snapshot and view.snapshot.total_batches else "Batch 0/?"
    row = Table.grid(padding=(0, 1))
    row.add_row(
        Text(counter, style=f"bold {colour}"),
        ProgressBar(total=1000, completed=int(fraction_done(view) * 1000), width=BAR_WIDTH, complete_style=colour, finished_style=colour),
        Text(percent_text(view), style=colour),
    )
    return row


def render_app_rows(snapshot: BatchSyncProgress) -> RenderableType:
    """Build one row per app of the current batch: symbol, name, Sync/Health, phase."""
    table = Table.grid(padding=(0, 2))
    for status in batch_statuses(snapshot):
        colour = app_colour(status)
        detail = " · ".join(part for part in (app_attempt(status), status.phase, status.message) if part)
        table.add_row(
            Text(f"  {app_symbol(status)}", style=colour),
            Text(status.name),
            Text(sync_health(status), style=colour),
            Text(detail, style="dim"),
        )
    return table


def app_attempt(status: AppStatus) -> str:
    """Return `attempt N` for an app past its first attempt, else an empty string."""
    return f"attempt {status.attempts}" if status.attempts > 1 else ""


class LivePanel:
    """Redraws the panel in place on a terminal, then prints the result summary."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._live: Live | None = None

    def start(self, view: DemoView) -> None:
        self._live = Live(self._render(view), console=self._console, refresh_per_second=REFRESHES_PER_SECOND, transient=False)
        self._live.start()

    def update(self, view: DemoView) -> None:
        if self._live is not None:
            self._live.update(self._render(view))

    def _render(self, view: DemoView) -> RenderableType:
        # A fixed width keeps the panel from jumping as its lines grow and shrink.
        return render_panel(view, width=min(self._console.width, PANEL_WIDTH))

    def note(self, text: str) -> None:
        # No markup: a glob such as mentor-web-[d-f]* would read as a style tag.
        self._console.print(text, markup=False, highlight=False)

    def finish(self, view: DemoView, result: BatchSyncResult | None) -> None:
        """Draw the last state, stop redrawing and print the summary below the panel."""
        if self._live is not None:
            self._live.update(self._render(view))
            self._live.stop()
            self._live = None
        if result is None:
            return
        for text, style in render_summary(result):
            self._console.print(Text(text, style=style))
