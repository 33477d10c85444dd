"""Progress messages, the progress value, and snapshot delivery."""

import pytest

from argonaut_mcp.rollout.contracts import AppStatus, BatchSyncProgress, PlannedBatch
from argonaut_mcp.rollout.params import parse_params
from argonaut_mcp.rollout.progress import ProgressReporter, format_progress_message
from argonaut_mcp.rollout.runs import RunRegistry
from argonaut_mcp.rollout.state import RunState
from tests.rollout.factories import make_app


class FakeClock:
    def __init__(self):
        self.time = 0.0

    def now(self):
        return self.time

    async def sleep(self, seconds):
        self.time += seconds


def progress(**changes):
    statuses = {
        "a": AppStatus(name="a", fate="ready", attempts=1),
        "b": AppStatus(name="b", fate="ready", attempts=1),
        "c": AppStatus(name="c", fate="waiting", attempts=1),
    }
    values = dict(
        run_id="r",
        phase="polling",
        total_apps=30,
        total_batches=10,
        current_batch=2,
        batch_apps=["a", "b", "c"],
        app_statuses=statuses,
        attempt=1,
        max_retries=2,
    )
    values.update(changes)
    return BatchSyncProgress(**values)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "Batch 2/10 · 2/3 healthy · attempt 1/3"),
        ({"attempt": 2, "phase": "retrying"}, "Batch 2/10 · 2/3 healthy · attempt 2/3 · retrying"),
        ({"attempt": 0, "phase": "batch_start"}, "Batch 2/10 · 2/3 healthy · attempt 1/3"),
        ({"max_retries": 0}, "Batch 2/10 · 2/3 healthy · attempt 1/1"),
        ({"current_batch": 0, "phase": "resolving", "total_apps": 0, "total_batches": 0}, "Resolving apps"),
        ({"current_batch": 0, "phase": "resolving"}, "Resolving apps · 30 apps in 10 batches"),
    ],
)
def test_progress_message_is_one_line(changes, expected):
    assert format_progress_message(progress(**changes)) == expected


def planned_state(clock):
    state = RunState(run_id="r", params=parse_params(pattern="*"), started_at=0.0)
    apps = {name: make_app(name) for name in ["a", "b", "c"]}
    state.set_plan([PlannedBatch(number=1, apps=["a", "b"]), PlannedBatch(number=2, apps=["c"])], apps)
    return state


def test_progress_value_grows_then_jumps():
    clock = FakeClock()
    state = planned_state(clock)

    values = [state.progress_value(0.0), state.progress_value(10.0), state.progress_value(60.0)]
    state.apps["a"].fate = "ready"
    state.note_ready_count(61.0)
    values.append(state.progress_value(61.0))
    values.append(state.progress_value(200.0))

    assert values[0] == 0.0
    assert values[1] < values[2] < 1.0
    assert values[2] == pytest.approx(0.5)
    assert 1.0 <= values[3] < values[4] < 2.0


def test_progress_value_ends_at_total():
    state = planned_state(FakeClock())
    high = state.progress_value(500.0)

    state.apps["a"].fate = "ready"
    state.note_ready_count(501.0)
    after_ready = state.progress_value(501.0)
    for app in state.apps.values():
        app.fate = "ready"
    final = state.progress_value(502.0)

    assert after_ready > high
    assert final == 3.0


@pytest.mark.anyio
async def test_reporter_survives_failing_callback():
    clock = FakeClock()
    state = planned_state(clock)
    registry = RunRegistry()
    registry.start("r")
    seen = []

    async def callback(snapshot):
        seen.append(snapshot)
        raise RuntimeError("consumer broke")

    reporter = ProgressReporter(state, clock, registry, callback)
    snapshot = await reporter.emit("batch_start")
    again = await reporter.emit()

    assert seen == [snapshot, again]
    assert registry.get("r").snapshot is again
    assert snapshot.phase == "batch_start"
    assert snapshot.total_apps == 3
    assert snapshot.total_batches == 2
    assert snapshot.message


def test_progress_serializes_camel_case():
    data = progress().model_dump(mode="json")

    assert {"runId", "totalApps", "totalBatches", "currentBatch", "batchApps", "appStatuses", "maxRetries", "progress"} <= set(data)
