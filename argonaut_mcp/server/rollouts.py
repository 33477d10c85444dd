"""Run the batch sync engine for a tool call: in the request with progress, or in the background."""

from __future__ import annotations

import logging
from typing import Any

import anyio
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from argonaut_mcp.argocd import ArgoCDClient
from argonaut_mcp.rollout.contracts import BatchSyncResult
from argonaut_mcp.rollout.engine import run_batch_sync
from argonaut_mcp.rollout.params import BatchSyncParams, InvalidParametersError, parse_params
from argonaut_mcp.rollout.runs import RunRecord
from argonaut_mcp.server.progress import ProgressReporter
from argonaut_mcp.server.state import ServerState
from argonaut_mcp.server.summaries import headline

logger = logging.getLogger(__name__)


def parse_arguments(tool: str, **raw: Any) -> BatchSyncParams:
    """Parse a tool's run arguments, or raise a ToolError naming the bad value; nothing is synced then."""
    try:
        return parse_params(**raw)
    except InvalidParametersError as error:
        raise ToolError(f"Invalid {tool} arguments: {error.message}. Nothing was synced.") from error


async def run_with_progress(
    ctx: Context, state: ServerState, client: ArgoCDClient, params: BatchSyncParams
) -> BatchSyncResult:
    """Run the engine in this request and forward its progress as MCP notifications.

    A cancel from the host cancels this coroutine: the engine records the run as cancelled
    in the registry first, so get_batch_sync_status can still read it.
    """
    record = state.registry.start()
    reporter = ProgressReporter(ctx.report_progress, state.clock)
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(reporter.send_heartbeats)
            result = await run_batch_sync(
                client,
                params,
                on_progress=reporter.on_progress,
                clock=state.clock,
                registry=state.registry,
                run_id=record.run_id,
            )
            group.cancel_scope.cancel()
    except Exception as error:
        raise ToolError(unexpected_error_message(record, error)) from error
    finally:
        state.mark_finished(record.run_id)

    await reporter.finish(result, headline(result))
    return result


def start_in_background(state: ServerState, client: ArgoCDClient, params: BatchSyncParams) -> RunRecord:
    """Start the run in the server's task group and return its record at once."""
    record = state.registry.start()
    state.background.start_soon(run_in_background, state, client, params, record.run_id)
    logger.info("batch sync run %s started in the background on instance %s", record.run_id, client.instance)
    return record


async def run_in_background(state: ServerState, client: ArgoCDClient, params: BatchSyncParams, run_id: str) -> None:
    """Run the engine without a listener; an `Exception` is logged, not raised into the server's task group."""
    try:
        await run_batch_sync(client, params, clock=state.clock, registry=state.registry, run_id=run_id)
    except Exception:
        logger.exception("background batch sync run %s failed unexpectedly", run_id)
    finally:
        state.mark_finished(run_id)


def unexpected_error_message(record: RunRecord, error: Exception) -> str:
    if record.result is not None and record.result.message:
        reason = record.result.message
    else:
        reason = f"{type(error).__name__}: {error}"
    return f"batch sync run {record.run_id} stopped: {reason}. get_batch_sync_status shows what was done."
