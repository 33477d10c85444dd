"""A small Argo CD imitation for client and `check` tests, served over real HTTP on 127.0.0.1.

It responds as Argo CD 3.6 does on the few endpoints these tests use. Errors have the body
`{"error", "code", "message"}`. A non-GET without `Content-Type: application/json` gets a 415
in plain text. Any path outside the API gets the web UI's HTML page, as a client with a
wrong path prefix does.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route

VALID_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl"
UI_PAGE = "<!doctype html><html><head><title>Argo CD</title></head><body>app</body></html>"


@dataclass
class FakeArgoCD:
    """State of the imitation: its apps, its behaviour switches and the requests it received."""

    apps: list[str] = field(default_factory=lambda: ["alpha", "beta", "gamma"])
    path_prefix: str = ""
    deny_all: bool = False
    watch_lines: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def asgi_app(self) -> Starlette:
        api = [
            Route("/api/version", self.version),
            Route("/api/v1/session/userinfo", self.user_info),
            Route("/api/v1/applications", self.list_applications),
            Route("/api/v1/applications/{name}/sync", self.sync, methods=["POST"]),
            Route("/api/v1/applications/{name}/operation", self.terminate, methods=["DELETE"]),
            Route("/api/v1/stream/applications", self.watch),
        ]
        routes: list[Any] = [Mount(self.path_prefix, routes=api)] if self.path_prefix else list(api)
        routes.append(Route("/{path:path}", self.ui_page, methods=["GET", "POST", "DELETE"]))
        return Starlette(routes=routes)

    def record(self, request: Request) -> None:
        self.requests.append(
            {
                "method": request.method,
                "path": request.url.path,
                "query": str(request.url.query),
                "content_type": request.headers.get("content-type"),
            }
        )

    def auth_failure(self, request: Request) -> Response | None:
        """Return Argo CD's 401 or 403 response for this request, or None when it may pass."""
        if request.headers.get("authorization") != f"Bearer {VALID_TOKEN}":
            return argo_error(401, 16, "no session information")
        if self.deny_all:
            return argo_error(403, 7, "permission denied")
        return None

    async def version(self, request: Request) -> Response:
        self.record(request)
        return JSONResponse({"Version": "v3.6.0+37ee009", "BuildDate": "2026-08-01T00:00:00Z"})

    async def user_info(self, request: Request) -> Response:
        self.record(request)
        authorization = request.headers.get("authorization", "")
        if len(authorization.removeprefix("Bearer ").split(".")) != 3:
            # Argo CD treats a bearer value that is not JWT-shaped as no token at all.
            return JSONResponse({"loggedIn": False})
        if authorization != f"Bearer {VALID_TOKEN}":
            return argo_error(401, 16, "invalid session: token signature is invalid")
        return JSONResponse({"loggedIn": True, "username": "admin", "iss": "argocd"})

    async def list_applications(self, request: Request) -> Response:
        self.record(request)
        failure = self.auth_failure(request)
        if failure is not None:
            return failure
        items = [{"metadata": {"name": name, "namespace": "argocd"}} for name in self.apps]
        return JSONResponse({"metadata": {"resourceVersion": "100"}, "items": items})

    async def sync(self, request: Request) -> Response:
        self.record(request)
        if request.headers.get("content-type") != "application/json":
            return PlainTextResponse("Content-Type header must be application/json", status_code=415)
        failure = self.auth_failure(request)
        if failure is not None:
            return failure
        body = json.loads(await request.body())
        app = {"metadata": {"name": request.path_params["name"], "resourceVersion": "101"}, "operation": {"sync": body}}
        return JSONResponse(app)

    async def terminate(self, request: Request) -> Response:
        self.record(request)
        if request.headers.get("content-type") != "application/json":
            return PlainTextResponse("Content-Type header must be application/json", status_code=415)
        failure = self.auth_failure(request)
        if failure is not None:
            return failure
        return JSONResponse({})

    async def watch(self, request: Request) -> Response:
        self.record(request)
        failure = self.auth_failure(request)
        if failure is not None:
            return failure

        async def lines() -> AsyncIterator[bytes]:
            for line in self.watch_lines:
                yield (line + "\n").encode()

        return StreamingResponse(lines(), media_type="application/json")

    async def ui_page(self, request: Request) -> Response:
        self.record(request)
        return HTMLResponse(UI_PAGE)


def argo_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "code": code, "message": message}, status_code=status)


@asynccontextmanager
async def serve_on_loopback(app: Any) -> AsyncIterator[str]:
    """Serve an ASGI app with uvicorn on a free port of 127.0.0.1; yield `http://127.0.0.1:PORT`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]

    config = uvicorn.Config(app, lifespan="off", log_level="warning", timeout_graceful_shutdown=2)
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)
    await server.startup(sockets=[sock])
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.shutdown(sockets=[sock])


def closed_loopback_port() -> int:
    """Return a port of 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
