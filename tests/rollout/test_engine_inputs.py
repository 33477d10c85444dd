"""batch_sync inputs that must sync nothing: invalid parameters, no match, dry run, busy apps."""

import anyio
import pytest

from argonaut_mcp.rollout.engine import run_batch_sync
from argonaut_mcp.rollout.params import parse_params
from argonaut_mcp.rollout.runs import RunRegistry
from argonaut_mcp.sandbox.fleets import mentor_web_names
from tests.rollout.harness import HANG_LIMIT_SECONDS, drive, sandbox_client, total_syncs

MENTOR_WEB = sorted(mentor_web_names())

BAD_INPUTS = [
    ({"pattern": "mentor-web-*", "batch_size": 0}, "got 0"),
    ({"pattern": "mentor-web-*", "batch_size": "501"}, "'501'"),
    ({"pattern": "mentor-web-*", "batch_size": "lots"}, "'lots'"),
    ({"pattern": "mentor-web-*", "max_retries": 11}, "11"),
    ({"pattern": "mentor-web-*", "max_retries": -1}, "-1"),
    ({"pattern": "mentor-web-*", "health_timeout_seconds": 5}, "5"),
    ({"pattern": "mentor-web-*", "health_timeout_seconds": "90000"}, "'90000'"),
    ({"pattern": ""}, "''"),
    ({"pattern": "mentor-web-*", "apps": ["mentor-api"]}, "apps"),
    ({}, "pattern"),
    ({"pattern": "mentor-web-*", "selector": "tier in (web"}, "tier in (web"),
    ({"pattern": "mentor-web-*", "prune": "maybe"}, "'maybe'"),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("params", "named_value"), BAD_INPUTS)
async def test_bad_input_is_invalid_and_syncs_nothing(params, named_value):
    async with sandbox_client("healthy") as (sandbox, client):
        run = await drive(sandbox, client, params)
        stats = sandbox.stats()

    assert run.result.status == "invalid"
    assert named_value in run.result.message
    assert total_syncs(stats) == 0
    assert not any("/sync" in route for route in stats["routes"])


@pytest.mark.anyio
async def test_pattern_without_match_shows_closest_names():
    async with sandbox_client("healthy") as (sandbox, client):
        run = await drive(sandbox, client, {"pattern": "mentor-wbe-alderbrok"})
        stats = sandbox.stats()

    assert run.result.status == "no_match"
    assert "mentor-web-alderbrook" in run.result.closest_names
    assert "mentor-web-alderbrook" in run.result.message
    assert total_syncs(stats) == 0


@pytest.mark.anyio
async def test_unknown_names_sync_nothing():
    async with sandbox_client("healthy") as (sandbox, client):
        run = await drive(sandbox, client, {"apps": [MENTOR_WEB[0], "mentor-web-nowhere", "ghost"]})
        stats = sandbox.stats()

    assert run.result.status == "no_match"
    assert "mentor-web-nowhere, ghost" in run.result.message
    assert total_syncs(stats) == 0


@pytest.mark.anyio
async def test_dry_run_returns_the_plan_only():
    async with sandbox_client("traps") as (sandbox, client):
        run = await drive(sandbox, client, {"pattern": "MENTOR-WEB-*", "batch_size": 5, "dry_run": "true"})
        stats = sandbox.stats()

    result = run.result
    assert result.status == "dry_run"
    assert [batch.apps for batch in result.plan] == [MENTOR_WEB[i : i + 5] for i in range(0, len(MENTOR_WEB), 5)]
    assert any("auto-sync" in warning for warning in result.warnings)
    assert any("operation is running" in warning for warning in result.warnings)
    assert total_syncs(stats) == 0


@pytest.mark.anyio
async def test_project_and_selector_filters_apply():
    async with sandbox_client("healthy") as (sandbox, client):
        run = await drive(sandbox, client, {"pattern": "*", "project": "mentor", "selector": "tier=web,client in (ashgrove,zephyrton)", "dry_run": True})

    assert run.result.plan[0].apps == ["mentor-web-ashgrove", "mentor-web-zephyrton"]


@pytest.mark.anyio
async def test_second_run_on_held_apps_fails():
    registry = RunRegistry()
    outcome = {}

    async def first_run(client, sandbox):
        outcome["first"] = await run_batch_sync(client, {"apps": MENTOR_WEB[:3]}, clock=sandbox.clock, registry=registry, run_id="first")

    async with sandbox_client("healthy") as (sandbox, client):
        with anyio.fail_after(HANG_LIMIT_SECONDS):
            async with anyio.create_task_group() as group:
                group.start_soon(first_run, client, sandbox)
                await sandbox.clock.advance(0)
                second = await run_batch_sync(client, parse_params(apps=MENTOR_WEB[2:5]), clock=sandbox.clock, registry=registry)
                while "first" not in outcome:
                    await sandbox.clock.advance(1)
        stats = sandbox.stats()

    assert second.status == "invalid"
    assert MENTOR_WEB[2] in second.message
    assert "first" in second.message
    assert outcome["first"].status == "complete"
    assert total_syncs(stats) == 3
