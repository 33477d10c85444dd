"""batch_sync and its companions: get_batch_sync_status and cancel_batch_sync."""

from __future__ import annotations

from typing import Annotated

import anyio
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp_types import CallToolResult, TextContent
from pydantic import Field

from argonaut_mcp.rollout.contracts import BatchSyncProgress, BatchSyncResult
from argonaut_mcp.rollout.params import BatchSyncParams
from argonaut_mcp.rollout.runs import RunRecord
from argonaut_mcp.server.allowlist import check_allowed
from argonaut_mcp.server.models import RunStatusReport
from argonaut_mcp.server.rollouts import parse_arguments, run_with_progress, start_in_background
from argonaut_mcp.server.state import ServerState, server_state
from argonaut_mcp.server.summaries import describe_result, describe_run
from argonaut_mcp.server.tools.common import (
    CONTROL,
    READ_ONLY,
    WRITE,
    HealthTimeoutArg,
    InstanceArg,
    make_tool,
    number_arg,
)
from argonaut_mcp.server.ui import BATCH_PROGRESS_TOOL_META, STATUS_TOOL_META

# Real seconds cancel_batch_sync waits for the run to record its cancelled result.
CANCEL_WAIT_SECONDS = 5.0
# Statuses where the tool did nothing and the model should correct its call.
REJECTED_STATUSES = ("invalid", "no_match")


BatchSizeArg = number_arg("apps synced together in one batch, 1 to 500", 1, 500)
MaxRetriesArg = number_arg("extra attempts per app after a failed or timed-out sync, 0 to 10", 0, 10)
AppsArg = Annotated[
    list[str] | str | None,
    Field(description="explicit app names in rollout order (or one comma-separated string); give this or pattern"),
]
PatternArg = Annotated[
    str | None,
    Field(description="glob on app names, case-insensitive, such as 'mentor-web-*'; give this or apps"),
]
RunIdArg = Annotated[str, Field(description="the run id that batch_sync returned")]
OptionalRunIdArg = Annotated[
    str | None, Field(description="the run id that batch_sync returned; omit it for the most recent run")
]


async def batch_sync(
    ctx: Context,
    pattern: PatternArg = None,
    apps: AppsArg = None,
    batch_size: BatchSizeArg = 3,
    max_retries: MaxRetriesArg = 2,
    health_timeout_seconds: HealthTimeoutArg = 300,
    revision: Annotated[
        str | None, Field(description="Git revision to sync to; default: each app's target revision")
    ] = None,
    prune: Annotated[bool, Field(description="delete resources that are no longer in Git")] = False,
    only_out_of_sync: Annotated[
        bool, Field(description="leave out apps already Synced and Healthy; use it to resume an aborted rollout")
    ] = False,
    dry_run: Annotated[bool, Field(description="return the plan (batches in order) without syncing anything")] = False,
    project: Annotated[str | None, Field(description="only apps of this Argo CD project")] = None,
    selector: Annotated[str | None, Field(description="only apps with these labels, such as 'team=web'")] = None,
    app_namespace: Annotated[
        str | None, Field(description="only apps in this namespace (apps-in-any-namespace setups)")
    ] = None,
    sync_options: Annotated[
        list[str] | None, Field(description="Argo CD sync options, such as ['ServerSideApply=true']")
    ] = None,
    wait: Annotated[
        bool,
        Field(description="true: return when the run ends, with progress; false: return the run id at once"),
    ] = True,
    instance: InstanceArg = None,
) -> Annotated[CallToolResult, BatchSyncResult]:
    """Sync many Argo CD applications in health-gated batches: sync a batch, wait until every
    app of it is Synced and Healthy, then start the next batch.

    Long-running: it can take many minutes and sends progress while it runs. Call
    list_applications with the same pattern first and confirm the matches with the user.
    A failed app is re-synced up to max_retries times; an app out of attempts aborts the
    run, and no later batch starts. Apps are synced in name order (pattern) or the given
    order (apps). The result names every app's fate and the next diagnosis steps.
    """
    state = server_state(ctx)
    instance_name = state.instance_name(instance)
    params = parse_arguments(
        "batch_sync",
        pattern=pattern,
        apps=apps,
        batch_size=batch_size,
        max_retries=max_retries,
        health_timeout_seconds=health_timeout_seconds,
        revision=revision,
        prune=prune,
        only_out_of_sync=only_out_of_sync,
        dry_run=dry_run,
        project=project,
        selector=selector,
        app_namespace=app_namespace,
        sync_options=sync_options,
    )
    client = state.clients[instance_name]
    await check_allowed(client, params, state.settings)

    if not wait and not params.dry_run:
        return batch_tool_result(started_result(start_in_background(state, client, params), params))
    result = await run_with_progress(ctx, state, client, params)
    return batch_tool_result(result)


