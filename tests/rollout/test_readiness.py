"""The readiness rule, case by case."""

import pytest

from argonaut_mcp.rollout.readiness import ReadinessState, assess
from tests.rollout.factories import make_app

OUR_SYNC = 100
FINISHED = "2026-08-03T09:00:20Z"
DONE = {
    "resource_version": 105,
    "phase": "Succeeded",
    "started_at": "2026-08-03T09:00:10Z",
    "finished_at": FINISHED,
    "reconciled_at": "2026-08-03T09:00:21Z",
}

CASES = [
    ("succeeded, reconciled, synced and healthy is ready", {}, ReadinessState.READY),
    ("reconciled in the same second as finished is ready", {"reconciled_at": FINISHED}, ReadinessState.READY),
    ("a state as old as our sync answer is stale", {"resource_version": OUR_SYNC}, ReadinessState.WAITING),
    ("a state older than our sync answer is stale even if it looks done", {"resource_version": 90}, ReadinessState.WAITING),
    ("the sync answer itself with operation set waits", {"resource_version": OUR_SYNC, "operation": {"sync": {}}, "phase": None}, ReadinessState.WAITING),
    ("an operation still set waits", {"operation": {"sync": {}}}, ReadinessState.WAITING),
    ("no operation state yet waits", {"phase": None}, ReadinessState.WAITING),
    ("phase running waits", {"phase": "Running", "finished_at": None}, ReadinessState.WAITING),
    ("running with finishedAt is a retry and waits", {"phase": "Running", "message": "Retrying attempt #1"}, ReadinessState.WAITING),
    ("phase terminating waits", {"phase": "Terminating"}, ReadinessState.WAITING),
    ("succeeded without finishedAt waits", {"finished_at": None}, ReadinessState.WAITING),
    ("reconciledAt before finishedAt is the stale healthy window", {"reconciled_at": "2026-08-03T09:00:19Z"}, ReadinessState.WAITING),
    ("no reconciledAt waits", {"reconciled_at": None}, ReadinessState.WAITING),
    ("out of sync after the refresh waits", {"sync": "OutOfSync"}, ReadinessState.WAITING),
    ("progressing health waits", {"health": "Progressing"}, ReadinessState.WAITING),
    ("degraded health waits for the timeout", {"health": "Degraded"}, ReadinessState.WAITING),
    ("phase failed is failed at once", {"phase": "Failed", "message": "one or more objects failed to apply"}, ReadinessState.FAILED),
    ("phase error is failed at once", {"phase": "Error", "message": "ComparisonError"}, ReadinessState.FAILED),
    ("failed with the operation still set is failed", {"phase": "Failed", "operation": {"sync": {}}}, ReadinessState.FAILED),
    ("a failed state older than our sync is stale", {"phase": "Failed", "resource_version": 99}, ReadinessState.WAITING),
]


@pytest.mark.parametrize(("case", "changes", "expected"), CASES, ids=[case[0] for case in CASES])
def test_readiness_rule(case, changes, expected):
    app = make_app("web", **{**DONE, **changes})

    readiness = assess(app, OUR_SYNC)

    assert readiness.state is expected, readiness.reason


def test_verdict_reports_what_was_seen():
    app = make_app("web", **{**DONE, "health": "Degraded", "health_message": "Back-off pulling image"})

    readiness = assess(app, OUR_SYNC)

    assert readiness.sync == "Synced"
    assert readiness.health == "Degraded"
    assert readiness.health_message == "Back-off pulling image"
    assert readiness.phase == "Succeeded"
    assert "Degraded" in readiness.reason


def test_failed_verdict_carries_the_operation_message():
    app = make_app("web", **{**DONE, "phase": "Failed", "message": "hook failed"})

    readiness = assess(app, OUR_SYNC)

    assert "hook failed" in readiness.reason
    assert readiness.operation_message == "hook failed"
