"""The pure pieces of the demo's view: symbols, counters, phase lines, colours, percent."""

import pytest

from argonaut_mcp.demo.view import (
    DemoView,
    app_symbol,
    attempt_line,
    batch_counter,
    fraction_done,
    has_percent,
    percent_text,
    phase_colour,
    phase_line,
    ready_in_batch,
    shown_phase,
    shows_attempt,
    snapshot_colour,
)
from argonaut_mcp.rollout.contracts import AppStatus, BatchSyncProgress


def snapshot(phase: str, fates: dict[str, str], **fields) -> BatchSyncProgress:
    statuses = {name: AppStatus(name=name, fate=fate, attempts=1) for name, fate in fates.items()}
    values = dict(
        run_id="run1",
        phase=phase,
        total_apps=30,
        total_batches=10,
        current_batch=2,
        batch_apps=list(fates),
        app_statuses=statuses,
        attempt=1,
        max_retries=2,
        ready_apps=4,
    )
    values.update(fields)
    return BatchSyncProgress(**values)


@pytest.mark.parametrize(
    ("fate", "symbol"),
    [("ready", "✓"), ("failed", "✗"), ("pending", "⟳"), ("syncing", "⟳"), ("waiting", "⟳"), ("in_flight", "⟳")],
)
def test_app_symbol_by_fate(fate: str, symbol: str) -> None:
    assert app_symbol(AppStatus(name="a", fate=fate)) == symbol


@pytest.mark.parametrize(
    ("phase", "colour"),
    [
        ("syncing", "cyan"),
        ("polling", "cyan"),
        ("complete", "green"),
        ("batch_complete", "green"),
        ("retrying", "yellow"),
        ("batch_failed", "yellow"),
        ("aborted", "red"),
    ],
)
def test_phase_colour_by_phase(phase: str, colour: str) -> None:
    assert phase_colour(phase) == colour


def test_phase_line_polling_counts_ready_apps() -> None:
    progress = snapshot("polling", {"a": "ready", "b": "ready", "c": "waiting"})

    assert phase_line(progress) == "Batch 2: polling health — 2/3 healthy"


def test_phase_line_aborted_and_complete() -> None:
    aborted = snapshot("aborted", {"a": "ready", "b": "failed", "c": "ready"})
    complete = snapshot("complete", {"a": "ready"}, ready_apps=30, current_batch=10)

    assert phase_line(aborted) == "Aborted in batch 2 — 2/3 healthy"
    assert phase_line(complete) == "Complete — 30/30 apps Synced and Healthy"


def test_phase_line_before_first_batch() -> None:
    progress = snapshot("resolving", {}, current_batch=0)

    assert phase_line(progress) == "Resolving applications"


def test_ready_in_batch_counts_missing_status_as_pending() -> None:
    progress = snapshot("syncing", {"a": "ready"})
    progress.batch_apps.append("b")

    assert ready_in_batch(progress) == (1, 2)


def test_counter_and_attempt_lines() -> None:
    progress = snapshot("retrying", {"a": "waiting"}, attempt=2)

    assert batch_counter(progress) == "Batch 2/10"
    assert attempt_line(progress) == "Attempt 2/3"


def test_attempt_line_before_first_sync_shows_one() -> None:
    assert attempt_line(snapshot("batch_start", {"a": "pending"}, attempt=0)) == "Attempt 1/3"


def test_fraction_done_prefers_snapshot_over_notification() -> None:
    view = DemoView(title="t", snapshot=snapshot("polling", {"a": "ready"}, ready_apps=15), progress=3.0, total=30.0)

    assert fraction_done(view) == 0.5
    assert percent_text(view) == "50%"


def test_fraction_done_from_notification_alone() -> None:
    view = DemoView(title="t", progress=7.9, total=30.0)

    assert fraction_done(view) == 7 / 30
    assert percent_text(view) == "23%"


def test_percent_known_only_with_total() -> None:
    resolving = snapshot("resolving", {}, current_batch=0, total_apps=0)

    assert not has_percent(DemoView(title="t"))
    assert not has_percent(DemoView(title="t", snapshot=resolving))
    assert has_percent(DemoView(title="t", progress=0.1, total=31.0))


@pytest.mark.parametrize(
    ("phase", "attempt", "shown", "colour"),
    [
        ("syncing", 1, "syncing", "cyan"),
        ("polling", 1, "polling", "cyan"),
        ("syncing", 2, "retrying", "yellow"),
        ("polling", 3, "retrying", "yellow"),
        ("retrying", 2, "retrying", "yellow"),
        ("batch_complete", 2, "batch_complete", "green"),
        ("complete", 2, "complete", "green"),
        ("aborted", 3, "aborted", "red"),
    ],
)
def test_retry_shows_until_batch_ends(phase: str, attempt: int, shown: str, colour: str) -> None:
    progress = snapshot(phase, {"a": "waiting"}, attempt=attempt)

    assert shown_phase(progress) == shown
    assert snapshot_colour(progress) == colour


def test_phase_line_on_second_attempt_says_retrying() -> None:
    progress = snapshot("polling", {"a": "ready", "b": "waiting"}, attempt=2)

    assert phase_line(progress) == "Batch 2: retrying — 1/2 healthy"


def test_attempt_hidden_once_complete() -> None:
    assert shows_attempt(snapshot("polling", {"a": "ready"}))
    assert shows_attempt(snapshot("aborted", {"a": "failed"}, attempt=3))
    assert not shows_attempt(snapshot("complete", {"a": "ready"}))
    assert not shows_attempt(snapshot("resolving", {}, current_batch=0))


def test_fraction_done_without_anything_is_zero() -> None:
    assert fraction_done(DemoView(title="t")) == 0.0
