"""Read tools for applications: list_applications and get_application."""

from __future__ import annotations

import fnmatch
import logging
from collections import Counter
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from mcp_types import CallToolResult, TextContent
from pydantic import Field

from argonaut_mcp.argocd import ArgoCDClient, ArgoCDError
from argonaut_mcp.argocd.models import Application, ResourceTree
from argonaut_mcp.rollout.selection import glob_subject
from argonaut_mcp.server.app_summary import render_summary, summarize_application
from argonaut_mcp.server.errors import argocd_errors, call_for_app
from argonaut_mcp.server.formatting import count_phrase, short_revision, text_table
from argonaut_mcp.server.models import ApplicationPage, ApplicationRow, ApplicationSummary
from argonaut_mcp.server.state import server_state
from argonaut_mcp.server.tools.common import (
    READ_ONLY,
    AppName,
    InstanceArg,
    make_tool,
    number_arg,
    parse_count,
    pick_status,
    require_text,
)

logger = logging.getLogger(__name__)

SYNC_STATUSES = ("Synced", "OutOfSync", "Unknown")
HEALTH_STATUSES = ("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown")
ROW_HEADERS = ("NAME", "PROJECT", "SYNC", "HEALTH", "OPERATION", "REVISION", "NAMESPACE")
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000

LimitArg = number_arg(f"rows to return, 1 to {MAX_LIMIT}", 1, MAX_LIMIT)
OffsetArg = number_arg("rows to skip, for the next page", 0, MAX_OFFSET)


async def list_applications(
    ctx: Context,
    pattern: Annotated[
        str | None,
        Field(
            description="glob on the app name, case-insensitive: 'mentor-web-*', '*-api', 'team-?'; "
            "with a slash it matches namespace/name"
        ),
    ] = None,
    project: Annotated[str | None, Field(description="only apps of this Argo CD project")] = None,
    selector: Annotated[
        str | None, Field(description="Kubernetes label selector on the apps, such as 'team=web,tier!=batch'")
    ] = None,
    sync_status: Annotated[
        str | None, Field(description="only apps with this sync status: Synced, OutOfSync or Unknown")
    ] = None,
    health_status: Annotated[
        str | None,
        Field(description="only apps with this health: Healthy, Progressing, Degraded, Suspended, Missing or Unknown"),
    ] = None,
    app_namespace: Annotated[
        str | None, Field(description="only apps in this namespace (apps-in-any-namespace setups)")
    ] = None,
    limit: LimitArg = 100,
    offset: OffsetArg = 0,
    instance: InstanceArg = None,
) -> Annotated[CallToolResult, ApplicationPage]:
    """List Argo CD applications as compact rows (name, project, sync, health, operation phase,
    short revision, destination namespace), with totals by health and sync over every match.

    Use it to see what a pattern matches before batch_sync, and to find apps that are
    OutOfSync or not Healthy. Results are sorted by name. When has_more is true, call again
    with offset increased by the rows returned.
    """
    state = server_state(ctx)
    instance_name = state.instance_name(instance)
    limit = parse_count("limit", limit, 1, MAX_LIMIT)
    offset = parse_count("offset", offset, 0, MAX_OFFSET)
    sync_filter = pick_status("sync_status", sync_status, SYNC_STATUSES)
    health_filter = pick_status("health_status", health_status, HEALTH_STATUSES)

    with argocd_errors("list", instance=instance_name):
        listed = await state.clients[instance_name].list_applications(
            projects=[project] if project else None,
            selector=selector or None,
            app_namespace=app_namespace or None,
            summary=True,
        )

    matches = [
        app
        for app in listed.items
        if matches_pattern(app, pattern)
        and (sync_filter is None or app.status.sync.status == sync_filter)
        and (health_filter is None or app.status.health.status == health_filter)
    ]
    matches.sort(key=lambda app: app.qualified_name())
    page = build_page(matches, limit=limit, offset=offset)
    return CallToolResult(
        content=[TextContent(type="text", text=render_page(page, pattern))],
        structured_content=page.model_dump(mode="json", exclude_none=True),
    )


