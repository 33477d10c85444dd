"""Plain progress lines and the result summary, from recorded snapshots and results."""

import io

from argonaut_mcp.demo.plain import PlainPrinter
from argonaut_mcp.demo.summary import render_summary
from argonaut_mcp.demo.view import DemoView
from argonaut_mcp.rollout.contracts import BatchSyncProgress, BatchSyncResult

BATCH_ONE = ["mentor-web-alderbrook", "mentor-web-ashgrove", "mentor-web-bluefinch"]
FAILURE = "sync operation ended Failed: one or more objects failed to apply"


def printer() -> tuple[PlainPrinter, io.StringIO]:
    stream = io.StringIO()
    return PlainPrinter(stream, clock=lambda: 0.0), stream


def current_batch_only(snapshot: BatchSyncProgress) -> BatchSyncProgress:
    """Keep the statuses of the snapshot's own batch, as batch_sync sends them."""
    return snapshot.model_copy(update={"app_statuses": {name: snapshot.app_statuses[name] for name in snapshot.batch_apps}})


def first_batch_with_last_app_waiting(polling: BatchSyncProgress) -> BatchSyncProgress:
    """The run of `polling` one step earlier: batch 1, with mentor-web-bluefinch not yet READY."""
    statuses = {name: polling.app_statuses[name] for name in BATCH_ONE}
    statuses["mentor-web-bluefinch"] = statuses["mentor-web-bluefinch"].model_copy(
        update={"health": "Progressing", "fate": "waiting", "message": "health is Progressing"}
    )
    return polling.model_copy(
        update={
            "current_batch": 1,
            "batch_apps": BATCH_ONE,
            "app_statuses": statuses,
            "ready_apps": 2,
            "message": "Batch 1/12 · 2/3 healthy · attempt 1/3",
        }
    )


def test_plain_prints_phase_and_app_lines(polling: BatchSyncProgress) -> None:
    plain, stream = printer()

    plain.notify(DemoView(title="t", snapshot=polling))
    lines = stream.getvalue().splitlines()

    assert lines[0] == "[00:00] Batch 2/12 14% · Batch 2: polling health — 2/3 healthy · Attempt 1/3"
    assert "[00:00]   ✓ mentor-web-briarcliff Synced/Healthy ready" in lines
    assert "[00:00]   ⟳ mentor-web-cedarpoint Synced/Progressing waiting" in lines
    assert len(lines) == 4


def test_plain_repeats_nothing_on_unchanged_snapshot(polling: BatchSyncProgress) -> None:
    plain, stream = printer()
    view = DemoView(title="t", snapshot=polling)

    plain.notify(view)
    before = stream.getvalue()
    plain.notify(view)

    assert stream.getvalue() == before


def test_plain_ignores_reads_between_notifications(polling: BatchSyncProgress) -> None:
    plain, stream = printer()

    plain.update(DemoView(title="t", snapshot=polling, message="Batch 2/12 · 2/3 healthy · attempt 1/3"))

    assert stream.getvalue() == ""


def test_plain_prints_app_attempt(second_attempt: BatchSyncProgress) -> None:
    plain, stream = printer()

    plain.notify(DemoView(title="t", snapshot=second_attempt))

    assert "[00:00]   ⟳ mentor-web-elmstead Synced/Degraded waiting (attempt 2)" in stream.getvalue().splitlines()


def test_plain_prints_each_new_notification_message() -> None:
    plain, stream = printer()
    first = "Batch 2/12 · 1/3 healthy · attempt 1/3"
    second = "Batch 2/12 · 2/3 healthy · attempt 1/3"

    plain.notify(DemoView(title="t", message=first, progress=4.4, total=34.0))
    plain.notify(DemoView(title="t", message=first, progress=4.6, total=34.0))
    plain.notify(DemoView(title="t", message=second, progress=5.1, total=34.0))

    assert stream.getvalue().splitlines() == [f"[00:00] progress 11%: {first}", f"[00:00] progress 14%: {second}"]


def test_plain_resolving_printed_once() -> None:
    plain, stream = printer()
    resolving = BatchSyncProgress(run_id="r", phase="resolving", total_apps=0, total_batches=0, current_batch=0)

    plain.notify(DemoView(title="t", snapshot=resolving))
    plain.notify(DemoView(title="t", snapshot=resolving, message="Resolving apps"))

    assert stream.getvalue() == "[00:00] progress: Resolving apps\n"


