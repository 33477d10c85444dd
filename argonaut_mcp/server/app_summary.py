"""Summarize one Application for get_application: state, operation, resources, deployments."""

from __future__ import annotations

from collections import Counter

from argonaut_mcp.argocd.models import Application, ResourceNode, ResourceStatus, ResourceTree
from argonaut_mcp.server.formatting import count_phrase, health_rank, one_line, short_revision, truncate_text
from argonaut_mcp.server.models import (
    ApplicationSummary,
    ConditionSummary,
    DeploymentSummary,
    OperationSummary,
    ResourceSummary,
)

MAX_UNHEALTHY_RESOURCES = 20
MAX_RECENT_DEPLOYMENTS = 5
MAX_MESSAGE_CHARS = 300
RUNNING_PHASES = ("Running", "Terminating")


def summarize_application(app: Application, tree: ResourceTree | None) -> ApplicationSummary:
    """Build the summary; resource health comes from `status.resources` or, failing that, the tree.

    Argo CD 3.x keeps resource health in the resource tree by default
    (`resourceHealthSource: appTree`), so `status.resources` often carries none.
    """
    source = app.spec.source or (app.spec.sources[0] if app.spec.sources else None)
    destination = app.spec.destination
    health_counts, unhealthy = resource_health(app, tree)
    history = sorted(app.status.history, key=lambda entry: entry.id or 0, reverse=True)[:MAX_RECENT_DEPLOYMENTS]

    return ApplicationSummary(
        name=app.qualified_name(),
        app_namespace=app.metadata.namespace,
        project=app.spec.project,
        repo=source.repo_url if source else None,
        path=(source.path or source.chart) if source else None,
        target_revision=source.target_revision if source else None,
        destination_server=(destination.server or destination.name) if destination else None,
        destination_namespace=destination.namespace if destination else None,
        auto_sync=app.auto_sync_enabled,
        sync=app.status.sync.status,
        sync_revision=app.status.sync.revision,
        health=app.status.health.status,
        health_message=short_message(app.status.health.message),
        operation=operation_summary(app),
        conditions=[
            ConditionSummary(type=condition.type, message=short_message(condition.message) or "")
            for condition in app.status.conditions
        ],
        resource_health=health_counts,
        out_of_sync_resources=sum(1 for resource in app.status.resources if resource.status == "OutOfSync"),
        unhealthy_resources=unhealthy[:MAX_UNHEALTHY_RESOURCES],
        unhealthy_total=len(unhealthy),
        recent_deployments=[
            DeploymentSummary(id=entry.id, revision=entry.revision, deployed_at=entry.deployed_at) for entry in history
        ],
    )


def short_message(text: str | None) -> str | None:
    return truncate_text(one_line(text), MAX_MESSAGE_CHARS) or None


def resource_health(app: Application, tree: ResourceTree | None) -> tuple[dict[str, int], list[ResourceSummary]]:
    """Count resources per health status and list those not Healthy, the worst first."""
    managed = [resource for resource in app.status.resources if resource.health is not None]
    if managed:
        counts = Counter(resource.health.status for resource in managed if resource.health)
        unhealthy = [
            from_status(resource) for resource in managed if resource.health and resource.health.status != "Healthy"
        ]
    elif tree is not None:
        nodes = [node for node in tree.nodes if node.health is not None]
        counts = Counter(node.health.status for node in nodes if node.health)
        unhealthy = [from_node(node) for node in nodes if node.health and node.health.status != "Healthy"]
    else:
        return {}, []
    unhealthy.sort(key=lambda resource: (health_rank(resource.health), resource.kind, resource.name))
    return dict(counts), unhealthy


def from_status(resource: ResourceStatus) -> ResourceSummary:
    health = resource.health
    return ResourceSummary(
        kind=resource.kind,
        name=resource.name,
        namespace=resource.namespace,
        health=health.status if health else None,
        sync=resource.status,
        message=short_message(health.message if health else None),
    )


def from_node(node: ResourceNode) -> ResourceSummary:
    health = node.health
    return ResourceSummary(
        kind=node.kind,
        name=node.name,
        namespace=node.namespace,
        health=health.status if health else None,
        message=short_message(health.message if health else None),
    )


def operation_summary(app: Application) -> OperationSummary | None:
    state = app.status.operation_state
    if state is None and app.operation is None:
        return None
    if state is None:
        return OperationSummary(phase="Running", running=True, message="requested, not started yet")

    revision = state.sync_result.revision if state.sync_result else None
    return OperationSummary(
        phase=state.phase,
        message=short_message(state.message),
        started_at=state.started_at,
        finished_at=state.finished_at,
        revision=revision,
        running=app.operation is not None or state.phase in RUNNING_PHASES,
    )


def render_summary(summary: ApplicationSummary) -> str:
    lines = [f"Application {summary.name} (project {summary.project})"]
    sync = f"Sync: {summary.sync}"
    if summary.sync_revision:
        sync += f" at {short_revision(summary.sync_revision)}"
    lines.append(sync)
    health = f"Health: {summary.health}"
    if summary.health_message:
        health += f" ({summary.health_message})"
    lines.append(health)
    if summary.repo:
        lines.append(f"Source: {summary.repo} {summary.path or '-'} @ {summary.target_revision or 'HEAD'}")
    if summary.destination_namespace or summary.destination_server:
        lines.append(
            f"Destination: {summary.destination_server or '-'} namespace {summary.destination_namespace or '-'}"
        )
    lines.append(f"Auto-sync: {'on' if summary.auto_sync else 'off'}")
    if summary.operation is not None:
        lines.append(operation_line(summary.operation))
    lines.extend(f"Condition {condition.type}: {condition.message}" for condition in summary.conditions)
    lines.extend(resource_lines(summary))
    if summary.recent_deployments:
        deployed = ", ".join(
            f"#{entry.id} {short_revision(entry.revision)} at {entry.deployed_at or '?'}"
            for entry in summary.recent_deployments
        )
        lines.append(f"Recent deployments: {deployed}")
    return "\n".join(lines)


def operation_line(operation: OperationSummary) -> str:
    text = f"Operation: {operation.phase or 'unknown'}"
    if operation.message:
        text += f": {operation.message}"
    if operation.finished_at:
        text += f" (finished {operation.finished_at})"
    elif operation.started_at:
        text += f" (started {operation.started_at})"
    return text


def resource_lines(summary: ApplicationSummary) -> list[str]:
    lines: list[str] = []
    if summary.resource_health:
        lines.append(f"Resources: {count_phrase(summary.resource_health)}; {summary.out_of_sync_resources} OutOfSync")
    if summary.unhealthy_resources:
        lines.append(f"Not healthy ({summary.unhealthy_total}):")
    for resource in summary.unhealthy_resources:
        where = f"{resource.namespace}/{resource.name}" if resource.namespace else resource.name
        text = f"  {resource.health} {resource.kind} {where}"
        if resource.message:
            text += f": {resource.message}"
        lines.append(text)
    hidden = summary.unhealthy_total - len(summary.unhealthy_resources)
    if hidden > 0:
        lines.append(f"  ... and {hidden} more (see get_resource_tree)")
    return lines
