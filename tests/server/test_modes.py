"""Read-only mode and several Argo CD instances."""

from __future__ import annotations

import pytest

from argonaut_mcp.config import InstanceConfig, Settings
from argonaut_mcp.server import build_server
from tests.server.helpers import MODES, call_driven, connect, served, text_of

WRITE_TOOLS = {"sync_application", "batch_sync", "get_batch_sync_status", "cancel_batch_sync"}


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_read_only_hides_write_tools(mode):
    async with served("healthy", read_only=True) as env:
        async with connect(env.server(), mode) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            batch = await client.call_tool("batch_sync", {"pattern": "mentor-web-*"})
            sync = await client.call_tool("sync_application", {"name": "mentor-web-alderbrook"})
            listed = await client.call_tool("list_applications", {"pattern": "mentor-web-a*"})
            instructions = client.instructions
        stats = env.sandbox.stats()

    assert names == {
        "list_applications",
        "get_application",
        "get_application_logs",
        "get_application_events",
        "get_resource_tree",
    }
    assert not names & WRITE_TOOLS
    assert batch.is_error
    assert text_of(batch) == "Unknown tool: batch_sync"
    assert sync.is_error
    assert text_of(sync) == "Unknown tool: sync_application"
    assert not listed.is_error
    assert "read-only mode" in instructions
    assert sum(len(timeline["syncRequests"]) for timeline in stats["apps"].values()) == 0


def two_instances(url: str, token: str) -> Settings:
    return Settings(
        instances={
            "prod": InstanceConfig(name="prod", url=url, token=token),
            "staging": InstanceConfig(name="staging", url=url, token=token),
        },
        default_instance="prod",
    )


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_instance_parameter_with_several_instances(mode):
    async with served("healthy") as env:
        server = build_server(two_instances(env.url, env.sandbox.token), clock=env.clock)
        async with connect(server, mode) as client:
            tools = (await client.list_tools()).tools
            listed = await client.call_tool("list_applications", {"pattern": "mentor-web-a*", "instance": "staging"})
            unknown_list = await client.call_tool("list_applications", {"instance": "qa"})
            unknown_batch = await client.call_tool("batch_sync", {"pattern": "mentor-web-*", "instance": "qa"})
            synced = await call_driven(
                env.clock,
                lambda: client.call_tool("sync_application", {"name": "mentor-web-alderbrook", "instance": "staging"}),
            )
            instructions = client.instructions
        stats = env.sandbox.stats()

    with_instance = {tool.name for tool in tools if "instance" in tool.input_schema["properties"]}
    assert with_instance == {tool.name for tool in tools} - {"get_batch_sync_status", "cancel_batch_sync"}
    assert listed.structured_content["total"] == 2
    for result in (unknown_list, unknown_batch):
        assert result.is_error
        assert "Unknown Argo CD instance 'qa'" in text_of(result)
        assert "Known instances: prod, staging" in text_of(result)
    assert synced.structured_content["outcome"] == "ready"
    assert "prod, staging" in instructions
    assert sum(len(timeline["syncRequests"]) for timeline in stats["apps"].values()) == 1


def test_build_server_without_instance_fails():
    with pytest.raises(ValueError) as caught:
        build_server(Settings())

    assert "ARGOCD_SERVER" in str(caught.value)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_allow_lists_limit_what_may_be_synced(mode):
    async with served("healthy", allowed_apps=["mentor-web-a*"], allowed_projects=["mentor"]) as env:
        async with connect(env.server(), mode) as client:
            outside = await client.call_tool("batch_sync", {"pattern": "mentor-web-[a-c]*"})
            other_project = await client.call_tool("sync_application", {"name": "ledger", "wait": False})
            inside = await call_driven(env.clock, lambda: client.call_tool("batch_sync", {"pattern": "mentor-web-a*"}))
        stats = env.sandbox.stats()

    assert outside.is_error
    assert "Not allowed to sync mentor-web-bluefinch, mentor-web-briarcliff" in text_of(outside)
    assert "allowed_apps mentor-web-a*" in text_of(outside)
    assert "mentor-web-alderbrook," not in text_of(outside)
    assert other_project.is_error
    assert "allowed_projects mentor" in text_of(other_project)
    assert inside.structured_content["completed"] == ["mentor-web-alderbrook", "mentor-web-ashgrove"]
    synced = sorted(name for name, timeline in stats["apps"].items() if timeline["syncRequests"])
    assert synced == ["mentor-web-alderbrook", "mentor-web-ashgrove"]
