"""Mapping of Argo CD error responses to exception types and messages."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from argonaut_mcp.argocd import (
    ArgoCDClient,
    ArgoCDError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    OperationInProgressError,
    PermissionDeniedError,
    ServerError,
    UnexpectedResponseError,
)
from argonaut_mcp.argocd.errors import error_for_status
from tests.argocd.helpers import TOKEN, argo_error, mock_client


@dataclass
class ErrorCase:
    id: str
    response: httpx.Response
    error_type: type[ArgoCDError]
    message: str
    grpc_code: int | None
    hint_fragment: str = ""
    call: str = "get"


CASES = [
    ErrorCase(
        "401 no session",
        argo_error(401, 16, "no session information"),
        AuthenticationError,
        "no session information",
        16,
        "argocd account generate-token",
    ),
    ErrorCase(
        "401 expired token",
        argo_error(401, 16, "invalid session: token has invalid claims: token is expired"),
        AuthenticationError,
        "invalid session: token has invalid claims: token is expired",
        16,
        "missing, expired or invalid",
    ),
    ErrorCase(
        "403 without project",
        argo_error(403, 7, "permission denied"),
        PermissionDeniedError,
        "permission denied",
        7,
        "not found or not permitted",
    ),
    ErrorCase(
        "403 with project",
        argo_error(403, 7, "permission denied: applications, get, team-a/web, sub: ci"),
        PermissionDeniedError,
        "permission denied: applications, get, team-a/web, sub: ci",
        7,
        "lacks permission",
        call="get_with_project",
    ),
    ErrorCase(
        "404 with project",
        argo_error(404, 5, 'applications.argoproj.io "web" not found'),
        NotFoundError,
        'applications.argoproj.io "web" not found',
        5,
        call="get_with_project",
    ),
    ErrorCase(
        "400 code 9 on sync",
        argo_error(400, 9, "another operation is already in progress"),
        OperationInProgressError,
        "another operation is already in progress",
        9,
        "terminate it",
        call="sync",
    ),
    ErrorCase(
        "400 code 3 on terminate",
        argo_error(400, 3, "Unable to terminate operation. No operation is in progress"),
        InvalidRequestError,
        "Unable to terminate operation. No operation is in progress",
        3,
        call="terminate",
    ),
    ErrorCase(
        "415 plain text",
        httpx.Response(415, text="Content-Type header must be application/json\n"),
        InvalidRequestError,
        "Content-Type header must be application/json",
        None,
        call="sync",
    ),
    ErrorCase(
        "409 conflict",
        argo_error(409, 10, "the object has been modified; please apply your changes to the latest version"),
        ConflictError,
        "the object has been modified; please apply your changes to the latest version",
        10,
    ),
    ErrorCase(
        "500 invalid selector",
        argo_error(500, 2, "error parsing labels: unable to parse requirement"),
        ServerError,
        "error parsing labels: unable to parse requirement",
        2,
    ),
    ErrorCase(
        "503 unavailable",
        argo_error(503, 14, "connection error: desc = transport is closing"),
        ServerError,
        "connection error: desc = transport is closing",
        14,
    ),
    ErrorCase(
        "404 html page",
        httpx.Response(404, html="<!DOCTYPE html><html><body>404 Not Found</body></html>"),
        UnexpectedResponseError,
        "Expected Argo CD's JSON API but got an HTML page (HTTP 404)",
        None,
        "path prefix",
    ),
]


async def call_for(case: ErrorCase, client: ArgoCDClient) -> None:
    if case.call == "get":
        await client.get_application("web")
    elif case.call == "get_with_project":
        await client.get_application("web", project="team-a")
    elif case.call == "sync":
        await client.sync_application("web")
    else:
        await client.terminate_operation("web")


@pytest.mark.anyio
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_error_mapping(case: ErrorCase) -> None:
    client, http = mock_client(lambda request: case.response)

    async with http:
        with pytest.raises(ArgoCDError) as caught:
            await call_for(case, client)

    error = caught.value
    assert type(error) is case.error_type
    assert error.message == case.message
    assert error.status == case.response.status_code
    assert error.grpc_code == case.grpc_code
    assert error.app == "web"
    assert error.instance == "prod"
    assert error.path is not None and error.path.startswith("/api/v1/applications/web")
    assert case.message in str(error)
    assert case.hint_fragment in str(error)


@pytest.mark.anyio
async def test_error_text_never_contains_token() -> None:
    echo = argo_error(401, 16, f"invalid session: token {TOKEN} is malformed")
    client, http = mock_client(lambda request: echo)

    async with http:
        with pytest.raises(AuthenticationError) as caught:
            await client.get_application("web")

    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value)
    assert TOKEN not in caught.value.message
    assert "***" in caught.value.message


@pytest.mark.anyio
async def test_html_page_on_success_status() -> None:
    client, http = mock_client(lambda request: httpx.Response(200, html="<html><body>Argo CD</body></html>"))

    async with http:
        with pytest.raises(UnexpectedResponseError) as caught:
            await client.list_applications()

    assert "path prefix" in str(caught.value)


@pytest.mark.anyio
async def test_redirect_names_location() -> None:
    redirect = httpx.Response(307, headers={"Location": "https://127.0.0.1:8443/api/v1/applications"})
    client, http = mock_client(lambda request: redirect, base_url="http://127.0.0.1:8443")

    async with http:
        with pytest.raises(UnexpectedResponseError) as caught:
            await client.list_applications()

    assert caught.value.status == 307
    assert "https://127.0.0.1:8443/api/v1/applications" in str(caught.value)


@pytest.mark.anyio
async def test_body_not_json() -> None:
    client, http = mock_client(lambda request: httpx.Response(200, text="hello"))

    async with http:
        with pytest.raises(UnexpectedResponseError) as caught:
            await client.get_application("web")

    assert "not JSON" in str(caught.value)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ([{"metadata": {"name": "web"}}], "JSON list where an object was expected"),
        ({"metadata": {"name": ["secret-value"]}}, "metadata.name"),
    ],
    ids=["json array", "wrong field type"],
)
async def test_unexpected_json_shape(body: object, fragment: str) -> None:
    client, http = mock_client(lambda request: httpx.Response(200, json=body))

    async with http:
        with pytest.raises(UnexpectedResponseError) as caught:
            await client.get_application("web")

    assert caught.value.app == "web"
    assert fragment in str(caught.value)
    assert "secret-value" not in str(caught.value)


def test_proxy_html_5xx_is_server_error() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    error = error_for_status(502, page, "text/html", app="web", instance="prod", path="/api/v1/applications/web")

    assert type(error) is ServerError
    assert error.status == 502
    assert "path prefix" not in str(error)