def matches_pattern(app: Application, pattern: str | None) -> bool:
    """Match as batch_sync selects apps: a case-insensitive glob on the name (namespace/name with a slash)."""
    if not pattern:
        return True
    lowered = pattern.lower()
    return fnmatch.fnmatchcase(glob_subject(app, lowered), lowered)


def build_page(matches: list[Application], *, limit: int, offset: int) -> ApplicationPage:
    rows = [application_row(app) for app in matches[offset : offset + limit]]
    return ApplicationPage(
        total=len(matches),
        offset=offset,
        limit=limit,
        returned=len(rows),
        has_more=offset + len(rows) < len(matches),
        health_totals=dict(Counter(app.status.health.status for app in matches)),
        sync_totals=dict(Counter(app.status.sync.status for app in matches)),
        applications=rows,
    )


def application_row(app: Application) -> ApplicationRow:
    operation_state = app.status.operation_state
    phase = operation_state.phase if operation_state else None
    if app.operation is not None and phase is None:
        phase = "Running"
    destination = app.spec.destination
    return ApplicationRow(
        name=app.qualified_name(),
        project=app.spec.project,
        sync=app.status.sync.status,
        health=app.status.health.status,
        operation=phase,
        revision=short_revision(app.status.sync.revision) or None,
        namespace=destination.namespace if destination else None,
    )


def render_page(page: ApplicationPage, pattern: str | None) -> str:
    scope = f"matching '{pattern}'" if pattern else "in total"
    noun = "application" if page.total == 1 else "applications"
    if page.total == 0:
        return f"No applications {scope} with these filters. Try a broader pattern or drop a filter."

    first = page.offset + 1 if page.returned else page.offset
    lines = [
        f"{page.total} {noun} {scope}; showing {first}-{page.offset + page.returned}.",
        f"Health: {count_phrase(page.health_totals)}. Sync: {count_phrase(page.sync_totals)}.",
    ]
    if page.returned:
        rows = [
            (row.name, row.project, row.sync, row.health, row.operation or "", row.revision or "", row.namespace or "")
            for row in page.applications
        ]
        lines.extend(["", text_table(ROW_HEADERS, rows)])
    if page.has_more:
        lines.extend(["", f"More rows follow: call again with offset={page.offset + page.returned}."])
    return "\n".join(lines)


async def get_application(
    ctx: Context, name: AppName, instance: InstanceArg = None
) -> Annotated[CallToolResult, ApplicationSummary]:
    """Show one application: sync and health with their messages, the current or last operation,
    conditions (errors and warnings), the managed resources that are not Healthy, and the last
    deployments.

    Use it first when an app is OutOfSync, Degraded or failed in a batch_sync; then
    get_resource_tree, get_application_events and get_application_logs for detail.
    """
    state = server_state(ctx)
    instance_name = state.instance_name(instance)
    name = require_text("name", name)

    client = state.clients[instance_name]
    app = await call_for_app(client, "read", name, lambda: client.get_application(name))
    tree = await read_tree_quietly(client, name)

    summary = summarize_application(app, tree)
    return CallToolResult(
        content=[TextContent(type="text", text=render_summary(summary))],
        structured_content=summary.model_dump(mode="json", exclude_none=True),
    )


async def read_tree_quietly(client: ArgoCDClient, name: str) -> ResourceTree | None:
    """Read the resource tree for resource health; a failure only leaves that part out."""
    try:
        return await client.get_resource_tree(name)
    except ArgoCDError as error:
        logger.warning("Resource tree of %s on instance %s not read: %s", name, client.instance, error.message)
        return None


def tools(*, with_instance: bool) -> list[Tool]:
    return [
        make_tool(list_applications, with_instance=with_instance, title="List applications", annotations=READ_ONLY),
        make_tool(get_application, with_instance=with_instance, title="Get application", annotations=READ_ONLY),
    ]