def started_result(record: RunRecord, params: BatchSyncParams) -> BatchSyncResult:
    message = (
        f"Batch sync run {record.run_id} started in the background. Call get_batch_sync_status with "
        f"run_id '{record.run_id}' to follow it, or cancel_batch_sync to stop it."
    )
    return BatchSyncResult(
        run_id=record.run_id,
        status="running",
        message=message,
        pattern=params.pattern,
        batch_size=params.batch_size,
        max_retries=params.max_retries,
    )


def batch_tool_result(result: BatchSyncResult) -> CallToolResult:
    """Build the tool result: the text summary and the structured result, marked as an error for a rejected run."""
    return CallToolResult(
        content=[TextContent(type="text", text=describe_result(result))],
        structured_content=result.model_dump(mode="json", by_alias=True),
        is_error=result.status in REJECTED_STATUSES or never_started(result),
    )


def never_started(result: BatchSyncResult) -> bool:
    """Tell whether a run aborted before it had a plan, as when listing the apps failed (a 401, say)."""
    return result.status == "aborted" and not result.batches


async def get_batch_sync_status(
    ctx: Context, run_id: OptionalRunIdArg = None
) -> Annotated[CallToolResult, RunStatusReport]:
    """Read the latest state of a batch_sync run: the current batch and each app's sync and
    health while it runs, and its full result once it has ended.

    It works after a cancel and for runs started with wait=false. Without run_id it reads the
    most recent run, for a host that lost its batch_sync call.
    """
    state = server_state(ctx)
    record = find_run(state, run_id) if run_id else latest_run(state)
    return status_tool_result(run_report(record))


async def cancel_batch_sync(ctx: Context, run_id: RunIdArg) -> Annotated[CallToolResult, RunStatusReport]:
    """Stop a running batch_sync run: no new sync starts and waiting ends. Syncs Argo CD has
    already accepted are left to finish. Returns the run's state after the cancel.
    """
    state = server_state(ctx)
    record = find_run(state, run_id)
    if record.done:
        report = run_report(record)
        report.message = f"Run {record.run_id} had already ended ({report.status}); nothing to cancel."
        return status_tool_result(report)

    state.registry.cancel(record.run_id)
    with anyio.move_on_after(CANCEL_WAIT_SECONDS):
        await state.finished_event(record.run_id).wait()
    return status_tool_result(run_report(record))


def find_run(state: ServerState, run_id: str) -> RunRecord:
    record = state.registry.get(run_id.strip())
    if record is None:
        raise ToolError(
            f"No batch sync run with id '{run_id}' on this server. Run ids come from batch_sync; this server "
            f"keeps the last {state.registry.max_history} runs in memory and forgets them on restart."
        )
    return record


def latest_run(state: ServerState) -> RunRecord:
    runs = state.registry.runs()
    if not runs:
        raise ToolError("No batch sync run has started on this server yet; batch_sync starts one.")
    return runs[-1]


def run_report(record: RunRecord) -> RunStatusReport:
    if record.result is not None:
        return RunStatusReport(
            run_id=record.run_id,
            status=record.result.status,
            done=True,
            message=record.result.message,
            progress=record.snapshot,
            result=record.result,
        )

    message = record.snapshot.message if record.snapshot is not None else "starting"
    if record.cancel_requested:
        message = f"cancel requested; {message}"
    return RunStatusReport(
        run_id=record.run_id, status="running", done=False, message=message, progress=record.snapshot
    )


def status_tool_result(report: RunStatusReport) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=describe_run(report))],
        structured_content=report.model_dump(mode="json", by_alias=True, exclude_none=True),
    )


def tools(*, with_instance: bool) -> list[Tool]:
    """Build batch_sync, get_batch_sync_status and cancel_batch_sync."""
    return [
        make_tool(
            batch_sync,
            with_instance=with_instance,
            title="Batch sync applications",
            annotations=WRITE,
            meta=BATCH_PROGRESS_TOOL_META,
        ),
        make_tool(
            get_batch_sync_status,
            with_instance=with_instance,
            title="Get batch sync status",
            annotations=READ_ONLY,
            meta=STATUS_TOOL_META,
        ),
        make_tool(cancel_batch_sync, with_instance=with_instance, title="Cancel a batch sync", annotations=CONTROL),
    ]
