"""The live panel rendered from snapshots recorded on real sandbox runs."""

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment

from argonaut_mcp.demo.panel import PANEL_WIDTH, LivePanel, render_panel
from argonaut_mcp.demo.view import DemoView
from argonaut_mcp.rollout.contracts import BatchSyncProgress

TITLE = "argonaut-mcp demo · batch_sync mentor-web-*"
LONG_TITLE = (
    "argonaut-mcp demo · batch_sync mentor-web-[a-f]*-with-a-rather-long-suffix in batches of 3"
    " · sandbox scenario default at 1x"
)
LONG_MESSAGE = "sync operation ended Failed: one or more objects failed to apply, reason: " + "x" * 120


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


@pytest.mark.parametrize("phase", ["syncing", "polling"])
def test_panel_yellow_through_retry(second_attempt: BatchSyncProgress, phase: str) -> None:
    snapshot = second_attempt.model_copy(update={"phase": phase})

    text, segments = render(DemoView(title=TITLE, snapshot=snapshot))

    assert "Batch 1: retrying — 2/3 healthy" in text
    assert colour_of(segments, "Batch 1/2") == "yellow"
    assert colour_of(segments, "╭") == "yellow"


def test_panel_green_when_retried_batch_completes(second_attempt: BatchSyncProgress) -> None:
    snapshot = second_attempt.model_copy(update={"phase": "batch_complete"})

    _, segments = render(DemoView(title=TITLE, snapshot=snapshot))

    assert colour_of(segments, "╭") == "green"


def test_panel_complete_is_green(complete: BatchSyncProgress) -> None:
    text, segments = render(DemoView(title=TITLE, snapshot=complete))

    assert "Complete — 34/34 apps Synced and Healthy" in text
    assert "100%" in text
    assert "Attempt" not in text
    assert colour_of(segments, "Complete") == "green"


def test_panel_width_fixed_between_frames(polling: BatchSyncProgress, second_attempt: BatchSyncProgress) -> None:
    console = Console(width=120, force_terminal=True, record=True)
    statuses = dict(second_attempt.app_statuses)
    statuses["mentor-web-elmstead"] = statuses["mentor-web-elmstead"].model_copy(update={"message": LONG_MESSAGE})
    long_rows = second_attempt.model_copy(update={"app_statuses": statuses})
    frames = [
        DemoView(title=TITLE),
        DemoView(title=TITLE, snapshot=polling, message=polling.message),
        DemoView(title=LONG_TITLE, snapshot=long_rows, message=LONG_MESSAGE),
    ]

    for view in frames:
        console.print(render_panel(view))
    widths = {cell_len(line) for line in console.export_text().splitlines()}

    assert widths == {PANEL_WIDTH}


def test_panel_cuts_long_lines(second_attempt: BatchSyncProgress) -> None:
    statuses = dict(second_attempt.app_statuses)
    statuses["mentor-web-elmstead"] = statuses["mentor-web-elmstead"].model_copy(update={"message": LONG_MESSAGE})
    view = DemoView(title=LONG_TITLE, snapshot=second_attempt.model_copy(update={"app_statuses": statuses}))

    text, _ = render(view)
    lines = text.splitlines()
    title = next(line for line in lines if "argonaut-mcp demo" in line)
    broken = [line for line in lines if "mentor-web-elmstead" in line]

    assert title.rstrip(" │").endswith("…")
    assert not any(line.strip(" │") == "1x" for line in lines)
    assert len(broken) == 1
    assert broken[0].rstrip(" │").endswith("…")


def test_panel_fits_narrow_terminal(polling: BatchSyncProgress) -> None:
    console = Console(width=72, force_terminal=True, record=True)

    console.print(render_panel(DemoView(title=LONG_TITLE, snapshot=polling, message=polling.message)))

    assert {cell_len(line) for line in console.export_text().splitlines()} == {72}


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
