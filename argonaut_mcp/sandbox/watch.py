"""The application watch stream, `GET /api/v1/stream/applications`.

As Argo CD 3.6 sends it: newline-delimited JSON, one `{"result": {"type", "application"}}`
per event and no keepalive. With `Accept: text/event-stream` it sends server-sent events
(`data: {...}`) and a `:` comment every `keepaliveSeconds`. Without `resourceVersion`, or
with `name`, the stream starts with ADDED for every matching app. Events of apps whose
resourceVersion is below the requested one are dropped, and so is an app sent again
unchanged. A stream ends when the sandbox breaks it or after `watchDropEvery` seconds.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from .applications import app_filter, projects_param
from .clock import Timer
from .errors import ApiError
from .fields import app_paths, parse_fields, trim
from .store import Change, StreamControl, Subscription, app_key

if TYPE_CHECKING:
    from .sandbox import Sandbox

KEEPALIVE = b":\n\n"


class WatchEndpoint:
    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    async def __call__(self, request: Request) -> Response:
        query = request.query_params
        min_version = _min_version(query.get("resourceVersion"))
        matches = app_filter(
            name=query.get("name"),
            projects=projects_param(request),
            selector=query.get("selector"),
            app_namespace=query.get("appNamespace"),
            min_version=min_version,
        )
        store = self._sandbox.store
        subscription = store.subscribe(matches)
        initial: list[Change] = []
        if not query.get("resourceVersion") or query.get("name"):
            initial = [Change("ADDED", app_key(app), app) for app in store.apps() if matches(app)]

        sse = "text/event-stream" in request.headers.get("accept", "")
        stream = _WatchStream(self._sandbox, subscription, initial, parse_fields(query.getlist("fields")), sse)
        media_type = "text/event-stream" if sse else "application/json"
        return StreamingResponse(stream.body(), media_type=media_type, headers={"Cache-Control": "no-cache"})


def _min_version(raw: str | None) -> int:
    if not raw:
        return 0
    try:
        return int(raw)
    except ValueError as exc:
        raise ApiError(3, f"invalid resource version {raw!r}") from exc


class _WatchStream:
    def __init__(self, sandbox: Sandbox, subscription: Subscription, initial: list[Change], fields: list[str], sse: bool) -> None:
        self._sandbox = sandbox
        self._subscription = subscription
        self._initial = initial
        self._fields = fields
        self._sse = sse
        self._timers: list[Timer] = []

    async def body(self) -> AsyncIterator[bytes]:
        try:
            for change in self._initial:
                if not self._subscription.is_duplicate(change):
                    yield self._encode(self._envelope(change))
            self._start_timers()
            async for chunk in self._live():
                yield chunk
        finally:
            for timer in self._timers:
                timer.cancel()
            self._sandbox.store.unsubscribe(self._subscription)

    async def _live(self) -> AsyncIterator[bytes]:
        while True:
            item = await self._subscription.next()
            if isinstance(item, StreamControl):
                if item.kind == "keepalive":
                    self._schedule_keepalive()
                    yield KEEPALIVE
                    continue
                if item.error is not None:
                    yield self._encode(item.error)
                self._sandbox.recorder.dropped_watches += 1
                return
            if not self._subscription.is_duplicate(item):
                yield self._encode(self._envelope(item))

    def _start_timers(self) -> None:
        clock = self._sandbox.clock
        drop_every = self._sandbox.faults.watch_drop_every
        if drop_every:
            self._timers.append(clock.call_later(drop_every, lambda: self._subscription.push(StreamControl("end"))))
        if self._sse:
            self._schedule_keepalive()

    def _schedule_keepalive(self) -> None:
        interval = self._sandbox.faults.keepalive_seconds
        self._timers = [timer for timer in self._timers if not timer.cancelled]
        if interval > 0:
            self._timers.append(self._sandbox.clock.call_later(interval, lambda: self._subscription.push(StreamControl("keepalive"))))

    def _envelope(self, change: Change) -> dict[str, Any]:
        result: dict[str, Any] = {"type": change.type, "application": change.application}
        if self._fields:
            paths = app_paths(self._fields, "result.application.")
            trimmed: dict[str, Any] = {"application": trim(change.application, paths)}
            if "result.type" in self._fields:
                trimmed = {"type": change.type, **trimmed}
            result = trimmed
        return {"result": result}

    def _encode(self, payload: dict[str, Any]) -> bytes:
        text = json.dumps(payload, separators=(",", ":"))
        if self._sse:
            return f"data: {text}\n\n".encode()
        return (text + "\n").encode()
