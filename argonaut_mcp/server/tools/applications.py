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
from argonaut_mcp.rollout.selection import closest_names, glob_subject
from argonaut_mcp.server.app_summary import render_summary, summarize_application
from argonaut_mcp.server.errors import argocd_errors, call_for_app
from argonaut_mcp.server.formatting import count_phrase, shared_values_line, short_revision, text_table
from argonaut_mcp.server.models import LIST_COLUMNS, ApplicationPage, ApplicationRow, ApplicationSummary, ListColumn
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
    """List Argo CD applications, sorted by name, with totals by health and sync over every match.

    Each app has seven fields: name, project, sync, health, operation (phase of the current or
    last operation), revision (synced revision, a Git SHA cut to 7 characters) and namespace
    (destination namespace). A field with the same value on every row of the page is stated
    once and left out of the rows: in the text on the line "Every row: project web · health
    Healthy", in the structured result under `common`. The other fields form the table, one
    app per line. In the structured result `columns` names them, and each array of `rows`
    contains one app's values in that order. A "-" cell, "none" or null means no value.

    Use it to see what a pattern matches before batch_sync, and to find apps that are
    OutOfSync or not Healthy. When more rows follow, call again with offset increased by the
    rows returned.
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
    text = render_page(page, pattern)
    if not matches and pattern:
        text += closest_names_hint(pattern, [app.qualified_name() for app in listed.items])
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=page.model_dump(mode="json", exclude_none=True),
    )


def closest_names_hint(pattern: str, names: list[str]) -> str:
    """Suggest names like the pattern's fixed part, for a pattern that matched nothing."""
    fixed_part = pattern.replace("*", "").replace("?", "")
    suggestions = closest_names(fixed_part, names)
    return f" Closest names: {', '.join(suggestions)}." if suggestions else ""


def matches_pattern(app: Application, pattern: str | None) -> bool:
    """Match as batch_sync selects apps: a case-insensitive glob on the name (namespace/name with a slash)."""
    if not pattern:
        return True
    lowered = pattern.lower()
    return fnmatch.fnmatchcase(glob_subject(app, lowered), lowered)


def build_page(matches: list[Application], *, limit: int, offset: int) -> ApplicationPage:
    records = [application_row(app) for app in matches[offset : offset + limit]]
    columns, rows, common = pack_columns(records)
    return ApplicationPage(
        total=len(matches),
        offset=offset,
        limit=limit,
        returned=len(records),
        has_more=offset + len(records) < len(matches),
        health_totals=dict(Counter(app.status.health.status for app in matches)),
        sync_totals=dict(Counter(app.status.sync.status for app in matches)),
        columns=columns,
        rows=rows,
        common=common,
    )


def pack_columns(
    records: list[ApplicationRow],
) -> tuple[list[ListColumn], list[list[str | None]], dict[ListColumn, str | None]]:
    """Split the fields into the columns that vary between rows and those with one value on the page.

    Returns the varying columns in LIST_COLUMNS order, each record's values for them, and the
    value of every other column. `name` always counts as varying, so that each row names its
    app even on a one-row page. A page without rows has every column and nothing in common.
    """
    if not records:
        return list(LIST_COLUMNS), [], {}

    values = [[getattr(record, column) for column in LIST_COLUMNS] for record in records]
    varying: list[int] = []
    common: dict[ListColumn, str | None] = {}
    for index, column in enumerate(LIST_COLUMNS):
        first = values[0][index]
        if column != "name" and all(row[index] == first for row in values):
            common[column] = first
        else:
            varying.append(index)

    columns = [LIST_COLUMNS[index] for index in varying]
    rows = [[row[index] for index in varying] for row in values]
    return columns, rows, common


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

    if page.returned:
        shown_range = f"showing {page.offset + 1}-{page.offset + page.returned}"
    else:
        shown_range = f"none left at offset {page.offset}"
    lines = [
        f"{page.total} {noun} {scope}; {shown_range}.",
        f"Health: {count_phrase(page.health_totals)}. Sync: {count_phrase(page.sync_totals)}.",
    ]
    if page.returned:
        lines.append("")
        if page.common:
            lines.append(shared_values_line(dict(page.common)))
        headers = [column.upper() for column in page.columns]
        cells = [[value or "" for value in row] for row in page.rows]
        lines.append(text_table(headers, cells))
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
