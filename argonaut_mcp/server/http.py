"""Streamable HTTP transport: the ASGI app at `/mcp`, `/healthz`, bearer auth and Host checks.

The app is stateful (SSE responses), because mcp 2.3 sends progress and honours a client's
cancel only in that mode. Bound to a loopback address the server is reachable from this
machine only. Bound elsewhere it needs a bearer token, so anyone who can reach the port is
not handed the Argo CD token's powers, and an explicit list of accepted Host headers, so a
web page cannot reach it through DNS rebinding.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from collections.abc import Sequence

import uvicorn
from mcp.server import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)

MCP_PATH = "/mcp"
HEALTH_PATH = "/healthz"
LOOPBACK_HOST_PATTERNS = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
LOOPBACK_ORIGIN_PATTERNS = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]


class HttpConfigError(ValueError):
    """The HTTP options would expose the server unsafely; the message names the option to set."""


def is_loopback(host: str) -> bool:
    """Tell whether a bind address only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def transport_security(host: str, *, auth_token: str | None, allowed_hosts: Sequence[str]) -> TransportSecuritySettings:
    """Build the Host/Origin checks for a bind address, or raise `HttpConfigError`.

    `allowed_hosts` entries are Host header values such as `mcp.example.internal:8000`, or
    `name:*` for any port.
    """
    if is_loopback(host):
        return TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=[*LOOPBACK_HOST_PATTERNS, *allowed_hosts],
            allowed_origins=[*LOOPBACK_ORIGIN_PATTERNS, *origins_for(allowed_hosts)],
        )

    if not auth_token:
        raise HttpConfigError(
            f"Refusing to serve MCP over HTTP on non-loopback address {host} without a bearer token. "
            "Set --auth-token or ARGONAUT_HTTP_TOKEN, or bind to 127.0.0.1."
        )
    if not allowed_hosts:
        raise HttpConfigError(
            f"Serving on non-loopback address {host} needs the Host header values clients will send. "
            "Pass --allowed-host NAME:PORT (repeatable), for example --allowed-host mcp.example.internal:8000."
        )
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=list(allowed_hosts),
        allowed_origins=origins_for(allowed_hosts),
    )


def origins_for(allowed_hosts: Sequence[str]) -> list[str]:
    return [f"{scheme}://{host}" for host in allowed_hosts for scheme in ("http", "https")]


class BearerTokenMiddleware:
    """Reject every HTTP request but the health check that lacks `Authorization: Bearer <token>`.

    The comparison takes the same time wherever the tokens differ (`hmac.compare_digest`).
    Neither the expected nor the received token is logged.
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == HEALTH_PATH or self.is_authorized(scope):
            await self.app(scope, receive, send)
            return

        client = scope.get("client")
        logger.warning("Rejected HTTP request to %s from %s: missing or wrong bearer token", scope["path"], client)
        body = json.dumps({"error": "invalid_token", "error_description": "a valid bearer token is required"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b'Bearer error="invalid_token"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def is_authorized(self, scope: Scope) -> bool:
        header = Headers(scope=scope).get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(token.strip().encode(), self.expected)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def build_http_app(
    server: MCPServer, *, host: str, auth_token: str | None = None, allowed_hosts: Sequence[str] = ()
) -> ASGIApp:
    """Build the ASGI app: streamable HTTP at `/mcp` (stateful, SSE) and `/healthz` (no auth)."""
    security = transport_security(host, auth_token=auth_token, allowed_hosts=allowed_hosts)
    server.custom_route(HEALTH_PATH, methods=["GET"])(health)
    app: ASGIApp = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        json_response=False,
        stateless_http=False,
        transport_security=security,
        host=host,
    )
    if auth_token:
        app = BearerTokenMiddleware(app, auth_token)
    return app


def http_server(app: ASGIApp, *, host: str, port: int) -> uvicorn.Server:
    """Build the uvicorn server; it logs through the root logger (stderr) and writes no access log."""
    config = uvicorn.Config(app, host=host, port=port, lifespan="on", log_config=None, log_level=None, access_log=False)
    return uvicorn.Server(config)


async def serve_http(app: ASGIApp, *, host: str, port: int) -> None:
    """Serve until interrupted; uvicorn logs "Uvicorn running on ..." once the port is bound."""
    logger.info("Starting MCP over streamable HTTP at http://%s:%s%s", host, port, MCP_PATH)
    await http_server(app, host=host, port=port).serve()
