"""The live panel rendered from snapshots recorded on real sandbox runs."""

import pytest
from rich.console import Console
from rich.segment import Segment

from argonaut_mcp.demo.panel import LivePanel, render_panel
from argonaut_mcp.demo.view import DemoView
from argonaut_mcp.rollout.contracts import BatchSyncProgress

TITLE = "argonaut-mcp demo · batch_sync mentor-web-*"


def render(view: DemoView) -> tuple[str, list[Segment]]:
    console = Console(width=110, force_terminal=True, color_system="truecolor", record=True)
    segments = list(console.render(render_panel(view)))
    console.print(render_panel(view))
    return console.export_text(), segments


def colour_of(segments: list[Segment], text: str) -> str | None:
    """Return the colour name of the first segment that contains `text`."""
    for segment in segments:
        if text in segment.text and segment.style is not None and segment.style.color is not None:
            return segment.style.color.name
    raise AssertionError(f"no coloured segment contains {text!r}")


def test_panel_shows_every_element(polling: BatchSyncProgress) -> None:
    view = DemoView(title=TITLE, snapshot=polling, message=polling.message, progress=polling.progress, total=polling.total_apps)

    text, _ = render(view)

    assert TITLE in text
    assert "Batch 2/12" in text
    assert "━" in text
    assert f"{int(100 * polling.ready_apps / polling.total_apps)}%" in text
    assert "Batch 2: polling health — 2/3 healthy" in text
    assert "Attempt 1/3" in text
    assert "server: Batch 2/12 · 2/3 healthy · attempt 1/3" in text


def test_panel_row_per_batch_app(polling: BatchSyncProgress) -> None:
    text, _ = render(DemoView(title=TITLE, snapshot=polling))
    rows = {line.split()[2]: line for line in text.splitlines() if "Synced/" in line}

    assert sorted(rows) == sorted(polling.batch_apps)
    assert "✓" in rows["mentor-web-briarcliff"]
    assert "Synced/Healthy" in rows["mentor-web-briarcliff"]
    assert "⟳" in rows["mentor-web-cedarpoint"]
    assert "Synced/Progressing" in rows["mentor-web-cedarpoint"]


def test_panel_shows_app_attempt_past_first(second_attempt: BatchSyncProgress) -> None:
    text, _ = render(DemoView(title=TITLE, snapshot=second_attempt))
    broken = next(line for line in text.splitlines() if "mentor-web-elmstead" in line)

    assert "Synced/Degraded" in broken
    assert "attempt 2" in broken
    assert "Attempt 2/3" in text


def test_panel_aborted_shows_failed_app(aborted: BatchSyncProgress) -> None:
    text, segments = render(DemoView(title=TITLE, snapshot=aborted))
    broken = next(line for line in text.splitlines() if "mentor-web-elmstead" in line)

    assert "✗" in broken
    assert "Synced/Degraded" in broken
    assert "attempt 3" in broken
    assert colour_of(segments, "✗") == "red"
    assert "Aborted in batch 1 — 2/3 healthy" in text
    assert colour_of(segments, "Aborted in batch 1") == "red"
    assert "Attempt 3/3" in text


@pytest.mark.parametrize(
    ("phase", "colour"),
    [("syncing", "cyan"), ("polling", "cyan"), ("retrying", "yellow"), ("batch_failed", "yellow"), ("aborted", "red")],
)
def test_panel_phase_colours(polling: BatchSyncProgress, phase: str, colour: str) -> None:
    snapshot = polling.model_copy(update={"phase": phase})

    _, segments = render(DemoView(title=TITLE, snapshot=snapshot))

    assert colour_of(segments, "Batch 2/12") == colour
    assert colour_of(segments, "╭") == colour


def test_panel_complete_is_green(complete: BatchSyncProgress) -> None:
    text, segments = render(DemoView(title=TITLE, snapshot=complete))

    assert "Complete — 34/34 apps Synced and Healthy" in text
    assert "100%" in text
    assert colour_of(segments, "Complete") == "green"


def test_panel_before_first_snapshot_uses_notification() -> None:
    view = DemoView(title=TITLE, message="Resolving applications", progress=0.2, total=34.0)

    text, _ = render(view)

    assert "Batch 0/?" in text
    assert "server: Resolving applications" in text
    assert "Attempt" not in text


def test_panel_shows_cancelling(polling: BatchSyncProgress) -> None:
    text, _ = render(DemoView(title=TITLE, snapshot=polling, cancelling=True))

    assert "Cancelling: no new sync starts" in text


def test_live_panel_note_keeps_glob_brackets() -> None:
    console = Console(width=110, force_terminal=True, record=True)

    LivePanel(console).note("list_applications: 6 apps match mentor-web-[d-f]*")

    assert "mentor-web-[d-f]*" in console.export_text()
