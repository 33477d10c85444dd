"""Requests the client builds and responses it parses, over `httpx.MockTransport`."""

from __future__ import annotations

import json

import httpx
import pytest

from argonaut_mcp.argocd import SUMMARY_FIELDS, ArgoCDTimeoutError, InvalidRequestError, ServerError
from tests.argocd.helpers import TOKEN, argo_error, mock_client


class Recorder:
    """A mock handler that records requests and returns a fixed response."""

    def __init__(self, response: httpx.Response | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.response = response or httpx.Response(200, json={"metadata": {"name": "web", "resourceVersion": "12"}})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.response

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


@pytest.mark.anyio
async def test_path_prefix_is_kept() -> None:
    recorder = Recorder(httpx.Response(200, json={"items": []}))
    client, http = mock_client(recorder, base_url="https://127.0.0.1:8443/argocd")

    async with http:
        await client.list_applications()
        await client.get_application("web")
        await client.sync_application("web")
        await client.terminate_operation("web")

    paths = [request.url.path for request in recorder.requests]
    assert paths == [
        "/argocd/api/v1/applications",
        "/argocd/api/v1/applications/web",
        "/argocd/api/v1/applications/web/sync",
        "/argocd/api/v1/applications/web/operation",
    ]


@pytest.mark.anyio
async def test_content_type_exact_on_non_get() -> None:
    recorder = Recorder()
    client, http = mock_client(recorder)

    async with http:
        await client.get_application("web")
        await client.sync_application("web")
        await client.terminate_operation("web")

    get, sync, terminate = recorder.requests
    assert "content-type" not in get.headers
    assert sync.method == "POST"
    assert sync.headers["content-type"] == "application/json"
    assert terminate.method == "DELETE"
    assert terminate.headers["content-type"] == "application/json"


@pytest.mark.anyio
async def test_sync_body_uses_wire_shapes() -> None:
    recorder = Recorder()
    client, http = mock_client(recorder)

    async with http:
        app = await client.sync_application(
            "team-a/web",
            revision="v2",
            prune=True,
            strategy="hook",
            force=True,
            resources=["apps:Deployment:web", "apps:Deployment:other-ns/api", {"group": "", "kind": "Service", "name": "web"}],
            sync_options=["ServerSideApply=true", "PruneLast=true"],
            retry_strategy={"limit": 2, "backoff": {"duration": "5s", "factor": 2, "maxDuration": "1m"}},
            project="team-a",
        )

    body = json.loads(recorder.last.content)
    assert recorder.last.url.path == "/api/v1/applications/web/sync"
    assert body["name"] == "web"
    assert body["appNamespace"] == "team-a"
    assert body["project"] == "team-a"
    assert body["revision"] == "v2"
    assert body["prune"] is True
    assert body["dryRun"] is False
    assert body["strategy"] == {"hook": {"force": True}}
    assert body["syncOptions"] == {"items": ["ServerSideApply=true", "PruneLast=true"]}
    assert body["retryStrategy"] == {"limit": 2, "backoff": {"duration": "5s", "factor": 2, "maxDuration": "1m"}}
    assert body["resources"] == [
        {"group": "apps", "kind": "Deployment", "name": "web"},
        {"group": "apps", "kind": "Deployment", "name": "api", "namespace": "other-ns"},
        {"group": "", "kind": "Service", "name": "web"},
    ]
    assert app.metadata.resource_version == "12"


@pytest.mark.anyio
async def test_sync_minimal_body() -> None:
    recorder = Recorder()
    client, http = mock_client(recorder)

    async with http:
        await client.sync_application("web", dry_run=True)

    assert json.loads(recorder.last.content) == {"name": "web", "prune": False, "dryRun": True}


@pytest.mark.anyio
async def test_list_query_parameters() -> None:
    recorder = Recorder(httpx.Response(200, json={"metadata": {"resourceVersion": "55"}, "items": None}))
    client, http = mock_client(recorder)

    async with http:
        listed = await client.list_applications(
            projects=["team-a", "team-b"], selector="tier=web", repo="https://git.invalid/r.git", app_namespace="apps"
        )
        await client.list_applications(name="web", summary=True)

    first, second = recorder.requests
    assert first.url.params.get_list("projects") == ["team-a", "team-b"]
    assert first.url.params["selector"] == "tier=web"
    assert first.url.params["repo"] == "https://git.invalid/r.git"
    assert first.url.params["appNamespace"] == "apps"
    assert "fields" not in first.url.params
    assert second.url.params["name"] == "web"
    assert second.url.params["fields"].split(",") == list(SUMMARY_FIELDS)
    assert listed.items == []
    assert listed.resource_version == "55"


@pytest.mark.anyio
async def test_list_parses_items_ignoring_unknown_fields() -> None:
    items = [
        {"metadata": {"name": "a", "namespace": "argocd", "futureField": 1}, "status": {"health": {"status": "Healthy"}}},
        {"metadata": {"name": "b", "namespace": "team-a"}, "spec": {"project": "team-a"}},
    ]
    client, http = mock_client(lambda request: httpx.Response(200, json={"metadata": {}, "items": items}))

    async with http:
        listed = await client.list_applications()

    assert [app.qualified_name() for app in listed.items] == ["a", "team-a/b"]
    assert listed.items[0].status.health.status == "Healthy"
    assert listed.resource_version is None


@pytest.mark.anyio
async def test_get_application_parameters() -> None:
    recorder = Recorder()
    client, http = mock_client(recorder)

    async with http:
        await client.get_application("team-a/web", project="team-a", refresh="hard")

    params = recorder.last.url.params
    assert recorder.last.url.path == "/api/v1/applications/web"
    assert params["appNamespace"] == "team-a"
    assert params["project"] == "team-a"
    assert params["refresh"] == "hard"


@pytest.mark.anyio
@pytest.mark.parametrize("name", ["/web", "team-a/", "a/b/c"])
async def test_invalid_qualified_names(name: str) -> None:
    recorder = Recorder()
    client, http = mock_client(recorder)

    async with http:
        with pytest.raises(InvalidRequestError):
            await client.get_application(name)

    assert recorder.requests == []


@pytest.mark.anyio
async def test_conflicting_namespaces_rejected() -> None:
    client, http = mock_client(Recorder())

    async with http:
        with pytest.raises(InvalidRequestError, match="names namespace"):
            await client.sync_application("team-a/web", app_namespace="team-b")


@pytest.mark.anyio
async def test_invalid_refresh_rejected() -> None:
    client, http = mock_client(Recorder())

    async with http:
        with pytest.raises(InvalidRequestError, match="refresh"):
            await client.get_application("web", refresh="soft")  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_version_with_go_field_names() -> None:
    answer = httpx.Response(200, json={"Version": "v3.6.0+37ee009", "BuildDate": "2026-08-01T00:00:00Z", "Platform": "linux/amd64"})
    client, http = mock_client(lambda request: answer)

    async with http:
        version = await client.get_version()

    assert version.version == "v3.6.0+37ee009"
    assert version.build_date == "2026-08-01T00:00:00Z"
    assert version.platform == "linux/amd64"


@pytest.mark.anyio
async def test_user_info() -> None:
    answer = httpx.Response(200, json={"loggedIn": True, "username": "ci", "groups": ["platform"]})
    recorder = Recorder(answer)
    client, http = mock_client(recorder)

    async with http:
        user = await client.get_user_info()

    assert recorder.last.url.path == "/api/v1/session/userinfo"
    assert user.logged_in is True
    assert user.username == "ci"
    assert user.groups == ["platform"]


@pytest.mark.anyio
async def test_diagnosis_reads() -> None:
    answers = {
        "/api/v1/applications/web/resource-tree": {
            "nodes": [{"group": "apps", "kind": "Deployment", "name": "web", "health": {"status": "Degraded"}}],
            "orphanedNodes": None,
        },
        "/api/v1/applications/web/managed-resources": {
            "items": [{"kind": "Service", "name": "web", "targetState": "{}", "liveState": "{}", "modified": True}]
        },
        "/api/v1/applications/web/events": {
            "items": [{"reason": "BackOff", "message": "restarting", "type": "Warning", "involvedObject": {"kind": "Pod", "name": "web-1"}}]
        },
    }
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=answers[request.url.path])

    client, http = mock_client(answer)

    async with http:
        tree = await client.get_resource_tree("web")
        diffs = await client.get_managed_resources("web", project="p")
        events = await client.get_events("web", resource_name="web-1", resource_namespace="prod")

    assert tree.nodes[0].kind == "Deployment"
    assert tree.nodes[0].health is not None and tree.nodes[0].health.status == "Degraded"
    assert tree.orphaned_nodes == []
    assert diffs[0].modified is True
    assert requests[1].url.params["project"] == "p"
    assert events[0].reason == "BackOff"
    assert events[0].involved_object.name == "web-1"
    assert requests[2].url.params["resourceName"] == "web-1"
    assert requests[2].url.params["resourceNamespace"] == "prod"


