"""The MCP tools, one module per concern; each module has a `register(server, ...)` function."""
