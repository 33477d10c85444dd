"""Pieces every benchmark shares: settings that point at a sandbox, and a byte counter."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pydantic import SecretStr
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from argonaut_mcp.config import InstanceConfig, Settings

INSTANCE_NAME = "default"


def sandbox_instance(url: str, token: str) -> InstanceConfig:
    return InstanceConfig(name=INSTANCE_NAME, url=url, token=SecretStr(token))


def sandbox_settings(url: str, token: str) -> Settings:
    """Settings with one instance, the sandbox at `url`, as the MCP server reads them."""
    return Settings(instances={INSTANCE_NAME: sandbox_instance(url, token)}, default_instance=INSTANCE_NAME)


@dataclass
class ByteCounter:
    """ASGI middleware that counts the response body bytes of each request, by path and query.

    Bytes are counted as the app writes them, before any transfer encoding; the sandbox
    does not compress.
    """

    app: ASGIApp
    body_bytes: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        query = scope.get("query_string", b"").decode("latin-1")
        key = f"{scope['method']} {scope['path']}" + ("?fields=..." if "fields=" in query else "")
        self.requests[key] += 1

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.body":
                self.body_bytes[key] += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counting_send)

    def reset(self) -> None:
        self.body_bytes.clear()
        self.requests.clear()
