"""The batch progress panel: an MCP App (`io.modelcontextprotocol/ui`) bound to batch_sync.

A host that supports MCP Apps reads `BATCH_PROGRESS_URI` with `resources/read`, renders the
HTML in a sandboxed iframe beside the batch_sync call and hands it the tool's input and result
over postMessage. The page then polls get_batch_sync_status through the host about once a
second until the run ends. Hosts without Apps support ignore the `_meta` entries and show the
tools' text and structured results as before.

Protocol: MCP Apps specification 2026-01-26 (modelcontextprotocol/ext-apps,
`specification/2026-01-26/apps.mdx`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from mcp.server import MCPServer
from mcp.server.apps import APP_MIME_TYPE, Apps
from mcp.server.mcpserver.resources import TextResource

BATCH_PROGRESS_URI = "ui://argonaut/batch-progress.html"

STATUS_TOOL_NAME = "get_batch_sync_status"
"""The tool the page calls through the host; it sends `{"run_id": ...}` as arguments."""

# batch_sync stays hidden from the app ("model" only), so a page can never start a rollout.
# The flat "ui/resourceUri" key is the spec's deprecated form, still read by older hosts.
BATCH_PROGRESS_TOOL_META: dict[str, Any] = {
    "ui": {"resourceUri": BATCH_PROGRESS_URI, "visibility": ["model"]},
    "ui/resourceUri": BATCH_PROGRESS_URI,
}

# The app polls the status tool, so its visibility includes "app". The model may call it
# too, and a host then shows the same panel for that call.
STATUS_TOOL_META: dict[str, Any] = {
    "ui": {"resourceUri": BATCH_PROGRESS_URI, "visibility": ["model", "app"]},
    "ui/resourceUri": BATCH_PROGRESS_URI,
}

_RESOURCE_NAME = "batch_progress"
_RESOURCE_TITLE = "Batch sync progress"
_RESOURCE_DESCRIPTION = (
    "Live panel for a batch_sync run: batch counter and bar, phase, one row per app of the "
    "current batch with sync and health, attempt counter and the final summary."
)

# The page loads nothing from the network and needs no permissions, so no `csp` entry is
# declared and hosts apply the spec's restrictive default policy.
_RESOURCE_UI_META: dict[str, Any] = {"prefersBorder": True}


@cache
def batch_progress_html() -> str:
    """Return the panel's self-contained HTML document (package data, read once)."""
    page = resources.files("argonaut_mcp.server") / "ui" / "batch_progress.html"
    return page.read_text(encoding="utf-8")


def batch_progress_resource() -> TextResource:
    """Build the `ui://` resource served with the MCP App MIME type."""
    return TextResource(
        uri=BATCH_PROGRESS_URI,
        name=_RESOURCE_NAME,
        title=_RESOURCE_TITLE,
        description=_RESOURCE_DESCRIPTION,
        mime_type=APP_MIME_TYPE,
        meta={"ui": dict(_RESOURCE_UI_META)},
        text=batch_progress_html(),
    )


def register_batch_progress_ui(server: MCPServer) -> None:
    """Add the panel resource to an already built server.

    The tools opt in with `meta=BATCH_PROGRESS_TOOL_META` / `meta=STATUS_TOOL_META`. This path
    does not advertise `capabilities.extensions["io.modelcontextprotocol/ui"]`, because
    MCPServer (mcp 2.3) applies extensions only in its constructor. Use
    `batch_progress_extension()` there instead to get the capability too, and not both.
    """
    server.add_resource(batch_progress_resource())


def batch_progress_extension() -> Apps:
    """Build an `Apps` extension that carries the panel resource, for `MCPServer(extensions=[...])`."""
    apps = Apps()
    apps.add_resource(batch_progress_resource())
    return apps
