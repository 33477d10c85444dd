"""HTTP plumbing shared by the sandbox's endpoints: JSON responses, the request guard, lookups.

The guard applies Argo CD's rules in the order its server does: the Content-Type check of
the HTTP middleware (415, plain text), then injected faults, then the bearer token (401).
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from .errors import ApiError, not_found, permission_denied
from .store import App, AppKey

if TYPE_CHECKING:
    from .sandbox import Sandbox

logger = logging.getLogger(__name__)

Handler = Callable[[Request], Awaitable[Response]]

CONTROL_PLANE_NAMESPACE = "argocd"

UI_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="UTF-8"><title>Argo CD</title><base href="/"></head>
<body><noscript><p>Your browser does not support JavaScript. Please enable JavaScript to view the site.
Alternatively, Argo CD can be used with the <a href="https://argo-cd.readthedocs.io/en/stable/cli_installation/">Argo CD CLI</a>.</p></noscript>
<div id="app"></div></body></html>
"""

PROXY_ERROR_PAGE = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status_code=status, media_type="application/json")


def error_response(error: ApiError) -> Response:
    return json_response(error.body(), error.http_status)


def ui_page() -> Response:
    """Return the web UI's index page, which Argo CD serves for any path that is not an API route."""
    return HTMLResponse(UI_PAGE)


class FaultInjector:
    """A seeded source of 5xx responses, so a run with the same seed fails the same requests."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def maybe_fail(self, rate: float) -> Response | None:
        if rate <= 0 or self._random.random() >= rate:
            return None
        kind = self._random.randrange(3)
        if kind == 0:
            return error_response(ApiError(14, "connection error: desc = \"transport: error while dialing: connect: connection refused\""))
        if kind == 1:
            return error_response(ApiError(13, "context deadline exceeded"))
        return HTMLResponse(PROXY_ERROR_PAGE, status_code=502)


def guarded(sandbox: Sandbox, template: str, handler: Handler, *, auth: bool = True) -> Handler:
    """Wrap an endpoint with the route counter, Content-Type rule, faults and authentication."""

    async def endpoint(request: Request) -> Response:
        sandbox.recorder.count_route(f"{request.method} {template}")
        response = await _respond(sandbox, request, handler, auth)
        sandbox.recorder.count_status(response.status_code)
        return response

    return endpoint


async def _respond(sandbox: Sandbox, request: Request, handler: Handler, auth: bool) -> Response:
    if request.method != "GET" and request.headers.get("content-type", "").lower() != "application/json":
        return PlainTextResponse("Invalid content type\n", status_code=415)

    faults = sandbox.faults
    if faults.slow_seconds > 0:
        await sandbox.park(faults.slow_seconds)
    failure = sandbox.fault_injector.maybe_fail(faults.error_rate)
    if failure is not None:
        sandbox.recorder.injected_errors += 1
        logger.debug("sandbox injected a %d for %s %s", failure.status_code, request.method, request.url.path)
        return failure

    try:
        if auth:
            sandbox.authenticate(request)
        return await handler(request)
    except ApiError as error:
        logger.debug("sandbox %s %s failed with %d: %s", request.method, request.url.path, error.http_status, error.message)
        return error_response(error)


async def read_json_body(request: Request) -> dict[str, Any]:
    """Parse the request's JSON object (an empty body is `{}`). Bad JSON is a 400 with gRPC code 3."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ApiError(3, f"invalid character in request body: {exc.msg}") from exc
    if not isinstance(body, dict):
        raise ApiError(3, f"json: cannot unmarshal {type(body).__name__} into Go value of type application.ApplicationSyncRequest")
    return body


def find_app(sandbox: Sandbox, name: str, namespace: str | None, project: str | None) -> tuple[AppKey, App]:
    """Look an app up as Argo CD does: a missing app is 403, or 404 when `project` was given."""
    key = (namespace or CONTROL_PLANE_NAMESPACE, name)
    app = sandbox.store.get(key)
    if app is None:
        raise not_found(name) if project else permission_denied()
    if project and app["spec"].get("project") != project:
        raise permission_denied()
    return key, app
