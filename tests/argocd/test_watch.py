"""The application watch over a newline-delimited stream."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest

from argonaut_mcp.argocd import (
    ArgoCDConnectionError,
    AuthenticationError,
    PermissionDeniedError,
    ServerError,
    UnexpectedResponseError,
)
from tests.argocd.helpers import argo_error, mock_client


def event_line(event_type: str, name: str, resource_version: str, health: str = "Healthy") -> str:
    app = {"metadata": {"name": name, "resourceVersion": resource_version}, "status": {"health": {"status": health}}}
    return json.dumps({"result": {"type": event_type, "application": app}})


class LineStream(httpx.AsyncByteStream):
    """A response body that yields lines, then ends or fails as a dropped connection does."""

    def __init__(self, lines: list[str], *, drop: bool = False) -> None:
        self.lines = lines
        self.drop = drop
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for line in self.lines:
            yield (line + "\n").encode()
        if self.drop:
            raise httpx.ReadError("peer closed connection without sending complete message body")

    async def aclose(self) -> None:
        self.closed = True


class StreamServer:
    """A mock handler that returns the next prepared stream for each watch request."""

    def __init__(self, *streams: LineStream | httpx.Response) -> None:
        self.streams = list(streams)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.streams[len(self.requests) - 1]
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, stream=answer, headers={"content-type": "application/json"})


@pytest.mark.anyio
async def test_events_parsed_until_stream_ends() -> None:
    stream = LineStream(
        [
            event_line("ADDED", "web", "10"),
            "",
            event_line("MODIFIED", "web", "12", health="Progressing"),
            event_line("DELETED", "api", "11"),
        ]
    )
    server = StreamServer(stream)
    client, http = mock_client(server)

    async with http:
        watch = client.watch_applications()
        with anyio.fail_after(5):
            events = [event async for event in watch]

    assert [(event.type, event.application.name) for event in events] == [("ADDED", "web"), ("MODIFIED", "web"), ("DELETED", "api")]
    assert events[1].application.status.health.status == "Progressing"
    assert watch.resource_version == "12"
    assert stream.closed
    assert server.requests[0].url.path == "/api/v1/stream/applications"
    assert "resourceVersion" not in server.requests[0].url.params


@pytest.mark.anyio
async def test_watch_filters_sent() -> None:
    server = StreamServer(LineStream([]))
    client, http = mock_client(server)

    async with http:
        async with client.watch_applications(
            name="team-a/web", projects=["team-a", "team-b"], selector="tier=web", resource_version="40"
        ) as watch:
            with anyio.fail_after(5):
                assert [event async for event in watch] == []

    params = server.requests[0].url.params
    assert params["name"] == "web"
    assert params["appNamespace"] == "team-a"
    assert params.get_list("projects") == ["team-a", "team-b"]
    assert params["selector"] == "tier=web"
    assert params["resourceVersion"] == "40"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("envelope", "error_type"),
    [
        ({"grpc_code": 7, "http_code": 403, "message": "permission denied", "http_status": "Forbidden"}, PermissionDeniedError),
        ({"grpc_code": 16, "http_code": 401, "message": "invalid session", "http_status": "Unauthorized"}, AuthenticationError),
        ({"grpc_code": 13, "http_code": 500, "message": "watch failed", "http_status": "Internal Server Error"}, ServerError),
    ],
)
async def test_error_envelope_raises(envelope: dict[str, object], error_type: type[Exception]) -> None:
    stream = LineStream([event_line("ADDED", "web", "10"), json.dumps({"error": envelope})])
    client, http = mock_client(StreamServer(stream))

    async with http:
        watch = client.watch_applications()
        with anyio.fail_after(5):
            first = await anext(watch)
            with pytest.raises(error_type) as caught:
                await anext(watch)
        await watch.aclose()

    assert first.application.name == "web"
    assert type(caught.value) is error_type
    assert caught.value.message == envelope["message"]
    assert caught.value.grpc_code == envelope["grpc_code"]
    assert stream.closed


@pytest.mark.anyio
async def test_error_status_before_stream() -> None:
    client, http = mock_client(StreamServer(argo_error(401, 16, "no session information")))

    async with http:
        watch = client.watch_applications()
        with anyio.fail_after(5), pytest.raises(AuthenticationError):
            await anext(watch)


@pytest.mark.anyio
async def test_resume_after_dropped_stream() -> None:
    first = LineStream([event_line("ADDED", "web", "10"), event_line("MODIFIED", "web", "15")], drop=True)
    second = LineStream([event_line("MODIFIED", "web", "16")])
    server = StreamServer(first, second)
    client, http = mock_client(server)
    seen = []

    async with http:
        watch = client.watch_applications(selector="tier=web")
        with anyio.fail_after(5):
            with pytest.raises(ArgoCDConnectionError):
                async for event in watch:
                    seen.append(event.application.resource_version_number)
            resumed = watch.resume()
            seen.extend([event.application.resource_version_number async for event in resumed])

    assert seen == [10, 15, 16]
    assert "resourceVersion" not in server.requests[0].url.params
    assert server.requests[1].url.params["resourceVersion"] == "15"
    assert server.requests[1].url.params["selector"] == "tier=web"
    assert resumed.resource_version == "16"
    assert first.closed


@pytest.mark.anyio
async def test_resource_version_never_goes_back() -> None:
    stream = LineStream([event_line("MODIFIED", "a", "30"), event_line("MODIFIED", "b", "29")])
    client, http = mock_client(StreamServer(stream))

    async with http:
        watch = client.watch_applications()
        with anyio.fail_after(5):
            events = [event async for event in watch]

    assert len(events) == 2
    assert watch.resource_version == "30"


@pytest.mark.anyio
async def test_server_sent_event_framing_tolerated() -> None:
    stream = LineStream([": keepalive", "data: " + event_line("ADDED", "web", "3")])
    client, http = mock_client(StreamServer(stream))

    async with http:
        with anyio.fail_after(5):
            events = [event async for event in client.watch_applications()]

    assert [event.application.name for event in events] == ["web"]


@pytest.mark.anyio
async def test_malformed_line_raises() -> None:
    client, http = mock_client(StreamServer(LineStream(["{not json"])))

    async with http:
        watch = client.watch_applications()
        with anyio.fail_after(5), pytest.raises(UnexpectedResponseError, match="not JSON"):
            await anext(watch)
        await watch.aclose()


@pytest.mark.anyio
async def test_aclose_ends_iteration() -> None:
    stream = LineStream([event_line("ADDED", "a", "1"), event_line("ADDED", "b", "2")])
    client, http = mock_client(StreamServer(stream))

    async with http:
        watch = client.watch_applications()
        with anyio.fail_after(5):
            await anext(watch)
            await watch.aclose()
            remaining = [event async for event in watch]

    assert remaining == []
    assert stream.closed
