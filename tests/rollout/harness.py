"""Drive the engine against the sandbox over a loopback socket, moving its manual clock.

`sandbox_client` serves a scenario on 127.0.0.1 and yields the sandbox with an
`ArgoCDClient` whose retry backoff also waits on the sandbox clock. `drive` starts
`run_batch_sync` in a task group and advances simulated time one second at a time until
the run returns, so no test sleeps.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx

from argonaut_mcp.argocd.client import ArgoCDClient
from argonaut_mcp.argocd.errors import ServerError
from argonaut_mcp.argocd.models import Application
from argonaut_mcp.argocd.retry import RetryPolicy
from argonaut_mcp.rollout.contracts import BatchSyncProgress, BatchSyncResult
from argonaut_mcp.rollout.engine import run_batch_sync
from argonaut_mcp.rollout.runs import RunRegistry
from argonaut_mcp.sandbox import ManualClock, Sandbox

# Real-time bound on one whole driven run, so that a hang fails the test instead of blocking.
HANG_LIMIT_SECONDS = 60


@dataclass
class Observation:
    """One app state the engine received, with the simulated time it arrived."""

    at: float
    source: str
    application: Application


class RecordingClient(ArgoCDClient):
    """An ArgoCDClient that records every app state it hands to the engine."""

    def __init__(self, *args: Any, clock: ManualClock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock
        self.observations: list[Observation] = []

    def record(self, source: str, app: Application) -> None:
        self.observations.append(Observation(self.clock.now(), source, app))

    async def get_application(self, name: str, **kwargs: Any) -> Application:
        app = await super().get_application(name, **kwargs)
        self.record("get", app)
        return app

    async def sync_application(self, name: str, **kwargs: Any) -> Application:
        app = await super().sync_application(name, **kwargs)
        self.record("sync", app)
        return app

    def watch_applications(self, **kwargs: Any) -> Any:
        return RecordingWatch(super().watch_applications(**kwargs), self)

    def states_of(self, name: str) -> list[Observation]:
        return [item for item in self.observations if item.application.name == name]


class RecordingWatch:
    """Wraps a watch so that every event it yields is recorded."""

    def __init__(self, watch: Any, client: RecordingClient) -> None:
        self.watch = watch
        self.client = client

    @property
    def resource_version(self) -> str | None:
        return self.watch.resource_version

    def __aiter__(self) -> RecordingWatch:
        return self

    async def __anext__(self) -> Any:
        event = await self.watch.__anext__()
        self.client.record("watch", event.application)
        return event

    async def aclose(self) -> None:
        await self.watch.aclose()


class BrokenWatchClient(RecordingClient):
    """A client whose watch streams always fail, as behind a proxy that cuts streaming responses."""

    def watch_applications(self, **kwargs: Any) -> Any:
        return FailingWatch()


class FailingWatch:
    resource_version = None

    def __aiter__(self) -> FailingWatch:
        return self

    async def __anext__(self) -> Any:
        raise ServerError("stream cut by a proxy", status=502)

    async def aclose(self) -> None:
        return None


@contextlib.asynccontextmanager
async def sandbox_client(
    scenario: str = "healthy", *, client_class: type[RecordingClient] = RecordingClient
) -> AsyncIterator[tuple[Sandbox, RecordingClient]]:
    sandbox = Sandbox(scenario, clock=ManualClock())
    async with sandbox.serve() as url:
        headers = {"Authorization": f"Bearer {sandbox.token}"}
        async with httpx.AsyncClient(base_url=url, headers=headers) as http:
            retry = RetryPolicy(sleep=sandbox.clock.sleep)
            yield sandbox, client_class(http, retry=retry, clock=sandbox.clock)


@dataclass
class Drive:
    """A run driven to its end, with every progress snapshot it sent."""

    result: BatchSyncResult
    snapshots: list[BatchSyncProgress] = field(default_factory=list)
    ended_at: float = 0.0


async def drive(
    sandbox: Sandbox,
    client: ArgoCDClient,
    params: dict[str, Any],
    *,
    max_seconds: int = 600,
    registry: RunRegistry | None = None,
    run_id: str | None = None,
) -> Drive:
    """Run batch_sync and advance the clock one second at a time until it returns.

    Fails after `max_seconds` simulated seconds without a result.
    """
    snapshots: list[BatchSyncProgress] = []
    outcome: dict[str, Any] = {}

    async def collect(snapshot: BatchSyncProgress) -> None:
        # A real consumer awaits (it sends a notification), so the engine must not deliver
        # snapshots from inside a cancelled scope.
        await anyio.lowlevel.checkpoint()
        snapshots.append(snapshot)

    async def run() -> None:
        outcome["result"] = await run_batch_sync(
            client, params, on_progress=collect, clock=sandbox.clock, registry=registry, run_id=run_id
        )
        outcome["ended_at"] = sandbox.clock.now()

    with anyio.fail_after(HANG_LIMIT_SECONDS):
        async with anyio.create_task_group() as group:
            group.start_soon(run)
            await sandbox.clock.advance(0)
            for _ in range(max_seconds):
                if "result" in outcome:
                    break
                await sandbox.clock.advance(1)
            else:
                group.cancel_scope.cancel()
                raise AssertionError(f"the run did not end within {max_seconds} simulated seconds")

    return Drive(result=outcome["result"], snapshots=snapshots, ended_at=outcome["ended_at"])


def sync_times(stats: dict[str, Any], name: str) -> list[float]:
    """Simulated times at which the sandbox accepted a sync of `name`."""
    return list(stats["apps"].get(name, {}).get("syncRequests", []))


def ready_times(stats: dict[str, Any], name: str) -> list[float]:
    """Simulated times at which `name` became ready after an accepted sync."""
    return list(stats["apps"].get(name, {}).get("readyAt", []))


def total_syncs(stats: dict[str, Any]) -> int:
    return sum(len(timeline["syncRequests"]) for timeline in stats["apps"].values())
