"""Contract: every JSON response validates against Argo CD's swagger definitions (reduced copy).

The reduced copy in tests/data comes from scripts/reduce_swagger.py, which also applies the
two places where Argo CD's wire JSON differs from its swagger (flattened embedded structs).
"""

from __future__ import annotations

import json

import anyio
import pytest

from argonaut_mcp.sandbox.fleets import TRAP_APPS

from .helpers import TIMEOUT, WatchRecorder, running
from .swagger import definition_errors, load_reduced_swagger, response_errors

LIST = "GET /api/v1/applications"
GET = "GET /api/v1/applications/{name}"
SYNC = "POST /api/v1/applications/{name}/sync"
TERMINATE = "DELETE /api/v1/applications/{name}/operation"


def test_validator_rejects_unknown_property() -> None:
    errors = definition_errors("v1alpha1SyncStatus", {"status": "Synced", "phase": "Running"})

    assert errors == ["$.phase: not a property of this type"]


def test_validator_rejects_wrong_types_and_null() -> None:
    errors = definition_errors("v1alpha1OperationState", {"phase": 1, "retryCount": "2", "startedAt": "2026-08-03T09:00:00.123Z", "message": None})

    assert len(errors) == 4
    assert any("phase" in error and "string" in error for error in errors)
    assert any("retryCount" in error and "integer" in error for error in errors)
    assert any("startedAt" in error and "second precision" in error for error in errors)
    assert any("message" in error and "null" in error for error in errors)


def test_reduced_swagger_has_wire_corrections() -> None:
    definitions = load_reduced_swagger()["definitions"]

    assert definition_errors("v1alpha1SyncStrategy", {"hook": {"force": True}}) == []
    assert definition_errors("v1alpha1SyncStrategy", {"hook": {"syncStrategyApply": {"force": True}}}) != []
    assert {"group", "kind", "name", "namespace", "uid"} <= set(definitions["v1alpha1ResourceNode"]["properties"])
    assert "description" not in json.dumps(definitions)


def _all_errors_of(definition: str, bodies: list[object]) -> list[str]:
    errors = []
    for body in bodies:
        errors.extend(definition_errors(definition, body))
    return errors


def _all_errors(route: str, bodies: list[object]) -> list[str]:
    errors = []
    for body in bodies:
        errors.extend(response_errors(route, body))
    return errors


@pytest.mark.anyio
async def test_list_get_sync_terminate_validate_in_every_state() -> None:
    """Walk the traps fleet through its scripts; every response at every step validates."""
    lists, gets, syncs, terminates, errors = [], [], [], [], []
    async with running("traps") as env:
        lists.append((await env.client.get("/api/v1/applications")).json())
        for name in TRAP_APPS.values():
            answer = await env.sync(name, {"prune": True, "strategy": {"hook": {"force": True}}, "syncOptions": {"items": ["ApplyOutOfSyncOnly=true"]}})
            (syncs if answer.status_code == 200 else errors).append(answer.json())
        terminate = await env.client.delete("/api/v1/applications/mentor-web-emberly/operation", headers={"Content-Type": "application/json"})
        errors.append(terminate.json())
        await env.sync("mentor-web-emberly")

        for step in range(12):
            await env.clock.advance(0.5)
            lists.append((await env.client.get("/api/v1/applications")).json())
            for name in list(TRAP_APPS.values()) + ["mentor-web-emberly"]:
                answer = await env.client.get(f"/api/v1/applications/{name}")
                (gets if answer.status_code == 200 else errors).append(answer.json())
            if not terminates and gets[-1]["status"].get("operationState", {}).get("phase") == "Running":
                terminate = await env.client.delete("/api/v1/applications/mentor-web-emberly/operation", headers={"Content-Type": "application/json"})
                terminates.append(terminate.json())
                gets.append((await env.client.get("/api/v1/applications/mentor-web-emberly")).json())
        errors.append((await env.client.get("/api/v1/applications", headers={"Authorization": ""})).json())

    assert _all_errors(LIST, lists) == []
    assert _all_errors(GET, gets) == []
    assert _all_errors(SYNC, syncs) == []
    assert terminates == [{}]
    assert _all_errors(TERMINATE, terminates) == []
    assert {error["code"] for error in errors} == {3, 7, 9, 16}
    assert _all_errors_of("runtimeError", errors) == []
    phases = {(app["status"].get("operationState") or {}).get("phase") for app in gets}
    assert {"Running", "Terminating", "Failed", "Error", "Succeeded", None} <= phases


@pytest.mark.anyio
async def test_trimmed_list_validates() -> None:
    fields = "items.metadata.name,items.metadata.labels,items.spec.project,items.status.sync.status,items.status.health,items.status.operationState.phase,items.operation.sync"
    async with running("default") as env:
        await env.sync("mentor-web-ashgrove")
        body = (await env.client.get("/api/v1/applications", params={"fields": fields})).json()

    assert response_errors(LIST, body) == []


@pytest.mark.anyio
async def test_watch_lines_validate() -> None:
    recorder = WatchRecorder()
    async with running("traps") as env:
        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as group:
                group.start_soon(recorder.read, env.client, {"projects": "mentor"})
                await env.clock.advance(0)
                await env.sync(TRAP_APPS["retry-trap"])
                await env.sync(TRAP_APPS["deleted-during-rollout"])
                await env.clock.advance(8)
                env.sandbox.break_watch(error=True)

    assert len(recorder.lines) > 40
    assert _all_errors("GET /api/v1/stream/applications", recorder.lines) == []
    assert "error" in recorder.lines[-1]


@pytest.mark.anyio
async def test_diagnostic_answers_validate() -> None:
    name = "mentor-web-elmstead"
    async with running("one-broken") as env:
        await env.sync(name)
        await env.clock.advance(10)
        client = env.client
        tree = (await client.get(f"/api/v1/applications/{name}/resource-tree")).json()
        managed = (await client.get(f"/api/v1/applications/{name}/managed-resources")).json()
        events = (await client.get(f"/api/v1/applications/{name}/events")).json()
        pod = next(node["name"] for node in tree["nodes"] if node["kind"] == "Pod")
        pod_events = (await client.get(f"/api/v1/applications/{name}/events", params={"resourceName": pod, "resourceNamespace": "mentor-elmstead"})).json()
        logs = (await client.get(f"/api/v1/applications/{name}/logs", params={"tailLines": "5"})).text
        version = (await client.get("/api/version")).json()
        user = (await client.get("/api/v1/session/userinfo")).json()
        session = (await client.post("/api/v1/session", json={"username": "admin", "password": "password"})).json()

    assert response_errors("GET /api/v1/applications/{applicationName}/resource-tree", tree) == []
    assert response_errors("GET /api/v1/applications/{applicationName}/managed-resources", managed) == []
    assert response_errors("GET /api/v1/applications/{name}/events", events) == []
    assert response_errors("GET /api/v1/applications/{name}/events", pod_events) == []
    log_lines = [json.loads(line) for line in logs.splitlines()]
    assert _all_errors("GET /api/v1/applications/{name}/logs", log_lines) == []
    assert response_errors("GET /api/version", version) == []
    assert response_errors("GET /api/v1/session/userinfo", user) == []
    assert response_errors("POST /api/v1/session", session) == []