def test_plain_prints_each_message_once(complete: BatchSyncProgress) -> None:
    plain, stream = printer()
    engine_message = "all 34 apps are Synced and Healthy after 12 batch(es)"
    messages = [engine_message, "All 12 batches complete: 34 apps synced and Healthy.", engine_message, engine_message.capitalize()]

    for message in messages:
        plain.notify(DemoView(title="t", snapshot=complete, message=message, progress=34.0, total=34.0))
    progress_lines = [line for line in stream.getvalue().splitlines() if " progress " in line]

    assert progress_lines == [
        f"[00:00] progress 100%: {engine_message}",
        "[00:00] progress 100%: All 12 batches complete: 34 apps synced and Healthy.",
    ]


def test_plain_percents_agree(polling: BatchSyncProgress) -> None:
    plain, stream = printer()

    # The notification's value is the 5 apps READY plus 0.9 of the wait for the sixth.
    plain.notify(DemoView(title="t", snapshot=polling, message=polling.message, progress=5.9, total=34.0))
    lines = stream.getvalue().splitlines()

    assert lines[0] == f"[00:00] progress 14%: {polling.message}"
    assert lines[1].startswith("[00:00] Batch 2/12 14% · ")


def test_plain_finishes_batch_before_next(polling: BatchSyncProgress) -> None:
    plain, stream = printer()
    batch_one = first_batch_with_last_app_waiting(polling)

    plain.notify(DemoView(title="t", snapshot=batch_one, message=batch_one.message, progress=2.5, total=34.0))
    plain.notify(DemoView(title="t", snapshot=current_batch_only(polling), message="Batch 1/12 · 3/3 healthy · attempt 1/3", progress=3.1, total=34.0))
    lines = stream.getvalue().splitlines()
    ready = lines.index("[00:00]   ✓ mentor-web-bluefinch Synced/Healthy ready")
    next_batch = next(index for index, line in enumerate(lines) if "Batch 2/12" in line)

    assert "[00:00]   ⟳ mentor-web-bluefinch Synced/Progressing waiting" in lines
    assert ready < next_batch
    assert lines[ready + 1] == "[00:00] progress 14%: Batch 1/12 · 3/3 healthy · attempt 1/3"


def test_plain_no_ready_row_for_skipped_app(polling: BatchSyncProgress) -> None:
    plain, stream = printer()
    batch_one = first_batch_with_last_app_waiting(polling)
    # mentor-web-bluefinch was deleted during the rollout, so batch 1 ended with 2 apps READY.
    batch_two = current_batch_only(polling).model_copy(update={"ready_apps": 4})

    plain.notify(DemoView(title="t", snapshot=batch_one))
    plain.notify(DemoView(title="t", snapshot=batch_two))

    assert "mentor-web-bluefinch Synced/Healthy ready" not in stream.getvalue()


def test_plain_explains_retry(second_attempt: BatchSyncProgress) -> None:
    plain, stream = printer()
    broken = second_attempt.app_statuses["mentor-web-elmstead"]
    statuses = {**second_attempt.app_statuses, broken.name: broken.model_copy(update={"attempts": 1, "phase": "Failed", "message": FAILURE})}
    first_attempt = second_attempt.model_copy(update={"attempt": 1, "app_statuses": statuses})

    plain.notify(DemoView(title="t", snapshot=first_attempt))
    plain.notify(DemoView(title="t", snapshot=second_attempt))
    lines = stream.getvalue().splitlines()
    retry = lines.index(f"[00:00]   ↻ mentor-web-elmstead attempt 2/3: {FAILURE}")

    assert lines[retry + 1] == "[00:00]   ⟳ mentor-web-elmstead Synced/Degraded waiting (attempt 2)"
    assert "[00:00] Batch 1/2 33% · Batch 1: retrying — 2/3 healthy · Attempt 2/3" in lines


def test_plain_finish_prints_summary(complete: BatchSyncProgress, complete_result: BatchSyncResult) -> None:
    plain, stream = printer()

    plain.finish(DemoView(title="t", snapshot=complete), complete_result)
    text = stream.getvalue()

    assert "[00:00] Batch 12/12 100% · Complete — 34/34 apps Synced and Healthy" in text.splitlines()
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
