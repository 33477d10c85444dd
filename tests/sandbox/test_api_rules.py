"""Wire rules: auth, Content-Type, error bodies, path prefix, list filters and `fields`."""

from __future__ import annotations

import json

import httpx
import pytest

from argonaut_mcp.sandbox import Faults, Sandbox

from .helpers import running

APPS = "/api/v1/applications"


@pytest.mark.anyio
async def test_missing_app_is_403_permission_denied() -> None:
    async with running("healthy") as env:
        response = await env.client.get(f"{APPS}/no-such-app")
        sync = await env.sync("no-such-app")

    denied = {"error": "permission denied", "code": 7, "message": "permission denied"}
    assert response.status_code == 403
    assert response.json() == denied
    assert sync.status_code == 403
    assert sync.json() == denied


@pytest.mark.anyio
async def test_missing_app_with_project_is_404() -> None:
    async with running("healthy") as env:
        missing = await env.client.get(f"{APPS}/no-such-app", params={"project": "mentor"})
        other_project = await env.client.get(f"{APPS}/guestbook", params={"project": "mentor"})

    assert missing.status_code == 404
    assert missing.json()["error"] == 'applications.argoproj.io "no-such-app" not found'
    assert missing.json()["code"] == 5
    assert other_project.status_code == 403


@pytest.mark.anyio
@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json; charset=utf-8"])
async def test_wrong_content_type_is_415(content_type: str | None) -> None:
    async with running("healthy") as env:
        headers = {"Content-Type": content_type} if content_type else {}
        response = await env.client.post(f"{APPS}/guestbook/sync", content=b"{}", headers=headers)
        delete = await env.client.delete(f"{APPS}/guestbook/operation", headers=headers)

    assert response.status_code == 415
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "Invalid content type\n"
    assert delete.status_code == 415


@pytest.mark.anyio
async def test_content_type_check_precedes_auth() -> None:
    async with running("healthy") as env:
        response = await env.client.post(f"{APPS}/guestbook/sync", content=b"{}", headers={"Authorization": "", "Content-Type": "text/plain"})

    assert response.status_code == 415


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "no session information"),
        ("Bearer not-a-jwt", "no session information"),
        ("Bearer aaa.bbb.ccc", "invalid session: token signature is invalid"),
    ],
)
async def test_missing_or_bad_token_is_401(authorization: str | None, message: str) -> None:
    async with running("healthy") as env:
        headers = {"Authorization": authorization or ""}
        response = await env.client.get(APPS, headers=headers)

    assert response.status_code == 401
    assert response.json() == {"error": message, "code": 16, "message": message}


@pytest.mark.anyio
async def test_token_cookie_is_accepted() -> None:
    async with running("healthy") as env:
        response = await env.client.get(APPS, headers={"Authorization": "", "Cookie": f"argocd.token={env.sandbox.token}"})

    assert response.status_code == 200


@pytest.mark.anyio
async def test_token_expires_after_ttl() -> None:
    async with running("healthy", faults=Faults(token_ttl=60)) as env:
        before = await env.client.get(APPS)
        await env.clock.advance(60)
        after = await env.client.get(APPS)

    assert before.status_code == 200
    assert after.status_code == 401
    assert after.json()["error"] == "invalid session: token has invalid claims: token is expired"


@pytest.mark.anyio
async def test_session_login_issues_working_token() -> None:
    async with running("healthy") as env:
        bare = httpx.AsyncClient(base_url=env.base_url)
        async with bare:
            wrong = await bare.post("/api/v1/session", json={"username": "admin", "password": "nope"})
            login = await bare.post("/api/v1/session", json={"username": "admin", "password": "password"})
            token = login.json()["token"]
            listed = await bare.get(APPS, headers={"Authorization": f"Bearer {token}"})

    assert wrong.status_code == 401
    assert login.status_code == 200
    assert token.count(".") == 2
    assert listed.status_code == 200


def test_fixed_token_must_be_jwt_shaped() -> None:
    with pytest.raises(ValueError, match="JWT-shaped"):
        Sandbox("healthy", token="plain-secret")


@pytest.mark.anyio
async def test_fixed_token_is_accepted() -> None:
    token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.c2FuZGJveA"
    async with running("healthy", token=token) as env:
        response = await env.client.get(APPS)

    assert env.sandbox.token == token
    assert response.status_code == 200


@pytest.mark.anyio
async def test_path_prefix_serves_api_and_ui_elsewhere() -> None:
    async with running("healthy", path_prefix="/argocd/") as env:
        inside = await env.client.get(APPS)
        root = httpx.AsyncClient(base_url=env.base_url.removesuffix("/argocd"), headers={"Authorization": f"Bearer {env.sandbox.token}"})
        async with root:
            outside = await root.get(APPS)
            stats = await root.get("/_sandbox/stats")
        prefixed_stats = await env.client.get("/_sandbox/stats")

    assert env.base_url.endswith("/argocd")
    assert inside.status_code == 200
    assert outside.status_code == 200
    assert outside.headers["content-type"].startswith("text/html")
    assert "<title>Argo CD</title>" in outside.text
    assert stats.status_code == 200
    assert prefixed_stats.status_code == 200


@pytest.mark.anyio
async def test_unknown_api_path_is_404_json() -> None:
    async with running("healthy") as env:
        response = await env.client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json()["code"] == 5


