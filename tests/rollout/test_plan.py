"""Splitting apps into batches and the plan's warnings."""

import pytest

from argonaut_mcp.rollout.plan import build_plan, split_batches
from tests.rollout.factories import make_app


@pytest.mark.parametrize(
    ("count", "size", "expected_sizes"),
    [(31, 3, [3] * 10 + [1]), (3, 3, [3]), (2, 5, [2]), (1, 1, [1]), (0, 3, [])],
)
def test_batches_have_batch_size_apps(count, size, expected_sizes):
    names = [f"app-{index:02d}" for index in range(count)]

    batches = split_batches(names, size)

    assert [len(batch.apps) for batch in batches] == expected_sizes
    assert [batch.number for batch in batches] == list(range(1, len(expected_sizes) + 1))
    assert [name for batch in batches for name in batch.apps] == names


def test_plan_warns_about_risky_apps():
    apps = [
        make_app("a", auto_sync=True),
        make_app("b", health="Degraded"),
        make_app("c", operation={"sync": {}}, phase="Running"),
        make_app("d"),
    ]

    plan = build_plan(apps, 2)

    assert len(plan.warnings) == 3
    assert plan.warnings[0].startswith("auto-sync is on for a:")
    assert plan.warnings[1] == "already Degraded before the rollout: b"
    assert "operation is running on c" in plan.warnings[2]


def test_plan_without_risks_has_no_warnings():
    plan = build_plan([make_app("a"), make_app("b", sync="OutOfSync")], 3)

    assert plan.warnings == []


def test_only_out_of_sync_skips_current():
    apps = [
        make_app("a"),
        make_app("b", sync="OutOfSync"),
        make_app("c", health="Progressing"),
        make_app("d", operation={"sync": {}}),
    ]

    plan = build_plan(apps, 2, only_out_of_sync=True)

    assert plan.up_to_date == ["a"]
    assert plan.app_names == ["b", "c", "d"]


def test_every_app_planned_by_default():
    plan = build_plan([make_app("a"), make_app("b")], 2)

    assert plan.up_to_date == []
    assert plan.app_names == ["a", "b"]
