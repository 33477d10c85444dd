"""Pieces the benchmarks share: settings that point at a sandbox, a byte counter, and the batch_sync result check."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from argonaut_mcp.config import InstanceConfig, Settings
from argonaut_mcp.rollout.contracts import BatchSyncResult

from benchmarks.results import BenchmarkError

INSTANCE_NAME = "default"


def sandbox_instance(url: str, token: str) -> InstanceConfig:
    return InstanceConfig(name=INSTANCE_NAME, url=url, token=SecretStr(token))


def sandbox_settings(url: str, token: str) -> Settings:
    """Settings with one instance, the sandbox at `url`, as the MCP server reads them."""
    return Settings(instances={INSTANCE_NAME: sandbox_instance(url, token)}, default_instance=INSTANCE_NAME)


@dataclass
class ByteCounter:
    """ASGI middleware that counts the response body bytes of each request, by path and query.

    Bytes are counted as the app writes them, before any transfer encoding. The sandbox
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


def batch_sync_result(is_error: bool, structured: dict[str, Any] | None, content: Any) -> BatchSyncResult:
    """Validate a batch_sync tool result and raise `BenchmarkError` unless the rollout completed."""
    if is_error or structured is None:
        raise BenchmarkError(f"batch_sync failed: {content}")
    result = BatchSyncResult.model_validate(structured)
    if result.status != "complete":
        raise BenchmarkError(f"batch_sync ended {result.status}: {result.message}")
    return result
