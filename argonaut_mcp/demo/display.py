"""Pick the display for the demo: the live panel on a terminal, plain lines elsewhere."""

from __future__ import annotations

from typing import Protocol, TextIO

from rich.console import Console

from argonaut_mcp.demo.panel import LivePanel
from argonaut_mcp.demo.plain import PlainPrinter
from argonaut_mcp.demo.view import DemoView
from argonaut_mcp.rollout.contracts import BatchSyncResult


class Display(Protocol):
    def start(self, view: DemoView) -> None: ...

    def update(self, view: DemoView) -> None:
        """Show the view after a status read between notifications, or a cancel request."""
        ...

    def notify(self, view: DemoView) -> None:
        """Show a progress notification. The view's snapshot was read after it arrived."""
        ...

    def note(self, text: str) -> None:
        """Print one line of context outside the live view, such as the list of apps."""
        ...

    def finish(self, view: DemoView, result: BatchSyncResult | None) -> None:
        """Show the last state and, when there is a result, its summary."""
        ...


def choose_display(stream: TextIO, *, plain: bool) -> Display:
    """Return the live panel when `stream` is a terminal and `plain` is false, else plain lines."""
    if plain or not stream.isatty():
        return PlainPrinter(stream)
    return LivePanel(Console(file=stream))
