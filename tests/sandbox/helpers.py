"""Helpers for the sandbox tests: a served sandbox on a manual clock and an HTTP client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx

from argonaut_mcp.sandbox import ManualClock, Sandbox

TIMEOUT = 10


@dataclass
class Running:
    sandbox: Sandbox
    clock: ManualClock
    client: httpx.AsyncClient
    base_url: str

    async def get_app(self, name: str, **params: str) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/applications/{name}", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def sync(self, name: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post(f"/api/v1/applications/{name}/sync", json=body or {})


@asynccontextmanager
async def running(scenario: Any = "traps", **options: Any) -> AsyncIterator[Running]:
    """A sandbox on a manual clock, served on 127.0.0.1, with an authenticated client."""
    clock = options.pop("clock", None) or ManualClock()
    sandbox = Sandbox(scenario, clock=clock, **options)
    async with sandbox.serve() as base_url:
        headers = {"Authorization": f"Bearer {sandbox.token}"}
        async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=TIMEOUT) as client:
            yield Running(sandbox, clock, client, base_url)


@dataclass
class WatchRecorder:
    """Reads a watch stream in the background and keeps every parsed line."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    ended: anyio.Event = field(default_factory=anyio.Event)

    async def read(self, client: httpx.AsyncClient, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        try:
            async with client.stream("GET", "/api/v1/stream/applications", params=params, headers=headers) as response:
                async for line in response.aiter_lines():
                    self.raw.append(line)
                    text = line.removeprefix("data: ")
                    if text.strip() and not text.startswith(":"):
                        self.lines.append(json.loads(text))
        finally:
            self.ended.set()

    def events(self) -> list[tuple[str, str]]:
        """(type, app name) of each event line."""
        return [(line["result"]["type"], line["result"]["application"]["metadata"]["name"]) for line in self.lines if "result" in line]


def phase(app: dict[str, Any]) -> str | None:
    return (app["status"].get("operationState") or {}).get("phase")
