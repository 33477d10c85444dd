"""The state the tools share while the server runs: one Argo CD client per instance and the runs."""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio
from anyio.abc import TaskGroup
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from argonaut_mcp.argocd import ArgoCDClient
from argonaut_mcp.config import Settings
from argonaut_mcp.rollout.clock import Clock
from argonaut_mcp.rollout.runs import RunRegistry


@dataclass
class ServerState:
    """The lifespan context: built once per server process (stdio, HTTP) or per in-memory client.

    `background` runs batch syncs started with `wait=false`; they end with the lifespan.
    """

    settings: Settings
    clients: dict[str, ArgoCDClient]
    registry: RunRegistry
    clock: Clock
    background: TaskGroup
    finished: dict[str, anyio.Event] = field(default_factory=dict)

    def instance_name(self, instance: str | None) -> str:
        """Resolve the `instance` argument: None means the default instance."""
        name = instance or self.settings.default_instance
        if name not in self.clients:
            known = ", ".join(sorted(self.clients))
            raise ToolError(
                f"Unknown Argo CD instance '{name}'. Known instances: {known}. Pass one of them as instance."
            )
        return name

    def finished_event(self, run_id: str) -> anyio.Event:
        """Return the event set when the run's task ends (created on first use)."""
        return self.finished.setdefault(run_id, anyio.Event())

    def mark_finished(self, run_id: str) -> None:
        self.finished.pop(run_id, anyio.Event()).set()


def server_state(ctx: Context) -> ServerState:
    return ctx.request_context.lifespan_context
