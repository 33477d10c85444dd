"""Diagnosis endpoints: resource tree, managed resources, events, logs, version, user info."""

from __future__ import annotations

import json

import httpx
import pytest

from .helpers import running

BROKEN = "mentor-web-elmstead"


def _log_entries(text: str) -> list[dict]:
    return [json.loads(line)["result"] for line in text.splitlines()]


@pytest.mark.anyio
async def test_resource_tree_nodes_are_flat_with_parents() -> None:
    async with running("healthy") as env:
        tree = (await env.client.get("/api/v1/applications/mentor-web-dunmore/resource-tree")).json()

    kinds = [node["kind"] for node in tree["nodes"]]
    deployment = next(node for node in tree["nodes"] if node["kind"] == "Deployment")
    replica_set = next(node for node in tree["nodes"] if node["kind"] == "ReplicaSet")
    pods = [node for node in tree["nodes"] if node["kind"] == "Pod"]
    assert deployment["name"] == "mentor-web-dunmore"
    assert deployment["group"] == "apps"
    assert replica_set["parentRefs"][0]["uid"] == deployment["uid"]
    assert len(pods) == 3
    assert all(pod["parentRefs"][0]["name"] == replica_set["name"] for pod in pods)
    assert {"Service", "Ingress", "ConfigMap"} <= set(kinds)


@pytest.mark.anyio
async def test_degraded_app_shows_crashing_pods_and_logs() -> None:
    async with running("one-broken") as env:
        await env.sync(BROKEN)
        await env.clock.advance(10)
        app = await env.get_app(BROKEN)
        tree = (await env.client.get(f"/api/v1/applications/{BROKEN}/resource-tree")).json()
        pod = next(node for node in tree["nodes"] if node["kind"] == "Pod")
        events = (await env.client.get(f"/api/v1/applications/{BROKEN}/events", params={"resourceName": pod["name"]})).json()
        logs = await env.client.get(f"/api/v1/applications/{BROKEN}/logs", params={"podName": pod["name"], "tailLines": "2"})
        app_events = (await env.client.get(f"/api/v1/applications/{BROKEN}/events")).json()

    assert app["status"]["health"] == {"status": "Degraded", "lastTransitionTime": "2026-08-03T09:00:03Z", "message": 'Deployment "mentor-web-elmstead" exceeded its progress deadline'}
    assert pod["health"]["status"] == "Degraded"
    assert {"name": "Status Reason", "value": "CrashLoopBackOff"} in pod["info"]
    assert events["items"][-1]["reason"] == "BackOff"
    entries = _log_entries(logs.text)
    assert [entry["content"] for entry in entries[:-1]] == ["error: required setting MENTOR_DATABASE_URL is not set", "panic: configuration invalid, exiting"]
    assert entries[-1]["last"] is True
    reasons = [event["reason"] for event in app_events["items"]]
    assert reasons[0] == "OperationStarted"
    assert "OperationCompleted" in reasons
    assert app_events["items"][-1]["message"] == "Updated health status: Progressing -> Degraded"


@pytest.mark.anyio
async def test_logs_filter_and_selection() -> None:
    async with running("healthy") as env:
        everything = _log_entries((await env.client.get("/api/v1/applications/guestbook/logs")).text)
        filtered = _log_entries((await env.client.get("/api/v1/applications/guestbook/logs", params={"filter": "LISTENING"})).text)
        by_deployment = _log_entries((await env.client.get("/api/v1/applications/guestbook/logs", params={"kind": "Deployment", "resourceName": "guestbook", "tailLines": "1"})).text)
        missing_pod = _log_entries((await env.client.get("/api/v1/applications/guestbook/logs", params={"podName": "nope"})).text)
        bad_tail = await env.client.get("/api/v1/applications/guestbook/logs", params={"tailLines": "x"})

    assert len({entry["podName"] for entry in everything[:-1]}) == 3
    assert [entry["content"] for entry in filtered[:-1]] == ["listening on :8080"] * 3
    assert len(by_deployment) == 4
    assert missing_pod == [{"content": "", "podName": "", "last": True}]
    assert bad_tail.status_code == 400


@pytest.mark.anyio
async def test_managed_resources_show_pending_change() -> None:
    async with running("healthy") as env:
        before = (await env.client.get("/api/v1/applications/mentor-web-dunmore/managed-resources")).json()["items"]
        await env.sync("mentor-web-dunmore")
        await env.clock.advance(10)
        after = (await env.client.get("/api/v1/applications/mentor-web-dunmore/managed-resources")).json()["items"]

    deployment_before = next(item for item in before if item["kind"] == "Deployment")
    deployment_after = next(item for item in after if item["kind"] == "Deployment")
    assert deployment_before["modified"] is True
    assert json.loads(deployment_before["liveState"]) != json.loads(deployment_before["targetState"])
    assert deployment_after["modified"] is False
    assert deployment_after["liveState"] == deployment_before["targetState"]


@pytest.mark.anyio
async def test_version_and_user_info() -> None:
    async with running("healthy") as env:
        version = (await env.client.get("/api/version")).json()
        user = (await env.client.get("/api/v1/session/userinfo")).json()
        async with httpx.AsyncClient(base_url=env.base_url) as anonymous:
            nobody = (await anonymous.get("/api/v1/session/userinfo")).json()

    assert version["Version"].startswith("v3.6.0")
    assert user == {"loggedIn": True, "username": "admin", "iss": "argocd"}
    assert nobody == {"loggedIn": False}


@pytest.mark.anyio
async def test_diagnostics_of_missing_app_is_403() -> None:
    async with running("healthy") as env:
        tree = await env.client.get("/api/v1/applications/no-such-app/resource-tree")
        logs = await env.client.get("/api/v1/applications/no-such-app/logs")

    assert tree.status_code == 403
    assert logs.status_code == 403
