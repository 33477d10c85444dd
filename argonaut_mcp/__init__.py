"""argonaut-mcp: an MCP server for Argo CD with health-gated batch rollouts."""

__version__ = "0.1.0"
