"""The MCP adapter: tools over the Argo CD client and the rollout engine, stdio and HTTP transports."""

from argonaut_mcp.server.app import build_server

__all__ = ["build_server"]
