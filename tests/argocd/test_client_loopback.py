"""The client against a real HTTP server on 127.0.0.1 (the imitation in `fake_argocd`)."""

from __future__ import annotations

import json

import anyio
import pytest
from pydantic import SecretStr

from argonaut_mcp.argocd import AuthenticationError, UnexpectedResponseError, open_client
from argonaut_mcp.config import InstanceConfig
from tests.argocd.fake_argocd import VALID_TOKEN, FakeArgoCD, serve_on_loopback


def instance(url: str, token: str = VALID_TOKEN) -> InstanceConfig:
    return InstanceConfig(name="loopback", url=url, token=SecretStr(token))


@pytest.mark.anyio
async def test_prefixed_server_round_trip() -> None:
    fake = FakeArgoCD(path_prefix="/argocd")
    fake.watch_lines = [json.dumps({"result": {"type": "ADDED", "application": {"metadata": {"name": "alpha", "resourceVersion": "5"}}}})]

    with anyio.fail_after(10):
        async with serve_on_loopback(fake.asgi_app()) as base_url, open_client(instance(f"{base_url}/argocd")) as client:
            listed = await client.list_applications(summary=True)
            synced = await client.sync_application("alpha", sync_options=["Validate=false"])
            await client.terminate_operation("alpha")
            events = [event async for event in client.watch_applications()]

    assert [app.name for app in listed.items] == ["alpha", "beta", "gamma"]
    assert synced.operation == {"sync": {"name": "alpha", "prune": False, "dryRun": False, "syncOptions": {"items": ["Validate=false"]}}}
    assert [event.application.name for event in events] == ["alpha"]
    paths = [request["path"] for request in fake.requests]
    assert paths == [
        "/argocd/api/v1/applications",
        "/argocd/api/v1/applications/alpha/sync",
        "/argocd/api/v1/applications/alpha/operation",
        "/argocd/api/v1/stream/applications",
    ]
    assert [request["content_type"] for request in fake.requests[1:3]] == ["application/json", "application/json"]


@pytest.mark.anyio
async def test_missing_prefix_gets_html_error() -> None:
    fake = FakeArgoCD(path_prefix="/argocd")

    with anyio.fail_after(10):
        async with serve_on_loopback(fake.asgi_app()) as base_url, open_client(instance(base_url)) as client:
            with pytest.raises(UnexpectedResponseError) as caught:
                await client.list_applications()

    assert "path prefix" in str(caught.value)
    assert fake.requests[0]["path"] == "/api/v1/applications"


@pytest.mark.anyio
async def test_bad_token_rejected() -> None:
    fake = FakeArgoCD()

    with anyio.fail_after(10):
        async with serve_on_loopback(fake.asgi_app()) as base_url, open_client(instance(base_url, "a.b.c")) as client:
            with pytest.raises(AuthenticationError) as caught:
                await client.list_applications()

    assert caught.value.message == "no session information"
    assert "a.b.c" not in str(caught.value)
