"""The read tools through the SDK's in-memory client, in both protocol eras, against the sandbox."""

from __future__ import annotations

import pytest

from argonaut_mcp.sandbox.fleets import mentor_web_names
from tests.server.helpers import MODES, connect, served, text_of

MENTOR_WEB = sorted(mentor_web_names())


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_list_applications_pages_with_totals(mode):
    async with served("default") as env:
        async with connect(env.server(), mode) as client:
            first = await client.call_tool("list_applications", {"pattern": "mentor-web-*", "limit": 20})
            second = await client.call_tool(
                "list_applications", {"pattern": "MENTOR-WEB-*", "limit": "20", "offset": "20"}
            )

    assert not first.is_error, text_of(first)
    page = first.structured_content
    assert page["total"] == len(MENTOR_WEB)
    assert page["returned"] == 20
    assert page["hasMore"] is True
    assert page["healthTotals"] == {"Healthy": len(MENTOR_WEB)}
    assert page["syncTotals"] == {"OutOfSync": len(MENTOR_WEB)}
    assert set(page["applications"][0]) >= {"name", "project", "sync", "health", "revision", "namespace"}
    assert len(page["applications"][0]["revision"]) == 7
    assert "offset=20" in text_of(first)
    assert text_of(first).splitlines()[3].split() == [
        "NAME",
        "PROJECT",
        "SYNC",
        "HEALTH",
        "OPERATION",
        "REVISION",
        "NAMESPACE",
    ]

    rest = second.structured_content
    assert rest["returned"] == len(MENTOR_WEB) - 20
    assert rest["hasMore"] is False
    names = [row["name"] for row in page["applications"] + rest["applications"]]
    assert names == MENTOR_WEB


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_list_applications_filters(mode):
    async with served("default") as env:
        async with connect(env.server(), mode) as client:
            degraded = await client.call_tool("list_applications", {"health_status": "degraded"})
            payments = await client.call_tool("list_applications", {"project": "payments"})
            web_tier = await client.call_tool("list_applications", {"selector": "tier=web"})
            in_namespace = await client.call_tool("list_applications", {"pattern": "team-data/*"})

    assert [row["name"] for row in degraded.structured_content["applications"]] == ["team-data/superset"]
    assert payments.structured_content["total"] == 4
    assert all(row["project"] == "payments" for row in payments.structured_content["applications"])
    assert [row["name"] for row in web_tier.structured_content["applications"]] == MENTOR_WEB
    assert in_namespace.structured_content["total"] == 4


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_list_applications_rejects_bad_filters(mode):
    async with served("default") as env:
        async with connect(env.server(), mode) as client:
            bad_health = await client.call_tool("list_applications", {"health_status": "Fine"})
            bad_limit = await client.call_tool("list_applications", {"limit": "lots"})
            no_match = await client.call_tool("list_applications", {"pattern": "nothing-like-this-*"})

    assert bad_health.is_error
    assert "'Fine'" in text_of(bad_health)
    assert "Healthy" in text_of(bad_health)
    assert bad_limit.is_error
    assert "limit must be an integer from 1 to 500, got 'lots'" in text_of(bad_limit)
    assert not no_match.is_error
    assert no_match.structured_content["total"] == 0
    assert "No applications matching 'nothing-like-this-*'" in text_of(no_match)


@pytest.mark.anyio
async def test_list_applications_answer_stays_small_on_large_fleet():
    async with served("large") as env:
        async with connect(env.server(), "auto") as client:
            result = await client.call_tool("list_applications", {})

    page = result.structured_content
    assert page["total"] == 2000
    assert page["returned"] == 100
    assert page["hasMore"] is True
    assert len(result.model_dump_json(by_alias=True, exclude_none=True)) < 40_000


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_get_application_summarizes_degraded_app(mode):
    async with served("default") as env:
        async with connect(env.server(), mode) as client:
            result = await client.call_tool("get_application", {"name": "team-data/superset"})

    assert not result.is_error, text_of(result)
    summary = result.structured_content
    assert summary["name"] == "team-data/superset"
    assert summary["health"] == "Degraded"
    assert "progress deadline" in summary["healthMessage"]
    assert summary["unhealthyResources"][0]["kind"] == "Deployment"
    assert summary["unhealthyResources"][0]["health"] == "Degraded"
    assert len(summary["recentDeployments"]) == 5
    assert "Not healthy (5):" in text_of(result)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_missing_app_error_names_app_and_suggests(mode):
    async with served("default") as env:
        async with connect(env.server(), mode) as client:
            other_namespace = await client.call_tool("get_application", {"name": "superset"})
            misspelled = await client.call_tool("get_resource_tree", {"name": "mentor-web-alderbruk"})
            empty = await client.call_tool("get_application_logs", {"name": "  "})

    assert other_namespace.is_error
    assert "'superset'" in text_of(other_namespace)
    assert "Did you mean team-data/superset?" in text_of(other_namespace)
    assert misspelled.is_error
    assert "mentor-web-alderbrook" in text_of(misspelled)
    assert empty.is_error
    assert "name must not be empty" in text_of(empty)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_diagnosis_tools(mode):
    async with served("default") as env:
        async with connect(env.server(), mode) as client:
            tree = await client.call_tool("get_resource_tree", {"name": "team-data/superset"})
            logs = await client.call_tool("get_application_logs", {"name": "mentor-web-alderbrook", "tail_lines": 2})
            capped = await client.call_tool(
                "get_application_logs", {"name": "mentor-web-alderbrook", "tail_lines": 1000}
            )
            pod = next(line.split()[2] for line in text_of(tree).splitlines() if line.startswith("Degraded Pod "))
            events = await client.call_tool(
                "get_application_events",
                {"name": "team-data/superset", "resource_name": pod.split("/")[1], "resource_namespace": "superset"},
            )

    tree_lines = text_of(tree).splitlines()
    assert tree_lines[0].startswith("14 resources of application 'team-data/superset'")
    assert tree_lines[1].startswith("Degraded Deployment superset/superset")
    assert all(line.startswith("Degraded") for line in tree_lines[1:6])

    log_lines = text_of(logs).splitlines()
    assert log_lines[0].startswith("Last ")
    assert all(line.startswith("[mentor-web-alderbrook-") for line in log_lines[1:])
    assert len(text_of(capped)) <= 16_500

    assert not events.is_error, text_of(events)
    event_lines = text_of(events).splitlines()
    assert "1 Warning" in event_lines[0]
    assert " Warning BackOff Pod/" in event_lines[1]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_tools_list_annotations_and_instructions(mode):
    async with served("default") as env:
        async with connect(env.server(), mode) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            instructions = client.instructions

    assert set(tools) == {
        "list_applications",
        "get_application",
        "get_application_logs",
        "get_application_events",
        "get_resource_tree",
        "sync_application",
        "batch_sync",
        "get_batch_sync_status",
        "cancel_batch_sync",
    }
    assert all(tool.title for tool in tools.values())
    assert tools["list_applications"].annotations.read_only_hint is True
    assert tools["batch_sync"].annotations.destructive_hint is True
    assert tools["batch_sync"].annotations.idempotent_hint is False
    assert tools["batch_sync"].output_schema is not None
    assert "instance" not in tools["batch_sync"].input_schema["properties"]
    assert tools["batch_sync"].input_schema["properties"]["batch_size"]["type"] == "integer"
    assert instructions is not None
    assert "list_applications" in instructions
    assert "batch_size (default 3)" in instructions
    assert "long-running" in instructions
