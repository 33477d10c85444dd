"""Snapshots and results recorded from real sandbox runs, through get_batch_sync_status.

polling.json: default scenario, batch 2 with two apps READY. complete.json: the last
snapshot of that run, result-complete.json its result. waiting-attempt-2.json: one-broken
scenario (pattern mentor-web-[d-f]*), the broken app on its second attempt. aborted.json:
the last snapshot of that run, result-aborted.json its result.

They were recorded when a snapshot held the status of every app of the run. batch_sync now
sends the current batch's statuses only; a test that depends on that trims them.
"""

import json
from pathlib import Path

import pytest

from argonaut_mcp.rollout.contracts import BatchSyncProgress, BatchSyncResult

SNAPSHOTS = Path(__file__).parent / "snapshots"


def load_snapshot(name: str) -> BatchSyncProgress:
    return BatchSyncProgress.model_validate(json.loads((SNAPSHOTS / f"{name}.json").read_text()))


def load_result(name: str) -> BatchSyncResult:
    return BatchSyncResult.model_validate(json.loads((SNAPSHOTS / f"result-{name}.json").read_text()))


@pytest.fixture
def polling() -> BatchSyncProgress:
    return load_snapshot("polling")


@pytest.fixture
def second_attempt() -> BatchSyncProgress:
    return load_snapshot("waiting-attempt-2")


@pytest.fixture
def complete() -> BatchSyncProgress:
    return load_snapshot("complete")


@pytest.fixture
def aborted() -> BatchSyncProgress:
    return load_snapshot("aborted")


@pytest.fixture
def aborted_result() -> BatchSyncResult:
    return load_result("aborted")


@pytest.fixture
def complete_result() -> BatchSyncResult:
    return load_result("complete")
