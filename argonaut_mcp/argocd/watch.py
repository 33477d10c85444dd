"""The application watch: one `GET /api/v1/stream/applications` read as async events.

Argo CD 3.6 sends one JSON object per line, `{"result": {"type": ..., "application": ...}}`,
with no keepalive, and reports a failure inside the stream as a line
`{"error": {"grpc_code", "http_code", "message"}}`. Without `resourceVersion` (or with a
`name`) it first sends ADDED for every matching app. Slow readers lose events, so a caller
should also re-read state now and then.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import Any

import httpx

from argonaut_mcp.argocd.errors import UnexpectedResponseError, error_for_stream_envelope, error_for_transport
from argonaut_mcp.argocd.models import WatchEvent
from argonaut_mcp.argocd.requester import ParamValue, Requester, parse_model

logger = logging.getLogger("argonaut_mcp.argocd")

WATCH_PATH = "/api/v1/stream/applications"


class ApplicationWatch:
    """An async iterator of `WatchEvent` over one HTTP stream.

    The stream opens on the first `__anext__`. Iteration ends when the server closes the
    stream. An error line raises the matching `ArgoCDError`, and a dropped connection
    raises `ArgoCDConnectionError`. `resource_version` is the highest resourceVersion seen
    so far, or the one the watch started from. `resume()` returns a new watch with the
    same filters that starts from it.
    """

    def __init__(
        self,
        requester: Requester,
        params: Mapping[str, ParamValue],
        *,
        resource_version: str | None = None,
    ) -> None:
        self.requester = requester
        self.params = dict(params)
        self.resource_version = resource_version
        self.response: httpx.Response | None = None
        self.lines: AsyncIterator[str] | None = None
        self.closed = False

    def __aiter__(self) -> ApplicationWatch:
        return self

    async def __anext__(self) -> WatchEvent:
        if self.closed:
            raise StopAsyncIteration
        if self.lines is None:
            await self.open()

        while True:
            line = await self.next_line()
            event = self.parse_line(line)
            if event is not None:
                self.remember_version(event)
                return event

    async def open(self) -> None:
        params = {**self.params, "resourceVersion": self.resource_version}
        self.response = await self.requester.open_stream(WATCH_PATH, params=params, app=self.params.get("name"))
        self.lines = self.response.aiter_lines()

    async def next_line(self) -> str:
        assert self.lines is not None and self.response is not None
        try:
            return await anext(self.lines)
        except StopAsyncIteration:
            logger.debug("Application watch on instance %s ended by the server", self.requester.instance)
            await self.aclose()
            raise
        except httpx.TransportError as exc:
            request = self.response.request
            await self.aclose()
            where = {"instance": self.requester.instance, "path": request.url.path, "method": "GET"}
            raise self.requester.scrubbed(error_for_transport(exc, **where)) from exc

    def parse_line(self, line: str) -> WatchEvent | None:
        """Parse one stream line, or return None for a blank line or a server-sent-event comment."""
        text = line.strip()
        if not text or text.startswith(":"):
            return None
        text = text.removeprefix("data:").strip()

        path = self.response.request.url.path if self.response is not None else WATCH_PATH
        where = {"instance": self.requester.instance, "path": path, "method": "GET"}
        try:
            data: Any = json.loads(text)
        except ValueError as exc:
            message = f"Argo CD sent a watch line that is not JSON: {text[:200]!r}"
            raise self.requester.scrubbed(UnexpectedResponseError(message, **where)) from exc

        if isinstance(data, dict) and "error" in data:
            error = error_for_stream_envelope(data["error"], app=self.params.get("name"), **where)
            raise self.requester.scrubbed(error)
        result = data.get("result") if isinstance(data, dict) else None
        if not isinstance(result, dict):
            logger.debug("Ignoring a watch line without a result on instance %s", self.requester.instance)
            return None
        return parse_model(WatchEvent, result, **where)

    def remember_version(self, event: WatchEvent) -> None:
        seen = event.application.metadata.resource_version
        if seen is None:
            return
        if self.resource_version is None or version_number(seen) >= version_number(self.resource_version):
            self.resource_version = seen

    def resume(self) -> ApplicationWatch:
        """Return a new, unopened watch with the same filters, from `resource_version`."""
        return ApplicationWatch(self.requester, self.params, resource_version=self.resource_version)

    async def aclose(self) -> None:
        """Close the stream. Calling it more than once is safe."""
        self.closed = True
        if self.response is not None:
            await self.response.aclose()

    async def __aenter__(self) -> ApplicationWatch:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


def version_number(resource_version: str) -> int:
    """Read a Kubernetes resourceVersion as a number, as Argo CD's watch compares them, or -1."""
    try:
        return int(resource_version)
    except ValueError:
        return -1
