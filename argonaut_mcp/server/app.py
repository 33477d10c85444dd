"""build_server: the MCP server with its tools, instructions and lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import anyio
from mcp.server import MCPServer
from mcp.server.mcpserver.tools import Tool

from argonaut_mcp import __version__
from argonaut_mcp.argocd import open_client
from argonaut_mcp.config import Settings
from argonaut_mcp.rollout.clock import Clock, SystemClock
from argonaut_mcp.rollout.runs import RunRegistry
from argonaut_mcp.server.instructions import build_instructions
from argonaut_mcp.server.state import ServerState
from argonaut_mcp.server.tools import applications, batch, diagnostics, sync
from argonaut_mcp.server.ui import batch_progress_extension

logger = logging.getLogger(__name__)

SERVER_NAME = "argonaut-mcp"


def build_server(settings: Settings, *, clock: Clock | None = None, registry: RunRegistry | None = None) -> MCPServer:
    """Build the MCP server for `settings`.

    The lifespan opens one Argo CD client per configured instance. `clock` times rollouts
    (default: real time; tests pass the sandbox's manual clock), and `registry` keeps the
    runs (default: a new one per server). In read-only mode the tools that change Argo CD,
    and the batch sync status tools, are not registered at all. Raises `ConfigError` when
    no instance is configured.
    """
    settings.instance()
    clock = clock or SystemClock()
    registry = registry or RunRegistry()
    instance_names = sorted(settings.instances)
    with_instance = len(instance_names) > 1

    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[ServerState]:
        async with AsyncExitStack() as stack:
            clients = {
                name: await stack.enter_async_context(open_client(settings.instances[name])) for name in instance_names
            }
            async with anyio.create_task_group() as background:
                logger.info("MCP server ready for Argo CD instance(s) %s", ", ".join(instance_names))
                yield ServerState(
                    settings=settings, clients=clients, registry=registry, clock=clock, background=background
                )
                # Runs started with wait=false end with the server; each records itself as cancelled.
                background.cancel_scope.cancel()

    return MCPServer(
        SERVER_NAME,
        title="Argo CD",
        version=__version__,
        instructions=build_instructions(
            read_only=settings.read_only, instance_names=instance_names, default_instance=settings.default_instance
        ),
        lifespan=lifespan,
        tools=server_tools(read_only=settings.read_only, with_instance=with_instance),
        extensions=[] if settings.read_only else [batch_progress_extension()],
    )


def server_tools(*, read_only: bool, with_instance: bool) -> list[Tool]:
    """Build the tools; read-only mode leaves out the write tools and the batch sync status tools."""
    read_tools = applications.tools(with_instance=with_instance) + diagnostics.tools(with_instance=with_instance)
    if read_only:
        logger.info("Read-only mode: sync_application, batch_sync and the batch sync status tools are not registered")
        return read_tools
    return read_tools + sync.tools(with_instance=with_instance) + batch.tools(with_instance=with_instance)
