"""sync_application: sync one app, and by default wait until it is Synced and Healthy."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp_types import CallToolResult, TextContent
from pydantic import Field

from argonaut_mcp.argocd.models import Application
from argonaut_mcp.rollout.contracts import BatchSyncResult
from argonaut_mcp.rollout.runs import RunRegistry
from argonaut_mcp.server.allowlist import check_allowed
from argonaut_mcp.server.errors import call_for_app
from argonaut_mcp.server.formatting import one_line, short_revision
from argonaut_mcp.server.models import SyncApplicationResult, SyncOutcome
from argonaut_mcp.server.rollouts import parse_arguments, run_with_progress
from argonaut_mcp.server.state import server_state
from argonaut_mcp.server.summaries import next_step_lines
from argonaut_mcp.server.tools.common import WRITE, AppName, HealthTimeoutArg, InstanceArg, make_tool, require_text

RUN_OUTCOMES: dict[str, SyncOutcome] = {"complete": "ready", "aborted": "failed", "cancelled": "cancelled"}


async def sync_application(
    ctx: Context,
    name: AppName,
    revision: Annotated[
        str | None, Field(description="Git revision to sync to; default: the app's target revision")
    ] = None,
    prune: Annotated[bool, Field(description="delete resources that are no longer in Git")] = False,
    dry_run: Annotated[
        bool, Field(description="ask Argo CD for a dry-run sync that changes nothing; never waits")
    ] = False,
    wait: Annotated[bool, Field(description="wait until the app is Synced and Healthy, sending progress")] = True,
    health_timeout_seconds: HealthTimeoutArg = 300,
    instance: InstanceArg = None,
) -> Annotated[CallToolResult, SyncApplicationResult]:
    """Sync one Argo CD application. By default it waits, with progress, until the sync has
    finished and the app is Synced and Healthy, or the timeout passes (one attempt, no retry).

    For several apps use batch_sync instead, which rolls out in health-gated batches.
    """
    state = server_state(ctx)
    instance_name = state.instance_name(instance)
    name = require_text("name", name)
    client = state.clients[instance_name]
    params = parse_arguments(
        "sync_application",
        apps=[name],
        batch_size=1,
        max_retries=0,
        health_timeout_seconds=health_timeout_seconds,
        revision=revision,
        prune=prune,
    )
    await check_allowed(client, params, state.settings)

    if dry_run or not wait:
        reject_if_busy(state.registry, name)
        app = await call_for_app(
            client,
            "sync",
            name,
            lambda: client.sync_application(name, revision=revision or None, prune=prune, dry_run=dry_run),
        )
        return tool_result(requested_result(name, app, dry_run=dry_run))

    result = await run_with_progress(ctx, state, client, params)
    if result.status in ("invalid", "no_match"):
        raise ToolError(f"Could not sync '{name}': {result.message}. Nothing was synced.")
    return tool_result(waited_result(name, result))


def reject_if_busy(registry: RunRegistry, name: str) -> None:
    """Refuse to sync an app that a running batch sync holds, so its run is not disturbed."""
    for record in registry.runs():
        if not record.done and (name in record.claimed_apps or name.split("/")[-1] in record.claimed_apps):
            raise ToolError(
                f"Application '{name}' is being synced by batch sync run {record.run_id}. "
                "Wait for it (get_batch_sync_status) or cancel it (cancel_batch_sync) first."
            )


def requested_result(name: str, app: Application, *, dry_run: bool) -> SyncApplicationResult:
    kind = "Dry-run sync" if dry_run else "Sync"
    message = f"{kind} of '{name}' accepted by Argo CD; not waited for. get_application shows the operation's phase."
    return SyncApplicationResult(
        app=name,
        outcome="requested",
        message=message,
        sync=app.status.sync.status,
        health=app.status.health.status,
        health_message=app.status.health.message,
        operation_phase="Running" if app.operation is not None else None,
        revision=app.status.sync.revision,
        dry_run=dry_run,
    )


def waited_result(name: str, result: BatchSyncResult) -> SyncApplicationResult:
    report = result.apps[0] if result.apps else None
    outcome = RUN_OUTCOMES.get(result.status, "failed")
    if outcome == "ready":
        message = f"'{name}' is Synced and Healthy."
    else:
        message = one_line(result.message)
    return SyncApplicationResult(
        app=report.name if report else name,
        outcome=outcome,
        message=message,
        sync=report.sync if report else "Unknown",
        health=report.health if report else "Unknown",
        health_message=report.health_message if report else None,
        operation_phase=report.phase if report else None,
        attempts=report.attempts if report else 0,
        duration_seconds=result.duration_seconds,
        run_id=result.run_id,
        next_steps=result.next_steps,
    )


def describe(result: SyncApplicationResult) -> str:
    lines = [
        result.message,
        f"State: {result.sync}/{result.health}" + (f" ({result.health_message})" if result.health_message else ""),
    ]
    if result.operation_phase:
        lines.append(f"Operation: {result.operation_phase}")
    if result.revision:
        lines.append(f"Revision: {short_revision(result.revision)}")
    lines.extend(next_step_lines(result.next_steps))
    if result.run_id:
        lines.append(f"Run id: {result.run_id}")
    return "\n".join(lines)


def tool_result(result: SyncApplicationResult) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=describe(result))],
        structured_content=result.model_dump(mode="json", by_alias=True, exclude_none=True),
    )


def tools(*, with_instance: bool) -> list[Tool]:
    return [make_tool(sync_application, with_instance=with_instance, title="Sync application", annotations=WRITE)]
