"""The run registry: ids, snapshots, bounded history, claims and cancel."""

import anyio
import pytest

from argonaut_mcp.rollout.contracts import BatchSyncProgress, BatchSyncResult
from argonaut_mcp.rollout.runs import AppsBusyError, RunRegistry


def finished(registry, run_id):
    registry.finish(run_id, BatchSyncResult(run_id=run_id, status="complete"))


def test_start_gives_unique_ids():
    registry = RunRegistry()

    first = registry.start()
    second = registry.start()

    assert first.run_id != second.run_id
    assert registry.get(first.run_id) is first


def test_start_rejects_an_id_in_use():
    registry = RunRegistry()
    registry.start("run-1")

    with pytest.raises(ValueError, match="run-1"):
        registry.start("run-1")


def test_record_readable_after_the_end():
    registry = RunRegistry()
    record = registry.start("run-1")
    snapshot = BatchSyncProgress(run_id="run-1", phase="polling", total_apps=3, total_batches=1, current_batch=1)

    registry.update("run-1", snapshot)
    finished(registry, "run-1")

    assert record.snapshot is snapshot
    assert record.done
    assert registry.get("run-1").result.status == "complete"


def test_snapshot_fixed_after_the_end():
    registry = RunRegistry()
    record = registry.start("run-1")
    final = BatchSyncProgress(run_id="run-1", phase="complete", total_apps=3, total_batches=1, current_batch=1)
    late = BatchSyncProgress(run_id="run-1", phase="polling", total_apps=3, total_batches=1, current_batch=1)

    registry.update("run-1", final)
    finished(registry, "run-1")
    registry.update("run-1", late)

    assert record.snapshot is final


def test_history_drops_oldest_finished_runs_first():
    registry = RunRegistry(max_history=3)
    registry.start("running")
    for number in range(1, 5):
        registry.start(f"done-{number}")
        finished(registry, f"done-{number}")

    kept = [record.run_id for record in registry.runs()]

    assert kept == ["running", "done-3", "done-4"]


def test_running_runs_are_never_dropped():
    registry = RunRegistry(max_history=2)
    for number in range(4):
        registry.start(f"run-{number}")

    assert len(registry.runs()) == 4


def test_second_claim_names_apps_and_holder():
    registry = RunRegistry()
    registry.start("first")
    registry.claim(["a", "b", "c"], "first")
    registry.start("second")

    with pytest.raises(AppsBusyError) as caught:
        registry.claim(["c", "d", "b"], "second")

    assert caught.value.apps == ["b", "c"]
    assert caught.value.holder_run_id == "first"
    assert "b, c" in caught.value.message
    assert "run first" in caught.value.message


def test_claims_are_released_when_a_run_finishes():
    registry = RunRegistry()
    registry.start("first")
    registry.claim(["a"], "first")
    finished(registry, "first")
    registry.start("second")

    registry.claim(["a"], "second")

    assert registry.get("second").claimed_apps == {"a"}


@pytest.mark.anyio
async def test_cancel_cancels_the_attached_scope():
    registry = RunRegistry()
    registry.start("run-1")
    scope = anyio.CancelScope()
    registry.attach_cancel_scope("run-1", scope)

    assert registry.cancel("run-1") is True
    assert scope.cancel_called


@pytest.mark.anyio
async def test_cancel_before_attach_cancels_on_attach():
    registry = RunRegistry()
    registry.start("run-1")
    registry.cancel("run-1")
    scope = anyio.CancelScope()

    registry.attach_cancel_scope("run-1", scope)

    assert scope.cancel_called


def test_cancel_of_finished_run_fails():
    registry = RunRegistry()
    registry.start("run-1")
    finished(registry, "run-1")

    assert registry.cancel("run-1") is False
    assert registry.cancel("missing") is False
