"""The batch progress panel as an MCP App resource: tool `_meta`, resources/read, and the HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from mcp import Client
from mcp.server import MCPServer
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID
from pydantic import SecretStr

from argonaut_mcp.config import InstanceConfig, Settings
from argonaut_mcp.server.app import build_server
from argonaut_mcp.server.ui import (
    BATCH_PROGRESS_TOOL_META,
    BATCH_PROGRESS_URI,
    STATUS_TOOL_META,
    STATUS_TOOL_NAME,
    batch_progress_extension,
    batch_progress_html,
    register_batch_progress_ui,
)

MODES = ["legacy", "auto"]


def server_with_panel(*, as_extension: bool = False) -> MCPServer:
    """A server with stand-ins for batch_sync and the status tool, carrying the panel's `_meta`."""
    if as_extension:
        server = MCPServer("panel-test", extensions=[batch_progress_extension()])
    else:
        server = MCPServer("panel-test")
        register_batch_progress_ui(server)

    @server.tool(name="batch_sync", meta=BATCH_PROGRESS_TOOL_META)
    def batch_sync(pattern: str) -> str:
        return f"synced {pattern}"

    @server.tool(name=STATUS_TOOL_NAME, meta=STATUS_TOOL_META)
    def get_batch_sync_status(run_id: str) -> str:
        return f"status of {run_id}"

    return server


class TagCollector(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def collect_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = TagCollector()
    parser.feed(html)
    parser.close()
    return parser.tags


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_batch_sync_lists_ui_resource_uri(mode: str) -> None:
    async with Client(server_with_panel(), mode=mode) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}

    batch_sync_meta = tools["batch_sync"].meta or {}
    assert batch_sync_meta["ui"]["resourceUri"] == BATCH_PROGRESS_URI
    assert batch_sync_meta["ui"]["visibility"] == ["model"]
    status_meta = tools[STATUS_TOOL_NAME].meta or {}
    assert "app" in status_meta["ui"]["visibility"]
    assert "model" in status_meta["ui"]["visibility"]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_resources_read_returns_app_html(mode: str) -> None:
    async with Client(server_with_panel(), mode=mode) as client:
        listed = (await client.list_resources()).resources
        read = await client.read_resource(BATCH_PROGRESS_URI)

    assert [resource.uri for resource in listed] == [BATCH_PROGRESS_URI]
    assert listed[0].mime_type == APP_MIME_TYPE
    assert len(read.contents) == 1
    content = read.contents[0]
    assert content.mime_type == APP_MIME_TYPE
    assert content.text == batch_progress_html()
    assert (content.meta or {}).get("ui", {}).get("prefersBorder") is True


@pytest.mark.anyio
async def test_extension_advertises_apps_capability() -> None:
    async with Client(server_with_panel(as_extension=True), mode="auto") as client:
        read = await client.read_resource(BATCH_PROGRESS_URI)
        capabilities = client.server_capabilities

    assert read.contents[0].mime_type == APP_MIME_TYPE
    assert capabilities is not None
    assert EXTENSION_ID in (capabilities.extensions or {})


def test_ui_uri_uses_ui_scheme() -> None:
    assert BATCH_PROGRESS_URI.startswith("ui://")


def test_html_is_one_html5_document() -> None:
    html = batch_progress_html()
    tags = [tag for tag, _ in collect_tags(html)]

    assert html.lstrip().lower().startswith("<!doctype html>")
    assert tags.count("html") == 1
    assert tags.count("script") == 1
    assert tags.count("style") == 1


def test_html_has_no_external_url() -> None:
    html = batch_progress_html()

    assert re.findall(r"[a-zA-Z][a-zA-Z0-9+.-]*://", html) == []
    assert re.findall(r"""["'(]\s*//[^/\s]""", html) == []
    assert re.findall(r"url\s*\(", html, flags=re.IGNORECASE) == []
    assert re.findall(r"@import", html, flags=re.IGNORECASE) == []
    for name in ("fetch(", "XMLHttpRequest", "WebSocket", "EventSource", "sendBeacon", "importScripts"):
        assert name not in html


def test_html_tags_load_nothing() -> None:
    loading_tags = {"link", "base", "img", "iframe", "frame", "object", "embed", "audio", "video", "source", "form"}
    loading_attributes = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background"}

    for tag, attributes in collect_tags(batch_progress_html()):
        assert tag not in loading_tags, tag
        assert loading_attributes.isdisjoint(attributes), (tag, attributes)


def built_server(*, read_only: bool = False) -> MCPServer:
    """The real server; listing tools and reading resources sends nothing to Argo CD."""
    instance = InstanceConfig(name="local", url="http://127.0.0.1:9", token=SecretStr("unused-token"))
    return build_server(Settings(instances={"local": instance}, default_instance="local", read_only=read_only))


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_built_server_binds_panel(mode: str) -> None:
    async with Client(built_server(), mode=mode) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        read = await client.read_resource(BATCH_PROGRESS_URI)

    assert (tools["batch_sync"].meta or {})["ui"]["resourceUri"] == BATCH_PROGRESS_URI
    assert "app" in (tools[STATUS_TOOL_NAME].meta or {})["ui"]["visibility"]
    assert read.contents[0].mime_type == APP_MIME_TYPE
    assert read.contents[0].text == batch_progress_html()


@pytest.mark.anyio
async def test_read_only_server_has_no_panel() -> None:
    async with Client(built_server(read_only=True), mode="legacy") as client:
        resources = (await client.list_resources()).resources
        tools = {tool.name for tool in (await client.list_tools()).tools}

    assert BATCH_PROGRESS_URI not in {resource.uri for resource in resources}
    assert "batch_sync" not in tools
