"""The read tools through the SDK's in-memory client, in both protocol eras, against the sandbox."""

from __future__ import annotations

import json
import string
from typing import Any

import pytest

from argonaut_mcp.sandbox.fleets import mentor_web_names
from argonaut_mcp.server.models import ApplicationPage, ApplicationRow
from argonaut_mcp.server.tools.applications import pack_columns, render_page
from tests.server.helpers import MODES, connect, served, text_of

MENTOR_WEB = sorted(mentor_web_names())
LIST_COLUMNS = ["name", "project", "sync", "health", "operation", "revision", "namespace"]
# Max bytes of the text and of the compact structured JSON for one page of 500 apps.
PAGE_BYTES_BUDGET = 40_000


def unpacked_rows(page: dict[str, Any]) -> list[dict[str, str | None]]:
    """Rebuild each app's seven fields from list_applications' columns, rows and common values."""
    return [{**page["common"], **dict(zip(page["columns"], row, strict=True))} for row in page["rows"]]


def names_of(page: dict[str, Any]) -> list[str]:
    return [row["name"] for row in unpacked_rows(page)]


def expected_row(app: dict[str, Any]) -> dict[str, str | None]:
    """The row list_applications should show for one app stored by the sandbox (Argo CD wire JSON)."""
    metadata, spec, status = app["metadata"], app["spec"], app["status"]
    namespace = metadata.get("namespace", "argocd")
    revision = status["sync"].get("revision")
    is_sha = revision is not None and len(revision) == 40 and set(revision) <= set(string.hexdigits)
    phase = status.get("operationState", {}).get("phase")
    if phase is None and "operation" in app:
        phase = "Running"
    return {
        "name": metadata["name"] if namespace == "argocd" else f"{namespace}/{metadata['name']}",
        "project": spec["project"],
        "sync": status["sync"]["status"],
        "health": status["health"]["status"],
        "operation": phase,
        "revision": revision[:7] if is_sha else revision,
        "namespace": spec.get("destination", {}).get("namespace"),
    }


def compact_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")).encode())


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
    assert page["columns"] == ["name", "revision", "namespace"]
    assert page["common"] == {"project": "mentor", "sync": "OutOfSync", "health": "Healthy", "operation": "Succeeded"}
    assert len(page["rows"]) == 20
    assert all(len(row[1]) == 7 for row in page["rows"])
    assert "offset=20" in text_of(first)
    lines = text_of(first).splitlines()
    assert lines[3] == "Every row: project mentor · sync OutOfSync · health Healthy · operation Succeeded"
    assert lines[4].split() == ["NAME", "REVISION", "NAMESPACE"]
    assert lines[5].split() == page["rows"][0]

    rest = second.structured_content
    assert rest["returned"] == len(MENTOR_WEB) - 20
    assert rest["hasMore"] is False
    assert names_of(page) + names_of(rest) == MENTOR_WEB


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_list_applications_filters(mode):
    async with served("default") as env:
        async with connect(env.server(), mode) as client:
            degraded = await client.call_tool("list_applications", {"health_status": "degraded"})
            payments = await client.call_tool("list_applications", {"project": "payments"})
            web_tier = await client.call_tool("list_applications", {"selector": "tier=web"})
            in_namespace = await client.call_tool("list_applications", {"pattern": "team-data/*"})

    assert names_of(degraded.structured_content) == ["team-data/superset"]
    assert degraded.structured_content["columns"] == ["name"]
    assert degraded.structured_content["common"]["health"] == "Degraded"
    assert payments.structured_content["total"] == 4
    assert payments.structured_content["common"]["project"] == "payments"
    assert names_of(web_tier.structured_content) == MENTOR_WEB
    assert in_namespace.structured_content["total"] == 4


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_list_applications_rejects_bad_filters(mode):
    async with served("default") as env:
        async with connect(env.server(), mode) as client:
            bad_health = await client.call_tool("list_applications", {"health_status": "Fine"})
            bad_limit = await client.call_tool("list_applications", {"limit": "lots"})
            no_match = await client.call_tool("list_applications", {"pattern": "nothing-like-this-*"})
            misspelled = await client.call_tool("list_applications", {"pattern": "mentor-web-alderbrok"})

    assert bad_health.is_error
    assert "'Fine'" in text_of(bad_health)
    assert "Healthy" in text_of(bad_health)
    assert bad_limit.is_error
    assert "limit must be an integer from 1 to 500, got 'lots'" in text_of(bad_limit)
    assert not no_match.is_error
    assert no_match.structured_content["total"] == 0
    assert "No applications matching 'nothing-like-this-*'" in text_of(no_match)
    assert no_match.structured_content["columns"] == LIST_COLUMNS
    assert no_match.structured_content["rows"] == []
    assert no_match.structured_content["common"] == {}
    assert misspelled.structured_content["total"] == 0
    assert "Closest names: mentor-web-alderbrook" in text_of(misspelled)


