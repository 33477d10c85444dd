"""Run the MCP server over stdio or streamable HTTP until the host disconnects or a signal stops it."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Literal

import anyio

from argonaut_mcp.config import Settings
from argonaut_mcp.server.app import build_server
from argonaut_mcp.server.http import build_http_app, serve_http

logger = logging.getLogger(__name__)

Transport = Literal["stdio", "http"]


def serve(
    settings: Settings,
    *,
    transport: Transport = "stdio",
    host: str = "127.0.0.1",
    port: int = 8000,
    auth_token: str | None = None,
    allowed_hosts: Sequence[str] = (),
) -> None:
    """Serve until stdin closes (stdio) or the process is interrupted (HTTP).

    Raises `ConfigError` or `HttpConfigError` before serving when the options are unusable.
    Over stdio nothing but protocol frames goes to stdout; logs go to stderr.
    """
    quiet_http_client_logs()
    server = build_server(settings)
    mode = "read-only" if settings.read_only else "read-write"
    if transport == "stdio":
        logger.info("Serving MCP over stdio (%s)", mode)
        anyio.run(server.run_stdio_async)
        return

    app = build_http_app(server, host=host, auth_token=auth_token, allowed_hosts=allowed_hosts)
    logger.info("HTTP bearer token %s (%s)", "required" if auth_token else "not required", mode)
    anyio.run(functools.partial(serve_http, app, host=host, port=port))


def quiet_http_client_logs() -> None:
    """Keep httpx's line per request (INFO) out of the log unless the root level is DEBUG."""
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("httpx").setLevel(logging.WARNING)