@pytest.mark.anyio
async def test_list_filters() -> None:
    async with running("default") as env:
        async def names(**params: object) -> list[str]:
            response = await env.client.get(APPS, params=params)
            assert response.status_code == 200, response.text
            return [item["metadata"]["name"] for item in response.json()["items"]]

        by_name = await names(name="ledger")
        by_projects = await names(projects=["payments", "default"])
        by_alias = await names(project="payments")
        by_selector = await names(selector="tier=web,client in (ashgrove,dunmore)")
        by_negation = await names(selector="team=mentor,tier!=web")
        by_namespace = await names(appNamespace="team-data")
        by_repo = await names(repo="https://git.example.com/data/data-apps.git")
        everything = await names()

    assert by_name == ["ledger"]
    assert by_projects == ["docs-site", "fraud-scoring", "guestbook", "ledger", "payments-api", "payments-worker", "status-page"]
    assert by_alias == ["fraud-scoring", "ledger", "payments-api", "payments-worker"]
    assert by_selector == ["mentor-web-ashgrove", "mentor-web-dunmore"]
    assert by_negation == ["mentor-api", "mentor-worker"]
    assert by_namespace == ["airflow", "clickhouse", "kafka-connect", "superset"]
    assert by_repo == by_namespace
    assert everything == sorted(everything)
    assert len(everything) == 54


@pytest.mark.anyio
async def test_invalid_selector_is_500() -> None:
    async with running("healthy") as env:
        response = await env.client.get(APPS, params={"selector": "tier in web"})

    assert response.status_code == 500
    assert response.json()["code"] == 2


@pytest.mark.anyio
async def test_fields_trim_items() -> None:
    fields = "items.metadata.name,items.status.health,items.status.operationState.phase,items.status.reconciledAt,items.bogus"
    async with running("healthy") as env:
        response = await env.client.get(APPS, params={"fields": fields, "name": "guestbook"})

    body = response.json()
    assert body["metadata"]["resourceVersion"].isdigit()
    item = body["items"][0]
    assert set(item) == {"metadata", "status"}
    assert item["metadata"] == {"name": "guestbook"}
    assert set(item["status"]) == {"health", "operationState"}
    assert item["status"]["operationState"] == {"phase": "Succeeded"}


@pytest.mark.anyio
async def test_app_in_other_namespace_needs_app_namespace() -> None:
    async with running("default") as env:
        plain = await env.client.get(f"{APPS}/airflow")
        qualified = await env.client.get(f"{APPS}/airflow", params={"appNamespace": "team-data"})
        synced = await env.client.post(f"{APPS}/airflow/sync", json={"appNamespace": "team-data"})

    assert plain.status_code == 403
    assert qualified.status_code == 200
    assert qualified.json()["metadata"]["namespace"] == "team-data"
    assert synced.status_code == 200


@pytest.mark.anyio
async def test_sync_body_fields_reach_operation() -> None:
    body = {
        "revision": "v2.4.1",
        "prune": True,
        "strategy": {"hook": {"force": True}},
        "syncOptions": {"items": ["ServerSideApply=true"]},
        "retryStrategy": {"limit": 3, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "5m"}},
        "resources": [{"group": "apps", "kind": "Deployment", "name": "guestbook", "namespace": "guestbook"}],
        "infos": [{"name": "reason", "value": "rollout"}],
        "unknownField": "ignored",
    }
    async with running("healthy") as env:
        response = await env.sync("guestbook", body)

    operation = response.json()["operation"]
    assert response.status_code == 200
    assert operation["sync"]["revision"] == "v2.4.1"
    assert operation["sync"]["prune"] is True
    assert operation["sync"]["syncStrategy"] == {"hook": {"force": True}}
    assert operation["sync"]["syncOptions"] == ["ServerSideApply=true"]
    assert operation["sync"]["resources"][0]["kind"] == "Deployment"
    assert operation["retry"]["limit"] == 3
    assert operation["info"] == [{"name": "reason", "value": "rollout"}]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "body",
    [b'{"syncOptions": ["Validate=false"]}', b'{"prune": "yes"}', b"{not json", b"[]"],
)
async def test_malformed_sync_body_is_400(body: bytes) -> None:
    async with running("healthy") as env:
        response = await env.client.post(f"{APPS}/guestbook/sync", content=body, headers={"Content-Type": "application/json"})
        app = await env.get_app("guestbook")

    assert response.status_code == 400
    assert response.json()["code"] == 3
    assert "operation" not in app


@pytest.mark.anyio
async def test_dry_run_changes_no_status() -> None:
    async with running("default") as env:
        before = await env.get_app("mentor-web-dunmore")
        await env.sync("mentor-web-dunmore", {"dryRun": True})
        await env.clock.advance(5)
        after = await env.get_app("mentor-web-dunmore")

    assert after["status"]["operationState"]["operation"]["sync"]["dryRun"] is True
    assert after["status"]["operationState"]["phase"] == "Succeeded"
    assert after["status"]["sync"] == before["status"]["sync"]
    assert after["status"]["history"] == before["status"]["history"]


@pytest.mark.anyio
async def test_stats_endpoint_needs_no_token() -> None:
    async with running("healthy") as env:
        await env.client.get(APPS)
        await env.client.get(f"{APPS}/guestbook")
        bare = httpx.AsyncClient(base_url=env.base_url)
        async with bare:
            response = await bare.get("/_sandbox/stats")

    stats = response.json()
    assert response.status_code == 200
    assert stats["routes"]["GET /api/v1/applications"] == 1
    assert stats["routes"]["GET /api/v1/applications/{name}"] == 1
    assert stats["now"] == 0.0
    assert json.loads(json.dumps(env.sandbox.stats()))["routes"] == stats["routes"]
