"""Plain progress lines and the result summary, from recorded snapshots and results."""

import io

from argonaut_mcp.demo.plain import PlainPrinter
from argonaut_mcp.demo.summary import render_summary
from argonaut_mcp.demo.view import DemoView
from argonaut_mcp.rollout.contracts import BatchSyncProgress, BatchSyncResult


def printer() -> tuple[PlainPrinter, io.StringIO]:
    stream = io.StringIO()
    return PlainPrinter(stream, clock=lambda: 0.0), stream


def test_plain_prints_phase_and_app_lines(polling: BatchSyncProgress) -> None:
    plain, stream = printer()

    plain.update(DemoView(title="t", snapshot=polling))
    lines = stream.getvalue().splitlines()

    assert lines[0] == "[00:00] Batch 2/12 14% · Batch 2: polling health — 2/3 healthy · Attempt 1/3"
    assert "[00:00]   ✓ mentor-web-briarcliff Synced/Healthy ready" in lines
    assert "[00:00]   ⟳ mentor-web-cedarpoint Synced/Progressing waiting" in lines
    assert len(lines) == 4


def test_plain_repeats_nothing_on_unchanged_snapshot(polling: BatchSyncProgress) -> None:
    plain, stream = printer()
    view = DemoView(title="t", snapshot=polling)

    plain.update(view)
    before = stream.getvalue()
    plain.update(view)

    assert stream.getvalue() == before


def test_plain_prints_app_attempt(second_attempt: BatchSyncProgress) -> None:
    plain, stream = printer()

    plain.update(DemoView(title="t", snapshot=second_attempt))

    assert "[00:00]   ⟳ mentor-web-elmstead Synced/Degraded waiting (attempt 2)" in stream.getvalue().splitlines()


def test_plain_prints_each_new_notification_message() -> None:
    plain, stream = printer()
    first = "Batch 2/12 · 1/3 healthy · attempt 1/3"
    second = "Batch 2/12 · 2/3 healthy · attempt 1/3"

    plain.update(DemoView(title="t", message=first, progress=3.4, total=34.0))
    plain.update(DemoView(title="t", message=first, progress=3.6, total=34.0))
    plain.update(DemoView(title="t", message=second, progress=5.1, total=34.0))

    assert stream.getvalue().splitlines() == [f"[00:00] progress 10%: {first}", f"[00:00] progress 15%: {second}"]


def test_plain_resolving_snapshot_has_no_counter() -> None:
    plain, stream = printer()
    resolving = BatchSyncProgress(run_id="r", phase="resolving", total_apps=0, total_batches=0, current_batch=0)

    plain.update(DemoView(title="t", snapshot=resolving))

    assert stream.getvalue() == "[00:00] Resolving applications\n"


def test_plain_finish_prints_summary(complete: BatchSyncProgress, complete_result: BatchSyncResult) -> None:
    plain, stream = printer()

    plain.finish(DemoView(title="t", snapshot=complete), complete_result)
    text = stream.getvalue()

    assert "Complete — 34/34 apps Synced and Healthy" in text
    assert "Result: complete: all 34 apps are Synced and Healthy after 12 batch(es)" in text


def test_summary_of_aborted_run_names_failed_and_skipped(aborted_result: BatchSyncResult) -> None:
    text = "\n".join(line for line, _style in render_summary(aborted_result))

    assert text.startswith("Result: aborted: aborted in batch 1/2: mentor-web-elmstead failed")
    assert "Failed: mentor-web-elmstead Synced/Degraded after 3 attempts" in text
    assert "Skipped (never synced): mentor-web-emberly, mentor-web-fernhollow, mentor-web-foxglen" in text
    assert "Batch 2: skipped" in text
    assert "Next step for mentor-web-elmstead" in text


def test_summary_styles_by_status(aborted_result: BatchSyncResult, complete_result: BatchSyncResult) -> None:
    assert render_summary(aborted_result)[0][1] == "bold red"
    assert render_summary(complete_result)[0][1] == "bold green"


def test_plain_finish_without_result_prints_no_summary(polling: BatchSyncProgress) -> None:
    plain, stream = printer()

    plain.finish(DemoView(title="t", snapshot=polling), None)

    assert "Result:" not in stream.getvalue()
