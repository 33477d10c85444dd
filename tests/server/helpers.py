"""Serve a sandbox on a loopback socket and talk to build_server through the SDK's in-memory client.

`served` starts a sandbox with a manual clock and yields it with settings that point at it.
`call_driven` runs a tool call while moving the sandbox clock one simulated second at a
time, so a batch sync advances without any real sleep.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
from mcp.client import Client
from mcp_types import CallToolResult

from argonaut_mcp.config import InstanceConfig, Settings
from argonaut_mcp.rollout.runs import RunRegistry
from argonaut_mcp.sandbox import ManualClock, Sandbox
from argonaut_mcp.server import build_server

MODES = ("legacy", "auto")
# Real-time bound on one driven call, so that a hang fails the test instead of blocking.
HANG_LIMIT_SECONDS = 60


@dataclass
class Served:
    sandbox: Sandbox
    clock: ManualClock
    url: str
    settings: Settings
    registry: RunRegistry = field(default_factory=RunRegistry)

    def server(self, **overrides: Any):
        settings = self.settings.model_copy(update=overrides) if overrides else self.settings
        return build_server(settings, clock=self.clock, registry=self.registry)


def sandbox_settings(url: str, token: str, **options: Any) -> Settings:
    return Settings(instances={"default": InstanceConfig(name="default", url=url, token=token)}, **options)


@contextlib.asynccontextmanager
async def served(scenario: str = "default", **options: Any) -> AsyncIterator[Served]:
    clock = ManualClock()
    sandbox = Sandbox(scenario, clock=clock)
    async with sandbox.serve() as url:
        yield Served(sandbox=sandbox, clock=clock, url=url, settings=sandbox_settings(url, sandbox.token, **options))


@dataclass
class ProgressLog:
    """Every progress notification of one call, in order."""

    events: list[tuple[float, float | None, str | None]] = field(default_factory=list)

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.events.append((progress, total, message))

    @property
    def values(self) -> list[float]:
        return [progress for progress, _, _ in self.events]


async def call_driven(
    clock: ManualClock, call: Callable[[], Awaitable[CallToolResult]], *, max_seconds: int = 900
) -> CallToolResult:
    """Run `call` while advancing simulated time one second at a time until it returns."""
    outcome: dict[str, CallToolResult] = {}

    async def run() -> None:
        outcome["result"] = await call()

    with anyio.fail_after(HANG_LIMIT_SECONDS):
        async with anyio.create_task_group() as group:
            group.start_soon(run)
            await clock.advance(0)
            for _ in range(max_seconds):
                if "result" in outcome:
                    break
                await clock.advance(1)
            else:
                group.cancel_scope.cancel()
                raise AssertionError(f"the call did not end within {max_seconds} simulated seconds")
    return outcome["result"]


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if block.type == "text")


def connect(server: Any, mode: str) -> Client:
    return Client(server, mode=mode)
