"""The live terminal panel: batch counter and bar, phase line, one row per app, attempt.

`render_panel` builds a rich renderable from a `DemoView`, and `LivePanel` redraws it in
place while the run goes on. The panel's border, counter and phase line take the run's
colour (see `snapshot_colour`): cyan on a first attempt, yellow while a batch retries or
after it failed or the run was cancelled, green when complete, red when aborted.

The panel has a fixed width, and a line longer than the panel ends in an ellipsis instead of
wrapping, so the box keeps its size from one frame to the next.
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
    phase_line,
    shows_attempt,
    snapshot_colour,
    sync_health,
)
from argonaut_mcp.rollout.contracts import AppStatus, BatchSyncProgress, BatchSyncResult

BAR_WIDTH = 40
# Columns of the panel, border included. A narrower terminal gets a panel as wide as it is.
PANEL_WIDTH = 100
REFRESHES_PER_SECOND = 8


def line(text: str, style: str = "") -> Text:
    """Build one panel line that is cut with an ellipsis rather than wrapped."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


def render_panel(view: DemoView, width: int = PANEL_WIDTH) -> RenderableType:
    """Build the panel for the view's latest state, `width` columns wide."""
    snapshot = view.snapshot
    colour = snapshot_colour(snapshot)
    lines: list[RenderableType] = [line(view.title, "bold"), render_counter(view, colour)]

    if snapshot is not None:
        lines.append(line(phase_line(snapshot), f"bold {colour}"))
    if snapshot is not None and snapshot.current_batch > 0:
        lines.extend(render_app_rows(snapshot))
    if snapshot is not None and shows_attempt(snapshot):
        lines.append(line(attempt_line(snapshot)))
    if view.message:
        lines.append(line(f"server: {view.message}", "dim"))
    if view.cancelling:
        lines.append(line("Cancelling: no new sync starts; syncs Argo CD accepted finish on their own", "yellow"))
    return Panel(Group(*lines), border_style=colour, expand=True, width=width)


def render_counter(view: DemoView, colour: str) -> RenderableType:
    """Build the `Batch i/n` line with its bar and percent."""
    counter = batch_counter(view.snapshot) if view.snapshot and view.snapshot.total_batches else "Batch 0/?"
    row = Table.grid(padding=(0, 1))
    row.add_row(
        line(counter, f"bold {colour}"),
        ProgressBar(total=1000, completed=int(fraction_done(view) * 1000), width=BAR_WIDTH, complete_style=colour, finished_style=colour),
        line(percent_text(view), colour),
    )
    return row


def render_app_rows(snapshot: BatchSyncProgress) -> list[Text]:
    """Build one line per app of the current batch: symbol, name, Sync/Health, then attempt,
    operation phase and status message, in columns as wide as the batch's longest value."""
    statuses = batch_statuses(snapshot)
    name_width = max((len(status.name) for status in statuses), default=0)
    pair_width = max((len(sync_health(status)) for status in statuses), default=0)
    rows = []
    for status in statuses:
        colour = app_colour(status)
        detail = " · ".join(part for part in (app_attempt(status), status.phase, status.message) if part)
        row = Text.assemble(
            (f"  {app_symbol(status)}  ", colour),
            f"{status.name:<{name_width}}  ",
            (f"{sync_health(status):<{pair_width}}  ", colour),
            (detail, "dim"),
            no_wrap=True,
            overflow="ellipsis",
        )
        rows.append(row)
    return rows


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

    def notify(self, view: DemoView) -> None:
        self.update(view)

    def _render(self, view: DemoView) -> RenderableType:
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