@pytest.mark.anyio
async def test_list_applications_answer_stays_small_on_large_fleet():
    async with served("large") as env:
        async with connect(env.server(), "auto") as client:
            result = await client.call_tool("list_applications", {})

    page = result.structured_content
    assert page["total"] == 2000
    assert page["returned"] == 100
    assert page["hasMore"] is True
    assert len(result.model_dump_json(by_alias=True, exclude_none=True)) < PAGE_BYTES_BUDGET


@pytest.mark.anyio
async def test_list_applications_full_pages_fit_budget():
    async with served("large") as env:
        async with connect(env.server(), "auto") as client:
            pages = [
                await client.call_tool("list_applications", {"limit": 500, "offset": offset})
                for offset in range(0, 2000, 500)
            ]

    for result in pages:
        offset = result.structured_content["offset"]
        assert result.structured_content["returned"] == 500, offset
        assert len(text_of(result).encode()) < PAGE_BYTES_BUDGET, offset
        assert compact_size(result.structured_content) < PAGE_BYTES_BUDGET, offset


@pytest.mark.anyio
@pytest.mark.parametrize("scenario", ["default", "large"])
async def test_list_applications_rows_round_trip(scenario):
    async with served(scenario) as env:
        async with connect(env.server(), "auto") as client:
            pages = [
                (await client.call_tool("list_applications", {"limit": 500, "offset": offset})).structured_content
                for offset in range(0, len(env.sandbox.store), 500)
            ]
        expected = sorted((expected_row(app) for app in env.sandbox.store.apps()), key=lambda row: row["name"])

    for page in pages:
        assert page["columns"][0] == "name"
        assert page["columns"] == [column for column in LIST_COLUMNS if column in page["columns"]]
        assert set(page["columns"]) | set(page["common"]) == set(LIST_COLUMNS)
        assert not set(page["columns"]) & set(page["common"])
    assert [row for page in pages for row in unpacked_rows(page)] == expected


@pytest.mark.anyio
async def test_list_applications_text_keeps_every_value():
    async with served("default") as env:
        async with connect(env.server(), "auto") as client:
            result = await client.call_tool("list_applications", {"limit": 500})

    page = result.structured_content
    lines = text_of(result).splitlines()
    table = lines[3:] if page["common"] == {} else lines[4:]
    assert table[0].split() == [column.upper() for column in page["columns"]]
    for line, row in zip(table[1:], page["rows"], strict=True):
        assert line.split() == [value or "-" for value in row]


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


def test_list_page_packs_missing_values():
    records = [
        ApplicationRow(name="web", project="shop", sync="Synced", health="Healthy", revision="v1.2.0"),
        ApplicationRow(name="api", project="shop", sync="OutOfSync", health="Healthy", namespace="api"),
    ]

    columns, rows, common = pack_columns(records)
    page = ApplicationPage(
        total=3,
        offset=0,
        limit=2,
        returned=2,
        has_more=True,
        health_totals={"Healthy": 3},
        sync_totals={"Synced": 2, "OutOfSync": 1},
        columns=columns,
        rows=rows,
        common=common,
    )
    lines = render_page(page, None).splitlines()

    assert columns == ["name", "sync", "revision", "namespace"]
    assert rows == [["web", "Synced", "v1.2.0", None], ["api", "OutOfSync", None, "api"]]
    assert common == {"project": "shop", "health": "Healthy", "operation": None}
    assert lines[3] == "Every row: project shop · health Healthy · operation none"
    assert lines[4].split() == ["NAME", "SYNC", "REVISION", "NAMESPACE"]
    assert lines[5].split() == ["web", "Synced", "v1.2.0", "-"]
    assert lines[6].split() == ["api", "OutOfSync", "-", "api"]
    assert lines[-1] == "More rows follow: call again with offset=2."


def test_list_page_past_the_end():
    columns, rows, common = pack_columns([])
    page = ApplicationPage(
        total=54,
        offset=60,
        limit=10,
        returned=0,
        has_more=False,
        health_totals={"Healthy": 54},
        sync_totals={"Synced": 54},
        columns=columns,
        rows=rows,
        common=common,
    )

    assert columns == LIST_COLUMNS
    assert rows == []
    assert common == {}
    assert render_page(page, None).splitlines()[0] == "54 applications in total; none left at offset 60."
