"""Read tools for diagnosing one application: logs, Kubernetes events, the resource tree."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from pydantic import Field

from argonaut_mcp.argocd.models import KubeEvent, LogEntry, ResourceNode
from argonaut_mcp.server.errors import call_for_app
from argonaut_mcp.server.formatting import count_phrase, health_rank, one_line, truncate_text
from argonaut_mcp.server.state import server_state
from argonaut_mcp.server.tools.common import (
    READ_ONLY,
    AppName,
    InstanceArg,
    make_tool,
    number_arg,
    parse_count,
    require_text,
)

MAX_TAIL_LINES = 1000
MAX_EVENTS = 200
MAX_NODES = 500
MAX_LOG_CHARS = 16_000
MAX_LOG_LINE_CHARS = 1_000
MAX_EVENT_MESSAGE_CHARS = 300

TailLinesArg = number_arg(f"last lines per container, 1 to {MAX_TAIL_LINES}", 1, MAX_TAIL_LINES)
EventLimitArg = number_arg(f"events to return, newest first, 1 to {MAX_EVENTS}", 1, MAX_EVENTS)
NodeLimitArg = number_arg(f"nodes to list, 1 to {MAX_NODES}", 1, MAX_NODES)


async def get_application_logs(
    ctx: Context,
    name: AppName,
    tail_lines: TailLinesArg = 100,
    container: Annotated[str | None, Field(description="container name; default: each pod's first container")] = None,
    kind: Annotated[
        str | None, Field(description="only pods of this resource kind, such as Deployment (with resource_name)")
    ] = None,
    resource_name: Annotated[str | None, Field(description="only pods of the resource with this name")] = None,
    pod_name: Annotated[str | None, Field(description="only this pod")] = None,
    since_seconds: Annotated[int | None, Field(ge=1, description="only lines newer than this many seconds")] = None,
    filter: Annotated[str | None, Field(description="only lines containing this text")] = None,
    instance: InstanceArg = None,
) -> str:
    """Read the last log lines of an application's pods (no follow), newest last.

    Narrow to one workload with kind and resource_name, or one pod with pod_name. The output
    is capped at about 16,000 characters, so the oldest lines are dropped when it is longer.
    """
    state = server_state(ctx)
    instance_name = state.instance_name(instance)
    name = require_text("name", name)

    tail_lines = parse_count("tail_lines", tail_lines, 1, MAX_TAIL_LINES)
    client = state.clients[instance_name]

    async def read_logs() -> list[LogEntry]:
        return await client.get_logs(
            name,
            tail_lines=tail_lines,
            container=container or None,
            kind=kind or None,
            resource_name=resource_name or None,
            pod_name=pod_name or None,
            since_seconds=since_seconds,
            filter=filter or None,
        )

    entries = await call_for_app(client, "read the logs of", name, read_logs)
    return render_logs(name, entries)


def render_logs(name: str, entries: list[LogEntry]) -> str:
    if not entries:
        return (
            f"No log lines for application '{name}' with these filters. "
            "Check get_resource_tree for its pods, or widen since_seconds or the filter."
        )

    lines = [log_line(entry) for entry in entries]
    recent: list[str] = []
    size = 0
    for line in reversed(lines):
        size += len(line) + 1
        if size > MAX_LOG_CHARS:
            break
        recent.append(line)
    recent.reverse()

    header = f"Last {len(recent)} log lines of application '{name}'"
    if len(recent) < len(lines):
        header += (
            f" ({len(lines) - len(recent)} older lines cut to keep the output short; lower tail_lines or set filter)"
        )
    return "\n".join([header + ":", *recent])


def log_line(entry: LogEntry) -> str:
    pod = f"[{entry.pod_name}] " if entry.pod_name else ""
    return truncate_text(f"{pod}{entry.content.rstrip()}", MAX_LOG_LINE_CHARS)


async def get_application_events(
    ctx: Context,
    name: AppName,
    resource_name: Annotated[
        str | None, Field(description="only events of this resource (with resource_namespace)")
    ] = None,
    resource_namespace: Annotated[str | None, Field(description="namespace of resource_name")] = None,
    limit: EventLimitArg = 30,
    instance: InstanceArg = None,
) -> str:
    """List the Kubernetes events of an application and its resources, newest first.

    Warnings such as BackOff, FailedScheduling or Unhealthy usually explain a Degraded or
    Progressing app.
    """
    state = server_state(ctx)
    instance_name = state.instance_name(instance)
    name = require_text("name", name)

    limit = parse_count("limit", limit, 1, MAX_EVENTS)
    client = state.clients[instance_name]

    async def read_events() -> list[KubeEvent]:
        return await client.get_events(
            name, resource_name=resource_name or None, resource_namespace=resource_namespace or None
        )

    events = await call_for_app(client, "read the events of", name, read_events)
    return render_events(name, events, limit)


def event_time(event: KubeEvent) -> str:
    return event.last_timestamp or event.first_timestamp or event.metadata.creation_timestamp or ""


def render_events(name: str, events: list[KubeEvent], limit: int) -> str:
    if not events:
        return f"No Kubernetes events for application '{name}'. Kubernetes keeps events for about an hour by default."

    newest = sorted(events, key=event_time, reverse=True)[:limit]
    types = Counter(event.type or "Normal" for event in events)
    lines = [f"{len(events)} events for application '{name}' ({count_phrase(types)}); newest {len(newest)}:"]
    for event in newest:
        target = event.involved_object
        obj = f"{target.kind or '?'}/{target.name or '?'}"
        repeat = f" (x{event.count})" if event.count and event.count > 1 else ""
        message = truncate_text(one_line(event.message), MAX_EVENT_MESSAGE_CHARS)
        lines.append(
            f"{event_time(event) or '-'} {event.type or 'Normal'} {event.reason or '-'} {obj}{repeat}: {message}"
        )
    return "\n".join(lines)


async def get_resource_tree(
    ctx: Context,
    name: AppName,
    limit: NodeLimitArg = 100,
    instance: InstanceArg = None,
) -> str:
    """Show the Kubernetes resources of an application (Deployments, ReplicaSets, Pods, ...)
    with their health, unhealthy ones first, each with its health message and parent.
    """
    state = server_state(ctx)
    instance_name = state.instance_name(instance)
    name = require_text("name", name)

    limit = parse_count("limit", limit, 1, MAX_NODES)
    client = state.clients[instance_name]
    tree = await call_for_app(client, "read the resource tree of", name, lambda: client.get_resource_tree(name))
    return render_tree(name, tree.nodes, tree.orphaned_nodes, limit)


def render_tree(name: str, nodes: list[ResourceNode], orphaned: list[ResourceNode], limit: int) -> str:
    if not nodes:
        return f"Application '{name}' has no resources in its tree yet (never synced, or nothing deployed)."

    ordered = sorted(
        nodes,
        key=lambda node: (
            health_rank(node.health.status if node.health else None),
            node.kind,
            node.namespace or "",
            node.name,
        ),
    )
    health_counts = Counter(node.health.status if node.health else "no health" for node in nodes)
    lines = [f"{len(nodes)} resources of application '{name}': {count_phrase(health_counts)}."]
    if orphaned:
        lines.append(f"{len(orphaned)} orphaned resources in the destination namespace are not listed.")

    by_uid = {node.uid: node for node in nodes if node.uid}
    for node in ordered[:limit]:
        lines.append(node_line(node, by_uid))
    hidden = ordered[limit:]
    if hidden:
        hidden_counts = Counter(node.health.status if node.health else "no health" for node in hidden)
        lines.append(f"... {len(hidden)} more resources ({count_phrase(hidden_counts)}); raise limit to see them.")
    return "\n".join(lines)


def node_line(node: ResourceNode, by_uid: dict[str, ResourceNode]) -> str:
    health = node.health.status if node.health else "-"
    where = f"{node.namespace}/{node.name}" if node.namespace else node.name
    line = f"{health} {node.kind} {where}"
    parents = [by_uid.get(ref.get("uid", "")) for ref in node.parent_refs]
    names = [f"{parent.kind}/{parent.name}" for parent in parents if parent is not None]
    if not names:
        names = [f"{ref.get('kind', '?')}/{ref.get('name', '?')}" for ref in node.parent_refs]
    if names:
        line += f" (in {', '.join(names)})"
    if node.health and node.health.message:
        line += f": {truncate_text(one_line(node.health.message), MAX_EVENT_MESSAGE_CHARS)}"
    return line


def tools(*, with_instance: bool) -> list[Tool]:
    options: dict[str, Any] = {"with_instance": with_instance, "annotations": READ_ONLY, "structured_output": False}
    return [
        make_tool(get_application_logs, title="Get application logs", **options),
        make_tool(get_application_events, title="Get application events", **options),
        make_tool(get_resource_tree, title="Get resource tree", **options),
    ]