@pytest.mark.anyio
async def test_logs_stream_parsed() -> None:
    lines = [
        {"result": {"content": "starting", "timeStamp": "2026-08-01T10:00:00Z", "podName": "web-1"}},
        {"result": {"content": "ready", "timeStamp": "2026-08-01T10:00:01Z", "podName": "web-1"}},
        {"result": {"content": "", "last": True}},
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\n"
    recorder = Recorder(httpx.Response(200, text=body, headers={"content-type": "application/json"}))
    client, http = mock_client(recorder)

    async with http:
        entries = await client.get_logs("web", tail_lines=20, container="app", since_seconds=300, kind="Deployment", resource_name="web")

    assert [entry.content for entry in entries] == ["starting", "ready"]
    assert entries[0].pod_name == "web-1"
    params = recorder.last.url.params
    assert recorder.last.url.path == "/api/v1/applications/web/logs"
    assert params["tailLines"] == "20"
    assert params["container"] == "app"
    assert params["sinceSeconds"] == "300"
    assert params["kind"] == "Deployment"
    assert params["resourceName"] == "web"
    assert params["follow"] == "false"


@pytest.mark.anyio
async def test_logs_error_envelope_raises() -> None:
    line = {"error": {"grpc_code": 3, "http_code": 400, "message": "max pods to view logs are reached", "http_status": "Bad Request"}}
    client, http = mock_client(lambda request: httpx.Response(200, text=json.dumps(line) + "\n"))

    async with http:
        with pytest.raises(InvalidRequestError) as caught:
            await client.get_logs("web")

    assert caught.value.message == "max pods to view logs are reached"
    assert caught.value.grpc_code == 3


@pytest.mark.anyio
async def test_logs_error_status_raises() -> None:
    client, http = mock_client(lambda request: argo_error(500, 13, "failed to get pods"))

    async with http:
        with pytest.raises(ServerError, match="failed to get pods"):
            await client.get_logs("web")


class TimeoutAfterFirstLine(httpx.AsyncByteStream):
    """A log stream that sends one line and then times out, as a stalled pod log does."""

    async def __aiter__(self):
        yield b'{"result": {"content": "starting", "podName": "web-1"}}\n'
        raise httpx.ReadTimeout("timed out reading the log stream")


@pytest.mark.anyio
async def test_logs_timeout_midstream_is_typed() -> None:
    client, http = mock_client(lambda request: httpx.Response(200, stream=TimeoutAfterFirstLine()))

    async with http:
        with pytest.raises(ArgoCDTimeoutError) as caught:
            await client.get_logs("web")

    assert caught.value.app == "web"
    assert TOKEN not in str(caught.value)
